// The small XHTML error page AWS's IMDS answers errors with (404 is 339
// bytes, matching real captures). Used by IMDS and by fault presets.

#ifndef METAMOCK_SERVER_UTIL_XHTML_PAGE_H_
#define METAMOCK_SERVER_UTIL_XHTML_PAGE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace metamock {

// The XHTML error page titled `title`, e.g. "404 - Not Found".
std::string ImdsErrorPage(absl::string_view title);

}  // namespace metamock

#endif  // METAMOCK_SERVER_UTIL_XHTML_PAGE_H_
