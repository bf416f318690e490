#include "server/throttle/rate_limiter.h"

#include <algorithm>

namespace metamock {

bool RateLimiter::Allow(absl::string_view key, double rate, double burst) {
  const absl::Time now = clock_->Now();
  // Each request costs one interval; up to `burst` may be owed at once.
  const absl::Duration interval = absl::Seconds(1) / rate;
  const absl::Duration tolerance = interval * (std::max(burst, 1.0) - 1);
  MutexLock lock(&mu_);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{now});
  Bucket& b = it->second;
  const absl::Time full_at = std::max(b.full_at, now);
  const bool allowed = full_at - now <= tolerance;
  if (allowed) b.full_at = full_at + interval;
  if (buckets_.size() > kPruneAbove) {
    // Full buckets carry no information.
    for (auto i = buckets_.begin(); i != buckets_.end();) {
      if (i->second.full_at <= now) {
        buckets_.erase(i++);
      } else {
        ++i;
      }
    }
  }
  return allowed;
}

void RateLimiter::Clear() {
  MutexLock lock(&mu_);
  buckets_.clear();
}

}  // namespace metamock
