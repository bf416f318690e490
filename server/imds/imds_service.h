// The EC2 instance metadata service: IMDSv2 tokens and the `/latest/` tree.
//
// Wire behaviour (../shared/reference/imds.md; DESIGN.md "Wire fidelity"):
// - PUT /latest/api/token with a TTL header of 1..21600 answers a token and
//   echoes the TTL (Go SDK v2 needs the echo); anything else there is 400.
//   X-Forwarded-For on that PUT is 403; a PUT to any other path is 403;
//   any other method on the token path is 405 with `Allow: OPTIONS, PUT`.
// - A GET without a token is served (IMDSv1) unless the scenario requires
//   tokens; a bad or expired token is 401; a valid token's answers carry
//   its remaining TTL.
// - `/` lists `latest` and the dated versions, which alias `latest`;
//   listings are `\n`-joined without a trailing newline; a directory asked
//   for without its slash is a 301 to the slashed path on the request's own
//   Host; a leaf asked for with a trailing slash returns its value; anything
//   else is the XHTML 404 page.
// - `iam/` follows the world: absent without an associated profile, `info`
//   per the profile's state, the served role's credentials (or the
//   AssumeRoleUnauthorizedAccess document) by the rotation schedule.
// - Every answer has `Server: EC2ws`; documents are text/plain, user-data
//   application/octet-stream, error pages text/html.
// - The scenario's IMDS settings: unreachable (never answered), disabled
//   (403, empty), hop limit exceeded (the token PUT is never answered),
//   throttled (429 past a per-client rate, in real time).
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_IMDS_IMDS_SERVICE_H_
#define METAMOCK_SERVER_IMDS_IMDS_SERVICE_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/clock/clock.h"
#include "server/credentials/credential_minter.h"
#include "server/http/http_types.h"
#include "server/imds/metadata_tree.h"
#include "server/imds/token_codec.h"
#include "server/throttle/rate_limiter.h"
#include "server/util/mutex.h"
#include "server/world/world.h"

namespace metamock {

class ImdsService {
 public:
  // "*world", "*clock" (the virtual clock), "*monotonic" (for the
  // throttle), "*tokens" and "*minter" must remain live while this
  // ImdsService is in use.
  ImdsService(World* world, Clock* clock, Clock* monotonic,
              const TokenCodec* tokens, const CredentialMinter* minter);
  ImdsService(const ImdsService&) = delete;
  ImdsService& operator=(const ImdsService&) = delete;

  // Answers one IMDS request (any path the router did not claim for ECS,
  // EKS or the control API).
  HttpResponse Handle(const HttpRequest& request) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // The static tree of one loaded scenario.
  struct Content {
    const Scenario* scenario;               // identifies the load it came from
    std::shared_ptr<const Scenario> owner;  // keeps *scenario alive
    absl::Time start;                       // that load's start S
    MetadataTree tree;                      // everything but iam/
    std::string meta_data_with_iam;         // `meta-data/` listing with iam/
  };

  // The content of the world's current scenario, rebuilt when it changes.
  std::shared_ptr<const Content> CurrentContent() ABSL_LOCKS_EXCLUDED(mu_);

  HttpResponse Dispatch(const HttpRequest& request, const Content& content);
  HttpResponse PutToken(const HttpRequest& request);
  HttpResponse GetPath(const HttpRequest& request, const Content& content);
  HttpResponse GetIam(const HttpRequest& request, absl::string_view sub,
                      bool trailing_slash, const Content& content);

  World* const world_;                    // not owned
  Clock* const clock_;                    // not owned
  const TokenCodec* const tokens_;        // not owned
  const CredentialMinter* const minter_;  // not owned
  RateLimiter throttle_;                  // per client IP, for imds.throttle
  Mutex mu_;
  std::shared_ptr<const Content> content_ ABSL_GUARDED_BY(mu_);  // cache
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_IMDS_IMDS_SERVICE_H_
