#include "server/clock/simulated_clock.h"

namespace metamock {

SimulatedClock::SimulatedClock(absl::Time start) : now_(start) {}

absl::Time SimulatedClock::Now() {
  MutexLock lock(&mu_);
  return now_;
}

void SimulatedClock::Set(absl::Time t) {
  MutexLock lock(&mu_);
  now_ = t;
}

void SimulatedClock::Advance(absl::Duration d) {
  MutexLock lock(&mu_);
  now_ += d;
}

}  // namespace metamock
