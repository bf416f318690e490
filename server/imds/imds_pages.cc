#include "server/imds/imds_pages.h"

#include "absl/strings/str_cat.h"
#include "server/util/xhtml_page.h"

namespace metamock {
namespace {

HttpResponse Page(int status, absl::string_view title) {
  HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", "text/html");
  response.body = ImdsErrorPage(title);
  return response;
}

HttpResponse Empty(int status) {
  HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", "text/plain");
  return response;
}

}  // namespace

HttpResponse ImdsBadRequest() { return Page(400, "400 - Bad Request"); }
HttpResponse ImdsUnauthorized() { return Page(401, "401 - Unauthorized"); }
HttpResponse ImdsForbidden() { return Empty(403); }
HttpResponse ImdsNotFound() { return Page(404, "404 - Not Found"); }
HttpResponse ImdsTooManyRequests() {
  return Page(429, "429 - Too Many Requests");
}

HttpResponse ImdsMethodNotAllowed(absl::string_view allow) {
  HttpResponse response = Empty(405);
  response.headers.Set("Allow", allow);
  return response;
}

}  // namespace metamock
