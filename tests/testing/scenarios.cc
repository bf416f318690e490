#include "tests/testing/scenarios.h"

#include <cstdio>
#include <cstdlib>

#include "server/scenario/scenario_loader.h"

namespace metamock {

Scenario BundledScenario(const std::string& name) {
  absl::StatusOr<std::shared_ptr<const Scenario>> s = LoadScenario(name);
  if (!s.ok()) {
    std::fprintf(stderr, "bundled scenario %s: %s\n", name.c_str(),
                 std::string(s.status().message()).c_str());
    std::abort();
  }
  return **s;
}

std::shared_ptr<const Scenario> Frozen(Scenario scenario, absl::Time start) {
  scenario.clock.start = start;
  scenario.clock.rate = 0;
  return std::make_shared<const Scenario>(std::move(scenario));
}

}  // namespace metamock
