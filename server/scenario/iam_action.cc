#include "server/scenario/iam_action.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/scenario/trust_policy.h"

namespace metamock {
namespace {

struct ActionSpec {
  IamActionType type;
  const char* name;
  std::set<std::string> keys;  // parameters besides "Action"
};

const std::vector<ActionSpec>& Specs() {
  static const std::vector<ActionSpec>* const specs =
      new std::vector<ActionSpec>{
          {IamActionType::kCreateInstanceProfile,
           "CreateInstanceProfile",
           {"InstanceProfileName", "Path"}},
          {IamActionType::kDeleteInstanceProfile,
           "DeleteInstanceProfile",
           {"InstanceProfileName"}},
          {IamActionType::kAddRoleToInstanceProfile,
           "AddRoleToInstanceProfile",
           {"InstanceProfileName", "RoleName"}},
          {IamActionType::kRemoveRoleFromInstanceProfile,
           "RemoveRoleFromInstanceProfile",
           {"InstanceProfileName", "RoleName"}},
          {IamActionType::kUpdateAssumeRolePolicy,
           "UpdateAssumeRolePolicy",
           {"RoleName", "PolicyDocument"}},
          {IamActionType::kAssociateIamInstanceProfile,
           "AssociateIamInstanceProfile",
           {"IamInstanceProfile", "InstanceId"}},
          {IamActionType::kDisassociateIamInstanceProfile,
           "DisassociateIamInstanceProfile",
           {"AssociationId"}},
          {IamActionType::kReplaceIamInstanceProfileAssociation,
           "ReplaceIamInstanceProfileAssociation",
           {"IamInstanceProfile", "AssociationId"}},
      };
  return *specs;
}

const ActionSpec& SpecOf(IamActionType type) {
  for (const ActionSpec& spec : Specs()) {
    if (spec.type == type) return spec;
  }
  return Specs().front();
}

std::optional<IamAction> Fail(IamActionError* error, std::string key,
                              std::string message, bool in_value = true) {
  error->key = std::move(key);
  error->message = std::move(message);
  error->in_value = in_value;
  return std::nullopt;
}

}  // namespace

absl::string_view IamActionName(IamActionType type) {
  return SpecOf(type).name;
}

std::vector<std::string> IamActionNames() {
  std::vector<std::string> names;
  for (const ActionSpec& spec : Specs()) names.push_back(spec.name);
  return names;
}

std::optional<IamAction> ParseIamAction(
    const nlohmann::json& object, const std::set<std::string>& ignored_keys,
    IamActionError* error) {
  if (!object.is_object()) {
    return Fail(error, "", "an IAM action must be an object");
  }
  auto action = object.find("Action");
  if (action == object.end()) {
    return Fail(error, "",
                absl::StrCat("missing \"Action\" (one of ",
                             absl::StrJoin(IamActionNames(), ", "), ")"));
  }
  if (!action->is_string()) {
    return Fail(error, "Action", "\"Action\" must be a string");
  }
  const ActionSpec* spec = nullptr;
  for (const ActionSpec& s : Specs()) {
    if (*action == s.name) spec = &s;
  }
  if (spec == nullptr) {
    return Fail(error, "Action",
                absl::StrCat("unknown action \"", action->get<std::string>(),
                             "\" (expected one of ",
                             absl::StrJoin(IamActionNames(), ", "), ")"));
  }
  IamAction out{spec->type, {}, {}, {}, {}, {}, {}, {}, {}, nullptr};
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& key = it.key();
    if (key == "Action" || ignored_keys.count(key) > 0) continue;
    if (spec->keys.count(key) == 0) {
      return Fail(
          error, key,
          absl::StrCat(spec->name, " has no parameter \"", key, "\" (it takes ",
                       absl::StrJoin(spec->keys, ", "), ")"),
          /*in_value=*/false);
    }
    const nlohmann::json& value = it.value();
    if (key == "PolicyDocument") {
      absl::StatusOr<std::set<std::string>> services = TrustedServices(value);
      if (!services.ok()) {
        return Fail(error, key,
                    absl::StrCat("MalformedPolicyDocument: ",
                                 services.status().message()));
      }
      out.trusted_services = *services;
      out.policy_document = value;
      continue;
    }
    if (key == "IamInstanceProfile") {
      if (!value.is_object() || value.size() != 1 ||
          !(value.contains("Name") || value.contains("Arn")) ||
          !value.begin()->is_string()) {
        return Fail(error, key,
                    "\"IamInstanceProfile\" must be {\"Name\": \"...\"} or "
                    "{\"Arn\": \"...\"}");
      }
      if (value.contains("Name")) {
        out.profile_ref_name = value["Name"].get<std::string>();
      } else {
        out.profile_ref_arn = value["Arn"].get<std::string>();
      }
      continue;
    }
    if (!value.is_string() || value.get<std::string>().empty()) {
      return Fail(error, key,
                  absl::StrCat("\"", key, "\" must be a non-empty string"));
    }
    std::string text = value.get<std::string>();
    if (key == "InstanceProfileName") out.instance_profile_name = text;
    if (key == "RoleName") out.role_name = text;
    if (key == "Path") out.path = text;
    if (key == "InstanceId") out.instance_id = text;
    if (key == "AssociationId") out.association_id = text;
  }
  if (spec->type == IamActionType::kUpdateAssumeRolePolicy &&
      !out.trusted_services.has_value()) {
    return Fail(error, "", "UpdateAssumeRolePolicy needs a \"PolicyDocument\"");
  }
  return out;
}

nlohmann::ordered_json IamAction::ToJson() const {
  nlohmann::ordered_json j;
  j["Action"] = std::string(IamActionName(type));
  if (instance_profile_name) j["InstanceProfileName"] = *instance_profile_name;
  if (role_name) j["RoleName"] = *role_name;
  if (path) j["Path"] = *path;
  if (instance_id) j["InstanceId"] = *instance_id;
  if (association_id) j["AssociationId"] = *association_id;
  if (profile_ref_name) j["IamInstanceProfile"]["Name"] = *profile_ref_name;
  if (profile_ref_arn) j["IamInstanceProfile"]["Arn"] = *profile_ref_arn;
  if (!policy_document.is_null()) j["PolicyDocument"] = policy_document;
  return j;
}

}  // namespace metamock
