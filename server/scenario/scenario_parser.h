// Scenario files: JSON text (comments allowed) -> a validated Scenario.
//
// Every error, syntax and semantic alike, is reported as
// `LABEL:LINE:COLUMN: message`, all of them in one pass: unknown keys,
// wrong types, bad durations and times, a profile naming a missing role,
// timeline entries out of order, and timeline actions that AWS would
// refuse in the world as it would be at that moment (the timeline is
// simulated). The file format is documented in docs/scenarios.md and
// described by scenarios/schema.json.

#ifndef METAMOCK_SERVER_SCENARIO_SCENARIO_PARSER_H_
#define METAMOCK_SERVER_SCENARIO_SCENARIO_PARSER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/scenario/scenario.h"

namespace metamock {

// Parses `text`. `label` names the source in messages (a file path). On
// failure: InvalidArgument whose message holds one `LABEL:L:C: message`
// line per error. `warnings`, if given, receives `LABEL:L:C: warning: ...`
// lines (keys of a task definition metamock accepts but does not model).
absl::StatusOr<std::shared_ptr<const Scenario>> ParseScenario(
    absl::string_view text, absl::string_view label,
    std::vector<std::string>* warnings = nullptr);

}  // namespace metamock

#endif  // METAMOCK_SERVER_SCENARIO_SCENARIO_PARSER_H_
