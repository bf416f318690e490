// The EKS Pod Identity agent, called directly: the success body, every
// error line (http.Error's text/plain), EKS Auth's errors passed through,
// and the optional Host check.
//
// The agent's link-local address below appears only as a Host header
// value given to the handler: this test only compares strings and sends no
// packet anywhere.

#include "server/eks/pod_identity_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/clock/simulated_clock.h"
#include "server/scenario/iam_action.h"
#include "tests/testing/scenarios.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1795428000);  // 10:00:00Z

// A well-formed JWT that belongs to no pod: {"alg":"RS256"}.{"sub":"other"}.
constexpr char kOtherJwt[] =
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.c2lnbmF0dXJl";

// The agent's IPv4 address, built at run time (see the file comment).
std::string AgentIpv4() { return absl::StrCat("169.254.", "170.23"); }

// An EKS Auth error passed through: `[<request id>]: (<code>): ..., fault:
// client` and a newline.
std::regex RequestIdLine(absl::string_view code) {
  return std::regex(absl::StrCat(
      "\\[[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\]: "
      "\\(",
      code, "\\): [^\\n]+, fault: client\\n"));
}

class PodIdentityServiceTest : public ::testing::Test {
 protected:
  PodIdentityServiceTest() { Load(HealthyScenario()); }

  void Load(Scenario scenario, absl::Time start = kStart) {
    world_.Load(Frozen(std::move(scenario), start));
    token_ = world_.Current().scenario->eks.pods.at(0).token;
  }

  // GET /v1/credentials; `token` nullopt sends no Authorization.
  HttpResponse Get(std::optional<std::string> token,
                   const std::optional<std::string>& host = "127.0.0.1:1338") {
    HttpRequest request;
    request.method = "GET";
    request.path = "/v1/credentials";
    if (host) request.headers.Add("Host", *host);
    if (token) request.headers.Add("Authorization", *token);
    request.remote_addr = "127.0.0.1";
    request.remote_port = 40000;
    request.local_addr = "127.0.0.1";
    request.local_port = 1338;
    return service_.Handle(request);
  }

  void Advance(absl::Duration d) { ASSERT_THAT(clock_.Advance(d), IsOk()); }

  absl::Status Do(const nlohmann::json& action) {
    IamActionError error;
    std::optional<IamAction> parsed = ParseIamAction(action, {}, &error);
    EXPECT_TRUE(parsed.has_value()) << error.message;
    if (!parsed) return absl::InvalidArgumentError(error.message);
    return world_.Apply({*parsed});
  }

  static void ExpectTextError(const HttpResponse& r, int status) {
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.headers.Get("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r.headers.Get("X-Content-Type-Options"), "nosniff");
    EXPECT_TRUE(absl::EndsWith(r.body, "\n")) << r.body;
  }

  SimulatedClock real_;
  VirtualClock clock_{kStart, 0, &real_};
  CredentialMinter minter_{11};
  World world_{&clock_, &real_};
  PodIdentityService service_{&world_, &minter_};
  std::string token_;
};

TEST_F(PodIdentityServiceTest, SuccessBodyHasNoRoleArnAndTheAgentsKeyOrder) {
  HttpResponse r = Get(token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(r.body);
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"AccessKeyId", "SecretAccessKey", "Token",
                                      "AccountId", "Expiration"}));
  EXPECT_FALSE(j.contains("RoleArn"));
  // Compact, no newline: the agent's model_test.go template.
  EXPECT_EQ(
      r.body,
      absl::StrCat("{\"AccessKeyId\":\"", j["AccessKeyId"].get<std::string>(),
                   "\",\"SecretAccessKey\":\"",
                   j["SecretAccessKey"].get<std::string>(), "\",\"Token\":\"",
                   j["Token"].get<std::string>(),
                   "\",\"AccountId\":\"123456789012\",\"Expiration\":\"",
                   "2026-11-23T16:00:00Z\"}"));
  EXPECT_TRUE(std::regex_match(j["AccessKeyId"].get<std::string>(),
                               std::regex("ASIA[A-Z2-7]{16}")));
  EXPECT_EQ(j["SecretAccessKey"].get<std::string>().size(), 40u);
}

TEST_F(PodIdentityServiceTest, ExpirationCarriesNanosecondsWhenTheStartDoes) {
  Load(HealthyScenario(), kStart + absl::Nanoseconds(123456789));
  HttpResponse r = Get(token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["Expiration"],
            "2026-11-23T16:00:00.123456789Z");
  Load(HealthyScenario(), kStart + absl::Milliseconds(500));
  EXPECT_EQ(nlohmann::json::parse(Get(token_).body)["Expiration"],
            "2026-11-23T16:00:00.5Z");
}

TEST_F(PodIdentityServiceTest, KeysChangeAtARotation) {
  nlohmann::json first = nlohmann::json::parse(Get(token_).body);
  Advance(absl::Hours(1));
  nlohmann::json second = nlohmann::json::parse(Get(token_).body);
  EXPECT_NE(first["AccessKeyId"], second["AccessKeyId"]);
  EXPECT_EQ(second["Expiration"], "2026-11-23T17:00:00Z");
}

TEST_F(PodIdentityServiceTest, MissingOrEmptyTokenIs400) {
  for (const std::optional<std::string>& token :
       {std::optional<std::string>(), std::optional<std::string>("")}) {
    HttpResponse r = Get(token);
    ExpectTextError(r, 400);
    EXPECT_EQ(r.body, "Service account token cannot be empty\n");
  }
}

TEST_F(PodIdentityServiceTest, NotAJwtCannotBeParsed) {
  for (const char* token : {"not-a-jwt", "a.b", "a.b.c.d", "Bearer x"}) {
    HttpResponse r = Get(std::string(token));
    ExpectTextError(r, 400);
    EXPECT_TRUE(
        absl::StartsWith(r.body, "Service account token cannot be parsed: "))
        << token << ": " << r.body;
  }
}

// golang-jwt/jwt v5 (which the agent uses) wraps every parse error in
// ErrTokenMalformed: "token is malformed: token contains an invalid number
// of segments".
TEST_F(PodIdentityServiceTest, NotAJwtGivesJwtV5sExactMessage) {
  HttpResponse r = Get(std::string("not-a-jwt"));
  EXPECT_EQ(r.body,
            "Service account token cannot be parsed: token is malformed: token "
            "contains an invalid number of segments\n");
}

// docs/containers.md, "Deviations": the token is checked only for its
// three parts, so three parts that are no JWT reach EKS Auth (the agent's
// ParseUnverified would refuse them).
TEST_F(PodIdentityServiceTest, ThreePartsAreAskedOfEksAuth) {
  HttpResponse r = Get(std::string("a.b.c"));
  ExpectTextError(r, 400);
  EXPECT_TRUE(std::regex_match(r.body, RequestIdLine("InvalidTokenException")))
      << r.body;
}

TEST_F(PodIdentityServiceTest, UnknownTokenIsEksAuthsInvalidTokenException) {
  HttpResponse r = Get(std::string(kOtherJwt));
  ExpectTextError(r, 400);
  EXPECT_TRUE(std::regex_match(r.body, RequestIdLine("InvalidTokenException")))
      << r.body;
  // Each call to EKS Auth has its own request id.
  HttpResponse again = Get(std::string(kOtherJwt));
  EXPECT_NE(again.body.substr(0, 38), r.body.substr(0, 38));
}

TEST_F(PodIdentityServiceTest, RoleWithoutPodsTrustIsAccessDenied) {
  Scenario s = HealthyScenario();
  s.eks.pods.at(0).role = "ECS-task-full-access";  // trusts ecs-tasks only
  Load(std::move(s));
  HttpResponse r = Get(token_);
  ExpectTextError(r, 400);
  EXPECT_TRUE(std::regex_match(r.body, RequestIdLine("AccessDeniedException")))
      << r.body;
  EXPECT_TRUE(absl::StrContains(
      r.body,
      "]: (AccessDeniedException): The role "
      "arn:aws:iam::123456789012:role/ECS-task-full-access cannot be assumed "
      "by pods.eks.amazonaws.com, fault: client\n"))
      << r.body;
}

TEST_F(PodIdentityServiceTest, PodWithoutRoleIsAccessDenied) {
  Scenario s = HealthyScenario();
  s.eks.pods.at(0).role.reset();
  Load(std::move(s));
  HttpResponse r = Get(token_);
  ExpectTextError(r, 400);
  EXPECT_TRUE(std::regex_match(r.body, RequestIdLine("AccessDeniedException")))
      << r.body;
}

TEST_F(PodIdentityServiceTest, TrustLostShowsAtTheNextRotation) {
  nlohmann::json ec2_only = {
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Effect", "Allow"},
         {"Principal", {{"Service", "ec2.amazonaws.com"}}},
         {"Action", "sts:AssumeRole"}}}}};
  ASSERT_THAT(Do({{"Action", "UpdateAssumeRolePolicy"},
                  {"RoleName", "metamock-pod-role"},
                  {"PolicyDocument", ec2_only}}),
              IsOk());
  EXPECT_EQ(Get(token_).status, 200);
  Advance(absl::Hours(1));
  HttpResponse r = Get(token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(std::regex_match(r.body, RequestIdLine("AccessDeniedException")))
      << r.body;
}

class PodIdentityHostCheckTest : public PodIdentityServiceTest {
 protected:
  PodIdentityHostCheckTest() {
    Scenario s = HealthyScenario();
    s.eks.host_check = true;
    Load(std::move(s));
  }
  static std::string Denied(absl::string_view host) {
    return absl::StrCat(
        "Access Denied. Called agent through invalid address, please use "
        "either [",
        AgentIpv4(), " fd00:ec2::23] address not ", host, "\n");
  }
};

TEST_F(PodIdentityHostCheckTest, LoopbackHostIsForbidden) {
  HttpResponse r = Get(token_, "127.0.0.1:1338");
  ExpectTextError(r, 403);
  EXPECT_EQ(r.body, Denied("127.0.0.1"));
  EXPECT_EQ(Get(token_, "localhost").body, Denied("localhost"));
  EXPECT_EQ(Get(token_, "[::1]:1338").body, Denied("::1"));
  EXPECT_EQ(Get(token_, std::nullopt).body, Denied(""));
  // The Host check comes before the token check.
  EXPECT_EQ(Get(std::nullopt, "127.0.0.1:1338").status, 403);
}

TEST_F(PodIdentityHostCheckTest, AgentAddressesAreAccepted) {
  for (const std::string& host :
       {AgentIpv4(), absl::StrCat(AgentIpv4(), ":80"),
        std::string("[fd00:ec2::23]:80"), std::string("[fd00:ec2::23]"),
        std::string("fd00:ec2::23")}) {
    HttpResponse r = Get(token_, host);
    EXPECT_EQ(r.status, 200) << host << ": " << r.body;
  }
  // Past the Host check the token rules apply as usual.
  HttpResponse r = Get(std::nullopt, AgentIpv4());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Service account token cannot be empty\n");
}

TEST_F(PodIdentityServiceTest, HostCheckIsOffByDefault) {
  EXPECT_EQ(Get(token_, "127.0.0.1:1338").status, 200);
  EXPECT_EQ(Get(token_, "localhost:1338").status, 200);
}

}  // namespace
}  // namespace metamock
