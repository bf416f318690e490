// The scenarios compiled into the binary.
//
// Today this is the `healthy` world only; the scenario engine replaces it
// with the files in scenarios/ compiled in as data.

#ifndef METAMOCK_SERVER_SCENARIO_BUILTIN_SCENARIOS_H_
#define METAMOCK_SERVER_SCENARIO_BUILTIN_SCENARIOS_H_

#include <memory>

#include "server/scenario/scenario.h"

namespace metamock {

// An EC2 instance with an associated instance profile whose role trusts
// EC2: everything works.
std::shared_ptr<const Scenario> HealthyScenario();

}  // namespace metamock

#endif  // METAMOCK_SERVER_SCENARIO_BUILTIN_SCENARIOS_H_
