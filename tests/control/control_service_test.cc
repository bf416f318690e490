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

namespace metamock {
namespace {

class ControlFaultsTest : public ControlServiceTest {};

TEST_F(ControlFaultsTest, AddListAndRemove) {
  HttpResponse r = Send("POST", "/_metamock/faults",
                        R"({"match":{"endpoint":"imds"},"effect":{"status":500},
                            "times":2})");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.body, "{\"id\":\"f1\"}");
  EXPECT_EQ(
      Send("POST", "/_metamock/faults", R"({"effect":{"hang":true}})").body,
      "{\"id\":\"f2\"}");
  r = Send("GET", "/_metamock/faults");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json(r), nlohmann::json::parse(R"({"faults":[
      {"match":{"endpoint":"imds"},"effect":{"status":500},"times":2,
       "id":"f1","fired":0,"expired":false},
      {"effect":{"hang":true},"id":"f2","fired":0,"expired":false}]})"));

  r = Send("DELETE", "/_metamock/faults/f1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json(r)["faults"].size(), 1u);
  EXPECT_EQ(Json(r)["faults"][0]["id"], "f2");
  r = Send("DELETE", "/_metamock/faults/f1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.body, "{\"error\":\"no fault rule \\\"f1\\\"\"}");
  EXPECT_EQ(Send("DELETE", "/_metamock/faults/").status, 404);

  r = Send("DELETE", "/_metamock/faults");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"faults\":[]}");
  EXPECT_EQ(Send("GET", "/_metamock/faults").body, "{\"faults\":[]}");
}

TEST_F(ControlFaultsTest, WrongMethodsAreJson405s) {
  Send("POST", "/_metamock/faults", R"({"effect":{"status":500}})");
  HttpResponse r = Send("GET", "/_metamock/faults/f1");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.Get("Allow"), "DELETE");
  EXPECT_TRUE(Json(r).contains("error"));
  EXPECT_EQ(Send("POST", "/_metamock/faults/f1").status, 405);
  r = Send("PUT", "/_metamock/faults", R"({"effect":{"status":500}})");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.Get("Allow"), "GET, POST, DELETE");
  EXPECT_EQ(Json(Send("GET", "/_metamock/faults"))["faults"].size(), 1u);
}

TEST_F(ControlFaultsTest, BadRulesAre400AndChangeNothing) {
  Send("POST", "/_metamock/faults", R"({"effect":{"status":500}})");
  const std::string before = Send("GET", "/_metamock/faults").body;
  for (const auto& [body, error] :
       std::vector<std::pair<std::string, std::string>>{
           {"{", "the request body is not valid JSON"},
           {"[]", "a fault rule must be an object"},
           {"", "a fault rule needs an \"effect\" object"},
           {R"({"effect":{"explode":true}})", "effect/explode: unknown key"},
           {R"({"effect":{"status":99}})",
            "effect/status: \"status\" must be an HTTP status from 200 to "
            "599"},
           {R"({"effect":{"delay":"soon"}})",
            "effect/delay: \"delay\" must be a duration"},
           {R"({"effect":{"status":500},"times":0})",
            "times: \"times\" must be a whole number, 1 or more"},
           {R"({"effect":{"status":500},"probability":2})",
            "probability: \"probability\" must be from 0 to 1"},
       }) {
    HttpResponse r = Send("POST", "/_metamock/faults", body);
    EXPECT_EQ(r.status, 400) << body;
    ASSERT_TRUE(Json(r)["error"].is_string()) << body;
    EXPECT_EQ(Json(r)["error"].get<std::string>().rfind(error, 0), 0u)
        << body << " -> " << r.body;
  }
  EXPECT_EQ(Send("GET", "/_metamock/faults").body, before);
  // Ids are not used up by refused rules.
  EXPECT_EQ(
      Send("POST", "/_metamock/faults", R"({"effect":{"close":true}})").body,
      "{\"id\":\"f2\"}");
}

TEST_F(ControlFaultsTest, ResetAndScenarioChangesRestoreTheScenariosFaults) {
  const std::string doc =
      R"({"name":"mine","description":"d",
          "faults":[{"match":{"path":"/latest/*"},"effect":{"status":503}}]})";
  ASSERT_EQ(Send("PUT", "/_metamock/scenario", doc).status, 200);
  const std::string scenario_faults = Send("GET", "/_metamock/faults").body;
  EXPECT_EQ(Json(Send("GET", "/_metamock/faults"))["faults"][0]["id"], "f1");
  EXPECT_EQ(Json(Send("GET", "/_metamock/faults"))["faults"][0]["effect"],
            nlohmann::json::parse(R"({"status":503})"));

  EXPECT_EQ(
      Send("POST", "/_metamock/faults", R"({"effect":{"hang":true}})").body,
      "{\"id\":\"f2\"}");
  EXPECT_EQ(Send("DELETE", "/_metamock/faults/f1").status, 200);
  EXPECT_EQ(Send("POST", "/_metamock/reset").status, 200);
  EXPECT_EQ(Send("GET", "/_metamock/faults").body, scenario_faults);

  // Switching to a scenario without faults drops them all.
  EXPECT_EQ(
      Send("POST", "/_metamock/scenario", "{\"name\":\"healthy\"}").status,
      200);
  EXPECT_EQ(Send("GET", "/_metamock/faults").body, "{\"faults\":[]}");
}

}  // namespace
}  // namespace metamock
