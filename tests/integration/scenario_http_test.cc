// Every bundled scenario over real HTTP against the real binary, with the
// clock frozen at a known start so documents are exact; time moves only
// through the control API. Also reloads (SIGHUP, --watch).

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/credentials/credential_minter.h"
#include "server/credentials/credential_schedule.h"
#include "server/imds/iam_documents.h"
#include "server/scenario/bundled_scenarios.h"
#include "tests/testing/metamock_process.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1795428000);  // 10:00:00Z
constexpr uint64_t kSeed = 7;
constexpr char kRole[] = "metamock-ec2-role";
constexpr char kList[] = "/latest/meta-data/iam/security-credentials/";
constexpr char kInfo[] = "/latest/meta-data/iam/info";

// A bundled scenario as a file whose clock starts at kStart and stands
// still.
std::string FrozenCopy(const std::string& name) {
  std::optional<absl::string_view> text = BundledScenarioText(name);
  EXPECT_TRUE(text.has_value()) << name;
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(
      text->begin(), text->end(), nullptr, true, /*ignore_comments=*/true);
  doc["clock"] = {{"start", "2026-11-23T10:00:00Z"}, {"rate", 0}};
  std::string path =
      absl::StrCat(::testing::TempDir(), "/frozen-", name, ".json");
  std::ofstream(path) << doc.dump(2);
  return path;
}

// The credentials document metamock must serve for `role` in rotation
// slot `index` (hourly from kStart, six hours' lifetime).
std::string ExpectedCredentials(const std::string& role, int64_t index) {
  CredentialMinter minter(kSeed);
  RotationSlot slot{index, kStart + absl::Hours(index),
                    kStart + absl::Hours(index + 6)};
  return RoleCredentialsDocument(CredentialsFor(minter, role, slot));
}

class ScenarioHttpTest : public ::testing::Test {
 protected:
  void Start(const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--listen",   "127.0.0.1:0",
                                     "--scenario", FrozenCopy(name),
                                     "--seed",     absl::StrCat(kSeed)};
    args.insert(args.end(), extra.begin(), extra.end());
    auto p = MetamockProcess::Start(args);
    ASSERT_THAT(p, IsOk());
    process_ = std::move(*p);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", process_->port());
    client_->set_follow_location(false);
    client_->set_read_timeout(2, 0);
  }
  void TearDown() override {
    if (process_) {
      EXPECT_EQ(process_->Stop(SIGTERM).exit_code, 0);
    }
  }
  // GET `path`; status and body ("" when no answer came).
  std::pair<int, std::string> Get(const std::string& path,
                                  const httplib::Headers& headers = {}) {
    auto res = client_->Get(path, headers);
    if (!res) return {0, ""};
    return {res->status, res->body};
  }
  void Advance(const std::string& duration) {
    auto res = client_->Post("/_metamock/clock",
                             absl::StrCat("{\"advance\":\"", duration, "\"}"),
                             "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }
  nlohmann::json ControlGet(const std::string& path) {
    auto res = client_->Get(path);
    EXPECT_TRUE(res);
    return res ? nlohmann::json::parse(res->body) : nlohmann::json();
  }

  std::unique_ptr<MetamockProcess> process_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ScenarioHttpTest, Healthy) {
  Start("healthy");
  EXPECT_EQ(Get(kList), std::make_pair(200, std::string(kRole)));
  EXPECT_EQ(Get(std::string(kList) + kRole),
            std::make_pair(200, ExpectedCredentials(kRole, 0)));
  EXPECT_EQ(
      Get(kInfo).second,
      "{\n"
      "  \"Code\" : \"Success\",\n"
      "  \"LastUpdated\" : \"2026-11-23T10:00:00Z\",\n"
      "  \"InstanceProfileArn\" : "
      "\"arn:aws:iam::123456789012:instance-profile/metamock-ec2-profile\",\n"
      "  \"InstanceProfileId\" : \"AIPAMETAMOCKPROFILE01\"\n"
      "}");
  Advance("3h");
  EXPECT_EQ(Get(std::string(kList) + kRole).second,
            ExpectedCredentials(kRole, 3));
}

TEST_F(ScenarioHttpTest, NoInstanceProfile) {
  Start("no-instance-profile");
  EXPECT_FALSE(absl::StrContains(Get("/latest/meta-data/").second, "iam/"));
  EXPECT_EQ(Get("/latest/meta-data/iam/").first, 404);
  EXPECT_EQ(Get(kInfo).first, 404);
  EXPECT_EQ(Get(kList).first, 404);
}

TEST_F(ScenarioHttpTest, InstanceProfileNotFound) {
  Start("instance-profile-not-found");
  EXPECT_EQ(Get("/latest/meta-data/iam/").second, "info");
  EXPECT_EQ(Get(kInfo).second,
            "{\n"
            "  \"Code\" : \"InstanceProfileNotFound\",\n"
            "  \"Message\" : \"Instance Profile with Id AIPAMETAMOCKPROFILE01 "
            "cannot be found.  Please see documentation at "
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
            "troubleshoot_iam-ec2.html#troubleshoot_iam-ec2_errors-info-doc."
            "\",\n"
            "  \"LastUpdated\" : \"2026-11-23T10:00:00Z\"\n"
            "}");
  EXPECT_EQ(Get(kList).first, 404);
  EXPECT_EQ(Get(std::string(kList) + kRole).first, 404);
}

TEST_F(ScenarioHttpTest, InstanceProfileRecreated) {
  Start("instance-profile-recreated");
  EXPECT_TRUE(absl::StrContains(Get(kInfo).second,
                                "\"Code\" : \"InstanceProfileNotFound\""));
  nlohmann::json world = ControlGet("/_metamock/iam");
  const std::string profile_id =
      world["InstanceProfiles"][0]["InstanceProfileId"];
  EXPECT_NE(profile_id, "AIPAMETAMOCKPROFILE01");
  EXPECT_EQ(world["Instance"]["IamInstanceProfileId"], "AIPAMETAMOCKPROFILE01");
  Advance("2h");
  EXPECT_EQ(Get(kList).first, 404);  // the instance still holds the old id
}

TEST_F(ScenarioHttpTest, RoleRemovedFromProfile) {
  Start("role-removed-from-profile");
  std::string info = Get(kInfo).second;
  EXPECT_TRUE(absl::StartsWith(
      info,
      "{\n  \"Code\" : \"Success\",\n  \"Message\" : \"Instance Profile does "
      "not contain a role.  Please see documentation at "))
      << info;
  EXPECT_EQ(Get(kList).first, 404);
}

TEST_F(ScenarioHttpTest, AssumeRoleUnauthorized) {
  Start("assume-role-unauthorized");
  EXPECT_EQ(Get(kList).second, kRole);
  EXPECT_EQ(Get(std::string(kList) + kRole),
            std::make_pair(200, AssumeRoleUnauthorizedDocument(kRole, kStart)));
}

TEST_F(ScenarioHttpTest, RoleReplacedServesTheOldRoleUntilTheRotation) {
  Start("role-replaced");
  Advance("5m");
  EXPECT_EQ(Get(kList).second, kRole);
  EXPECT_EQ(Get(std::string(kList) + kRole).second,
            ExpectedCredentials(kRole, 0));
  Advance("55m");
  EXPECT_EQ(Get(kList).second, "metamock-ec2-role-v2");
  EXPECT_EQ(Get(std::string(kList) + "metamock-ec2-role-v2").second,
            ExpectedCredentials("metamock-ec2-role-v2", 1));
  EXPECT_EQ(Get(std::string(kList) + kRole).first, 404);
}

TEST_F(ScenarioHttpTest, RoleReaddedServesNothingUntilTheRotation) {
  Start("role-readded");
  Advance("5m");
  EXPECT_EQ(Get(kList).first, 404);
  Advance("5m");
  EXPECT_EQ(Get(kList).first, 404);
  EXPECT_TRUE(absl::StartsWith(
      Get(kInfo).second, "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\""));
  Advance("50m");
  EXPECT_EQ(Get(kList).second, kRole);
}

TEST_F(ScenarioHttpTest, RotationDelayedServesExpiredCredentials) {
  Start("rotation-delayed");
  Advance("6h10m");
  std::string doc = Get(std::string(kList) + kRole).second;
  EXPECT_TRUE(
      absl::StrContains(doc, "\"LastUpdated\" : \"2026-11-23T10:00:00Z\""));
  EXPECT_TRUE(
      absl::StrContains(doc, "\"Expiration\" : \"2026-11-23T16:00:00Z\""));
  Advance("10m");
  doc = Get(std::string(kList) + kRole).second;
  EXPECT_TRUE(
      absl::StrContains(doc, "\"LastUpdated\" : \"2026-11-23T16:20:00Z\""));
  EXPECT_TRUE(
      absl::StrContains(doc, "\"Expiration\" : \"2026-11-23T22:20:00Z\""));
}

TEST_F(ScenarioHttpTest, Imdsv2Required) {
  Start("imdsv2-required");
  EXPECT_EQ(Get(kList).first, 401);
  auto token = client_->Put("/latest/api/token",
                            {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}},
                            "", "text/plain");
  ASSERT_TRUE(token);
  EXPECT_EQ(Get(kList, {{"X-aws-ec2-metadata-token", token->body}}).second,
            kRole);
}

TEST_F(ScenarioHttpTest, ImdsDisabled) {
  Start("imds-disabled");
  EXPECT_EQ(Get(kList), std::make_pair(403, std::string()));
  auto token = client_->Put("/latest/api/token",
                            {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}},
                            "", "text/plain");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->status, 403);
  EXPECT_EQ(token->body, "");
  // The control API is not IMDS: it still answers.
  EXPECT_EQ(ControlGet("/_metamock/health")["status"], "ok");
}

TEST_F(ScenarioHttpTest, HopLimitLosesOnlyTheTokenAnswer) {
  Start("imds-hop-limit");
  client_->set_read_timeout(0, 300000);
  auto token = client_->Put("/latest/api/token",
                            {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}},
                            "", "text/plain");
  EXPECT_FALSE(token);  // timed out
  httplib::Client fresh("127.0.0.1", process_->port());
  auto listing = fresh.Get(kList);
  ASSERT_TRUE(listing);
  EXPECT_EQ(listing->body, kRole);
}

TEST_F(ScenarioHttpTest, UnreachableNeverAnswersAndHoldsNoWorker) {
  Start("imds-unreachable");
  // Far more unanswered requests than the server has worker threads.
  std::vector<std::unique_ptr<httplib::Client>> waiting;
  for (int i = 0; i < 100; ++i) {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", process_->port());
    c->set_read_timeout(0, 50000);
    EXPECT_FALSE(c->Get(kList)) << i;
    waiting.push_back(std::move(c));
  }
  EXPECT_EQ(ControlGet("/_metamock/health")["status"], "ok");
}

TEST_F(ScenarioHttpTest, ThrottledClientsGet429) {
  Start("imds-throttled");
  client_->set_keep_alive(true);
  std::vector<int> statuses;
  for (int i = 0; i < 20; ++i)
    statuses.push_back(Get("/latest/meta-data/").first);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(statuses[i], 200) << i;
  EXPECT_NE(std::find(statuses.begin(), statuses.end(), 429), statuses.end());
  auto res = client_->Get("/latest/meta-data/");
  ASSERT_TRUE(res);
  if (res->status == 429) {
    EXPECT_TRUE(absl::StrContains(res->body, "429 - Too Many Requests"));
  }
}

// Waits (bounded) for GET /_metamock/scenario's generation to reach `want`.
int WaitForGeneration(httplib::Client& client, int want) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  int generation = 0;
  while (absl::Now() < deadline) {
    auto res = client.Get("/_metamock/scenario");
    if (res) generation = nlohmann::json::parse(res->body)["generation"];
    if (generation >= want) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return generation;
}

TEST_F(ScenarioHttpTest, SighupReloadsAndABadFileKeepsTheOldScenario) {
  const std::string path = FrozenCopy("healthy");
  auto p =
      MetamockProcess::Start({"--listen", "127.0.0.1:0", "--scenario", path});
  ASSERT_THAT(p, IsOk());
  httplib::Client client("127.0.0.1", (*p)->port());
  EXPECT_EQ(WaitForGeneration(client, 1), 1);

  std::ofstream(path) << "{\"name\": \"renamed\", \"description\": \"d\"}";
  (*p)->Signal(SIGHUP);
  EXPECT_EQ(WaitForGeneration(client, 2), 2);
  EXPECT_EQ(
      nlohmann::json::parse(client.Get("/_metamock/health")->body)["scenario"],
      "renamed");

  std::ofstream(path) << "{\"name\": \"broken\",\n \"description\": 3}";
  (*p)->Signal(SIGHUP);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!absl::StrContains((*p)->Stderr(), "reload failed") &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(absl::StrContains(
      (*p)->Stderr(), path + ":2:17: \"description\" must be a string"))
      << (*p)->Stderr();
  EXPECT_EQ(nlohmann::json::parse(
                client.Get("/_metamock/scenario")->body)["generation"],
            2);
  EXPECT_EQ(
      nlohmann::json::parse(client.Get("/_metamock/health")->body)["scenario"],
      "renamed");
  EXPECT_EQ((*p)->Stop(SIGTERM).exit_code, 0);
}

TEST_F(ScenarioHttpTest, WatchReloadsOnChange) {
  const std::string path = FrozenCopy("healthy");
  auto p = MetamockProcess::Start(
      {"--listen", "127.0.0.1:0", "--scenario", path, "--watch"});
  ASSERT_THAT(p, IsOk());
  httplib::Client client("127.0.0.1", (*p)->port());
  std::ofstream(path) << "{\"name\": \"watched\", \"description\": \"d\"}";
  EXPECT_EQ(WaitForGeneration(client, 2), 2);
  EXPECT_EQ(
      nlohmann::json::parse(client.Get("/_metamock/health")->body)["scenario"],
      "watched");
  EXPECT_EQ((*p)->Stop(SIGTERM).exit_code, 0);
}

TEST_F(ScenarioHttpTest, AnInvalidScenarioExitsTwoBeforeServing) {
  const std::string path = ::testing::TempDir() + "/invalid-start.json";
  std::ofstream(path) << "{\n  \"name\": \"x\",\n  \"nope\": 1\n}";
  ProcessResult r =
      RunMetamock({"--listen", "127.0.0.1:0", "--scenario", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(absl::StrContains(r.err, path + ":1:1: missing \"description\""))
      << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, path + ":3:3: unknown key \"nope\""))
      << r.err;
  r = RunMetamock({"--scenario", "no-such-scenario"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(
      absl::StrContains(r.err, "unknown scenario \"no-such-scenario\""));
}

TEST_F(ScenarioHttpTest, ValidateAndListScenarios) {
  ProcessResult r = RunMetamock({"--validate", FrozenCopy("role-replaced")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunMetamock({"--list-scenarios"});
  EXPECT_EQ(r.exit_code, 0);
  for (const std::string& name : BundledScenarioNames()) {
    EXPECT_TRUE(absl::StrContains(r.out, "\n" + name + " ") ||
                absl::StartsWith(r.out, name + " "))
        << name;
  }
}

}  // namespace
}  // namespace metamock
