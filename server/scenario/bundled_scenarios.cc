#include "server/scenario/bundled_scenarios.h"

namespace metamock {

std::vector<std::string> BundledScenarioNames() {
  std::vector<std::string> names;
  for (size_t i = 0; i < kBundledScenarioCount; ++i) {
    names.push_back(kBundledScenarioFiles[i].name);
  }
  return names;
}

std::optional<absl::string_view> BundledScenarioText(absl::string_view name) {
  for (size_t i = 0; i < kBundledScenarioCount; ++i) {
    if (name == kBundledScenarioFiles[i].name) {
      return absl::string_view(kBundledScenarioFiles[i].text);
    }
  }
  return std::nullopt;
}

}  // namespace metamock
