// The control API under /_metamock/ (DESIGN.md, "Control API").
//
// Today it answers the health check that compose and Kubernetes probes use:
// `GET /_metamock/health` -> `{"status":"ok","scenario":"<name>"}`. Every
// other control path is a JSON 404; a wrong method is a JSON 405. The
// scenario, clock, IAM, env, faults and journal calls grow here.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_CONTROL_CONTROL_SERVICE_H_
#define METAMOCK_SERVER_CONTROL_CONTROL_SERVICE_H_

#include "server/http/http_types.h"
#include "server/world/world.h"

namespace metamock {

class ControlService {
 public:
  // "*world" must remain live while this ControlService is in use.
  explicit ControlService(World* world) : world_(world) {}
  ControlService(const ControlService&) = delete;
  ControlService& operator=(const ControlService&) = delete;

  // Answers a request whose path starts with /_metamock/.
  HttpResponse Handle(const HttpRequest& request);

 private:
  World* const world_;  // not owned
};

// A JSON error answer: `status` with `{"error": message}`.
HttpResponse JsonError(int status, absl::string_view message);

}  // namespace metamock

#endif  // METAMOCK_SERVER_CONTROL_CONTROL_SERVICE_H_
