// A manually driven clock for tests and for anything that must not move by
// itself.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_CLOCK_SIMULATED_CLOCK_H_
#define METAMOCK_SERVER_CLOCK_SIMULATED_CLOCK_H_

#include "absl/time/time.h"
#include "server/clock/clock.h"
#include "server/util/mutex.h"

namespace metamock {

class SimulatedClock : public Clock {
 public:
  // Starts at `start`. Default: the Unix epoch.
  explicit SimulatedClock(absl::Time start = absl::UnixEpoch());
  SimulatedClock(const SimulatedClock&) = delete;
  SimulatedClock& operator=(const SimulatedClock&) = delete;

  absl::Time Now() override ABSL_LOCKS_EXCLUDED(mu_);

  // Moves the clock to `t` (any direction).
  void Set(absl::Time t) ABSL_LOCKS_EXCLUDED(mu_);

  // Moves the clock by `d` (any sign).
  void Advance(absl::Duration d) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);  // the time Now() returns
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_CLOCK_SIMULATED_CLOCK_H_
