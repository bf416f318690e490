// The scenario's virtual wall clock.
//
// It reads `start` when the scenario is loaded and then runs at `rate` times
// real time (rate 0 freezes it; tests use that for exact documents). The
// control API moves it forward with Advance() or Set(); it never moves
// backwards except through Restart(), which a reset or reload uses to go back
// to the scenario's start.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_CLOCK_VIRTUAL_CLOCK_H_
#define METAMOCK_SERVER_CLOCK_VIRTUAL_CLOCK_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/clock/clock.h"
#include "server/util/mutex.h"

namespace metamock {

class VirtualClock : public Clock {
 public:
  // Starts at `start`, running at `rate` (>= 0) times the speed of "*base".
  // "*base" is normally Clock::RealMonotonic(); it must remain live while
  // this VirtualClock is in use.
  VirtualClock(absl::Time start, double rate, Clock* base);
  VirtualClock(const VirtualClock&) = delete;
  VirtualClock& operator=(const VirtualClock&) = delete;

  absl::Time Now() override ABSL_LOCKS_EXCLUDED(mu_);

  // Moves the clock forward by `d`. InvalidArgument, and no change, when `d`
  // is negative.
  absl::Status Advance(absl::Duration d) ABSL_LOCKS_EXCLUDED(mu_);

  // Moves the clock to `t`. InvalidArgument, and no change, when `t` is
  // before Now().
  absl::Status Set(absl::Time t) ABSL_LOCKS_EXCLUDED(mu_);

  // Starts again at `start` with `rate` (a scenario reset or reload).
  void Restart(absl::Time start, double rate) ABSL_LOCKS_EXCLUDED(mu_);

  // The time the clock (re)started at.
  absl::Time start() ABSL_LOCKS_EXCLUDED(mu_);

  // The clock's speed relative to real time.
  double rate() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Time NowLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Clock* const base_;  // not owned; immutable after construction
  Mutex mu_;
  absl::Time start_ ABSL_GUARDED_BY(mu_);        // virtual time at origin
  absl::Time base_origin_ ABSL_GUARDED_BY(mu_);  // base time at origin
  double rate_ ABSL_GUARDED_BY(mu_);             // virtual s per base s
  absl::Duration offset_ ABSL_GUARDED_BY(mu_);   // sum of Advance()/Set()
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_CLOCK_VIRTUAL_CLOCK_H_
