#include "server/scenario/trust_policy.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace metamock {
namespace {

bool ActionAllowsAssumeRole(const nlohmann::json& action) {
  auto matches = [](const nlohmann::json& a) {
    return a.is_string() && (a == "sts:AssumeRole" || a == "sts:*" || a == "*");
  };
  if (action.is_array()) {
    for (const auto& a : action) {
      if (matches(a)) return true;
    }
    return false;
  }
  return matches(action);
}

}  // namespace

absl::StatusOr<std::set<std::string>> TrustedServices(
    const nlohmann::json& policy_in) {
  nlohmann::json policy = policy_in;
  if (policy.is_string()) {
    policy = nlohmann::json::parse(policy.get<std::string>(), nullptr,
                                   /*allow_exceptions=*/false);
    if (policy.is_discarded()) {
      return absl::InvalidArgumentError(
          "the policy document is a string that is not JSON");
    }
  }
  if (!policy.is_object()) {
    return absl::InvalidArgumentError("a policy document must be an object");
  }
  auto statements = policy.find("Statement");
  if (statements == policy.end()) {
    return absl::InvalidArgumentError("the policy document has no Statement");
  }
  nlohmann::json list = statements->is_array()
                            ? *statements
                            : nlohmann::json::array({*statements});
  std::set<std::string> services;
  for (const auto& statement : list) {
    if (!statement.is_object()) {
      return absl::InvalidArgumentError("each Statement must be an object");
    }
    auto effect = statement.find("Effect");
    if (effect == statement.end() || !effect->is_string() ||
        (*effect != "Allow" && *effect != "Deny")) {
      return absl::InvalidArgumentError(
          "each Statement needs an Effect of Allow or Deny");
    }
    auto action = statement.find("Action");
    if (*effect != "Allow" || action == statement.end() ||
        !ActionAllowsAssumeRole(*action)) {
      continue;
    }
    auto principal = statement.find("Principal");
    if (principal == statement.end() || !principal->is_object()) continue;
    auto service = principal->find("Service");
    if (service == principal->end()) continue;
    if (service->is_string()) {
      services.insert(service->get<std::string>());
    } else if (service->is_array()) {
      for (const auto& s : *service) {
        if (!s.is_string()) {
          return absl::InvalidArgumentError(
              "Principal.Service must be a string or a list of strings");
        }
        services.insert(s.get<std::string>());
      }
    } else {
      return absl::InvalidArgumentError(
          "Principal.Service must be a string or a list of strings");
    }
  }
  return services;
}

nlohmann::ordered_json TrustPolicyFor(const std::set<std::string>& services) {
  nlohmann::ordered_json statement;
  statement["Effect"] = "Allow";
  nlohmann::ordered_json principal;
  if (services.size() == 1) {
    principal["Service"] = *services.begin();
  } else {
    principal["Service"] = nlohmann::ordered_json::array();
    for (const std::string& s : services) principal["Service"].push_back(s);
  }
  statement["Principal"] = principal;
  statement["Action"] = "sts:AssumeRole";
  nlohmann::ordered_json policy;
  policy["Version"] = "2012-10-17";
  policy["Statement"] = nlohmann::ordered_json::array({statement});
  return policy;
}

}  // namespace metamock
