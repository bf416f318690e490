#include "server/util/aws_time.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace metamock {

std::string FormatAwsTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseAwsTimestamp(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not an RFC 3339 time (e.g. 2026-11-23T10:00:00Z): \"", text, "\""));
  }
  return t;
}

std::string FormatHttpDate(absl::Time t) {
  return absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", t, absl::UTCTimeZone());
}

}  // namespace metamock
