#include "server/credentials/credential_schedule.h"

#include <algorithm>

namespace metamock {
namespace {

// Regular rotations k >= 1 happen at k * period (offsets from the start).
// How many happen at or before offset `t`.
int64_t RegularAtOrBefore(absl::Duration t, absl::Duration period) {
  if (t < period) return 0;
  absl::Duration remainder;  // Debian's IDivDuration writes it always.
  return absl::IDivDuration(t, period, &remainder);
}

// How many regular rotations happen strictly before offset `t`.
int64_t RegularBefore(absl::Duration t, absl::Duration period) {
  if (t <= period) return 0;
  return RegularAtOrBefore(t - absl::Nanoseconds(1), period);
}

bool IsRegularInstant(absl::Duration t, absl::Duration period) {
  absl::Duration remainder;
  absl::IDivDuration(t, period, &remainder);
  return t > absl::ZeroDuration() && remainder == absl::ZeroDuration();
}

// The delay whose open window (from, until) holds `t`, or null.
const RotationDelay* DelayHolding(const CredentialTiming& timing,
                                  absl::Duration t) {
  for (const RotationDelay& d : timing.delays) {
    if (d.from < t && t < d.until) return &d;
  }
  return nullptr;
}

}  // namespace

RotationSlot CurrentRotation(const CredentialTiming& timing, absl::Time start,
                             absl::Time now) {
  const absl::Duration period = timing.rotation_period;
  const absl::Duration t = std::max(now - start, absl::ZeroDuration());
  RotationSlot slot;
  if (period <= absl::ZeroDuration()) {
    slot.issued = start;
    slot.expires = start + timing.lifetime;
    return slot;
  }
  // Events: the start, every regular instant outside the delay windows, and
  // the end of each window. The slot index counts the events before `t`.
  int64_t count = RegularAtOrBefore(t, period);
  absl::Duration last = absl::ZeroDuration();
  for (const RotationDelay& d : timing.delays) {
    if (t <= d.from) continue;
    // Regular instants skipped inside (from, min(until, t]].
    int64_t skipped = t < d.until ? RegularAtOrBefore(t, period) -
                                        RegularAtOrBefore(d.from, period)
                                  : RegularBefore(d.until, period) -
                                        RegularAtOrBefore(d.from, period);
    count -= skipped;
    if (d.until <= t) {
      if (!IsRegularInstant(d.until, period)) ++count;
      last = std::max(last, d.until);
    }
  }
  // The latest regular instant at or before `t` that no window skipped.
  int64_t k = RegularAtOrBefore(t, period);
  while (k > 0) {
    const RotationDelay* d = DelayHolding(timing, k * period);
    if (d == nullptr) break;
    k = RegularAtOrBefore(d->from, period);
  }
  last = std::max(last, k * period);

  slot.index = count;
  slot.issued = start + last;
  slot.expires = slot.issued + timing.lifetime;
  return slot;
}

Credentials CredentialsFor(const CredentialMinter& minter,
                           absl::string_view role_name,
                           const RotationSlot& slot) {
  KeyMaterial keys = minter.Mint(role_name, slot.index);
  Credentials out;
  out.access_key_id = std::move(keys.access_key_id);
  out.secret_access_key = std::move(keys.secret_access_key);
  out.session_token = std::move(keys.session_token);
  out.last_updated = slot.issued;
  out.expiration = slot.expires;
  return out;
}

}  // namespace metamock
