// Sends each request to the service that owns its path (DESIGN.md,
// "Command line"): `/_metamock/` to the control API, `/v2/`, `/v3/`, `/v4/`
// and `/v1/credentials` to the container endpoints, everything else to
// IMDS. The IMDS method rules (403, 405) therefore apply to IMDS paths only.
//
// This class is thread-safe (it only reads its immutable routes).

#ifndef METAMOCK_SERVER_APP_REQUEST_ROUTER_H_
#define METAMOCK_SERVER_APP_REQUEST_ROUTER_H_

#include <functional>

#include "server/http/http_server.h"
#include "server/http/http_types.h"

namespace metamock {

// Which service a path belongs to.
enum class Endpoint { kControl, kEcs, kEks, kImds };

// The endpoint for `request` by the routing order above. `/v1/credentials`
// with an `id` query parameter is the ECS agent's legacy path; without one
// it is the EKS Pod Identity agent's.
Endpoint RouteOf(const HttpRequest& request);

struct RouterHandlers {
  HttpHandler control;  // null: /_metamock/ is served by IMDS (--control off)
  HttpHandler ecs;      // null: not served yet, answers 404
  HttpHandler eks;      // null: not served yet, answers 404
  HttpHandler imds;     // required
};

// "imds", "ecs", "eks" or "control".
const char* EndpointName(Endpoint endpoint);

// An HttpHandler that dispatches to `handlers`.
HttpHandler MakeRouter(RouterHandlers handlers);

}  // namespace metamock

#endif  // METAMOCK_SERVER_APP_REQUEST_ROUTER_H_
