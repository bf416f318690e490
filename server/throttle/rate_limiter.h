// Token buckets keyed by client (and, for the ECS agent, by path), in real
// time: a client feels throttling in real seconds whatever the virtual
// clock does (DESIGN.md, "Which clock").
//
// A bucket holds up to `burst` tokens, refills at `rate` per second, and
// each allowed request takes one. It is kept as the generic cell rate
// algorithm's "theoretical arrival time" in absl::Duration arithmetic, so a
// steady overload gets exactly `rate` per second, with no floating-point
// drift. Idle full buckets are dropped, so the map cannot grow without
// bound under many clients.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_THROTTLE_RATE_LIMITER_H_
#define METAMOCK_SERVER_THROTTLE_RATE_LIMITER_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/clock/clock.h"
#include "server/util/mutex.h"

namespace metamock {

class RateLimiter {
 public:
  // "*clock" (monotonic) must remain live while this RateLimiter is in use.
  explicit RateLimiter(Clock* clock) : clock_(clock) {}
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes a token from `key`'s bucket (`rate` per second, `burst` at most);
  // false when it is empty.
  bool Allow(absl::string_view key, double rate, double burst)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Forgets every bucket (a scenario reload).
  void Clear() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Bucket {
    // When the bucket would be full again if nothing more came.
    absl::Time full_at;
  };
  // Above this many buckets, full ones are dropped.
  static constexpr size_t kPruneAbove = 10000;

  Clock* const clock_;  // not owned
  Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_THROTTLE_RATE_LIMITER_H_
