// The timestamp formats AWS puts on the wire, in one place.
//
// IMDS and the ECS agent print times as `2026-11-23T10:00:00Z` (second
// precision, a literal Z); absl's RFC3339 formatter prints `+00:00`, which
// botocore's static-stability code would not parse. HTTP headers (Date,
// Last-Modified) use the IMF-fixdate form.

#ifndef METAMOCK_SERVER_UTIL_AWS_TIME_H_
#define METAMOCK_SERVER_UTIL_AWS_TIME_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace metamock {

// `2026-11-23T10:00:00Z`: UTC, seconds truncated.
std::string FormatAwsTimestamp(absl::Time t);

// Parses an RFC 3339 time such as `2026-11-23T10:00:00Z` (offsets and
// fractions accepted). InvalidArgument with the reason otherwise.
absl::StatusOr<absl::Time> ParseAwsTimestamp(absl::string_view text);

// `Mon, 23 Nov 2026 10:00:00 GMT`, for Date and Last-Modified headers.
std::string FormatHttpDate(absl::Time t);

}  // namespace metamock

#endif  // METAMOCK_SERVER_UTIL_AWS_TIME_H_
