#include "server/scenario/scenario_loader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "server/scenario/bundled_scenarios.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

TEST(ScenarioLoader, TellsNamesFromPaths) {
  EXPECT_FALSE(IsScenarioPath("healthy"));
  EXPECT_TRUE(IsScenarioPath("./healthy"));
  EXPECT_TRUE(IsScenarioPath("mine.json"));
  EXPECT_TRUE(IsScenarioPath("/etc/x"));
}

TEST(ScenarioLoader, BundlesTheRequiredScenarios) {
  std::vector<std::string> names = BundledScenarioNames();
  for (const char* required :
       {"healthy", "no-instance-profile", "imds-unreachable",
        "instance-profile-not-found", "instance-profile-recreated",
        "role-removed-from-profile", "assume-role-unauthorized",
        "role-replaced", "role-readded", "rotation-delayed",
        "imdsv2-required", "imds-hop-limit", "imds-throttled",
        "imds-disabled"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), required), names.end())
        << required;
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::find(names.begin(), names.end(), "schema"), names.end());
}

TEST(ScenarioLoader, EveryBundledScenarioLoadsUnderItsOwnName) {
  for (const std::string& name : BundledScenarioNames()) {
    absl::StatusOr<std::shared_ptr<const Scenario>> s = LoadScenario(name);
    ASSERT_THAT(s, IsOk()) << name;
    EXPECT_EQ((*s)->name, name);
    EXPECT_EQ((*s)->source, "bundled");
    EXPECT_FALSE((*s)->description.empty());
    // Bundled scenarios run on real time so real SDKs get current keys.
    EXPECT_FALSE((*s)->clock.start.has_value()) << name;
  }
}

TEST(ScenarioLoader, UnknownNamesAndMissingFilesAreNotFound) {
  EXPECT_THAT(LoadScenario("nope"),
              StatusIs(absl::StatusCode::kNotFound, "bundled: "));
  EXPECT_THAT(LoadScenario("/nonexistent/x.json"),
              StatusIs(absl::StatusCode::kNotFound, "No such file"));
}

TEST(ScenarioLoader, LoadsFilesWithTheirPathInMessages) {
  std::string path = ::testing::TempDir() + "/loader-bad.json";
  std::ofstream(path) << "{\n  \"name\": 1\n}\n";
  EXPECT_THAT(LoadScenario(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       path + ":2:11: \"name\" must be a string"));
  std::ofstream(path) << "{\"name\": \"ok\", \"description\": \"d\"}";
  absl::StatusOr<std::shared_ptr<const Scenario>> s = LoadScenario(path);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ((*s)->source, path);
}

}  // namespace
}  // namespace metamock
