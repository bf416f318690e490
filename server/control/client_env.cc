#include "server/control/client_env.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace metamock {
namespace {

// The ECS agent's and the Pod Identity agent's real addresses, used only
// in the `container` forms, which describe a task's or pod's network.
constexpr char kEcsAgentHost[] = "http://169.254.170.2";
constexpr char kEksAgentHost[] = "http://169.254.170.23";
constexpr char kEksTokenFile[] =
    "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/"
    "eks-pod-identity-token";

// http://127.0.0.1:PORT (or [::1]) for the listener the request came in on.
std::string LoopbackBase(const HttpRequest& request) {
  const bool v6 = request.local_addr.find(':') != std::string::npos;
  return absl::StrCat(v6 ? "http://[::1]:" : "http://127.0.0.1:",
                      request.local_port);
}

}  // namespace

absl::StatusOr<EnvVars> ClientEnv(const Scenario& scenario,
                                  absl::string_view for_what,
                                  absl::string_view where,
                                  const HttpRequest& request) {
  if (where != "host" && where != "container") {
    return absl::InvalidArgumentError(
        absl::StrCat("where must be host or container, not \"", where, "\""));
  }
  const bool host = where == "host";
  const std::string base = LoopbackBase(request);
  EnvVars vars;
  if (for_what == "ec2") {
    // In a container on EC2 the SDKs find IMDS at its default address.
    if (host) {
      vars.emplace_back("AWS_EC2_METADATA_SERVICE_ENDPOINT", base + "/");
    }
    return vars;
  }
  if (for_what == "ecs") {
    if (scenario.ecs.tasks.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("scenario \"", scenario.name, "\" has no ECS task"));
    }
    const EcsTask& task = scenario.ecs.tasks.front();
    const std::string& endpoint = task.containers.front().endpoint_id;
    // The agent injects the credential URI only when task roles are on and
    // the task has a role.
    const bool creds = scenario.ecs.task_roles_enabled && task.task_role;
    if (host) {
      if (creds) {
        vars.emplace_back(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            absl::StrCat(base, "/v2/credentials/", task.credential_id));
      }
      vars.emplace_back("ECS_CONTAINER_METADATA_URI_V4",
                        absl::StrCat(base, "/v4/", endpoint));
    } else {
      if (creds) {
        vars.emplace_back("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                          absl::StrCat("/v2/credentials/", task.credential_id));
      }
      vars.emplace_back("ECS_CONTAINER_METADATA_URI",
                        absl::StrCat(kEcsAgentHost, "/v3/", endpoint));
      vars.emplace_back("ECS_CONTAINER_METADATA_URI_V4",
                        absl::StrCat(kEcsAgentHost, "/v4/", endpoint));
    }
    return vars;
  }
  if (for_what == "eks") {
    if (scenario.eks.pods.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("scenario \"", scenario.name, "\" has no EKS pod"));
    }
    const EksPod& pod = scenario.eks.pods.front();
    if (host) {
      vars.emplace_back("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                        base + "/v1/credentials");
      vars.emplace_back("AWS_CONTAINER_AUTHORIZATION_TOKEN", pod.token);
    } else {
      vars.emplace_back("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                        absl::StrCat(kEksAgentHost, "/v1/credentials"));
      vars.emplace_back("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                        kEksTokenFile);
    }
    return vars;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("for must be ec2, ecs or eks, not \"", for_what, "\""));
}

std::string EnvAsShell(const EnvVars& vars) {
  std::string out;
  for (const auto& [name, value] : vars) {
    absl::StrAppend(&out, "export ", name, "='",
                    absl::StrReplaceAll(value, {{"'", "'\\''"}}), "'\n");
  }
  return out;
}

}  // namespace metamock
