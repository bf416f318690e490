// The ECS container agent's task metadata server (TMDS): task credentials
// at /v2/credentials/<id> (and the legacy /v1/credentials?id=), and task
// metadata v4 (v3 alias) at /v4/<endpoint-id>[/task][/stats].
//
// Wire behaviour as the agent (../shared/reference/ecs.md):
// - success: compact JSON `{"RoleArn","AccessKeyId","SecretAccessKey",
//   "Token","Expiration"}`, application/json;
// - errors `{"code","message","HTTPErrorCode"}`: 400 NoIdInRequest,
//   400 InvalidIdInRequest, 503 CredentialsUninitialized; a path no route
//   matches is the mux's `404 page not found`;
// - a token bucket per (client IP, path), in real time, `steady,burst`
//   from the scenario or ECS_TASK_METADATA_RPS_LIMIT; throttled: 429
//   `You have reached maximum request limit.`; every answer carries the
//   X-Rate-Limit-* headers; no Authorization check;
// - with task roles disabled, credential requests are never answered.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_ECS_ECS_SERVICE_H_
#define METAMOCK_SERVER_ECS_ECS_SERVICE_H_

#include <atomic>
#include <optional>

#include "server/clock/clock.h"
#include "server/credentials/credential_minter.h"
#include "server/http/http_types.h"
#include "server/scenario/scenario.h"
#include "server/throttle/rate_limiter.h"
#include "server/world/world.h"

namespace metamock {

class EcsService {
 public:
  // "*world", "*clock" (virtual), "*monotonic" (the throttle) and "*minter"
  // must remain live while this EcsService is in use. `rate_override` is
  // ECS_TASK_METADATA_RPS_LIMIT when set; it wins over the scenario's.
  EcsService(World* world, Clock* clock, Clock* monotonic,
             const CredentialMinter* minter,
             std::optional<RateLimit> rate_override);
  EcsService(const EcsService&) = delete;
  EcsService& operator=(const EcsService&) = delete;

  // Answers a request the router gave to ECS.
  HttpResponse Handle(const HttpRequest& request);

 private:
  HttpResponse Route(const HttpRequest& request, const World::Loaded& loaded);
  HttpResponse Credentials(absl::string_view id, absl::string_view prefix,
                           const Scenario& scenario);
  HttpResponse Metadata(absl::string_view rest, const Scenario& scenario,
                        absl::Time start);

  World* const world_;                            // not owned
  Clock* const clock_;                            // not owned
  const CredentialMinter* const minter_;          // not owned
  const std::optional<RateLimit> rate_override_;  // immutable
  RateLimiter throttle_;                          // per (client IP, path)
  // The scenario the buckets belong to (compared, never dereferenced).
  std::atomic<const Scenario*> last_scenario_{nullptr};
};

// Parses ECS_TASK_METADATA_RPS_LIMIT ("steady,burst", integers, spaces
// allowed). Nullopt when malformed, as the agent then uses its defaults.
std::optional<RateLimit> ParseEcsRateLimit(absl::string_view text);

// The agent's error body: {"code":...,"message":...,"HTTPErrorCode":N}.
HttpResponse EcsError(int status, absl::string_view code,
                      absl::string_view message);

}  // namespace metamock

#endif  // METAMOCK_SERVER_ECS_ECS_SERVICE_H_
