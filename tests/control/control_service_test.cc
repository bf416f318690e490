#include "server/control/control_service.h"

#include <gtest/gtest.h>

#include "server/clock/simulated_clock.h"
#include "tests/testing/scenarios.h"

namespace metamock {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1795428000);  // 10:00Z

class ControlServiceTest : public ::testing::Test {
 protected:
  ControlServiceTest() { world_.Load(Frozen(HealthyScenario(), kStart)); }
  HttpResponse Send(const std::string& method, const std::string& path,
                    const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    return control_.Handle(r);
  }
  nlohmann::json Json(const HttpResponse& r) {
    return nlohmann::json::parse(r.body);
  }
  SimulatedClock real_;
  VirtualClock clock_{absl::UnixEpoch(), 1, &real_};
  World world_{&clock_, &real_};
  Journal journal_{100};
  FaultEngine faults_{1};
  ControlService control_{&world_, &clock_, &journal_, &faults_};
};

TEST_F(ControlServiceTest, HealthNamesTheScenario) {
  HttpResponse r = Send("GET", "/_metamock/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.body, "{\"status\":\"ok\",\"scenario\":\"healthy\"}");
}

TEST_F(ControlServiceTest, WrongMethodIsAJson405) {
  HttpResponse r = Send("POST", "/_metamock/health");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(
      r.body,
      "{\"error\":\"POST is not allowed on /_metamock/health; use GET\"}");
  EXPECT_EQ(Send("DELETE", "/_metamock/clock").status, 405);
}

TEST_F(ControlServiceTest, UnknownCallsAreAJson404) {
  HttpResponse r = Send("GET", "/_metamock/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "{\"error\":\"no control API call at /_metamock/nope\"}");
}

TEST_F(ControlServiceTest, ClockReadsAdvancesAndSets) {
  EXPECT_EQ(Send("GET", "/_metamock/clock").body,
            "{\"now\":\"2026-11-23T10:00:00Z\",\"start\":\"2026-11-23T10:00:"
            "00Z\",\"rate\":0.0}");
  HttpResponse r = Send("POST", "/_metamock/clock", "{\"advance\":\"65m\"}");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json(r)["now"], "2026-11-23T11:05:00Z");
  r = Send("POST", "/_metamock/clock", "{\"set\":\"2026-11-23T12:00:00Z\"}");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json(r)["now"], "2026-11-23T12:00:00Z");
}

TEST_F(ControlServiceTest, BadClockCallsAre400AndChangeNothing) {
  for (const char* body :
       {"{\"advance\":\"-5m\"}", "{\"advance\":\"soon\"}", "{\"advance\":5}",
        "{\"set\":\"2026-11-23T09:00:00Z\"}", "{\"set\":\"noon\"}", "{}",
        "{\"advance\":\"1m\",\"set\":\"2026-11-23T12:00:00Z\"}", "[]", "nope",
        "{\"advance\":\"1m\",\"x\":1}"}) {
    HttpResponse r = Send("POST", "/_metamock/clock", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_TRUE(Json(r).contains("error")) << body;
  }
  EXPECT_EQ(Json(Send("GET", "/_metamock/clock"))["now"],
            "2026-11-23T10:00:00Z");
}

TEST_F(ControlServiceTest, IamActionsChangeTheWorld) {
  HttpResponse r = Send("POST", "/_metamock/iam",
                        "{\"Action\":\"RemoveRoleFromInstanceProfile\"}");
  EXPECT_EQ(r.status, 200);
  nlohmann::json world = Json(r);
  EXPECT_TRUE(world["InstanceProfiles"][0]["Roles"].empty());
  EXPECT_TRUE(world["Served"].is_null());
  EXPECT_EQ(world["Instance"]["IamInstanceProfileId"], "AIPAMETAMOCKPROFILE01");
  EXPECT_EQ(Json(Send("GET", "/_metamock/iam")), world);
}

TEST_F(ControlServiceTest, BadIamCallsAre400AndChangeNothing) {
  const std::string before = Send("GET", "/_metamock/iam").body;
  for (const char* body :
       {"", "{}", "{\"Action\":\"Explode\"}", "{\"Action\":5}",
        "{\"Action\":\"RemoveRoleFromInstanceProfile\",\"Bogus\":1}",
        "{\"Action\":\"AddRoleToInstanceProfile\"}",
        "{\"Action\":\"DeleteInstanceProfile\"}",
        "{\"Action\":\"UpdateAssumeRolePolicy\"}",
        "{\"Action\":\"UpdateAssumeRolePolicy\",\"PolicyDocument\":\"{\"}",
        "[]",
        "[{\"Action\":\"RemoveRoleFromInstanceProfile\"},{\"Action\":"
        "\"RemoveRoleFromInstanceProfile\"}]",
        "{\"Action\":\"DisassociateIamInstanceProfile\",\"AssociationId\":"
        "\"iip-assoc-0000\"}",
        "not json"}) {
    HttpResponse r = Send("POST", "/_metamock/iam", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_TRUE(Json(r).contains("error")) << body;
  }
  EXPECT_EQ(Send("GET", "/_metamock/iam").body, before);
}

TEST_F(ControlServiceTest, ScenarioSwitchPutAndReset) {
  nlohmann::json state = Json(Send("GET", "/_metamock/scenario"));
  EXPECT_EQ(state["name"], "healthy");
  EXPECT_EQ(state["generation"], 1);
  EXPECT_EQ(state["start"], "2026-11-23T10:00:00Z");
  EXPECT_EQ(state["document"]["name"], "healthy");

  HttpResponse r =
      Send("POST", "/_metamock/scenario", "{\"name\":\"role-replaced\"}");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json(r)["name"], "role-replaced");
  EXPECT_EQ(Json(r)["generation"], 2);

  std::string doc =
      "{\"name\":\"mine\",\"description\":\"d\",\"clock\":{\"start\":"
      "\"2030-01-01T00:00:00Z\",\"rate\":0}}";
  r = Send("PUT", "/_metamock/scenario", doc);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["name"], "mine");
  EXPECT_EQ(Json(r)["start"], "2030-01-01T00:00:00Z");
  EXPECT_EQ(Json(Send("GET", "/_metamock/health"))["scenario"], "mine");

  Send("POST", "/_metamock/clock", "{\"advance\":\"1h\"}");
  r = Send("POST", "/_metamock/reset");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json(r)["generation"], 3);
  EXPECT_EQ(Json(Send("GET", "/_metamock/clock"))["now"],
            "2030-01-01T00:00:00Z");
}

TEST_F(ControlServiceTest, BadScenarioCallsAre400AndChangeNothing) {
  for (const auto& [method, body] :
       std::vector<std::pair<std::string, std::string>>{
           {"POST", "{\"name\":\"nope\"}"},
           {"POST", "{\"name\":\"/etc/passwd\"}"},
           {"POST", "{}"},
           {"POST", "{\"name\":5}"},
           {"PUT", "{\"name\":\"x\"}"},
           {"PUT", "{"},
           {"PUT", ""}}) {
    HttpResponse r = Send(method, "/_metamock/scenario", body);
    EXPECT_EQ(r.status, 400) << body;
  }
  HttpResponse bad = Send("PUT", "/_metamock/scenario",
                          "{\"name\":\"x\",\n \"description\":1}");
  EXPECT_EQ(Json(bad)["error"],
            "request body:2:16: \"description\" must be a string, not a "
            "number");
  nlohmann::json state = Json(Send("GET", "/_metamock/scenario"));
  EXPECT_EQ(state["name"], "healthy");
  EXPECT_EQ(state["generation"], 1);
}

}  // namespace
}  // namespace metamock

namespace metamock {
namespace {

class ControlRequestsTest : public ControlServiceTest {};

TEST_F(ControlRequestsTest, ListsFiltersAndClearsTheJournal) {
  JournalEntry e;
  e.endpoint = "imds";
  e.method = "GET";
  e.path = "/latest/meta-data/";
  e.status = 200;
  journal_.Record(e);
  e.endpoint = "ecs";
  e.path = "/v2/credentials/x y";
  e.status = 400;
  journal_.Record(e);
  nlohmann::json all = Json(Send("GET", "/_metamock/requests"));
  ASSERT_EQ(all["requests"].size(), 2u);
  EXPECT_EQ(all["requests"][0]["seq"], 1);

  HttpRequest r;
  r.method = "GET";
  r.path = "/_metamock/requests";
  r.query = "path=%2Fv2%2Fcredentials%2Fx+y&status=400";
  nlohmann::json one = nlohmann::json::parse(control_.Handle(r).body);
  ASSERT_EQ(one["requests"].size(), 1u);
  EXPECT_EQ(one["requests"][0]["endpoint"], "ecs");

  for (const char* bad :
       {"status=abc", "since=-1", "limit=x", "endpoint=control", "bogus=1"}) {
    r.query = bad;
    EXPECT_EQ(control_.Handle(r).status, 400) << bad;
  }
  EXPECT_EQ(Send("DELETE", "/_metamock/requests").status, 200);
  EXPECT_TRUE(Json(Send("GET", "/_metamock/requests"))["requests"].empty());
  EXPECT_EQ(Send("POST", "/_metamock/requests").status, 405);
}

}  // namespace
}  // namespace metamock
