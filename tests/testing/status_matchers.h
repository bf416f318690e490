// Local gMock matchers for absl::Status and absl::StatusOr (Debian's Abseil
// 20220623 ships none).

#ifndef METAMOCK_TESTS_TESTING_STATUS_MATCHERS_H_
#define METAMOCK_TESTS_TESTING_STATUS_MATCHERS_H_

#include <gmock/gmock.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"

namespace metamock {
namespace testing_internal {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace testing_internal

// Matches an OK Status or StatusOr.
MATCHER(IsOk, "is OK") {
  const absl::Status& status = testing_internal::GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status.ToString();
  return status.ok();
}

// Matches a Status or StatusOr with `code` whose message contains
// `substring`.
MATCHER_P2(StatusIs, code, substring,
           std::string("has code ") + absl::StatusCodeToString(code) +
               " and a message containing \"" + std::string(substring) + "\"") {
  const absl::Status& status = testing_internal::GetStatus(arg);
  *result_listener << "status is " << status.ToString();
  return status.code() == code &&
         absl::StrContains(status.message(), substring);
}

}  // namespace metamock

#endif  // METAMOCK_TESTS_TESTING_STATUS_MATCHERS_H_
