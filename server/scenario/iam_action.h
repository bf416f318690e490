// IAM and EC2 actions that change the world, named and parameterised as
// AWS names them (DESIGN.md, "The world model"). They come from a
// scenario's timeline and from `POST /_metamock/iam`, in the same JSON
// shape: {"Action": "RemoveRoleFromInstanceProfile",
//         "InstanceProfileName": "...", "RoleName": "..."}.
// Omitted parameters default to the scenario's instance, its profile and
// that profile's role; the defaults are filled in when the action is
// applied (IamState::Apply).

#ifndef METAMOCK_SERVER_SCENARIO_IAM_ACTION_H_
#define METAMOCK_SERVER_SCENARIO_IAM_ACTION_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace metamock {

enum class IamActionType {
  kCreateInstanceProfile,
  kDeleteInstanceProfile,
  kAddRoleToInstanceProfile,
  kRemoveRoleFromInstanceProfile,
  kUpdateAssumeRolePolicy,
  kAssociateIamInstanceProfile,
  kDisassociateIamInstanceProfile,
  kReplaceIamInstanceProfileAssociation,
};

// The AWS name of `type`.
absl::string_view IamActionName(IamActionType type);

// Every action's AWS name, for messages.
std::vector<std::string> IamActionNames();

struct IamAction {
  IamActionType type;
  std::optional<std::string> instance_profile_name;  // InstanceProfileName
  std::optional<std::string> role_name;              // RoleName
  std::optional<std::string> path;                   // Path
  std::optional<std::string> instance_id;            // InstanceId
  std::optional<std::string> association_id;         // AssociationId
  // IamInstanceProfile: {"Name": ...} or {"Arn": ...}.
  std::optional<std::string> profile_ref_name;
  std::optional<std::string> profile_ref_arn;
  // UpdateAssumeRolePolicy's PolicyDocument, reduced to its services.
  std::optional<std::set<std::string>> trusted_services;
  nlohmann::json policy_document;  // as given, for GET /_metamock/iam

  // The action as JSON, in the shape it was given (defaults not filled).
  nlohmann::ordered_json ToJson() const;
};

// An error in an action, with the key it concerns ("" for the action as a
// whole) so that a scenario file can point at the exact place.
struct IamActionError {
  std::string key;
  std::string message;
  // True when the error is in the key's value (a bad value), false when
  // the key itself is wrong (an unknown parameter).
  bool in_value = false;
};

// Parses an action object. `ignored_keys` are keys the caller handles (a
// timeline entry's "at"). On error returns nullopt and fills `error`.
std::optional<IamAction> ParseIamAction(
    const nlohmann::json& object, const std::set<std::string>& ignored_keys,
    IamActionError* error);

}  // namespace metamock

#endif  // METAMOCK_SERVER_SCENARIO_IAM_ACTION_H_
