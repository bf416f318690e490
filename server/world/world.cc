#include "server/world/world.h"

#include "absl/strings/str_cat.h"
#include "server/util/aws_time.h"
#include "server/util/log.h"

namespace metamock {

World::World(VirtualClock* clock, Clock* wall) : clock_(clock), wall_(wall) {}

void World::Load(std::shared_ptr<const Scenario> scenario) {
  MutexLock lock(&mu_);
  LoadLocked(std::move(scenario));
  ++generation_;
}

void World::Reset() {
  MutexLock lock(&mu_);
  LoadLocked(scenario_);
}

void World::LoadLocked(std::shared_ptr<const Scenario> scenario) {
  scenario_ = std::move(scenario);
  const Scenario& s = *scenario_;
  start_ = s.clock.start.value_or(wall_->Now());
  clock_->Restart(start_, s.clock.rate);

  iam_ = InitialIamState(s);
  next_entry_ = 0;
  rotated_ = false;
  slot_ = RotationSlot{};
  served_.reset();
}

void World::RotateLocked(const RotationSlot& slot) {
  slot_ = slot;
  rotated_ = true;
  served_.reset();
  // Task and pod credentials are refreshed with the same schedule; a trust
  // policy changed since shows now.
  auto assumable =
      [&](const std::optional<std::string>& role, const char* principal)
          ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> std::optional<std::string> {
    if (!role) return std::nullopt;
    auto it = iam_.roles().find(*role);
    if (it == iam_.roles().end() ||
        it->second.trusted_services.count(principal) == 0) {
      return std::nullopt;
    }
    return role;
  };
  ecs_roles_.clear();
  for (const EcsTask& task : scenario_->ecs.tasks) {
    ecs_roles_.push_back(assumable(task.task_role, kEcsTasksServicePrincipal));
  }
  eks_roles_.clear();
  for (const EksPod& pod : scenario_->eks.pods) {
    eks_roles_.push_back(assumable(pod.role, kEksPodsServicePrincipal));
  }
  const ProfileState* profile = iam_.AssociatedProfile();
  if (profile == nullptr || !profile->role) return;
  auto role = iam_.roles().find(*profile->role);
  if (role == iam_.roles().end()) return;
  const bool trusted =
      role->second.trusted_services.count(kEc2ServicePrincipal) > 0;
  served_ = ServedRole{*profile->role, trusted, slot};
}

void World::ClearIfUnservableLocked() {
  const ProfileState* profile = iam_.AssociatedProfile();
  if (profile == nullptr || !profile->role) served_.reset();
}

void World::AdvanceLocked() {
  const Scenario& s = *scenario_;
  const absl::Time now = std::max(clock_->Now(), start_);
  auto rotate_to = [&](absl::Time t) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    RotationSlot slot = CurrentRotation(s.timing, start_, t);
    if (!rotated_ || slot.index > slot_.index) RotateLocked(slot);
  };
  while (next_entry_ < s.timeline.size() &&
         start_ + s.timeline[next_entry_].at <= now) {
    const absl::Time instant = start_ + s.timeline[next_entry_].at;
    // Rotations strictly before this instant see the state before it.
    if (instant > start_) rotate_to(instant - absl::Nanoseconds(1));
    while (next_entry_ < s.timeline.size() &&
           start_ + s.timeline[next_entry_].at == instant) {
      absl::Status status = iam_.Apply(s.timeline[next_entry_].action);
      if (!status.ok()) {
        // Validation simulated the timeline, so only an earlier control-API
        // action can make an entry fail here.
        LogWarning(
            absl::StrCat("timeline entry at ",
                         absl::FormatDuration(s.timeline[next_entry_].at),
                         " skipped: ", status.message()));
      }
      ++next_entry_;
    }
    ClearIfUnservableLocked();
  }
  rotate_to(now);
}

World::Loaded World::Current() {
  MutexLock lock(&mu_);
  return Loaded{scenario_, start_, generation_};
}

IamSnapshot World::SnapshotLocked() {
  IamSnapshot snap;
  snap.info_last_updated = slot_.issued;
  snap.served = served_;
  const std::optional<AssociationState>& association = iam_.association();
  if (!association) return snap;
  snap.associated = true;
  const ProfileState* profile = iam_.AssociatedProfile();
  if (profile == nullptr) {
    snap.info_code = IamInfoCode::kInstanceProfileNotFound;
    snap.profile_id = association->profile_id;
    snap.profile_arn = association->profile_arn;
    return snap;
  }
  snap.info_code =
      profile->role ? IamInfoCode::kSuccess : IamInfoCode::kSuccessWithoutRole;
  snap.profile_id = profile->id;
  snap.profile_arn = iam_.ProfileArn(*profile);
  return snap;
}

IamSnapshot World::Iam() {
  MutexLock lock(&mu_);
  AdvanceLocked();
  return SnapshotLocked();
}

EcsCredentialAnswer World::EcsCredentials(absl::string_view id) {
  MutexLock lock(&mu_);
  AdvanceLocked();
  EcsCredentialAnswer answer;
  const std::vector<EcsTask>& tasks = scenario_->ecs.tasks;
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].credential_id != id) continue;
    // The agent holds no credentials entry for a task whose role ECS could
    // not assume: to a client that is an unknown id.
    if (!ecs_roles_[i]) return answer;
    if (clock_->Now() < start_ + scenario_->ecs.uninitialized_for) {
      answer.kind = EcsCredentialAnswer::Kind::kUninitialized;
      return answer;
    }
    answer.kind = EcsCredentialAnswer::Kind::kServed;
    answer.role_name = *ecs_roles_[i];
    answer.slot = slot_;
    return answer;
  }
  return answer;
}

EksCredentialAnswer World::EksCredentials(absl::string_view token) {
  MutexLock lock(&mu_);
  AdvanceLocked();
  EksCredentialAnswer answer;
  const std::vector<EksPod>& pods = scenario_->eks.pods;
  for (size_t i = 0; i < pods.size(); ++i) {
    if (pods[i].token != token) continue;
    answer.pod_name = pods[i].name;
    answer.role_name = pods[i].role.value_or("");
    if (!eks_roles_[i]) {
      answer.kind = EksCredentialAnswer::Kind::kAccessDenied;
      return answer;
    }
    answer.kind = EksCredentialAnswer::Kind::kServed;
    answer.slot = slot_;
    return answer;
  }
  return answer;
}

absl::Status World::Apply(const std::vector<IamAction>& actions) {
  MutexLock lock(&mu_);
  AdvanceLocked();
  // All or nothing: apply to a copy, keep it only if every action worked.
  IamState next = iam_;
  for (const IamAction& action : actions) {
    absl::Status status = next.Apply(action);
    if (!status.ok()) return status;
  }
  iam_ = std::move(next);
  ClearIfUnservableLocked();
  return absl::OkStatus();
}

nlohmann::ordered_json World::ToJson() {
  MutexLock lock(&mu_);
  AdvanceLocked();
  nlohmann::ordered_json out = iam_.ToJson();
  IamSnapshot snap = SnapshotLocked();
  if (snap.served) {
    nlohmann::ordered_json served;
    served["RoleName"] = snap.served->role_name;
    served["AssumeRoleAllowed"] = snap.served->ec2_trusted;
    served["LastUpdated"] = FormatAwsTimestamp(snap.served->slot.issued);
    served["Expiration"] = FormatAwsTimestamp(snap.served->slot.expires);
    out["Served"] = served;
  } else {
    out["Served"] = nullptr;
  }
  out["now"] = FormatAwsTimestamp(std::max(clock_->Now(), start_));
  return out;
}

}  // namespace metamock
