#include "server/clock/virtual_clock.h"

#include "absl/strings/str_cat.h"

namespace metamock {

VirtualClock::VirtualClock(absl::Time start, double rate, Clock* base)
    : base_(base),
      start_(start),
      base_origin_(base->Now()),
      rate_(rate),
      offset_(absl::ZeroDuration()) {}

absl::Time VirtualClock::NowLocked() {
  absl::Duration elapsed = base_->Now() - base_origin_;
  return start_ + offset_ + elapsed * rate_;
}

absl::Time VirtualClock::Now() {
  MutexLock lock(&mu_);
  return NowLocked();
}

absl::Status VirtualClock::Advance(absl::Duration d) {
  if (d < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the clock only moves forward; cannot advance by ",
                     absl::FormatDuration(d)));
  }
  MutexLock lock(&mu_);
  offset_ += d;
  return absl::OkStatus();
}

absl::Status VirtualClock::Set(absl::Time t) {
  MutexLock lock(&mu_);
  absl::Time now = NowLocked();
  if (t < now) {
    return absl::InvalidArgumentError(
        "the clock only moves forward; cannot set it before now");
  }
  offset_ += t - now;
  return absl::OkStatus();
}

void VirtualClock::Restart(absl::Time start, double rate) {
  MutexLock lock(&mu_);
  start_ = start;
  rate_ = rate;
  base_origin_ = base_->Now();
  offset_ = absl::ZeroDuration();
}

absl::Time VirtualClock::start() {
  MutexLock lock(&mu_);
  return start_;
}

double VirtualClock::rate() {
  MutexLock lock(&mu_);
  return rate_;
}

}  // namespace metamock
