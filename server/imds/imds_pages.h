// The fixed pages and empty answers IMDS sends for errors.
//
// IMDS answers 404 (and, by the same template, 400 and 401) with a small
// XHTML page served as text/html; the 404 page is 339 bytes, matching the
// Content-Length of real captures. 403 and 405 have empty text/plain bodies.
// Every answer carries `Server: EC2ws`, which some tools use to detect IMDS;
// the service adds that header.

#ifndef METAMOCK_SERVER_IMDS_IMDS_PAGES_H_
#define METAMOCK_SERVER_IMDS_IMDS_PAGES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "server/http/http_types.h"
#include "server/util/xhtml_page.h"

namespace metamock {

// 400 - Bad Request page (a bad or missing token TTL).
HttpResponse ImdsBadRequest();
// 401 - Unauthorized page (a bad or expired token, or none when required).
HttpResponse ImdsUnauthorized();
// 403 with an empty body (PUT elsewhere than the token path,
// X-Forwarded-For on the token PUT).
HttpResponse ImdsForbidden();
// 404 - Not Found page.
HttpResponse ImdsNotFound();
// 429 - Too Many Requests page (a throttled client).
HttpResponse ImdsTooManyRequests();
// 405 with an empty body and `Allow: <allow>`.
HttpResponse ImdsMethodNotAllowed(absl::string_view allow);

}  // namespace metamock

#endif  // METAMOCK_SERVER_IMDS_IMDS_PAGES_H_
