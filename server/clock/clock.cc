#include "server/clock/clock.h"

#include <chrono>

#include "absl/time/clock.h"

namespace metamock {
namespace {

class RealWallClock : public Clock {
 public:
  absl::Time Now() override { return absl::Now(); }
};

class RealMonotonicClock : public Clock {
 public:
  absl::Time Now() override {
    // steady_clock never jumps when the wall clock is set.
    return absl::UnixEpoch() +
           absl::FromChrono(
               std::chrono::steady_clock::now().time_since_epoch());
  }
};

}  // namespace

Clock* Clock::RealWall() {
  static RealWallClock* const clock = new RealWallClock();
  return clock;
}

Clock* Clock::RealMonotonic() {
  static RealMonotonicClock* const clock = new RealMonotonicClock();
  return clock;
}

}  // namespace metamock
