// `GET /_metamock/env`: the variables a client needs to find metamock
// (DESIGN.md, "Control API").
//
// `where=host` (the default) gives only loopback forms, safe to `eval` on
// a developer's machine, and never AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:
// SDKs resolve that against the ECS agent's link-local address and prefer
// it over the full URI. `where=container` gives what the ECS agent or EKS
// would inject inside a task or pod whose network has metamock at the real
// addresses. A scenario in which the agent would not inject a variable
// leaves it out.

#ifndef METAMOCK_SERVER_CONTROL_CLIENT_ENV_H_
#define METAMOCK_SERVER_CONTROL_CLIENT_ENV_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/http/http_types.h"
#include "server/scenario/scenario.h"

namespace metamock {

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// The variables for `for_what` (ec2, ecs, eks) and `where` (host,
// container). Host forms point at the listener `request` arrived on.
// InvalidArgument for an unknown value or a scenario without the task or
// pod asked for.
absl::StatusOr<EnvVars> ClientEnv(const Scenario& scenario,
                                  absl::string_view for_what,
                                  absl::string_view where,
                                  const HttpRequest& request);

// `export NAME='value'` lines, values quoted for sh.
std::string EnvAsShell(const EnvVars& vars);

}  // namespace metamock

#endif  // METAMOCK_SERVER_CONTROL_CLIENT_ENV_H_
