// The only source of time in metamock.
//
// Two kinds of time are read (DESIGN.md, "Time"):
// - virtual wall time, which drives everything on the wire and in the world
//   (timestamps, rotations, token expiry, the timeline). It comes from a
//   VirtualClock that starts at the scenario's start and runs at its rate;
// - real monotonic time, which drives what a client feels in real time
//   (delays, hang bounds, latencies, throttles).
// Both are `Clock`s, so any component can be handed a SimulatedClock in a
// test. Nothing outside server/clock/ reads the system's clocks.

#ifndef METAMOCK_SERVER_CLOCK_CLOCK_H_
#define METAMOCK_SERVER_CLOCK_CLOCK_H_

#include "absl/time/time.h"

namespace metamock {

// A source of absl::Time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;

  // The current time of this clock.
  virtual absl::Time Now() = 0;

  // The system's wall clock (UTC). Never null; lives for the process.
  static Clock* RealWall();

  // The system's monotonic clock, as an absl::Time counted from an arbitrary
  // origin: only differences between its readings mean anything. Never null;
  // lives for the process.
  static Clock* RealMonotonic();
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_CLOCK_CLOCK_H_
