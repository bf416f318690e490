#include "server/throttle/rate_limiter.h"

#include <gtest/gtest.h>

#include "server/clock/simulated_clock.h"

namespace metamock {
namespace {

class RateLimiterTest : public ::testing::Test {
 protected:
  int AllowedOf(int attempts, const std::string& key = "c") {
    int allowed = 0;
    for (int i = 0; i < attempts; ++i) allowed += limiter_.Allow(key, 10, 5);
    return allowed;
  }
  SimulatedClock clock_;
  RateLimiter limiter_{&clock_};
};

TEST_F(RateLimiterTest, AllowsTheBurstThenTheRate) {
  EXPECT_EQ(AllowedOf(20), 5);
  clock_.Advance(absl::Milliseconds(100));
  EXPECT_EQ(AllowedOf(20), 1);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(AllowedOf(20), 5);  // refilled, capped at the burst
}

TEST_F(RateLimiterTest, SteadyLoadGetsExactlyTheRate) {
  int allowed = AllowedOf(5);
  for (int step = 0; step < 1000; ++step) {  // 10 s in 10 ms steps
    clock_.Advance(absl::Milliseconds(10));
    allowed += AllowedOf(3);
  }
  EXPECT_EQ(allowed, 5 + 100);
}

TEST_F(RateLimiterTest, KeysAreIndependentAndClearForgets) {
  EXPECT_EQ(AllowedOf(10, "a"), 5);
  EXPECT_EQ(AllowedOf(10, "b"), 5);
  limiter_.Clear();
  EXPECT_EQ(AllowedOf(10, "a"), 5);
}

TEST_F(RateLimiterTest, ManyClientsDoNotGrowWithoutBound) {
  for (int i = 0; i < 50000; ++i) {
    limiter_.Allow("client-" + std::to_string(i), 10, 5);
    clock_.Advance(absl::Milliseconds(1));
  }
  // Still exact for a client seen again after its bucket was pruned.
  EXPECT_EQ(AllowedOf(10, "client-1"), 5);
}

}  // namespace
}  // namespace metamock
