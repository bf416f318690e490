// The scenario parser: the invalid-file corpus in tests/scenario/invalid/
// (each NAME.json next to NAME.expected, the exact `LABEL:LINE:COLUMN:
// message` lines it must produce), the valid examples in
// tests/scenario/valid/, the bundled scenarios, and the values a valid file
// yields.

#include "server/scenario/scenario_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "server/scenario/bundled_scenarios.h"
#include "server/scenario/scenario.h"
#include "server/scenario/scenario_loader.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

namespace fs = std::filesystem;

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// The directory of this source file (CMake compiles it by absolute path).
fs::path SourceDir() { return fs::path(__FILE__).parent_path(); }

// The sorted files named *`extension` directly in `dir`.
std::vector<fs::path> FilesEndingIn(const fs::path& dir,
                                    const std::string& extension) {
  std::vector<fs::path> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.is_regular_file() && entry.path().extension() == extension) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<fs::path> JsonFiles(const fs::path& dir) {
  return FilesEndingIn(dir, ".json");
}

// `text` without one trailing newline.
std::string TrimOneNewline(std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// Parses `text` (which must be valid), or fails the test.
std::shared_ptr<const Scenario> MustParse(absl::string_view text) {
  absl::StatusOr<std::shared_ptr<const Scenario>> scenario =
      ParseScenario(text, "test.json");
  EXPECT_THAT(scenario, IsOk());
  return scenario.ok() ? *scenario : std::make_shared<const Scenario>();
}

TEST(ScenarioParserCorpusTest, HasEnoughFilesEachPairedWithExpectedOutput) {
  const fs::path dir = SourceDir() / "invalid";
  const std::vector<fs::path> files = JsonFiles(dir);
  EXPECT_GE(files.size(), 30u) << "corpus directory: " << dir;
  for (const fs::path& file : files) {
    fs::path expected = file;
    expected.replace_extension(".expected");
    EXPECT_TRUE(fs::is_regular_file(expected))
        << file.filename() << " has no " << expected.filename();
  }
  for (const fs::path& expected : FilesEndingIn(dir, ".expected")) {
    fs::path file = expected;
    file.replace_extension(".json");
    EXPECT_TRUE(fs::is_regular_file(file))
        << expected.filename() << " belongs to no " << file.filename();
  }
}

TEST(ScenarioParserCorpusTest, EveryInvalidFileGivesItsExpectedErrors) {
  const fs::path dir = SourceDir() / "invalid";
  const std::vector<fs::path> files = JsonFiles(dir);
  ASSERT_THAT(files, Not(IsEmpty())) << "no corpus in " << dir;
  std::vector<std::string> mismatches;
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    fs::path expected_path = file;
    expected_path.replace_extension(".expected");
    absl::StatusOr<std::string> text = ReadTextFile(file.string());
    absl::StatusOr<std::string> expected = ReadTextFile(expected_path.string());
    if (!text.ok() || !expected.ok()) {
      mismatches.push_back(absl::StrCat(name, ": cannot read the file or its ",
                                        "expected output"));
      continue;
    }
    absl::StatusOr<std::shared_ptr<const Scenario>> scenario =
        ParseScenario(*text, absl::StrCat("tests/scenario/invalid/", name));
    const std::string want = TrimOneNewline(*expected);
    std::string got;
    if (scenario.ok()) {
      got = "(parsed without errors)";
    } else if (scenario.status().code() != absl::StatusCode::kInvalidArgument) {
      got = scenario.status().ToString();
    } else {
      got = std::string(scenario.status().message());
    }
    if (got != want) {
      mismatches.push_back(
          absl::StrCat(name, "\n  expected:\n", want, "\n  actual:\n", got));
    }
  }
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " of " << files.size()
                                  << " corpus files differ:\n\n"
                                  << absl::StrJoin(mismatches, "\n\n");
}

TEST(ScenarioParserTest, ValidExampleFilesParse) {
  const std::vector<fs::path> files = JsonFiles(SourceDir() / "valid");
  EXPECT_THAT(files, SizeIs(::testing::Ge(2u)));
  for (const fs::path& file : files) {
    absl::StatusOr<std::string> text = ReadTextFile(file.string());
    ASSERT_THAT(text, IsOk());
    EXPECT_THAT(ParseScenario(*text, file.string()), IsOk()) << file;
  }
}

TEST(ScenarioParserTest, EveryKeyExampleHasItsValues) {
  absl::StatusOr<std::string> text =
      ReadTextFile((SourceDir() / "valid" / "every-key.json").string());
  ASSERT_THAT(text, IsOk());
  std::shared_ptr<const Scenario> s = MustParse(*text);
  EXPECT_EQ(s->account_id, "210987654321");
  EXPECT_EQ(s->instance.availability_zone, "eu-west-3b");
  EXPECT_EQ(s->instance.launched_before_start, absl::Hours(3));
  EXPECT_EQ(s->instance.user_data, "#!/bin/bash\necho hello\n");
  EXPECT_EQ(s->instance.tags.at("team"), "platform");
  EXPECT_TRUE(s->imds.tokens_required);
  ASSERT_TRUE(s->imds.throttle.has_value());
  EXPECT_EQ(s->imds.throttle->rate, 20);
  EXPECT_EQ(s->imds.throttle->burst, 10);
  ASSERT_TRUE(s->instance_profile.has_value());
  EXPECT_EQ(s->instance_profile->id, "AIPAEXAMPLEPROFILE001");
  EXPECT_TRUE(s->profile_associated);
  EXPECT_THAT(s->timeline, SizeIs(8));
}

TEST(ScenarioParserTest, EveryBundledScenarioParses) {
  const std::vector<std::string> names = BundledScenarioNames();
  EXPECT_THAT(names, Not(IsEmpty()));
  for (const std::string& name : names) {
    absl::StatusOr<std::shared_ptr<const Scenario>> scenario =
        LoadScenario(name);
    ASSERT_THAT(scenario, IsOk()) << name;
    EXPECT_EQ((*scenario)->name, name);
  }
}

TEST(ScenarioParserTest, FillsInstanceDefaultsFromTheRegion) {
  std::shared_ptr<const Scenario> s = MustParse(R"({
    "name": "defaults",
    "description": "Only a region.",
    "instance": { "region": "eu-west-3" }
  })");
  EXPECT_EQ(s->instance.region, "eu-west-3");
  EXPECT_EQ(s->instance.availability_zone, "eu-west-3a");
  EXPECT_EQ(s->instance.local_hostname,
            "ip-10-0-1-23.eu-west-3.compute.internal");
  EXPECT_EQ(s->account_id, "123456789012");
  EXPECT_FALSE(s->instance_profile.has_value());
  EXPECT_FALSE(s->profile_associated);
}

TEST(ScenarioParserTest, AcceptsComments) {
  std::shared_ptr<const Scenario> s = MustParse(R"(// A line comment first.
{
  /* a block
     comment */
  "name": "commented", // after a value
  "description": "Comments everywhere." /* before the brace */
}
// and at the end)");
  EXPECT_EQ(s->name, "commented");
  EXPECT_EQ(s->description, "Comments everywhere.");
  // The served document has the comments removed.
  EXPECT_EQ(s->document["name"], "commented");
}

TEST(ScenarioParserTest, TrustPolicyDocumentGivesTrustedServices) {
  std::shared_ptr<const Scenario> s = MustParse(R"({
    "name": "policy-trust",
    "description": "Trust as a policy document.",
    "roles": [{
      "name": "shared-role",
      "trust": {
        "Version": "2012-10-17",
        "Statement": [
          { "Effect": "Allow",
            "Principal": { "Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"] },
            "Action": "sts:AssumeRole" },
          { "Effect": "Deny",
            "Principal": { "Service": "ecs-tasks.amazonaws.com" },
            "Action": "sts:AssumeRole" }
        ]
      }
    }]
  })");
  ASSERT_THAT(s->roles, SizeIs(1));
  const Role* role = s->FindRole("shared-role");
  ASSERT_NE(role, nullptr);
  EXPECT_THAT(role->trusted_services,
              ElementsAre("ec2.amazonaws.com", "lambda.amazonaws.com"));
  EXPECT_EQ(role->trust_policy["Version"], "2012-10-17");
  EXPECT_TRUE(absl::StartsWith(role->role_id, "AROA"));
}

TEST(ScenarioParserTest, TrustListBecomesAPolicyDocument) {
  std::shared_ptr<const Scenario> s = MustParse(R"({
    "name": "list-trust",
    "description": "Trust as a list of services.",
    "roles": [{ "name": "r", "trust": ["ec2.amazonaws.com"] }]
  })");
  ASSERT_THAT(s->roles, SizeIs(1));
  EXPECT_THAT(s->roles[0].trusted_services, ElementsAre(kEc2ServicePrincipal));
  EXPECT_EQ(s->roles[0].trust_policy["Statement"][0]["Principal"]["Service"],
            kEc2ServicePrincipal);
}

TEST(ScenarioParserTest, ParsesCredentialDelays) {
  std::shared_ptr<const Scenario> s = MustParse(R"({
    "name": "delays",
    "description": "Two delayed rotations.",
    "credentials": {
      "rotation": "30m",
      "lifetime": "2h",
      "delays": [ { "from": "0s", "until": "6h20m" },
                  { "from": "7h", "until": "7h30m" } ]
    }
  })");
  EXPECT_EQ(s->timing.rotation_period, absl::Minutes(30));
  EXPECT_EQ(s->timing.lifetime, absl::Hours(2));
  ASSERT_THAT(s->timing.delays, SizeIs(2));
  EXPECT_EQ(s->timing.delays[0].from, absl::ZeroDuration());
  EXPECT_EQ(s->timing.delays[0].until, absl::Hours(6) + absl::Minutes(20));
  EXPECT_EQ(s->timing.delays[1].from, absl::Hours(7));
  EXPECT_EQ(s->timing.delays[1].until, absl::Hours(7) + absl::Minutes(30));
}

TEST(ScenarioParserTest, ParsesClockStartAndRate) {
  std::shared_ptr<const Scenario> s = MustParse(R"({
    "name": "clock",
    "description": "A fast clock from a fixed start.",
    "clock": { "start": "2026-11-23T10:00:00Z", "rate": 60 }
  })");
  ASSERT_TRUE(s->clock.start.has_value());
  EXPECT_EQ(*s->clock.start, absl::FromUnixSeconds(1795428000));
  EXPECT_EQ(s->clock.rate, 60);
}

TEST(ScenarioParserTest, ClockDefaultsToRealTimeAtRateOne) {
  std::shared_ptr<const Scenario> s = MustParse(R"({
    "name": "no-clock",
    "description": "No clock section."
  })");
  EXPECT_FALSE(s->clock.start.has_value());
  EXPECT_EQ(s->clock.rate, 1.0);
}

TEST(ScenarioParserTest, ErrorsCarryTheLabel) {
  EXPECT_THAT(ParseScenario("{}", "some/dir/file.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "some/dir/file.json:1:1: missing \"name\""));
}

}  // namespace
}  // namespace metamock
