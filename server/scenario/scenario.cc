#include "server/scenario/scenario.h"

namespace metamock {

const Role* Scenario::FindRole(const std::string& name) const {
  for (const Role& role : roles) {
    if (role.name == name) return &role;
  }
  return nullptr;
}

}  // namespace metamock
