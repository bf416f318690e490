// Trust policies (a role's AssumeRolePolicyDocument), reduced to what the
// world needs: which AWS services may assume the role.

#ifndef METAMOCK_SERVER_SCENARIO_TRUST_POLICY_H_
#define METAMOCK_SERVER_SCENARIO_TRUST_POLICY_H_

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "absl/status/statusor.h"

namespace metamock {

// The service principals (e.g. "ec2.amazonaws.com") allowed to call
// sts:AssumeRole by `policy`: statements with Effect Allow whose Action is
// sts:AssumeRole, sts:* or *, and whose Principal names a Service (a string
// or a list). `policy` may be an object or a string holding one (as the IAM
// API takes it). InvalidArgument, naming what is wrong, when it is not a
// policy document.
absl::StatusOr<std::set<std::string>> TrustedServices(
    const nlohmann::json& policy);

// A trust policy document allowing exactly `services`.
nlohmann::ordered_json TrustPolicyFor(const std::set<std::string>& services);

}  // namespace metamock

#endif  // METAMOCK_SERVER_SCENARIO_TRUST_POLICY_H_
