#include "server/faults/fault_rule.h"

#include <gtest/gtest.h>

namespace metamock {
namespace {

using Json = nlohmann::json;

std::optional<FaultRule> Parse(const std::string& text, FaultRuleError* e) {
  return ParseFaultRule(Json::parse(text), e);
}

TEST(FaultRule, ParsesTheDocumentedExample) {
  FaultRuleError e;
  auto r =
      Parse(R"({"match":{"endpoint":"imds","path":"/latest/meta-data/iam/*",
                     "method":"GET","client":"127.0.0.1"},
                     "effect":{"status":500},"after":1,"times":2,
                     "probability":0.5,"from":"5m","until":"10m"})",
            &e);
  ASSERT_TRUE(r.has_value()) << e.message;
  EXPECT_EQ(r->endpoint, "imds");
  EXPECT_EQ(r->path, "/latest/meta-data/iam/*");
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->client, "127.0.0.1");
  EXPECT_EQ(r->effect.kind, FaultEffect::Kind::kStatus);
  EXPECT_EQ(r->effect.status, 500);
  EXPECT_EQ(r->after, 1);
  EXPECT_EQ(r->times, 2);
  EXPECT_EQ(r->probability, 0.5);
  EXPECT_EQ(r->from, absl::Minutes(5));
  EXPECT_EQ(r->until, absl::Minutes(10));
}

TEST(FaultRule, ParsesEveryEffect) {
  FaultRuleError e;
  EXPECT_EQ(Parse(R"({"effect":{"delay":"300ms"}})", &e)->effect.delay_max,
            absl::Milliseconds(300));
  auto range =
      Parse(R"({"effect":{"delay":{"min":"100ms","max":"900ms"}}})", &e);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->effect.delay_min, absl::Milliseconds(100));
  EXPECT_EQ(range->effect.delay_max, absl::Milliseconds(900));
  EXPECT_EQ(Parse(R"({"effect":{"hang":true}})", &e)->effect.kind,
            FaultEffect::Kind::kHang);
  EXPECT_EQ(Parse(R"({"effect":{"reset":true}})", &e)->effect.kind,
            FaultEffect::Kind::kReset);
  EXPECT_EQ(Parse(R"({"effect":{"close":true}})", &e)->effect.kind,
            FaultEffect::Kind::kClose);
  EXPECT_EQ(Parse(R"({"effect":{"truncate":10}})", &e)->effect.truncate, 10u);
  EXPECT_EQ(Parse(R"({"effect":{"malformed":true}})", &e)->effect.kind,
            FaultEffect::Kind::kMalformed);
  auto preset = Parse(R"({"effect":{"preset":"imds-404"}})", &e);
  ASSERT_TRUE(preset);
  EXPECT_EQ(preset->effect.status, 404);
  EXPECT_EQ(preset->effect.body.size(), 339u);
  auto ecs =
      Parse(R"({"effect":{"status":503,"preset":"ecs-uninitialized"}})", &e);
  ASSERT_TRUE(ecs);
  EXPECT_EQ(ecs->effect.body,
            "{\"code\":\"CredentialsUninitialized\",\"message\":"
            "\"CredentialsV2Request: Credentials uninitialized for ID\","
            "\"HTTPErrorCode\":503}");
  auto custom = Parse(
      R"({"effect":{"status":418,"body":"tea","headers":{"X-A":"b"}}})", &e);
  ASSERT_TRUE(custom);
  EXPECT_EQ(custom->effect.body, "tea");
  ASSERT_EQ(custom->effect.headers.size(), 1u);
}

TEST(FaultRule, RejectsBadRulesNamingThePlace) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"([])", ""},
      {R"({})", ""},
      {R"({"effect":{}})", "/effect"},
      {R"({"effect":{"status":99}})", "/effect/status"},
      {R"({"effect":{"status":"500"}})", "/effect/status"},
      {R"({"effect":{"preset":"nope"}})", "/effect/preset"},
      {R"({"effect":{"delay":"soon"}})", "/effect/delay"},
      {R"({"effect":{"delay":"-1s"}})", "/effect/delay"},
      {R"({"effect":{"delay":"11m"}})", "/effect/delay"},
      {R"({"effect":{"delay":{"min":"2s","max":"1s"}}})", "/effect/delay"},
      {R"({"effect":{"hang":false}})", "/effect"},
      {R"({"effect":{"hang":true,"reset":true}})", "/effect"},
      {R"({"effect":{"truncate":-1}})", "/effect/truncate"},
      {R"({"effect":{"status":500,"bogus":1}})", "/effect/bogus"},
      {R"({"effect":{"status":500,"headers":{"X":"a\nb"}}})",
       "/effect/headers/X"},
      {R"({"effect":{"status":500},"match":{"endpoint":"control"}})",
       "/match/endpoint"},
      {R"({"effect":{"status":500},"match":{"host":"x"}})", "/match/host"},
      {R"({"effect":{"status":500},"times":0})", "/times"},
      {R"({"effect":{"status":500},"after":-1})", "/after"},
      {R"({"effect":{"status":500},"probability":1.5})", "/probability"},
      {R"({"effect":{"status":500},"from":"10m","until":"5m"})", "/until"},
      {R"({"effect":{"status":500},"extra":1})", "/extra"},
  };
  for (const auto& [text, pointer] : cases) {
    FaultRuleError e;
    EXPECT_FALSE(Parse(text, &e).has_value()) << text;
    EXPECT_EQ(e.pointer, pointer) << text << ": " << e.message;
    EXPECT_FALSE(e.message.empty());
  }
}

TEST(FaultRule, GlobsMatchAcrossSlashes) {
  EXPECT_TRUE(
      GlobMatch("/latest/meta-data/iam/*", "/latest/meta-data/iam/info"));
  EXPECT_TRUE(GlobMatch("/latest/*/iam/*",
                        "/latest/meta-data/iam/security-credentials/x"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("/v2/credentials/*", "/v2/credentials/"));
  EXPECT_FALSE(GlobMatch("/v2/credentials/*", "/v2/credentials"));
  EXPECT_FALSE(GlobMatch("/latest/api/token", "/latest/api/token/"));
  EXPECT_TRUE(GlobMatch("*token", "/latest/api/token"));
  EXPECT_TRUE(
      GlobMatch(std::string(50, '*') + "b", std::string(10000, 'a') + "b"));
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*b", std::string(5000, 'a')));
}

}  // namespace
}  // namespace metamock
