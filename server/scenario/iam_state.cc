#include "server/scenario/iam_state.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/scenario/scenario.h"

namespace metamock {
namespace {

absl::Status Error(absl::string_view code, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(code, ": ", message));
}

// FNV-1a, stable across platforms.
uint64_t Hash(absl::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

void IamState::Associate(const std::string& name) {
  auto it = profiles_.find(name);
  if (it == profiles_.end()) return;
  association_ = AssociationState{NextId("iip-assoc-", defaults_.instance_id),
                                  it->second.id, ProfileArn(it->second)};
}

std::string IamState::NextId(const std::string& prefix,
                             const std::string& seed_text) {
  // AWS ids: AIPA + 17 of [A-Z2-7]; association ids: 17 hex digits.
  uint64_t h = Hash(absl::StrCat(seed_text, "#", ids_issued_++));
  const bool hex = absl::StartsWith(prefix, "iip-assoc-");
  const char* alphabet =
      hex ? "0123456789abcdef" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const uint64_t base = hex ? 16 : 32;
  std::string id = prefix;
  for (int i = 0; i < 17; ++i) {
    id.push_back(alphabet[h % base]);
    h = h / base ^ Hash(absl::StrCat(seed_text, i, id));
  }
  return id;
}

std::string IamState::ProfileArn(const ProfileState& profile) const {
  return absl::StrCat("arn:aws:iam::", account_id_, ":instance-profile",
                      profile.path, profile.name);
}

std::string IamState::RoleArn(const std::string& role_name) const {
  return absl::StrCat("arn:aws:iam::", account_id_, ":role/", role_name);
}

const ProfileState* IamState::AssociatedProfile() const {
  if (!association_) return nullptr;
  for (const auto& [name, profile] : profiles_) {
    if (profile.id == association_->profile_id) return &profile;
  }
  return nullptr;
}

const ProfileState* IamState::ResolveProfileRef(const IamAction& action,
                                                absl::Status* error) const {
  if (action.profile_ref_arn) {
    for (const auto& [name, profile] : profiles_) {
      if (ProfileArn(profile) == *action.profile_ref_arn) return &profile;
    }
    *error = Error("InvalidParameterValue",
                   absl::StrCat("Value (", *action.profile_ref_arn,
                                ") for parameter iamInstanceProfile.arn is "
                                "invalid. Invalid IAM Instance Profile ARN"));
    return nullptr;
  }
  const std::string name =
      action.profile_ref_name.value_or(defaults_.profile_name);
  auto it = profiles_.find(name);
  if (it == profiles_.end()) {
    *error = Error("InvalidParameterValue",
                   absl::StrCat("Value (", name,
                                ") for parameter iamInstanceProfile.name is "
                                "invalid. Invalid IAM Instance Profile name"));
    return nullptr;
  }
  return &it->second;
}

absl::Status IamState::Apply(const IamAction& action) {
  // Every branch checks before it changes anything, so an error leaves the
  // state as it was.
  const std::string profile_name =
      action.instance_profile_name.value_or(defaults_.profile_name);
  const std::string role_name = action.role_name.value_or(defaults_.role_name);
  // With nothing to default to (a scenario without a profile), the name
  // must be given, as AWS requires it.
  const bool needs_profile =
      action.type == IamActionType::kCreateInstanceProfile ||
      action.type == IamActionType::kDeleteInstanceProfile ||
      action.type == IamActionType::kAddRoleToInstanceProfile ||
      action.type == IamActionType::kRemoveRoleFromInstanceProfile;
  const bool needs_role =
      action.type == IamActionType::kAddRoleToInstanceProfile ||
      action.type == IamActionType::kRemoveRoleFromInstanceProfile ||
      action.type == IamActionType::kUpdateAssumeRolePolicy;
  if (needs_profile && profile_name.empty()) {
    return Error("ValidationError",
                 "InstanceProfileName is required: the scenario has no "
                 "instance_profile to default to");
  }
  if (needs_role && role_name.empty()) {
    return Error("ValidationError",
                 "RoleName is required: the scenario's instance profile has "
                 "no role to default to");
  }
  auto no_profile = [&] {
    return Error("NoSuchEntity", absl::StrCat("Instance Profile ", profile_name,
                                              " cannot be found."));
  };
  auto no_role = [&] {
    return Error("NoSuchEntity", absl::StrCat("The role with name ", role_name,
                                              " cannot be found."));
  };

  switch (action.type) {
    case IamActionType::kCreateInstanceProfile: {
      if (profiles_.count(profile_name) > 0) {
        return Error("EntityAlreadyExists",
                     absl::StrCat("Instance Profile ", profile_name,
                                  " already exists."));
      }
      ProfileState profile;
      profile.name = profile_name;
      profile.path = action.path.value_or("/");
      profile.id = NextId("AIPA", profile_name);
      profiles_[profile_name] = std::move(profile);
      return absl::OkStatus();
    }
    case IamActionType::kDeleteInstanceProfile: {
      auto it = profiles_.find(profile_name);
      if (it == profiles_.end()) return no_profile();
      if (it->second.role) {
        return Error("DeleteConflict",
                     "Cannot delete entity, must remove roles from instance "
                     "profile first.");
      }
      // EC2 does not stop the instance from pointing at it.
      profiles_.erase(it);
      return absl::OkStatus();
    }
    case IamActionType::kAddRoleToInstanceProfile: {
      auto it = profiles_.find(profile_name);
      if (it == profiles_.end()) return no_profile();
      if (roles_.count(role_name) == 0) return no_role();
      if (it->second.role) {
        return Error("LimitExceeded",
                     "Cannot exceed quota for "
                     "InstanceSessionsPerInstanceProfile: 1");
      }
      it->second.role = role_name;
      return absl::OkStatus();
    }
    case IamActionType::kRemoveRoleFromInstanceProfile: {
      auto it = profiles_.find(profile_name);
      if (it == profiles_.end()) return no_profile();
      if (it->second.role != role_name) {
        return Error(
            "NoSuchEntity",
            absl::StrCat("The role with name ", role_name,
                         " is not in instance profile ", profile_name, "."));
      }
      it->second.role.reset();
      return absl::OkStatus();
    }
    case IamActionType::kUpdateAssumeRolePolicy: {
      auto it = roles_.find(role_name);
      if (it == roles_.end()) return no_role();
      it->second.trusted_services = *action.trusted_services;
      it->second.trust_policy = action.policy_document;
      return absl::OkStatus();
    }
    case IamActionType::kAssociateIamInstanceProfile: {
      const std::string instance =
          action.instance_id.value_or(defaults_.instance_id);
      if (instance != defaults_.instance_id) {
        return Error(
            "InvalidInstanceID.NotFound",
            absl::StrCat("The instance ID '", instance, "' does not exist"));
      }
      if (association_) {
        return Error("IncorrectState",
                     absl::StrCat("There is an existing association for "
                                  "instance ",
                                  instance));
      }
      absl::Status error;
      const ProfileState* profile = ResolveProfileRef(action, &error);
      if (profile == nullptr) return error;
      association_ = AssociationState{NextId("iip-assoc-", instance),
                                      profile->id, ProfileArn(*profile)};
      return absl::OkStatus();
    }
    case IamActionType::kDisassociateIamInstanceProfile:
    case IamActionType::kReplaceIamInstanceProfileAssociation: {
      if (!association_ ||
          (action.association_id &&
           *action.association_id != association_->association_id)) {
        return Error("InvalidAssociationID.NotFound",
                     absl::StrCat("An association ID '",
                                  action.association_id.value_or(""),
                                  "' does not exist"));
      }
      if (action.type == IamActionType::kDisassociateIamInstanceProfile) {
        association_.reset();
        return absl::OkStatus();
      }
      absl::Status error;
      const ProfileState* profile = ResolveProfileRef(action, &error);
      if (profile == nullptr) return error;
      association_ =
          AssociationState{NextId("iip-assoc-", defaults_.instance_id),
                           profile->id, ProfileArn(*profile)};
      return absl::OkStatus();
    }
  }
  return absl::InternalError("unhandled action");
}

nlohmann::ordered_json IamState::ToJson() const {
  nlohmann::ordered_json out;
  out["Roles"] = nlohmann::ordered_json::array();
  for (const auto& [name, role] : roles_) {
    nlohmann::ordered_json r;
    r["RoleName"] = name;
    r["RoleId"] = role.role_id;
    r["Arn"] = RoleArn(name);
    r["AssumeRolePolicyDocument"] = role.trust_policy;
    out["Roles"].push_back(r);
  }
  out["InstanceProfiles"] = nlohmann::ordered_json::array();
  for (const auto& [name, profile] : profiles_) {
    nlohmann::ordered_json p;
    p["InstanceProfileName"] = name;
    p["InstanceProfileId"] = profile.id;
    p["Arn"] = ProfileArn(profile);
    p["Path"] = profile.path;
    p["Roles"] = nlohmann::ordered_json::array();
    if (profile.role) p["Roles"].push_back(*profile.role);
    out["InstanceProfiles"].push_back(p);
  }
  nlohmann::ordered_json instance;
  instance["InstanceId"] = defaults_.instance_id;
  if (association_) {
    instance["IamInstanceProfileId"] = association_->profile_id;
    instance["IamInstanceProfile"]["Arn"] = association_->profile_arn;
    instance["IamInstanceProfile"]["Id"] = association_->profile_id;
    instance["AssociationId"] = association_->association_id;
  } else {
    instance["IamInstanceProfileId"] = nullptr;
    instance["IamInstanceProfile"] = nullptr;
    instance["AssociationId"] = nullptr;
  }
  out["Instance"] = instance;
  return out;
}

IamState InitialIamState(const Scenario& s) {
  IamDefaults defaults;
  defaults.instance_id = s.instance.id;
  if (s.instance_profile) {
    defaults.profile_name = s.instance_profile->name;
    defaults.role_name = s.instance_profile->role.value_or("");
  }
  IamState iam(s.account_id, defaults);
  for (const Role& role : s.roles) {
    iam.AddRole(RoleState{role.name, role.role_id, role.trusted_services,
                          role.trust_policy});
  }
  if (s.instance_profile) {
    ProfileState profile;
    profile.name = s.instance_profile->name;
    profile.id = s.instance_profile->id;
    profile.role = s.instance_profile->role;
    iam.AddProfile(profile);
    if (s.profile_associated) iam.Associate(profile.name);
  }
  return iam;
}

}  // namespace metamock
