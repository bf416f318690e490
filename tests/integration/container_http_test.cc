// The container endpoints (ECS agent credentials and task metadata, EKS Pod
// Identity) and GET /_metamock/env over real HTTP against the real binary
// on a loopback port, per bundled scenario, with the clock frozen at a known
// start where timestamps matter; time moves only through the control API.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/scenario/bundled_scenarios.h"
#include "tests/testing/metamock_process.h"
#include "tests/testing/raw_http.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

constexpr char kId[] = "9c5a4d3e-1f2b-4a6c-8d7e-0b1c2d3e4f5a";
constexpr char kEndpoint[] = "158d1c8083dd49d6b527399fd6414f5c-3822082590";
constexpr char kRoleArn[] =
    "arn:aws:iam::123456789012:role/ECS-task-full-access";
constexpr char kRpsVariable[] = "ECS_TASK_METADATA_RPS_LIMIT";
constexpr char kThrottled[] = "You have reached maximum request limit.";
// A well-formed JWT that belongs to no pod.
constexpr char kOtherJwt[] =
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.c2lnbmF0dXJl";

std::string V2(absl::string_view id) {
  return absl::StrCat("/v2/credentials/", id);
}

// A bundled scenario as a file whose clock starts at 2026-11-23T10:00:00Z
// and stands still.
std::string FrozenCopy(const std::string& name) {
  std::optional<absl::string_view> text = BundledScenarioText(name);
  EXPECT_TRUE(text.has_value()) << name;
  if (!text) return "";
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(
      text->begin(), text->end(), nullptr, true, /*ignore_comments=*/true);
  doc["clock"] = {{"start", "2026-11-23T10:00:00Z"}, {"rate", 0}};
  std::string path =
      absl::StrCat(::testing::TempDir(), "/container-frozen-", name, ".json");
  std::ofstream(path) << doc.dump(2);
  return path;
}

// One response read off a raw socket, and the client port it came to.
struct RawAnswer {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int client_port = 0;

  // The first header named `name` (case-insensitively), if any.
  std::optional<std::string> Header(absl::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (absl::EqualsIgnoreCase(n, name)) return v;
    }
    return std::nullopt;
  }
};

// GET `target` on a fresh loopback connection; exact bytes, no client
// library in between.
RawAnswer RawGet(int port, const std::string& target,
                 const std::vector<std::string>& extra_headers = {}) {
  RawAnswer answer;
  int fd = ConnectLoopback(port);
  if (fd < 0) return answer;
  sockaddr_in local{};
  socklen_t length = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0) {
    answer.client_port = ntohs(local.sin_port);
  }
  std::string request =
      absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: 127.0.0.1:", port,
                   "\r\nConnection: close\r\n");
  for (const std::string& h : extra_headers)
    absl::StrAppend(&request, h, "\r\n");
  absl::StrAppend(&request, "\r\n");
  std::string data;
  if (SendAll(fd, request)) data = ReadResponse(fd, absl::Seconds(3));
  close(fd);
  const size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return answer;
  std::vector<std::string> lines = absl::StrSplit(data.substr(0, end), "\r\n");
  std::vector<std::string> status_line = absl::StrSplit(lines[0], ' ');
  if (status_line.size() < 2 ||
      !absl::SimpleAtoi(status_line[1], &answer.status)) {
    return answer;
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    answer.headers.emplace_back(
        lines[i].substr(0, colon),
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1))));
  }
  answer.body = data.substr(end + 4);
  return answer;
}

// Sets an environment variable for its lifetime, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* const name_;
  std::optional<std::string> old_;
};

std::vector<std::string> Keys(const nlohmann::ordered_json& j) {
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  return keys;
}

class ContainerHttpTest : public ::testing::Test {
 protected:
  void Start(const std::string& name) {
    auto p = MetamockProcess::Start({"--listen", "127.0.0.1:0", "--scenario",
                                     FrozenCopy(name), "--seed", "7"});
    ASSERT_THAT(p, IsOk());
    process_ = std::move(*p);
    port_ = process_->port();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_follow_location(false);
    client_->set_read_timeout(2, 0);
  }
  // Start() with ECS_TASK_METADATA_RPS_LIMIT=`limit` in the server's
  // environment only.
  void StartWithRpsLimit(const std::string& name, const char* limit) {
    ScopedEnv env(kRpsVariable, limit);
    Start(name);
  }
  void TearDown() override {
    if (process_) {
      EXPECT_EQ(process_->Stop(SIGTERM).exit_code, 0);
    }
  }

  RawAnswer Raw(const std::string& target,
                const std::vector<std::string>& headers = {}) {
    return RawGet(port_, target, headers);
  }
  void Advance(const std::string& duration) {
    auto res = client_->Post("/_metamock/clock",
                             absl::StrCat("{\"advance\":\"", duration, "\"}"),
                             "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }
  nlohmann::json Env(const std::string& query) {
    auto res = client_->Get(absl::StrCat("/_metamock/env?", query));
    EXPECT_TRUE(res);
    if (!res) return nlohmann::json();
    EXPECT_EQ(res->status, 200) << res->body;
    return nlohmann::json::parse(res->body);
  }
  std::string Base() const { return absl::StrCat("http://127.0.0.1:", port_); }

  std::unique_ptr<MetamockProcess> process_;
  std::unique_ptr<httplib::Client> client_;
  int port_ = 0;
};

TEST_F(ContainerHttpTest, HealthyEcsCredentials) {
  Start("healthy");
  RawAnswer r = Raw(V2(kId));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(r.body);
  EXPECT_EQ(Keys(j), (std::vector<std::string>{"RoleArn", "AccessKeyId",
                                               "SecretAccessKey", "Token",
                                               "Expiration"}));
  EXPECT_EQ(r.body,
            absl::StrCat("{\"RoleArn\":\"", kRoleArn, "\",\"AccessKeyId\":\"",
                         j["AccessKeyId"].get<std::string>(),
                         "\",\"SecretAccessKey\":\"",
                         j["SecretAccessKey"].get<std::string>(),
                         "\",\"Token\":\"", j["Token"].get<std::string>(),
                         "\",\"Expiration\":\"2026-11-23T16:00:00Z\"}"));
  EXPECT_EQ(r.Header("X-Rate-Limit-Limit"), "40.00");
  EXPECT_EQ(r.Header("X-Rate-Limit-Duration"), "1");
  EXPECT_EQ(r.Header("X-Rate-Limit-Request-Remote-Addr"),
            absl::StrCat("127.0.0.1:", r.client_port));
  // The legacy path serves the same set.
  RawAnswer v1 = Raw(absl::StrCat("/v1/credentials?id=", kId));
  EXPECT_EQ(v1.status, 200);
  EXPECT_EQ(v1.body, r.body);
  // And the errors, through the router.
  RawAnswer no_id = Raw("/v2/credentials/");
  EXPECT_EQ(no_id.status, 400);
  EXPECT_EQ(no_id.body,
            "{\"code\":\"NoIdInRequest\",\"message\":\"CredentialsV2Request: "
            "No Credential ID in the request\",\"HTTPErrorCode\":400}");
  RawAnswer v1_no_id = Raw("/v1/credentials?id=");
  EXPECT_EQ(v1_no_id.status, 400);
  EXPECT_EQ(v1_no_id.body,
            "{\"code\":\"NoIdInRequest\",\"message\":\"CredentialsV1Request: "
            "No Credential ID in the request\",\"HTTPErrorCode\":400}");
  RawAnswer bare = Raw("/v2/credentials");
  EXPECT_EQ(bare.status, 404);
  EXPECT_EQ(bare.body, "404 page not found\n");
  EXPECT_EQ(bare.Header("Content-Type"), "text/plain; charset=utf-8");
}

TEST_F(ContainerHttpTest, HealthyTaskMetadata) {
  Start("healthy");
  const std::string base = absl::StrCat("/v4/", kEndpoint);
  RawAnswer c = Raw(base);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.Header("Content-Type"), "application/json");
  nlohmann::ordered_json container = nlohmann::ordered_json::parse(c.body);
  EXPECT_EQ(
      Keys(container),
      (std::vector<std::string>{
          "DockerId", "Name", "DockerName", "Image", "ImageID", "Labels",
          "DesiredStatus", "KnownStatus", "Limits", "CreatedAt", "StartedAt",
          "Type", "LogDriver", "LogOptions", "ContainerARN", "Networks"}));
  EXPECT_EQ(container["Name"], "amazonlinux");
  EXPECT_EQ(container["Image"], "amazonlinux");
  EXPECT_EQ(container["Limits"]["Memory"], 128);
  EXPECT_EQ(container["LogDriver"], "awslogs");
  EXPECT_EQ(container["LogOptions"]["awslogs-group"], "ecs-tasks");
  EXPECT_EQ(container["LogOptions"]["awslogs-stream-prefix"], "iam-role-test");
  EXPECT_EQ(container["CreatedAt"], "2026-11-23T09:50:00Z");

  RawAnswer t = Raw(base + "/task");
  ASSERT_EQ(t.status, 200) << t.body;
  nlohmann::ordered_json task = nlohmann::ordered_json::parse(t.body);
  EXPECT_EQ(Keys(task), (std::vector<std::string>{
                            "Cluster", "TaskARN", "Family", "Revision",
                            "DesiredStatus", "KnownStatus", "PullStartedAt",
                            "PullStoppedAt", "AvailabilityZone", "LaunchType",
                            "Containers", "FaultInjectionEnabled"}));
  EXPECT_EQ(task["Family"], "iam-role-test");
  EXPECT_EQ(task["Revision"], "1");
  ASSERT_EQ(task["Containers"].size(), 1u);
  EXPECT_EQ(task["Containers"][0], container);

  RawAnswer stats = Raw(base + "/stats");
  EXPECT_EQ(stats.status, 200);
  EXPECT_EQ(nlohmann::json::parse(stats.body)["read"], "2026-11-23T10:00:00Z");
  RawAnswer task_stats = Raw(base + "/task/stats");
  EXPECT_EQ(task_stats.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(task_stats.body)
                  .contains(container["DockerId"].get<std::string>()));
  EXPECT_EQ(Raw(base + "/nope").body, "404 page not found\n");
}

TEST_F(ContainerHttpTest, HealthyEksCredentialsWithTheTokenFromEnv) {
  Start("healthy");
  nlohmann::json env = Env("for=eks");
  EXPECT_EQ(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
            Base() + "/v1/credentials");
  ASSERT_TRUE(env["AWS_CONTAINER_AUTHORIZATION_TOKEN"].is_string()) << env;
  const std::string token = env["AWS_CONTAINER_AUTHORIZATION_TOKEN"];
  RawAnswer r = Raw("/v1/credentials", {"Authorization: " + token});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(r.body);
  EXPECT_EQ(Keys(j),
            (std::vector<std::string>{"AccessKeyId", "SecretAccessKey", "Token",
                                      "AccountId", "Expiration"}));
  EXPECT_EQ(j["AccountId"], "123456789012");
  EXPECT_EQ(j["Expiration"], "2026-11-23T16:00:00Z");
}

TEST_F(ContainerHttpTest, EnvForEcsOnTheHostNeverHasTheRelativeUri) {
  Start("healthy");
  for (const char* query : {"for=ecs", "for=ecs&where=host"}) {
    nlohmann::json env = Env(query);
    EXPECT_FALSE(env.contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
        << query << ": " << env;
    EXPECT_EQ(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
              absl::StrCat(Base(), V2(kId)))
        << query;
    EXPECT_EQ(env["ECS_CONTAINER_METADATA_URI_V4"],
              absl::StrCat(Base(), "/v4/", kEndpoint))
        << query;
  }
  auto sh = client_->Get("/_metamock/env?for=ecs&format=sh");
  ASSERT_TRUE(sh);
  EXPECT_EQ(sh->status, 200);
  EXPECT_FALSE(absl::StrContains(sh->body, "RELATIVE_URI")) << sh->body;
  EXPECT_TRUE(absl::StrContains(
      sh->body, absl::StrCat("export AWS_CONTAINER_CREDENTIALS_FULL_URI='",
                             Base(), V2(kId), "'\n")))
      << sh->body;
  // The container form is the agent's, with the relative URI.
  EXPECT_EQ(
      Env("for=ecs&where=container")["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"],
      V2(kId));
  // The host form's URL works as given.
  const std::string full = Env("for=ecs")["AWS_CONTAINER_CREDENTIALS_FULL_URI"];
  EXPECT_EQ(Raw(full.substr(Base().size())).status, 200);
}

TEST_F(ContainerHttpTest, EnvForAnUnknownServiceIsA400Json) {
  Start("healthy");
  auto res = client_->Get("/_metamock/env?for=nope");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res->body,
            "{\"error\":\"for must be ec2, ecs or eks, not \\\"nope\\\"\"}");
}

TEST_F(ContainerHttpTest, TaskRolesDisabledNeverAnswersCredentials) {
  Start("ecs-task-roles-disabled");
  httplib::Client waiting("127.0.0.1", port_);
  waiting.set_read_timeout(0, 300000);
  EXPECT_FALSE(waiting.Get(V2(kId)));  // timed out: no answer
  // IMDS still answers.
  httplib::Client fresh("127.0.0.1", port_);
  auto list = fresh.Get("/latest/meta-data/iam/security-credentials/");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_EQ(list->body, "metamock-ec2-role");
  // Task metadata too.
  EXPECT_EQ(Raw(absl::StrCat("/v4/", kEndpoint)).status, 200);
  // The agent injects no credential variable.
  nlohmann::json env = Env("for=ecs");
  EXPECT_FALSE(env.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI")) << env;
  EXPECT_FALSE(env.contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) << env;
  EXPECT_EQ(env["ECS_CONTAINER_METADATA_URI_V4"],
            absl::StrCat(Base(), "/v4/", kEndpoint));
  EXPECT_FALSE(Env("for=ecs&where=container")
                   .contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"));
}

TEST_F(ContainerHttpTest, ThrottledBurstGets429AfterFour) {
  Start("ecs-credentials-throttled");
  std::vector<RawAnswer> answers;
  const absl::Time begin = absl::Now();
  for (int i = 0; i < 10; ++i) answers.push_back(Raw(V2(kId)));
  const absl::Duration elapsed = absl::Now() - begin;
  int allowed = 0;
  for (const RawAnswer& a : answers) {
    EXPECT_TRUE(a.status == 200 || a.status == 429) << a.status;
    if (a.status == 200) ++allowed;
    EXPECT_EQ(a.Header("X-Rate-Limit-Limit"), "2.00");
    EXPECT_EQ(a.Header("X-Rate-Limit-Duration"), "1");
    EXPECT_EQ(a.Header("X-Rate-Limit-Request-Forwarded-For"), "");
    EXPECT_EQ(a.Header("X-Rate-Limit-Request-Remote-Addr"),
              absl::StrCat("127.0.0.1:", a.client_port));
  }
  for (int i = 0; i < 4; ++i) EXPECT_EQ(answers[i].status, 200) << i;
  // Bucket of 4 refilled at 2 per second: exact while the burst took less
  // than half a second (it normally takes milliseconds).
  if (elapsed < absl::Milliseconds(500)) {
    for (int i = 4; i < 10; ++i) EXPECT_EQ(answers[i].status, 429) << i;
  } else {
    EXPECT_LE(allowed, 4 + 1 + static_cast<int>(elapsed / absl::Seconds(1) * 2))
        << "burst took " << elapsed;
  }
  const RawAnswer& throttled = answers[4];
  if (throttled.status == 429) {
    EXPECT_EQ(throttled.body, kThrottled);
    EXPECT_EQ(throttled.Header("Content-Type"), "text/plain; charset=utf-8");
  }
  // Another path has its own bucket.
  RawAnswer metadata = Raw(absl::StrCat("/v4/", kEndpoint));
  EXPECT_EQ(metadata.status, 200);
  EXPECT_EQ(metadata.Header("X-Rate-Limit-Limit"), "2.00");
  EXPECT_EQ(Raw(absl::StrCat("/v1/credentials?id=", kId)).status, 200);
}

TEST_F(ContainerHttpTest, UninitializedUntilTheClockPassesTwoMinutes) {
  Start("ecs-credentials-uninitialized");
  RawAnswer r = Raw(V2(kId));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.body,
            "{\"code\":\"CredentialsUninitialized\",\"message\":"
            "\"CredentialsV2Request: Credentials uninitialized for ID\","
            "\"HTTPErrorCode\":503}");
  Advance("1m59s");
  EXPECT_EQ(Raw(V2(kId)).status, 503);
  Advance("1s");
  RawAnswer ok = Raw(V2(kId));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(nlohmann::json::parse(ok.body)["RoleArn"], kRoleArn);
}

TEST_F(ContainerHttpTest, EksPodIdentityNeedsTheRightToken) {
  Start("eks-pod-identity");
  RawAnswer none = Raw("/v1/credentials");
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.body, "Service account token cannot be empty\n");
  EXPECT_EQ(none.Header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(none.Header("X-Content-Type-Options"), "nosniff");

  RawAnswer wrong =
      Raw("/v1/credentials", {absl::StrCat("Authorization: ", kOtherJwt)});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_TRUE(std::regex_match(
      wrong.body,
      std::regex("\\[[0-9a-f-]{36}\\]: \\(InvalidTokenException\\): [^\\n]+, "
                 "fault: client\\n")))
      << wrong.body;

  const std::string token = Env("for=eks")["AWS_CONTAINER_AUTHORIZATION_TOKEN"];
  RawAnswer right = Raw("/v1/credentials", {"Authorization: " + token});
  ASSERT_EQ(right.status, 200) << right.body;
  nlohmann::json j = nlohmann::json::parse(right.body);
  EXPECT_EQ(j["AccountId"], "123456789012");
  EXPECT_FALSE(j.contains("RoleArn"));
  EXPECT_EQ(j["Expiration"], "2026-11-23T16:00:00Z");
}

TEST_F(ContainerHttpTest, RpsLimitEnvironmentVariableOverridesTheScenario) {
  StartWithRpsLimit("healthy", "1,1");
  const absl::Time begin = absl::Now();
  RawAnswer first = Raw(V2(kId));
  RawAnswer second = Raw(V2(kId));
  const absl::Duration elapsed = absl::Now() - begin;
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.Header("X-Rate-Limit-Limit"), "1.00");
  EXPECT_EQ(second.Header("X-Rate-Limit-Limit"), "1.00");
  if (elapsed < absl::Seconds(1)) {
    EXPECT_EQ(second.status, 429);
    EXPECT_EQ(second.body, kThrottled);
  }
}

TEST_F(ContainerHttpTest, MalformedRpsLimitWarnsAndUsesTheAgentsDefault) {
  StartWithRpsLimit("ecs-credentials-throttled", "2,4,6");
  EXPECT_TRUE(absl::StrContains(
      process_->Stderr(),
      "ECS_TASK_METADATA_RPS_LIMIT=\"2,4,6\" is not steady,burst; using the "
      "agent's default 40,60"))
      << process_->Stderr();
  // 40,60 rather than the scenario's 2,4.
  for (int i = 0; i < 10; ++i) {
    RawAnswer r = Raw(V2(kId));
    EXPECT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.Header("X-Rate-Limit-Limit"), "40.00") << i;
  }
}

}  // namespace
}  // namespace metamock
