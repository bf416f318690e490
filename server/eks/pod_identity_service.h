// The EKS Pod Identity agent: GET /v1/credentials with the pod's
// service-account token, raw, in `Authorization`.
//
// Wire behaviour as the agent (../shared/reference/ecs.md section 3):
// success is compact JSON {"AccessKeyId","SecretAccessKey","Token",
// "AccountId","Expiration"} with a nanosecond RFC 3339 Expiration and no
// RoleArn; errors are text/plain lines: 400 `Service account token cannot
// be empty`, 400 `Service account token cannot be parsed: ...`, EKS Auth's
// errors passed through as `[<request id>]: (<Code>): <message>, fault:
// client`, and, when the scenario enforces the Host check, 403 `Access
// Denied. Called agent through invalid address, ...`.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_EKS_POD_IDENTITY_SERVICE_H_
#define METAMOCK_SERVER_EKS_POD_IDENTITY_SERVICE_H_

#include <atomic>
#include <cstdint>

#include "server/credentials/credential_minter.h"
#include "server/http/http_types.h"
#include "server/world/world.h"

namespace metamock {

class PodIdentityService {
 public:
  // "*world" and "*minter" must remain live while this service is in use.
  PodIdentityService(World* world, const CredentialMinter* minter)
      : world_(world), minter_(minter) {}
  PodIdentityService(const PodIdentityService&) = delete;
  PodIdentityService& operator=(const PodIdentityService&) = delete;

  // Answers /v1/credentials without an `id` query parameter.
  HttpResponse Handle(const HttpRequest& request);

 private:
  World* const world_;                    // not owned
  const CredentialMinter* const minter_;  // not owned
  std::atomic<uint64_t> requests_{0};     // numbers EKS Auth request ids
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_EKS_POD_IDENTITY_SERVICE_H_
