#include "server/scenario/scenario_loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/scenario/bundled_scenarios.h"
#include "server/scenario/scenario_parser.h"

namespace metamock {

bool IsScenarioPath(absl::string_view name_or_path) {
  return absl::StrContains(name_or_path, '/') ||
         absl::EndsWith(name_or_path, ".json");
}

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  return ss.str();
}

absl::StatusOr<std::shared_ptr<const Scenario>> LoadScenario(
    absl::string_view name_or_path, std::vector<std::string>* warnings) {
  if (IsScenarioPath(name_or_path)) {
    const std::string path(name_or_path);
    absl::StatusOr<std::string> text = ReadTextFile(path);
    if (!text.ok()) return text.status();
    return ParseScenario(*text, path, warnings);
  }
  std::optional<absl::string_view> text = BundledScenarioText(name_or_path);
  if (!text) {
    return absl::NotFoundError(absl::StrCat(
        "unknown scenario \"", name_or_path,
        "\" (bundled: ", absl::StrJoin(BundledScenarioNames(), ", "),
        "; a file path must contain '/' or end in .json)"));
  }
  absl::StatusOr<std::shared_ptr<const Scenario>> scenario = ParseScenario(
      *text, absl::StrCat("scenarios/", name_or_path, ".json"), warnings);
  if (!scenario.ok()) return scenario.status();
  auto copy = std::make_shared<Scenario>(**scenario);
  copy->source = "bundled";
  return std::shared_ptr<const Scenario>(std::move(copy));
}

}  // namespace metamock
