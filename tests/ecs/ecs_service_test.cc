// The ECS agent's task metadata server, called directly: every error body
// byte for byte, the success body's shape, rotation and trust changes, the
// uninitialized window, task roles disabled, and the throttle (tollbooth's
// per (client IP, path) token bucket) driven by a simulated monotonic clock.

#include "server/ecs/ecs_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/clock/simulated_clock.h"
#include "server/ecs/task_metadata.h"
#include "server/scenario/iam_action.h"
#include "tests/testing/scenarios.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1795428000);  // 10:00:00Z
constexpr char kId[] = "9c5a4d3e-1f2b-4a6c-8d7e-0b1c2d3e4f5a";
constexpr char kEndpoint[] = "158d1c8083dd49d6b527399fd6414f5c-3822082590";
constexpr char kTaskRole[] = "ECS-task-full-access";
constexpr char kRoleArn[] =
    "arn:aws:iam::123456789012:role/ECS-task-full-access";

std::string V2(absl::string_view id) {
  return absl::StrCat("/v2/credentials/", id);
}

// A frozen world (rate 0): virtual time moves only through clock_, and the
// throttle's monotonic time only through monotonic_.
class EcsServiceTest : public ::testing::Test {
 protected:
  EcsServiceTest() { Load(HealthyScenario()); }

  void Load(Scenario scenario,
            std::optional<RateLimit> rate_override = std::nullopt,
            absl::Time start = kStart) {
    world_.Load(Frozen(std::move(scenario), start));
    service_ = std::make_unique<EcsService>(&world_, &clock_, &monotonic_,
                                            &minter_, rate_override);
  }

  HttpResponse Send(
      const std::string& path, const std::string& query = "",
      const std::string& ip = "127.0.0.1", int port = 40000,
      std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.query = query;
    request.headers.Add("Host", "127.0.0.1:1338");
    for (const auto& [name, value] : headers) request.headers.Add(name, value);
    request.remote_addr = ip;
    request.remote_port = port;
    request.local_addr = "127.0.0.1";
    request.local_port = 1338;
    return service_->Handle(request);
  }

  void Advance(absl::Duration d) { ASSERT_THAT(clock_.Advance(d), IsOk()); }

  absl::Status Do(const nlohmann::json& action) {
    IamActionError error;
    std::optional<IamAction> parsed = ParseIamAction(action, {}, &error);
    EXPECT_TRUE(parsed.has_value()) << error.message;
    if (!parsed) return absl::InvalidArgumentError(error.message);
    return world_.Apply({*parsed});
  }

  SimulatedClock real_;
  SimulatedClock monotonic_{absl::FromUnixSeconds(1000)};
  VirtualClock clock_{kStart, 0, &real_};
  CredentialMinter minter_{11};
  World world_{&clock_, &real_};
  std::unique_ptr<EcsService> service_;
};

// The success body rebuilt from its own values in the agent's template
// (credentials_handler_test.go), so the comparison checks order and form.
std::string AgentTemplate(const nlohmann::json& j) {
  return absl::StrCat(
      "{\"RoleArn\":\"", j["RoleArn"].get<std::string>(),
      "\",\"AccessKeyId\":\"", j["AccessKeyId"].get<std::string>(),
      "\",\"SecretAccessKey\":\"", j["SecretAccessKey"].get<std::string>(),
      "\",\"Token\":\"", j["Token"].get<std::string>(), "\",\"Expiration\":\"",
      j["Expiration"].get<std::string>(), "\"}");
}

TEST_F(EcsServiceTest, CredentialsAreCompactInTheAgentsKeyOrder) {
  HttpResponse r = Send(V2(kId));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.effect, ConnectionEffect::kNone);
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(r.body);
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"RoleArn", "AccessKeyId",
                                            "SecretAccessKey", "Token",
                                            "Expiration"}));
  EXPECT_EQ(r.body, AgentTemplate(j));
  EXPECT_EQ(j["RoleArn"], kRoleArn);
  EXPECT_TRUE(std::regex_match(j["AccessKeyId"].get<std::string>(),
                               std::regex("ASIA[A-Z2-7]{16}")))
      << j["AccessKeyId"];
  EXPECT_EQ(j["SecretAccessKey"].get<std::string>().size(), 40u);
  EXPECT_EQ(j["Token"].get<std::string>().size(),
            CredentialMinter::kSessionTokenLength);
  EXPECT_EQ(j["Expiration"], "2026-11-23T16:00:00Z");
  EXPECT_FALSE(absl::EndsWith(r.body, "\n"));
}

TEST_F(EcsServiceTest, ExpirationIsWholeSecondsEvenWhenTheStartIsNot) {
  Load(HealthyScenario(), std::nullopt, kStart + absl::Nanoseconds(123456789));
  HttpResponse r = Send(V2(kId));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["Expiration"],
            "2026-11-23T16:00:00Z");
}

TEST_F(EcsServiceTest, LegacyV1PathServesTheSameCredentials) {
  HttpResponse v1 = Send("/v1/credentials", absl::StrCat("id=", kId));
  ASSERT_EQ(v1.status, 200) << v1.body;
  EXPECT_EQ(v1.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(v1.body, Send(V2(kId)).body);
  // Other parameters around the id do not matter.
  EXPECT_EQ(Send("/v1/credentials", absl::StrCat("x=1&id=", kId, "&y=2")).body,
            v1.body);
}

TEST_F(EcsServiceTest, MissingIdIsNoIdInRequest) {
  HttpResponse r = Send("/v2/credentials/");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.body,
            "{\"code\":\"NoIdInRequest\",\"message\":\"CredentialsV2Request: "
            "No Credential ID in the request\",\"HTTPErrorCode\":400}");
  const std::string v1 =
      "{\"code\":\"NoIdInRequest\",\"message\":\"CredentialsV1Request: No "
      "Credential ID in the request\",\"HTTPErrorCode\":400}";
  for (const char* query : {"id=", "id", "", "other=1", "id=&x=1"}) {
    HttpResponse r1 = Send("/v1/credentials", query);
    EXPECT_EQ(r1.status, 400) << query;
    EXPECT_EQ(r1.headers.Get("Content-Type"), "application/json") << query;
    EXPECT_EQ(r1.body, v1) << query;
  }
}

TEST_F(EcsServiceTest, UnknownIdIsInvalidIdInRequest) {
  HttpResponse r = Send(V2("00000000-0000-0000-0000-000000000000"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.body,
            "{\"code\":\"InvalidIdInRequest\",\"message\":"
            "\"CredentialsV2Request: Credentials not found\","
            "\"HTTPErrorCode\":400}");
  HttpResponse r1 = Send("/v1/credentials", "id=nope");
  EXPECT_EQ(r1.status, 400);
  EXPECT_EQ(r1.body,
            "{\"code\":\"InvalidIdInRequest\",\"message\":"
            "\"CredentialsV1Request: Credentials not found\","
            "\"HTTPErrorCode\":400}");
  // The id is the whole rest of the path.
  EXPECT_EQ(Send(absl::StrCat(V2(kId), "/")).status, 400);
  EXPECT_EQ(Send(absl::StrCat(V2(kId), "x")).status, 400);
}

TEST_F(EcsServiceTest, UninitializedUntilTheWindowEnds) {
  Load(BundledScenario("ecs-credentials-uninitialized"));
  const std::string v2 =
      "{\"code\":\"CredentialsUninitialized\",\"message\":"
      "\"CredentialsV2Request: Credentials uninitialized for ID\","
      "\"HTTPErrorCode\":503}";
  HttpResponse r = Send(V2(kId));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.body, v2);
  HttpResponse r1 = Send("/v1/credentials", absl::StrCat("id=", kId));
  EXPECT_EQ(r1.status, 503);
  EXPECT_EQ(r1.body,
            "{\"code\":\"CredentialsUninitialized\",\"message\":"
            "\"CredentialsV1Request: Credentials uninitialized for ID\","
            "\"HTTPErrorCode\":503}");
  // An unknown id is still unknown, not pending.
  EXPECT_EQ(Send(V2("nope")).status, 400);
  Advance(absl::Minutes(2) - absl::Seconds(1));
  EXPECT_EQ(Send(V2(kId)).body, v2);
  Advance(absl::Seconds(1));
  HttpResponse ok = Send(V2(kId));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(nlohmann::json::parse(ok.body)["RoleArn"], kRoleArn);
}

TEST_F(EcsServiceTest, UnroutedPathsAreTheMuxNotFound) {
  for (const std::string& path :
       {std::string("/v2/credentials"), absl::StrCat("/v4/", kEndpoint, "/"),
        absl::StrCat("/v4/", kEndpoint, "/nope"),
        absl::StrCat("/v4/", kEndpoint, "/task/nope"),
        absl::StrCat("/v4/", kEndpoint, "/stats/x"), std::string("/v5/x"),
        std::string("/")}) {
    HttpResponse r = Send(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body, "404 page not found\n") << path;
    EXPECT_EQ(r.headers.Get("Content-Type"), "text/plain; charset=utf-8")
        << path;
    EXPECT_EQ(r.headers.Get("X-Content-Type-Options"), "nosniff") << path;
  }
}

TEST_F(EcsServiceTest, MetadataRoutes) {
  const Scenario healthy = HealthyScenario();
  const EcsTask& task = healthy.ecs.tasks[0];
  const std::string base = absl::StrCat("/v4/", kEndpoint);
  HttpResponse container = Send(base);
  EXPECT_EQ(container.status, 200);
  EXPECT_EQ(container.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(
      container.body,
      ContainerMetadata(healthy, task, task.containers[0], kStart).dump());
  HttpResponse t = Send(base + "/task");
  EXPECT_EQ(t.status, 200);
  EXPECT_EQ(t.body, TaskMetadata(healthy, task, kStart).dump());
  HttpResponse stats = Send(base + "/stats");
  EXPECT_EQ(stats.status, 200);
  EXPECT_EQ(stats.body,
            ContainerStats(task, task.containers[0], kStart).dump());
  HttpResponse task_stats = Send(base + "/task/stats");
  EXPECT_EQ(task_stats.status, 200);
  EXPECT_EQ(task_stats.body, TaskStats(task, kStart).dump());
  // v3 is the same.
  EXPECT_EQ(Send(absl::StrCat("/v3/", kEndpoint)).body, container.body);
  EXPECT_EQ(Send(absl::StrCat("/v3/", kEndpoint, "/task")).body, t.body);
}

TEST_F(EcsServiceTest, UnknownEndpointIdIsA404JsonString) {
  HttpResponse c = Send("/v4/nope");
  EXPECT_EQ(c.status, 404);
  EXPECT_EQ(c.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(c.body,
            "\"V4 container metadata handler: unable to get container ID "
            "from request: unable to get docker ID from v3 endpoint ID: "
            "nope\"");
  HttpResponse t = Send("/v4/nope/task");
  EXPECT_EQ(t.status, 404);
  EXPECT_EQ(t.body,
            "\"V4 task metadata handler: unable to get task arn from "
            "request: unable to get task Arn from v3 endpoint ID: nope\"");
}

// docs/containers.md, "Deviations": v3 is v4, including v4's 404 messages
// (the agent's v3 handlers say "V3 ..." and answer 500).
TEST_F(EcsServiceTest, V3UnknownEndpointIdGetsV4sAnswer) {
  HttpResponse c = Send("/v3/nope");
  EXPECT_EQ(c.status, 404);
  EXPECT_EQ(c.body, Send("/v4/nope").body);
  HttpResponse t = Send("/v3/nope/task");
  EXPECT_EQ(t.status, 404);
  EXPECT_EQ(t.body, Send("/v4/nope/task").body);
}

// The agent reads the legacy id with r.URL.Query().Get("id"), which
// percent-decodes it.
TEST_F(EcsServiceTest, V1IdIsPercentDecodedAsGoDoes) {
  HttpResponse r =
      Send("/v1/credentials", "id=9c5a4d3e%2D1f2b-4a6c-8d7e-0b1c2d3e4f5a");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(EcsServiceTest, CredentialIdStaysAcrossARotationWhileKeysChange) {
  nlohmann::json first = nlohmann::json::parse(Send(V2(kId)).body);
  Advance(absl::Minutes(59));
  EXPECT_EQ(nlohmann::json::parse(Send(V2(kId)).body), first);
  Advance(absl::Minutes(1));
  HttpResponse r = Send(V2(kId));
  ASSERT_EQ(r.status, 200) << r.body;
  nlohmann::json second = nlohmann::json::parse(r.body);
  EXPECT_EQ(second["RoleArn"], kRoleArn);
  EXPECT_NE(second["AccessKeyId"], first["AccessKeyId"]);
  EXPECT_NE(second["SecretAccessKey"], first["SecretAccessKey"]);
  EXPECT_NE(second["Token"], first["Token"]);
  EXPECT_EQ(second["Expiration"], "2026-11-23T17:00:00Z");
}

TEST_F(EcsServiceTest, TaskRoleLosingEcsTrustIsUnknownFromTheNextRotation) {
  nlohmann::json ec2_only = {
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Effect", "Allow"},
         {"Principal", {{"Service", "ec2.amazonaws.com"}}},
         {"Action", "sts:AssumeRole"}}}}};
  const std::string before = Send(V2(kId)).body;
  ASSERT_THAT(Do({{"Action", "UpdateAssumeRolePolicy"},
                  {"RoleName", kTaskRole},
                  {"PolicyDocument", ec2_only}}),
              IsOk());
  // The agent keeps what ACS sent until the next push.
  HttpResponse same = Send(V2(kId));
  EXPECT_EQ(same.status, 200);
  EXPECT_EQ(same.body, before);
  Advance(absl::Hours(1));
  const std::string unknown =
      "{\"code\":\"InvalidIdInRequest\",\"message\":\"CredentialsV2Request: "
      "Credentials not found\",\"HTTPErrorCode\":400}";
  EXPECT_EQ(Send(V2(kId)).body, unknown);
  Advance(absl::Hours(1));
  EXPECT_EQ(Send(V2(kId)).body, unknown);
  // Trust given back: served again from the rotation after.
  nlohmann::json ecs = ec2_only;
  ecs["Statement"][0]["Principal"]["Service"] = "ecs-tasks.amazonaws.com";
  ASSERT_THAT(Do({{"Action", "UpdateAssumeRolePolicy"},
                  {"RoleName", kTaskRole},
                  {"PolicyDocument", ecs}}),
              IsOk());
  EXPECT_EQ(Send(V2(kId)).status, 400);
  Advance(absl::Hours(1));
  EXPECT_EQ(Send(V2(kId)).status, 200);
}

TEST_F(EcsServiceTest, TaskRolesDisabledNeverAnswersCredentials) {
  Load(BundledScenario("ecs-task-roles-disabled"));
  for (const auto& [path, query] :
       std::vector<std::pair<std::string, std::string>>{
           {V2(kId), ""},
           {"/v1/credentials", absl::StrCat("id=", kId)},
           {V2("nope"), ""}}) {
    HttpResponse r = Send(path, query);
    EXPECT_EQ(r.effect, ConnectionEffect::kHang) << path << "?" << query;
  }
  // Task metadata does not need task roles.
  HttpResponse metadata = Send(absl::StrCat("/v4/", kEndpoint));
  EXPECT_EQ(metadata.effect, ConnectionEffect::kNone);
  EXPECT_EQ(metadata.status, 200);
}

TEST_F(EcsServiceTest, RateLimitHeadersOnEveryAnswer) {
  struct Case {
    std::string path, query;
    int status;
  };
  for (const Case& c :
       std::vector<Case>{{V2(kId), "", 200},
                         {"/v2/credentials/", "", 400},
                         {V2("nope"), "", 400},
                         {"/v2/credentials", "", 404},
                         {"/v4/nope", "", 404},
                         {absl::StrCat("/v4/", kEndpoint), "", 200}}) {
    HttpResponse r = Send(c.path, c.query, "127.0.0.1", 40001);
    EXPECT_EQ(r.status, c.status) << c.path;
    EXPECT_EQ(r.headers.Get("X-Rate-Limit-Limit"), "40.00") << c.path;
    EXPECT_EQ(r.headers.Get("X-Rate-Limit-Duration"), "1") << c.path;
    EXPECT_EQ(r.headers.Get("X-Rate-Limit-Request-Forwarded-For"), "")
        << c.path;
    EXPECT_EQ(r.headers.Get("X-Rate-Limit-Request-Remote-Addr"),
              "127.0.0.1:40001")
        << c.path;
  }
  HttpResponse forwarded =
      Send(V2(kId), "", "127.0.0.1", 40002, {{"X-Forwarded-For", "10.1.2.3"}});
  EXPECT_EQ(forwarded.headers.Get("X-Rate-Limit-Request-Forwarded-For"),
            "10.1.2.3");
  HttpResponse v6 = Send(V2(kId), "", "::1", 40003);
  EXPECT_EQ(v6.headers.Get("X-Rate-Limit-Request-Remote-Addr"), "[::1]:40003");
}

TEST_F(EcsServiceTest, ThrottledAnswerIsTollboothsPlainText) {
  Load(BundledScenario("ecs-credentials-throttled"));
  for (int i = 0; i < 4; ++i) {
    HttpResponse r = Send(V2(kId), "", "127.0.0.1", 40000 + i);
    EXPECT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.headers.Get("X-Rate-Limit-Limit"), "2.00") << i;
  }
  HttpResponse r = Send(V2(kId), "", "127.0.0.1", 41000,
                        {{"X-Forwarded-For", "203.0.113.9"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.body, "You have reached maximum request limit.");
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r.headers.Get("X-Rate-Limit-Limit"), "2.00");
  EXPECT_EQ(r.headers.Get("X-Rate-Limit-Duration"), "1");
  EXPECT_EQ(r.headers.Get("X-Rate-Limit-Request-Forwarded-For"), "203.0.113.9");
  EXPECT_EQ(r.headers.Get("X-Rate-Limit-Request-Remote-Addr"),
            "127.0.0.1:41000");
  // Half a second later one more token has arrived.
  monotonic_.Advance(absl::Milliseconds(499));
  EXPECT_EQ(Send(V2(kId)).status, 429);
  monotonic_.Advance(absl::Milliseconds(1));
  EXPECT_EQ(Send(V2(kId)).status, 200);
  EXPECT_EQ(Send(V2(kId)).status, 429);
}

TEST_F(EcsServiceTest, ErrorsAndNotFoundCountAgainstTheBucket) {
  Load(BundledScenario("ecs-credentials-throttled"));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Send("/v2/credentials/").status, 400);
  HttpResponse r = Send("/v2/credentials/");
  EXPECT_EQ(r.status, 429);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Send("/v4/x/y/z").status, 404);
  EXPECT_EQ(Send("/v4/x/y/z").status, 429);
}

TEST_F(EcsServiceTest, BucketsAreKeyedByClientIpAndPath) {
  Load(BundledScenario("ecs-credentials-throttled"));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Send(V2(kId), "", "127.0.0.1", 40000 + i).status, 200);
  }
  // Same IP and path from another port: the same bucket.
  EXPECT_EQ(Send(V2(kId), "", "127.0.0.1", 50000).status, 429);
  // Another IP: its own bucket.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Send(V2(kId), "", "127.0.0.2").status, 200) << i;
  }
  EXPECT_EQ(Send(V2(kId), "", "127.0.0.2").status, 429);
  EXPECT_EQ(Send(V2(kId), "", "::1").status, 200);
  // Another path from the first IP: its own bucket.
  const std::string metadata = absl::StrCat("/v4/", kEndpoint);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Send(metadata).status, 200) << i;
  EXPECT_EQ(Send(metadata).status, 429);
  // The legacy path is another path; the query is not part of the key.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Send("/v1/credentials", absl::StrCat("id=", kId)).status, 200)
        << i;
  }
  EXPECT_EQ(Send("/v1/credentials", "id=nope").status, 429);
}

// A steady overload of `per_second` evenly spaced requests for 10 s from
// one client to one path; returns how many were answered 200.
int AllowedUnderOverload(EcsService* service, SimulatedClock* monotonic,
                         int per_second) {
  const absl::Duration gap = absl::Seconds(1) / per_second;
  int allowed = 0;
  // Requests at 0, gap, 2 gap, ..., 10 s inclusive.
  for (int i = 0; i <= 10 * per_second; ++i) {
    HttpRequest request;
    request.method = "GET";
    request.path = V2(kId);
    request.remote_addr = "127.0.0.1";
    request.remote_port = 40000;
    HttpResponse r = service->Handle(request);
    EXPECT_TRUE(r.status == 200 || r.status == 429) << r.status;
    if (r.status == 200) ++allowed;
    monotonic->Advance(gap);
  }
  return allowed;
}

TEST_F(EcsServiceTest, SteadyOverloadGetsExactlyBurstPlusRateTimesDuration) {
  // ecs-credentials-throttled: 2 per second, burst 4; 10 s.
  const int ideal = 4 + 2 * 10;
  for (int per_second : {4, 10, 100, 1000}) {
    Load(BundledScenario("ecs-credentials-throttled"));
    const int allowed =
        AllowedUnderOverload(service_.get(), &monotonic_, per_second);
    EXPECT_EQ(allowed, ideal) << per_second << " requests per second";
    EXPECT_NEAR(allowed, ideal, 0.02 * ideal) << per_second;
    // Let every bucket fill again before the next round.
    monotonic_.Advance(absl::Minutes(1));
  }
}

TEST_F(EcsServiceTest, RateOverrideWinsOverTheScenario) {
  Load(BundledScenario("ecs-credentials-throttled"), RateLimit{1, 1});
  HttpResponse first = Send(V2(kId));
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.headers.Get("X-Rate-Limit-Limit"), "1.00");
  HttpResponse second = Send(V2(kId));
  EXPECT_EQ(second.status, 429);
  EXPECT_EQ(second.headers.Get("X-Rate-Limit-Limit"), "1.00");
  monotonic_.Advance(absl::Seconds(1));
  EXPECT_EQ(Send(V2(kId)).status, 200);

  // A generous override lifts the scenario's limit.
  Load(BundledScenario("ecs-credentials-throttled"), RateLimit{40, 60});
  for (int i = 0; i < 60; ++i) {
    HttpResponse r = Send(absl::StrCat("/v4/", kEndpoint, "/task"));
    EXPECT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.headers.Get("X-Rate-Limit-Limit"), "40.00");
  }
  EXPECT_EQ(Send(absl::StrCat("/v4/", kEndpoint, "/task")).status, 429);
}

TEST(ParseEcsRateLimitTest, GoodValues) {
  std::optional<RateLimit> spaced = ParseEcsRateLimit(" 2 , 4 ");
  ASSERT_TRUE(spaced.has_value());
  EXPECT_EQ(spaced->rate, 2);
  EXPECT_EQ(spaced->burst, 4);
  std::optional<RateLimit> readme = ParseEcsRateLimit("100,150");
  ASSERT_TRUE(readme.has_value());
  EXPECT_EQ(readme->rate, 100);
  EXPECT_EQ(readme->burst, 150);
  std::optional<RateLimit> one = ParseEcsRateLimit("1,1");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->rate, 1);
  EXPECT_EQ(one->burst, 1);
}

TEST(ParseEcsRateLimitTest, BadValues) {
  for (const char* text : {"2", "a,b", "0,1", "1,0", "-1,2", "2,4,6", "", ",",
                           "2,", ",4", "2.5,4", "2;4", "2 4"}) {
    EXPECT_FALSE(ParseEcsRateLimit(text).has_value()) << "\"" << text << "\"";
  }
}

}  // namespace
}  // namespace metamock
