// The rotation schedule of EC2 role credentials (DESIGN.md, "Time").
//
// Credential set k is issued at start + k * rotation_period and expires
// `lifetime` after that, so with the defaults (1 h, 6 h) a new set exists
// long before the old one expires, as AWS promises ("at least five minutes
// before"). Pure functions: thread-safe.

#ifndef METAMOCK_SERVER_CREDENTIALS_CREDENTIAL_SCHEDULE_H_
#define METAMOCK_SERVER_CREDENTIALS_CREDENTIAL_SCHEDULE_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/credentials/credential_minter.h"
#include "server/credentials/credentials.h"
#include "server/scenario/scenario.h"

namespace metamock {

// One slot of the schedule.
struct RotationSlot {
  int64_t index = 0;   // 0 for the set issued at the start
  absl::Time issued;   // start + index * period: the set's LastUpdated
  absl::Time expires;  // issued + lifetime: the set's Expiration
};

// The newest slot issued at or before `now` (slot 0 for any time before
// `start`).
RotationSlot CurrentRotation(const CredentialTiming& timing, absl::Time start,
                             absl::Time now);

// The credentials of `role_name` for `slot`.
Credentials CredentialsFor(const CredentialMinter& minter,
                           absl::string_view role_name,
                           const RotationSlot& slot);

}  // namespace metamock

#endif  // METAMOCK_SERVER_CREDENTIALS_CREDENTIAL_SCHEDULE_H_
