#include "server/app/option_values.h"

#include <gtest/gtest.h>

#include <map>

#include "absl/strings/match.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

const ServeOption& Option(const std::string& flag) {
  for (const ServeOption& o : ServeOptions()) {
    if (flag == o.flag) return o;
  }
  ADD_FAILURE() << "no option " << flag;
  return ServeOptions().front();
}

GetEnv FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(OptionValues, EveryOptionHasItsVariable) {
  std::vector<std::string> names;
  for (const ServeOption& o : ServeOptions()) {
    std::string expected = "METAMOCK_";
    for (const char* c = o.flag; *c; ++c) {
      expected.push_back(*c == '-' ? '_' : static_cast<char>(toupper(*c)));
    }
    EXPECT_EQ(o.env, expected);
    EXPECT_NE(std::string(o.help), "");
    names.push_back(o.env);
  }
  EXPECT_EQ(names.size(), 8u);
  EXPECT_TRUE(UnknownEnvironmentNames(names).empty());
}

TEST(OptionValues, ParsesEachKindOfValue) {
  AppOptions o;
  o.listen.clear();
  EXPECT_THAT(ApplyOptionValue(Option("listen"), "[::1]:0", "--listen", &o),
              IsOk());
  ASSERT_EQ(o.listen.size(), 1u);
  EXPECT_EQ(o.listen[0].host, "::1");
  EXPECT_THAT(ApplyOptionValue(Option("seed"), "42", "--seed", &o), IsOk());
  EXPECT_EQ(o.seed, 42u);
  EXPECT_THAT(ApplyOptionValue(Option("journal-size"), "5", "x", &o), IsOk());
  EXPECT_EQ(o.journal_size, 5u);
  EXPECT_THAT(ApplyOptionValue(Option("log-format"), "json", "x", &o), IsOk());
  EXPECT_EQ(o.log_format, LogFormat::kJson);
  EXPECT_THAT(ApplyOptionValue(Option("control"), "off", "x", &o), IsOk());
  EXPECT_EQ(o.control, ControlMode::kOff);
  EXPECT_THAT(ApplyOptionValue(Option("control"), "127.0.0.1:9000", "x", &o),
              IsOk());
  EXPECT_EQ(o.control, ControlMode::kSeparate);
  EXPECT_EQ(o.control_address.port, 9000);
  EXPECT_THAT(ApplyOptionValue(Option("control"), "on", "x", &o), IsOk());
  EXPECT_EQ(o.control, ControlMode::kOn);
  for (const char* yes : {"1", "true", "TRUE", "yes", "on"}) {
    o.watch = false;
    EXPECT_THAT(ApplyOptionValue(Option("watch"), yes, "x", &o), IsOk());
    EXPECT_TRUE(o.watch) << yes;
  }
  for (const char* no : {"0", "false", "No", "off"}) {
    o.quiet = true;
    EXPECT_THAT(ApplyOptionValue(Option("quiet"), no, "x", &o), IsOk());
    EXPECT_FALSE(o.quiet) << no;
  }
}

TEST(OptionValues, BadValuesNameTheirOriginAndChangeNothing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"listen", "localhost:1"},
      {"seed", "+1"},
      {"seed", " 1"},
      {"seed", "0x10"},
      {"journal-size", "0"},
      {"journal-size", "10000001"},
      {"log-format", "JSON"},
      {"control", "127.0.0.1"},
      {"watch", "y"},
      {"quiet", ""},
      {"scenario", ""},
  };
  for (const auto& [flag, value] : cases) {
    AppOptions o;
    absl::Status s = ApplyOptionValue(Option(flag), value, "ORIGIN", &o);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << flag << value;
    EXPECT_TRUE(absl::StrContains(s.message(), "ORIGIN")) << s.message();
    AppOptions fresh;
    EXPECT_EQ(o.seed, fresh.seed);
    EXPECT_EQ(o.journal_size, fresh.journal_size);
    EXPECT_EQ(o.control, fresh.control);
    EXPECT_EQ(o.listen.size(), fresh.listen.size());
  }
}

TEST(OptionValues, EnvironmentFillsWhatNoFlagGave) {
  AppOptions o;
  ASSERT_THAT(
      ApplyEnvironment(FakeEnv({{"METAMOCK_LISTEN", "127.0.0.1:1, [::1]:2"},
                                {"METAMOCK_SCENARIO", "role-replaced"},
                                {"METAMOCK_SEED", "9"},
                                {"METAMOCK_WATCH", "1"},
                                {"METAMOCK_QUIET", ""}}),  // empty: unset
                       {}, &o),
      IsOk());
  ASSERT_EQ(o.listen.size(), 2u);
  EXPECT_EQ(o.listen[1].host, "::1");
  EXPECT_EQ(o.listen[1].port, 2);
  EXPECT_EQ(o.scenario, "role-replaced");
  EXPECT_EQ(o.seed, 9u);
  EXPECT_TRUE(o.watch);
  EXPECT_FALSE(o.quiet);
}

TEST(OptionValues, FlagsWinOverTheEnvironment) {
  AppOptions o;
  o.scenario = "from-flag";
  ASSERT_THAT(ApplyEnvironment(FakeEnv({{"METAMOCK_SCENARIO", "from-env"},
                                        {"METAMOCK_LISTEN", "bad"}}),
                               {"scenario", "listen"}, &o),
              IsOk());
  EXPECT_EQ(o.scenario, "from-flag");
  EXPECT_EQ(o.listen.size(), 1u);
  EXPECT_EQ(o.listen[0].port, 1338);
}

TEST(OptionValues, BadEnvironmentValueIsAnError) {
  AppOptions o;
  absl::Status s = ApplyEnvironment(
      FakeEnv({{"METAMOCK_LISTEN", "127.0.0.1:1,,127.0.0.1:2"}}), {}, &o);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(s.message(), "METAMOCK_LISTEN: "))
      << s.message();
}

TEST(OptionValues, UnknownNames) {
  EXPECT_EQ(UnknownEnvironmentNames(
                {"PATH", "METAMOCK_LISTEN", "METAMOCK_PORT", "AWS_REGION"}),
            std::vector<std::string>{"METAMOCK_PORT"});
}

TEST(OptionValues, TheControlListenerNeedsAnAddressOfItsOwn) {
  AppOptions o;
  o.control = ControlMode::kSeparate;
  o.control_address = {"127.0.0.1", 1338};
  EXPECT_EQ(CheckOptions(o).code(), absl::StatusCode::kInvalidArgument);
  o.control_address = {"127.0.0.1", 1339};
  EXPECT_THAT(CheckOptions(o), IsOk());
  o.listen = {{"127.0.0.1", 0}};
  o.control_address = {"127.0.0.1", 0};  // two free ports
  EXPECT_THAT(CheckOptions(o), IsOk());
}

}  // namespace
}  // namespace metamock
