// GET /_metamock/env's variables: the exact set for ec2, ecs and eks, in
// the host form (loopback URLs on the listener's port only) and in the
// container form (what the agents inject), and their sh quoting.
//
// The agents' link-local addresses are built at run time below: this test
// only compares strings; it sends nothing anywhere.

#include "server/control/client_env.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/scenario/bundled_scenarios.h"
#include "tests/testing/scenarios.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr char kId[] = "9c5a4d3e-1f2b-4a6c-8d7e-0b1c2d3e4f5a";
constexpr char kEndpoint[] = "158d1c8083dd49d6b527399fd6414f5c-3822082590";
constexpr char kTokenFile[] =
    "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/"
    "eks-pod-identity-token";

// The ECS agent's and the Pod Identity agent's addresses (strings only).
std::string EcsAgent() { return absl::StrCat("http://169.254.", "170.2"); }
std::string EksAgent() { return absl::StrCat("http://169.254.", "170.23"); }

HttpRequest Arrived(const std::string& local_addr, int local_port) {
  HttpRequest r;
  r.method = "GET";
  r.path = "/_metamock/env";
  r.local_addr = local_addr;
  r.local_port = local_port;
  r.remote_addr = local_addr;
  r.remote_port = 50000;
  return r;
}

class ClientEnvTest : public ::testing::Test {
 protected:
  EnvVars Env(const std::string& for_what, const std::string& where,
              const HttpRequest& request) {
    absl::StatusOr<EnvVars> vars =
        ClientEnv(scenario_, for_what, where, request);
    EXPECT_THAT(vars, IsOk()) << for_what << " " << where;
    return vars.ok() ? *vars : EnvVars();
  }
  EnvVars Env(const std::string& for_what, const std::string& where) {
    return Env(for_what, where, v4_);
  }

  Scenario scenario_ = HealthyScenario();
  HttpRequest v4_ = Arrived("127.0.0.1", 4711);
  HttpRequest v6_ = Arrived("::1", 4711);
};

// Host forms: every value that is a URL is a loopback URL on the port the
// request arrived on, and the agents' relative URI never appears.
void ExpectHostForm(const EnvVars& vars, const std::string& base) {
  for (const auto& [name, value] : vars) {
    EXPECT_NE(name, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    EXPECT_FALSE(absl::StrContains(value, "169.254.")) << name << "=" << value;
    if (absl::StartsWith(value, "http")) {
      EXPECT_TRUE(absl::StartsWith(value, base + "/")) << name << "=" << value;
    }
  }
}

TEST_F(ClientEnvTest, Ec2Host) {
  EXPECT_THAT(Env("ec2", "host"),
              UnorderedElementsAre(Pair("AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                        "http://127.0.0.1:4711/")));
  EXPECT_THAT(Env("ec2", "host", v6_),
              UnorderedElementsAre(Pair("AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                        "http://[::1]:4711/")));
}

TEST_F(ClientEnvTest, Ec2ContainerNeedsNothing) {
  EXPECT_THAT(Env("ec2", "container"), ::testing::IsEmpty());
}

TEST_F(ClientEnvTest, EcsHost) {
  EnvVars vars = Env("ecs", "host");
  EXPECT_THAT(
      vars,
      UnorderedElementsAre(
          Pair("AWS_CONTAINER_CREDENTIALS_FULL_URI",
               absl::StrCat("http://127.0.0.1:4711/v2/credentials/", kId)),
          Pair("ECS_CONTAINER_METADATA_URI_V4",
               absl::StrCat("http://127.0.0.1:4711/v4/", kEndpoint))));
  ExpectHostForm(vars, "http://127.0.0.1:4711");
  EnvVars v6 = Env("ecs", "host", v6_);
  EXPECT_THAT(v6,
              UnorderedElementsAre(
                  Pair("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                       absl::StrCat("http://[::1]:4711/v2/credentials/", kId)),
                  Pair("ECS_CONTAINER_METADATA_URI_V4",
                       absl::StrCat("http://[::1]:4711/v4/", kEndpoint))));
  ExpectHostForm(v6, "http://[::1]:4711");
  // Another listener, another port.
  ExpectHostForm(Env("ecs", "host", Arrived("127.0.0.1", 8080)),
                 "http://127.0.0.1:8080");
}

TEST_F(ClientEnvTest, EveryBundledScenarioGivesOnlyLoopbackHostForms) {
  int checked = 0;
  for (const std::string& name : BundledScenarioNames()) {
    scenario_ = BundledScenario(name);
    for (const char* for_what : {"ec2", "ecs", "eks"}) {
      absl::StatusOr<EnvVars> vars =
          ClientEnv(scenario_, for_what, "host", v4_);
      if (!vars.ok()) continue;  // no task or pod in this scenario
      SCOPED_TRACE(absl::StrCat(name, " for=", for_what));
      ExpectHostForm(*vars, "http://127.0.0.1:4711");
      ++checked;
    }
  }
  EXPECT_GE(checked, 3 * 5);  // at least the five container scenarios
}

TEST_F(ClientEnvTest, EcsContainer) {
  EXPECT_THAT(
      Env("ecs", "container"),
      UnorderedElementsAre(Pair("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                absl::StrCat("/v2/credentials/", kId)),
                           Pair("ECS_CONTAINER_METADATA_URI",
                                absl::StrCat(EcsAgent(), "/v3/", kEndpoint)),
                           Pair("ECS_CONTAINER_METADATA_URI_V4",
                                absl::StrCat(EcsAgent(), "/v4/", kEndpoint))));
  // The listener does not matter inside a task.
  EXPECT_EQ(Env("ecs", "container", v6_), Env("ecs", "container"));
}

TEST_F(ClientEnvTest, EksHost) {
  const std::string token = scenario_.eks.pods.at(0).token;
  EnvVars vars = Env("eks", "host");
  EXPECT_THAT(vars, UnorderedElementsAre(
                        Pair("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                             "http://127.0.0.1:4711/v1/credentials"),
                        Pair("AWS_CONTAINER_AUTHORIZATION_TOKEN", token)));
  ExpectHostForm(vars, "http://127.0.0.1:4711");
  EXPECT_THAT(
      Env("eks", "host", v6_),
      UnorderedElementsAre(Pair("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                "http://[::1]:4711/v1/credentials"),
                           Pair("AWS_CONTAINER_AUTHORIZATION_TOKEN", token)));
}

TEST_F(ClientEnvTest, EksContainer) {
  EXPECT_THAT(Env("eks", "container"),
              UnorderedElementsAre(
                  Pair("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                       absl::StrCat(EksAgent(), "/v1/credentials")),
                  Pair("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", kTokenFile)));
}

TEST_F(ClientEnvTest, TaskRolesDisabledLeavesOutTheCredentialVariable) {
  scenario_ = BundledScenario("ecs-task-roles-disabled");
  EXPECT_THAT(Env("ecs", "host"),
              UnorderedElementsAre(
                  Pair("ECS_CONTAINER_METADATA_URI_V4",
                       absl::StrCat("http://127.0.0.1:4711/v4/", kEndpoint))));
  EXPECT_THAT(
      Env("ecs", "container"),
      UnorderedElementsAre(Pair("ECS_CONTAINER_METADATA_URI",
                                absl::StrCat(EcsAgent(), "/v3/", kEndpoint)),
                           Pair("ECS_CONTAINER_METADATA_URI_V4",
                                absl::StrCat(EcsAgent(), "/v4/", kEndpoint))));
}

TEST_F(ClientEnvTest, TaskWithoutRoleLeavesOutTheCredentialVariable) {
  scenario_.ecs.tasks.at(0).task_role.reset();
  for (const char* where : {"host", "container"}) {
    EnvVars vars = Env("ecs", where);
    for (const auto& [name, value] : vars) {
      EXPECT_FALSE(absl::StartsWith(name, "AWS_CONTAINER_CREDENTIALS"))
          << where << ": " << name;
    }
    EXPECT_FALSE(vars.empty()) << where;
  }
}

TEST_F(ClientEnvTest, ScenarioWithoutTasksOrPodsIsInvalidArgument) {
  Scenario bare = HealthyScenario();
  bare.ecs.tasks.clear();
  bare.eks.pods.clear();
  for (const char* where : {"host", "container"}) {
    EXPECT_THAT(ClientEnv(bare, "ecs", where, v4_),
                StatusIs(absl::StatusCode::kInvalidArgument, "no ECS task"));
    EXPECT_THAT(ClientEnv(bare, "eks", where, v4_),
                StatusIs(absl::StatusCode::kInvalidArgument, "no EKS pod"));
    // EC2 needs neither.
    EXPECT_THAT(ClientEnv(bare, "ec2", where, v4_), IsOk());
  }
}

TEST_F(ClientEnvTest, UnknownForOrWhereIsInvalidArgument) {
  EXPECT_THAT(ClientEnv(scenario_, "nope", "host", v4_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "for must be ec2, ecs or eks, not \"nope\""));
  EXPECT_THAT(ClientEnv(scenario_, "", "host", v4_),
              StatusIs(absl::StatusCode::kInvalidArgument, "for must be"));
  EXPECT_THAT(ClientEnv(scenario_, "ecs", "pod", v4_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "where must be host or container, not \"pod\""));
}

TEST(EnvAsShellTest, ExactLines) {
  EXPECT_EQ(EnvAsShell({}), "");
  EXPECT_EQ(EnvAsShell({{"A", "1"}, {"B", "http://127.0.0.1:4711/"}}),
            "export A='1'\nexport B='http://127.0.0.1:4711/'\n");
  EXPECT_EQ(EnvAsShell({{"X", "it's"}}), "export X='it'\\''s'\n");
  EXPECT_EQ(EnvAsShell({{"E", ""}}), "export E=''\n");
}

// Runs `script` in /bin/sh (from stdin, through eval) and returns what
// `printf %s "$X"` then prints.
std::string EvalAndPrintX(const std::string& script) {
  const std::string path = ::testing::TempDir() + "/client-env-eval.sh";
  std::ofstream(path, std::ios::binary) << script;
  const std::string command = absl::StrCat(
      "/bin/sh -c 'eval \"$(cat)\"; printf %s \"$X\"' < '", path, "'");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "(popen failed)";
  std::string out;
  char buffer[256];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0) << script;
  return out;
}

TEST(EnvAsShellTest, ShellReadsBackEveryValueExactly) {
  for (const std::string& value :
       {std::string("it's"), std::string("'"), std::string("''a''"),
        std::string("a b\tc"), std::string("$HOME `id` $(id) \"q\" \\ ;|&"),
        std::string("line1\nline2"), std::string("*?[x]"), std::string("")}) {
    EXPECT_EQ(EvalAndPrintX(EnvAsShell({{"Y", "other"}, {"X", value}})), value)
        << value;
  }
}

}  // namespace
}  // namespace metamock
