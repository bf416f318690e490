// Finds and parses a scenario by bundled name or by file path
// (`--scenario NAME|FILE`, `POST /_metamock/scenario`, reloads).

#ifndef METAMOCK_SERVER_SCENARIO_SCENARIO_LOADER_H_
#define METAMOCK_SERVER_SCENARIO_SCENARIO_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/scenario/scenario.h"

namespace metamock {

// The scenario everything starts with when none is named.
inline constexpr char kDefaultScenario[] = "healthy";

// True when `name_or_path` names a file: it contains '/' or ends in .json.
bool IsScenarioPath(absl::string_view name_or_path);

// Loads a bundled scenario by name, or a file by path. NotFound for an
// unknown name (listing the bundled ones) or an unreadable file;
// InvalidArgument with `FILE:LINE:COLUMN: message` lines for an invalid one.
// `warnings`, if given, receives the parser's warnings.
absl::StatusOr<std::shared_ptr<const Scenario>> LoadScenario(
    absl::string_view name_or_path,
    std::vector<std::string>* warnings = nullptr);

// Reads a whole file. NotFound with the system's reason on failure.
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

}  // namespace metamock

#endif  // METAMOCK_SERVER_SCENARIO_SCENARIO_LOADER_H_
