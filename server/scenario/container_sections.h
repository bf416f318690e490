// The container side of a scenario file: the "ecs" section (the ECS agent,
// its tasks and their task definitions, which may be written as AWS's
// RegisterTaskDefinition JSON) and the "eks" section (Pod Identity pods).
// Used by the scenario parser; see docs/scenarios.md for the format.

#ifndef METAMOCK_SERVER_SCENARIO_CONTAINER_SECTIONS_H_
#define METAMOCK_SERVER_SCENARIO_CONTAINER_SECTIONS_H_

#include <nlohmann/json.hpp>

#include "server/scenario/json_checker.h"
#include "server/scenario/scenario.h"

namespace metamock {

// Reads doc["ecs"] into scenario->ecs. Roles must already be parsed (task
// roles are checked against them). Errors and warnings go to "*check".
void ParseEcsSection(const nlohmann::json& doc, JsonChecker* check,
                     Scenario* scenario);

// Reads doc["eks"] into scenario->eks.
void ParseEksSection(const nlohmann::json& doc, JsonChecker* check,
                     Scenario* scenario);

// A stable id derived from `seed`: 8-4-4-4-12 hex (a UUID's shape), or
// `hex_digits` plain hex digits.
std::string DerivedUuid(absl::string_view seed);
std::string DerivedHex(absl::string_view seed, int hex_digits);

}  // namespace metamock

#endif  // METAMOCK_SERVER_SCENARIO_CONTAINER_SECTIONS_H_
