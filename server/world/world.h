// The simulated AWS world at the current virtual time (DESIGN.md, "The
// world model", "Time", "When an action becomes visible").
//
// A World holds the loaded scenario, its IAM state (changed by the
// scenario's timeline and by control-API actions), and the served set: the
// role and credential set fixed at the last rotation. It advances lazily:
// each read first brings the world up to the virtual clock's now, applying
// in order every timeline entry and rotation passed over, so advancing the
// clock by hours costs the same as by a second.
//
// The served-set rule: actions change the IAM state at once; the served set
// follows at the next rotation, except that when, after every action at one
// instant, the instance has no profile, its profile no longer exists, or
// the profile has no role, the served set is cleared at once.
//
// This class is thread-safe; readers never see a half-applied instant or a
// half-loaded scenario.

#ifndef METAMOCK_SERVER_WORLD_WORLD_H_
#define METAMOCK_SERVER_WORLD_WORLD_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/clock/clock.h"
#include "server/clock/virtual_clock.h"
#include "server/credentials/credential_schedule.h"
#include "server/scenario/iam_state.h"
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

// What the ECS agent answers for a credential id, now.
struct EcsCredentialAnswer {
  enum class Kind {
    kUnknownId,      // no task has it, or its role cannot be assumed
    kUninitialized,  // known, but not delivered yet (agent restart)
    kServed,
  };
  Kind kind = Kind::kUnknownId;
  std::string role_name;  // kServed: the task role
  RotationSlot slot;      // kServed: which credential set
};

// What the EKS Pod Identity agent answers for a token, now.
struct EksCredentialAnswer {
  enum class Kind {
    kUnknownToken,  // no pod has this token
    kAccessDenied,  // the pod has no role, or its role does not trust pods
    kServed,
  };
  Kind kind = Kind::kUnknownToken;
  std::string role_name;  // kServed / kAccessDenied: the pod's role
  std::string pod_name;
  RotationSlot slot;  // kServed: which credential set
};

class World {
 public:
  // "*clock" (the scenario's virtual clock, which Load() and Reset()
  // restart) and "*wall" (read for the start of scenarios that set none)
  // must remain live while this World is in use. Load() before use.
  World(VirtualClock* clock, Clock* wall);
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Replaces the world with `scenario`'s, restarting the clock at its start
  // S, and counts one more generation. Atomic for readers.
  void Load(std::shared_ptr<const Scenario> scenario) ABSL_LOCKS_EXCLUDED(mu_);

  // Restarts the current scenario at S (POST /_metamock/reset). The start
  // of a scenario without clock.start is the real time of the reset.
  void Reset() ABSL_LOCKS_EXCLUDED(mu_);

  struct Loaded {
    std::shared_ptr<const Scenario> scenario;
    absl::Time start;        // S
    int64_t generation = 0;  // successful loads so far
  };
  // The scenario being served, its start, and the generation.
  Loaded Current() ABSL_LOCKS_EXCLUDED(mu_);

  // IAM as IMDS shows it now.
  IamSnapshot Iam() ABSL_LOCKS_EXCLUDED(mu_);

  // The ECS agent's answer for credential id `id`.
  EcsCredentialAnswer EcsCredentials(absl::string_view id)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The Pod Identity agent's answer for a service-account token.
  EksCredentialAnswer EksCredentials(absl::string_view token)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Applies `actions` now, as one instant, all or nothing. On error
  // (InvalidArgument with AWS's error code and message) nothing changes.
  absl::Status Apply(const std::vector<IamAction>& actions)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The world as GET /_metamock/iam shows it: roles, profiles with their
  // InstanceProfileId, the instance's IamInstanceProfileId, and what is
  // served.
  nlohmann::ordered_json ToJson() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void LoadLocked(std::shared_ptr<const Scenario> scenario)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Applies the timeline and rotations up to the clock's now.
  void AdvanceLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Fixes the served set at `slot` from the current IAM state.
  void RotateLocked(const RotationSlot& slot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The at-once rule after an instant's actions.
  void ClearIfUnservableLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  IamSnapshot SnapshotLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  VirtualClock* const clock_;  // not owned
  Clock* const wall_;          // not owned
  Mutex mu_;
  std::shared_ptr<const Scenario> scenario_ ABSL_GUARDED_BY(mu_);
  absl::Time start_ ABSL_GUARDED_BY(mu_);        // S
  int64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // loads so far
  IamState iam_ ABSL_GUARDED_BY(mu_);            // the IAM state
  size_t next_entry_ ABSL_GUARDED_BY(mu_) = 0;   // timeline cursor
  RotationSlot slot_ ABSL_GUARDED_BY(mu_);       // the last rotation
  bool rotated_ ABSL_GUARDED_BY(mu_) = false;    // slot_ is set
  std::optional<ServedRole> served_ ABSL_GUARDED_BY(mu_);
  // Per ECS task / EKS pod (scenario order): the role served since the
  // last rotation, if its trust policy allows the service to assume it.
  std::vector<std::optional<std::string>> ecs_roles_ ABSL_GUARDED_BY(mu_);
  std::vector<std::optional<std::string>> eks_roles_ ABSL_GUARDED_BY(mu_);
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_WORLD_WORLD_H_
