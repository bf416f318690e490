#include "server/clock/virtual_clock.h"

#include <gtest/gtest.h>

#include "server/clock/simulated_clock.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

class VirtualClockTest : public ::testing::Test {
 protected:
  const absl::Time start_ = absl::FromUnixSeconds(1795428000);
  SimulatedClock real_{absl::FromUnixSeconds(50)};
};

TEST_F(VirtualClockTest, RunsAtItsRateFromTheStart) {
  VirtualClock clock(start_, 2.0, &real_);
  EXPECT_EQ(clock.Now(), start_);
  real_.Advance(absl::Seconds(10));
  EXPECT_EQ(clock.Now(), start_ + absl::Seconds(20));
}

TEST_F(VirtualClockTest, RateZeroFreezesIt) {
  VirtualClock clock(start_, 0.0, &real_);
  real_.Advance(absl::Hours(3));
  EXPECT_EQ(clock.Now(), start_);
}

TEST_F(VirtualClockTest, AdvanceMovesForwardOnly) {
  VirtualClock clock(start_, 0.0, &real_);
  EXPECT_THAT(clock.Advance(absl::Minutes(65)), IsOk());
  EXPECT_EQ(clock.Now(), start_ + absl::Minutes(65));
  EXPECT_THAT(clock.Advance(absl::Seconds(-1)),
              StatusIs(absl::StatusCode::kInvalidArgument, "forward"));
  EXPECT_EQ(clock.Now(), start_ + absl::Minutes(65));
}

TEST_F(VirtualClockTest, SetRejectsThePast) {
  VirtualClock clock(start_, 1.0, &real_);
  EXPECT_THAT(clock.Set(start_ + absl::Hours(2)), IsOk());
  EXPECT_EQ(clock.Now(), start_ + absl::Hours(2));
  EXPECT_THAT(clock.Set(start_),
              StatusIs(absl::StatusCode::kInvalidArgument, "before now"));
  EXPECT_EQ(clock.Now(), start_ + absl::Hours(2));
}

TEST_F(VirtualClockTest, RestartGoesBackToTheStart) {
  VirtualClock clock(start_, 1.0, &real_);
  ASSERT_THAT(clock.Advance(absl::Hours(5)), IsOk());
  real_.Advance(absl::Seconds(30));
  clock.Restart(start_, 0.0);
  EXPECT_EQ(clock.Now(), start_);
  EXPECT_EQ(clock.start(), start_);
  EXPECT_EQ(clock.rate(), 0.0);
}

}  // namespace
}  // namespace metamock
