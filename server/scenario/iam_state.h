// The IAM and EC2 state of the simulated world: roles, instance profiles,
// and the instance's profile association, changed by IamActions with AWS's
// rules and errors. A value type; the World owns one and guards it.
//
// Thread-compatible.

#ifndef METAMOCK_SERVER_SCENARIO_IAM_STATE_H_
#define METAMOCK_SERVER_SCENARIO_IAM_STATE_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "server/scenario/iam_action.h"

namespace metamock {

struct RoleState {
  std::string name;
  std::string role_id;                     // AROA...
  std::set<std::string> trusted_services;  // from the trust policy
  nlohmann::json trust_policy;             // as declared or last updated
};

struct ProfileState {
  std::string name;
  std::string id;  // AIPA...; new each time it is created
  std::string path = "/";
  std::optional<std::string> role;  // at most one role
};

// The instance's association with an instance profile, as EC2 keeps it:
// by the profile's id and ARN at the time it was associated.
struct AssociationState {
  std::string association_id;  // iip-assoc-...
  std::string profile_id;      // what DescribeInstances shows
  std::string profile_arn;
};

// What omitted action parameters default to.
struct IamDefaults {
  std::string instance_id;
  std::string profile_name;  // the scenario's instance profile
  std::string role_name;     // that profile's role (as declared)
};

class IamState {
 public:
  IamState() = default;
  IamState(std::string account_id, IamDefaults defaults)
      : account_id_(std::move(account_id)), defaults_(std::move(defaults)) {}

  // Building the initial state (scenario loading).
  void AddRole(RoleState role) { roles_[role.name] = std::move(role); }
  void AddProfile(ProfileState profile) {
    profiles_[profile.name] = std::move(profile);
  }
  // Associates the profile named `name` (which must exist).
  void Associate(const std::string& name);

  // Applies `action`, filling omitted parameters from the defaults. On
  // error (AWS's error code first in the message, e.g. "NoSuchEntity: ..."),
  // nothing changes.
  absl::Status Apply(const IamAction& action);

  const std::map<std::string, RoleState>& roles() const { return roles_; }
  const std::map<std::string, ProfileState>& profiles() const {
    return profiles_;
  }
  const std::optional<AssociationState>& association() const {
    return association_;
  }
  const std::string& account_id() const { return account_id_; }
  const IamDefaults& defaults() const { return defaults_; }

  // The profile the instance's association points at, if it still exists
  // (a profile deleted, or deleted and re-created under the same name, has
  // another id, and the instance keeps the old one).
  const ProfileState* AssociatedProfile() const;

  std::string ProfileArn(const ProfileState& profile) const;
  std::string RoleArn(const std::string& role_name) const;

  // The world as IAM's Get* and EC2's DescribeInstances would show it.
  nlohmann::ordered_json ToJson() const;

 private:
  // Resolves IamInstanceProfile {Name|Arn} (or the default) to a profile.
  const ProfileState* ResolveProfileRef(const IamAction& action,
                                        absl::Status* error) const;
  std::string NextId(const std::string& prefix, const std::string& seed_text);

  std::string account_id_;
  IamDefaults defaults_;
  std::map<std::string, RoleState> roles_;        // by name
  std::map<std::string, ProfileState> profiles_;  // by name
  std::optional<AssociationState> association_;
  int64_t ids_issued_ = 0;  // makes re-created ids differ, reproducibly
};

struct Scenario;

// The IAM state a scenario declares at its start, before its timeline.
IamState InitialIamState(const Scenario& scenario);

}  // namespace metamock

#endif  // METAMOCK_SERVER_SCENARIO_IAM_STATE_H_
