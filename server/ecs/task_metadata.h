// The ECS task metadata endpoint v4 (and v3, which has the same shapes):
// container and task metadata and stats, with the agent's field names in
// the agent's order (../shared/reference/ecs.md section 2).

#ifndef METAMOCK_SERVER_ECS_TASK_METADATA_H_
#define METAMOCK_SERVER_ECS_TASK_METADATA_H_

#include <nlohmann/json.hpp>

#include "absl/time/time.h"
#include "server/scenario/scenario.h"

namespace metamock {

// `/v4/<id>`: one container. `start` is the scenario's start (the task
// started shortly before).
nlohmann::ordered_json ContainerMetadata(const Scenario& s, const EcsTask& t,
                                         const EcsContainer& c,
                                         absl::Time start);

// `/v4/<id>/task`: the task with all its containers.
nlohmann::ordered_json TaskMetadata(const Scenario& s, const EcsTask& t,
                                    absl::Time start);

// `/v4/<id>/stats`: Docker stats of one container at `now`.
nlohmann::ordered_json ContainerStats(const EcsTask& t, const EcsContainer& c,
                                      absl::Time now);

// `/v4/<id>/task/stats`: Docker id -> stats, for every container.
nlohmann::ordered_json TaskStats(const EcsTask& t, absl::Time now);

// RFC 3339 with nanoseconds, trailing zeros trimmed (Go's RFC3339Nano).
std::string FormatRfc3339Nano(absl::Time t);

}  // namespace metamock

#endif  // METAMOCK_SERVER_ECS_TASK_METADATA_H_
