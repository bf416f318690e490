#include "server/credentials/credential_schedule.h"

namespace metamock {

RotationSlot CurrentRotation(const CredentialTiming& timing, absl::Time start,
                             absl::Time now) {
  RotationSlot slot;
  if (now > start && timing.rotation_period > absl::ZeroDuration()) {
    // Debian's IDivDuration writes the remainder unconditionally.
    absl::Duration remainder;
    slot.index =
        absl::IDivDuration(now - start, timing.rotation_period, &remainder);
  }
  slot.issued = start + slot.index * timing.rotation_period;
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
