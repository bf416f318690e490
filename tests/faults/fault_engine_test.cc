#include "server/faults/fault_engine.h"

#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

HttpRequest Req(const std::string& path, const std::string& method = "GET",
                const std::string& client = "127.0.0.1") {
  HttpRequest r;
  r.method = method;
  r.path = path;
  r.remote_addr = client;
  return r;
}

std::string Fired(FaultEngine& engine, const HttpRequest& r,
                  const std::string& endpoint = "imds",
                  absl::Duration offset = absl::ZeroDuration()) {
  auto d = engine.Decide(r, endpoint, offset);
  return d ? d->rule_id : "-";
}

TEST(FaultEngine, MatchesByEndpointPathMethodAndClient) {
  FaultEngine engine(1);
  ASSERT_THAT(engine.Add(nlohmann::json::parse(
                  R"({"match":{"endpoint":"ecs","path":"/v2/*","method":"GET",
                      "client":"127.0.0.2"},"effect":{"status":500}})")),
              IsOk());
  EXPECT_EQ(Fired(engine, Req("/v2/credentials/x", "GET", "127.0.0.2"), "ecs"),
            "f1");
  EXPECT_EQ(Fired(engine, Req("/v2/credentials/x", "GET", "127.0.0.1"), "ecs"),
            "-");
  EXPECT_EQ(Fired(engine, Req("/v2/credentials/x", "PUT", "127.0.0.2"), "ecs"),
            "-");
  EXPECT_EQ(Fired(engine, Req("/v4/x", "GET", "127.0.0.2"), "ecs"), "-");
  EXPECT_EQ(Fired(engine, Req("/v2/credentials/x", "GET", "127.0.0.2"), "imds"),
            "-");
}

TEST(FaultEngine, AfterLetsMatchesThroughAndTimesExpires) {
  FaultEngine engine(1);
  ASSERT_THAT(engine.Add(nlohmann::json::parse(
                  R"({"effect":{"status":500},"after":2,"times":3})")),
              IsOk());
  std::string seen;
  for (int i = 0; i < 8; ++i)
    seen += Fired(engine, Req("/")) == "f1" ? "F" : ".";
  EXPECT_EQ(seen, "..FFF...");
  nlohmann::ordered_json list = engine.List();
  EXPECT_EQ(list["faults"][0]["fired"], 3);
  EXPECT_EQ(list["faults"][0]["expired"], true);
  EXPECT_EQ(list["faults"][0]["id"], "f1");
}

TEST(FaultEngine, FromAndUntilAreVirtualOffsets) {
  FaultEngine engine(1);
  ASSERT_THAT(engine.Add(nlohmann::json::parse(
                  R"({"effect":{"status":500},"from":"5m","until":"10m"})")),
              IsOk());
  EXPECT_EQ(Fired(engine, Req("/"), "imds", absl::Minutes(4)), "-");
  EXPECT_EQ(Fired(engine, Req("/"), "imds", absl::Minutes(5)), "f1");
  EXPECT_EQ(Fired(engine, Req("/"), "imds", absl::Minutes(9)), "f1");
  EXPECT_EQ(Fired(engine, Req("/"), "imds", absl::Minutes(10)), "-");
}

TEST(FaultEngine, ProbabilityIsSeededAndReproducible) {
  auto pattern = [](uint64_t seed) {
    FaultEngine engine(seed);
    EXPECT_THAT(engine.Add(nlohmann::json::parse(
                    R"({"effect":{"status":500},"probability":0.3})")),
                IsOk());
    std::string out;
    for (int i = 0; i < 2000; ++i)
      out += Fired(engine, Req("/")) == "f1" ? "F" : ".";
    return out;
  };
  const std::string a = pattern(42);
  EXPECT_EQ(a, pattern(42));
  EXPECT_NE(a, pattern(43));
  const double rate = std::count(a.begin(), a.end(), 'F') / 2000.0;
  EXPECT_NEAR(rate, 0.3, 0.05);
}

TEST(FaultEngine, DelaysAreDrawnWithinTheRange) {
  FaultEngine engine(7);
  ASSERT_THAT(engine.Add(nlohmann::json::parse(
                  R"({"effect":{"delay":{"min":"100ms","max":"900ms"}}})")),
              IsOk());
  for (int i = 0; i < 200; ++i) {
    auto d = engine.Decide(Req("/"), "imds", absl::ZeroDuration());
    ASSERT_TRUE(d);
    EXPECT_GE(d->delay, absl::Milliseconds(100));
    EXPECT_LE(d->delay, absl::Milliseconds(900));
  }
}

TEST(FaultEngine, FirstMatchingRuleWinsAndRemovalWorks) {
  FaultEngine engine(1);
  ASSERT_THAT(engine.Add(nlohmann::json::parse(
                  R"({"effect":{"status":500},"match":{"path":"/a"}})")),
              IsOk());
  ASSERT_THAT(engine.Add(nlohmann::json::parse(R"({"effect":{"status":503}})")),
              IsOk());
  EXPECT_EQ(Fired(engine, Req("/a")), "f1");
  EXPECT_EQ(Fired(engine, Req("/b")), "f2");
  EXPECT_TRUE(engine.Remove("f1"));
  EXPECT_FALSE(engine.Remove("f1"));
  EXPECT_EQ(Fired(engine, Req("/a")), "f2");
  engine.Clear();
  EXPECT_EQ(Fired(engine, Req("/a")), "-");
  EXPECT_TRUE(engine.List()["faults"].empty());
}

TEST(FaultEngine, InvalidRulesAddNothing) {
  FaultEngine engine(1);
  EXPECT_THAT(engine.Add(nlohmann::json::parse(R"({"effect":{"status":1}})")),
              StatusIs(absl::StatusCode::kInvalidArgument, "effect/status"));
  EXPECT_TRUE(engine.List()["faults"].empty());
  ASSERT_THAT(engine.Add(nlohmann::json::parse(R"({"effect":{"hang":true}})")),
              IsOk());
  EXPECT_EQ(engine.List()["faults"][0]["id"], "f1");  // ids not spent on errors
}

}  // namespace
}  // namespace metamock
