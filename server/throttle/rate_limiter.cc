#include "server/throttle/rate_limiter.h"

#include <algorithm>

namespace metamock {

bool RateLimiter::Allow(absl::string_view key, double rate, double burst) {
  const absl::Time now = clock_->Now();
  MutexLock lock(&mu_);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst, now});
  Bucket& b = it->second;
  if (!inserted) {
    b.tokens = std::min(
        burst, b.tokens + absl::ToDoubleSeconds(now - b.updated) * rate);
    b.updated = now;
  }
  const bool allowed = b.tokens >= 1.0;
  if (allowed) b.tokens -= 1.0;
  if (buckets_.size() > kPruneAbove) {
    // Buckets that would be full again carry no information.
    for (auto i = buckets_.begin(); i != buckets_.end();) {
      const Bucket& x = i->second;
      if (x.tokens + absl::ToDoubleSeconds(now - x.updated) * rate >= burst) {
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
