#include "server/control/control_service.h"

#include <gtest/gtest.h>

#include "server/clock/simulated_clock.h"
#include "server/scenario/builtin_scenarios.h"

namespace metamock {
namespace {

class ControlServiceTest : public ::testing::Test {
 protected:
  HttpResponse Send(const std::string& method, const std::string& path) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    return control_.Handle(r);
  }
  SimulatedClock real_;
  VirtualClock clock_{absl::UnixEpoch(), 1, &real_};
  World world_{HealthyScenario(), &clock_, absl::UnixEpoch()};
  ControlService control_{&world_};
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
}

TEST_F(ControlServiceTest, UnknownCallsAreAJson404) {
  HttpResponse r = Send("GET", "/_metamock/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "{\"error\":\"no control API call at /_metamock/nope\"}");
}

}  // namespace
}  // namespace metamock
