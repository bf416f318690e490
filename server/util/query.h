// URL query strings, decoded as Go's net/url and most servers do.

#ifndef METAMOCK_SERVER_UTIL_QUERY_H_
#define METAMOCK_SERVER_UTIL_QUERY_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace metamock {

// Percent-decodes `text`; '+' is a space. Malformed escapes stay as they are.
std::string QueryDecode(absl::string_view text);

// The query's key=value pairs, in order, both decoded.
std::vector<std::pair<std::string, std::string>> QueryPairs(
    absl::string_view query);

// The first value of `key` ("" when absent).
std::string QueryValue(absl::string_view query, absl::string_view key);

}  // namespace metamock

#endif  // METAMOCK_SERVER_UTIL_QUERY_H_
