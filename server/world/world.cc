#include "server/world/world.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace metamock {

World::World(std::shared_ptr<const Scenario> scenario, VirtualClock* clock,
             absl::Time load_time)
    : scenario_(std::move(scenario)) {
  start_ = scenario_->clock.start.value_or(load_time);
  clock->Restart(start_, scenario_->clock.rate);
}

World::Loaded World::Current() {
  MutexLock lock(&mu_);
  return Loaded{scenario_, start_};
}

IamSnapshot World::Iam(absl::Time now) {
  const auto [scenario, start] = Current();
  IamSnapshot snap;
  if (!scenario->profile_associated || !scenario->instance_profile) {
    return snap;
  }
  const InstanceProfile& profile = *scenario->instance_profile;
  snap.associated = true;
  snap.profile_arn = absl::StrCat("arn:aws:iam::", scenario->account_id,
                                  ":instance-profile/", profile.name);
  snap.profile_id = profile.id;
  RotationSlot slot = CurrentRotation(scenario->timing, start, now);
  snap.info_last_updated = slot.issued;
  if (!profile.role) {
    snap.info_code = IamInfoCode::kSuccessWithoutRole;
    return snap;
  }
  snap.info_code = IamInfoCode::kSuccess;
  const Role* role = scenario->FindRole(*profile.role);
  bool trusted =
      role != nullptr &&
      std::find(role->trusted_services.begin(), role->trusted_services.end(),
                kEc2ServicePrincipal) != role->trusted_services.end();
  snap.served = ServedRole{*profile.role, trusted, slot};
  return snap;
}

}  // namespace metamock
