// The scenario files in scenarios/ (all but schema.json), compiled into the
// binary by cmake/embed_scenarios.cmake.

#ifndef METAMOCK_SERVER_SCENARIO_BUNDLED_SCENARIOS_H_
#define METAMOCK_SERVER_SCENARIO_BUNDLED_SCENARIOS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace metamock {

struct BundledScenarioFile {
  const char* name;  // the file name without .json
  const char* text;  // the file's contents
};

// Generated; sorted by name.
extern const BundledScenarioFile kBundledScenarioFiles[];
extern const size_t kBundledScenarioCount;

// The bundled scenarios' names, sorted.
std::vector<std::string> BundledScenarioNames();

// The text of the bundled scenario `name`, if there is one.
std::optional<absl::string_view> BundledScenarioText(absl::string_view name);

}  // namespace metamock

#endif  // METAMOCK_SERVER_SCENARIO_BUNDLED_SCENARIOS_H_
