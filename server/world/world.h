// The simulated AWS world at the current virtual time.
//
// A World holds the scenario (immutable, shared) and the scenario's virtual
// clock, and answers what the instance's metadata service shows of IAM right
// now: whether a profile is associated, what `iam/info` says, and which role
// and credential set are served. The scenario engine grows this into the
// full model (IAM actions, the timeline, the served-set rule); services only
// read snapshots, so they do not change when it does.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_WORLD_WORLD_H_
#define METAMOCK_SERVER_WORLD_WORLD_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "server/clock/virtual_clock.h"
#include "server/credentials/credential_schedule.h"
#include "server/scenario/scenario.h"
#include "server/util/mutex.h"

namespace metamock {

// What `iam/info` reports.
enum class IamInfoCode {
  kSuccess,                  // a profile with a role
  kSuccessWithoutRole,       // Success + "does not contain a role" Message
  kInstanceProfileNotFound,  // the instance's profile id no longer exists
};

// The role and credential set the instance serves (fixed at a rotation).
struct ServedRole {
  std::string role_name;  // listed under iam/security-credentials/
  bool ec2_trusted;       // false: AssumeRoleUnauthorizedAccess document
  RotationSlot slot;      // which credential set
};

// What IMDS shows of IAM at one instant. A plain value.
struct IamSnapshot {
  // False: no profile associated, `iam/` is absent from the tree.
  bool associated = false;
  IamInfoCode info_code = IamInfoCode::kSuccess;
  std::string profile_arn;  // arn:aws:iam::<account>:instance-profile/<name>
  std::string profile_id;   // the id the instance holds (AIPA...)
  absl::Time info_last_updated;  // iam/info's LastUpdated
  // Absent: nothing is served (the listing and documents are 404).
  std::optional<ServedRole> served;
};

class World {
 public:
  // Restarts "*clock" (not kept) at the scenario's start
  // (`scenario->clock.start`, or `load_time` when unset) at its rate.
  World(std::shared_ptr<const Scenario> scenario, VirtualClock* clock,
        absl::Time load_time);
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // The scenario being served and its start S, read together.
  struct Loaded {
    std::shared_ptr<const Scenario> scenario;
    absl::Time start;
  };
  Loaded Current() ABSL_LOCKS_EXCLUDED(mu_);

  // IAM as IMDS shows it at virtual time `now`.
  IamSnapshot Iam(absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  Mutex mu_;
  std::shared_ptr<const Scenario> scenario_ ABSL_GUARDED_BY(mu_);
  absl::Time start_ ABSL_GUARDED_BY(mu_);  // S
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_WORLD_WORLD_H_
