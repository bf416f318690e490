// Scenarios for unit tests: the bundled ones, parsed as the binary would.

#ifndef METAMOCK_TESTS_TESTING_SCENARIOS_H_
#define METAMOCK_TESTS_TESTING_SCENARIOS_H_

#include <memory>
#include <string>

#include "server/scenario/scenario.h"

namespace metamock {

// The bundled scenario `name` (aborts the test binary if it does not
// load: every bundled scenario must).
Scenario BundledScenario(const std::string& name);

// BundledScenario("healthy").
inline Scenario HealthyScenario() { return BundledScenario("healthy"); }

// `scenario` with a fixed start and a frozen clock, for exact documents.
std::shared_ptr<const Scenario> Frozen(Scenario scenario, absl::Time start);

}  // namespace metamock

#endif  // METAMOCK_TESTS_TESTING_SCENARIOS_H_
