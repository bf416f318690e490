#include "server/util/aws_time.h"

#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

TEST(AwsTime, FormatsWithLiteralZAndWholeSeconds) {
  absl::Time t = absl::FromUnixSeconds(1795428000) + absl::Milliseconds(999);
  EXPECT_EQ(FormatAwsTimestamp(t), "2026-11-23T10:00:00Z");
}

TEST(AwsTime, ParsesWhatItFormats) {
  absl::Time t = absl::FromUnixSeconds(1795428000);
  absl::StatusOr<absl::Time> parsed = ParseAwsTimestamp(FormatAwsTimestamp(t));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, t);
}

TEST(AwsTime, RejectsNonTimesWithTheText) {
  EXPECT_THAT(ParseAwsTimestamp("yesterday"),
              StatusIs(absl::StatusCode::kInvalidArgument, "\"yesterday\""));
}

TEST(AwsTime, FormatsHttpDates) {
  EXPECT_EQ(FormatHttpDate(absl::FromUnixSeconds(1644758237)),
            "Sun, 13 Feb 2022 13:17:17 GMT");
}

}  // namespace
}  // namespace metamock
