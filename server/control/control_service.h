// The control API under /_metamock/ (DESIGN.md, "Control API").
//
//   GET  /_metamock/health             {"status":"ok","scenario":NAME}
//   GET  /_metamock/scenario           name, generation, start, document
//   PUT  /_metamock/scenario           replace the scenario (a document)
//   POST /_metamock/scenario           switch to a bundled one {"name":N}
//   POST /_metamock/reset              restart the current scenario at S
//   GET/POST /_metamock/clock          read; {"advance":"65m"} / {"set":T}
//   GET/POST /_metamock/iam            the world; apply an IAM action
//   GET  /_metamock/env                the variables a client needs
//   GET/POST/DELETE /_metamock/faults  fault rules
//   GET/DELETE /_metamock/requests     the journal
//
// Bodies are JSON; success is 200 with the resulting state; bad input is
// 400 {"error": "..."} and changes nothing; a request without a body is a
// request with an empty body. An unknown call is a JSON 404, a wrong
// method a JSON 405.
//
// This class is thread-safe once SetEndpointListener() (if used) has been
// called.

#ifndef METAMOCK_SERVER_CONTROL_CONTROL_SERVICE_H_
#define METAMOCK_SERVER_CONTROL_CONTROL_SERVICE_H_

#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "server/clock/virtual_clock.h"
#include "server/faults/fault_engine.h"
#include "server/http/http_types.h"
#include "server/journal/journal.h"
#include "server/world/world.h"

namespace metamock {

class ControlService {
 public:
  // "*world" and "*clock" (the world's virtual clock) must remain live
  // while this ControlService is in use.
  // "*journal" and "*faults" too.
  ControlService(World* world, VirtualClock* clock, Journal* journal,
                 FaultEngine* faults)
      : world_(world), clock_(clock), journal_(journal), faults_(faults) {}
  ControlService(const ControlService&) = delete;
  ControlService& operator=(const ControlService&) = delete;

  // Answers a request whose path starts with /_metamock/.
  HttpResponse Handle(const HttpRequest& request);

  // Makes GET /_metamock/env describe the endpoints' listener at
  // `local_addr`:`port` instead of the one the request arrived on (for a
  // control API on a listener of its own). Call before serving.
  void SetEndpointListener(std::string local_addr, int port) {
    endpoint_addr_ = std::move(local_addr);
    endpoint_port_ = port;
  }

 private:
  HttpResponse Scenario(const HttpRequest& request);
  HttpResponse ClockCall(const HttpRequest& request);
  HttpResponse Iam(const HttpRequest& request);
  HttpResponse Env(const HttpRequest& request);
  HttpResponse Requests(const HttpRequest& request);
  HttpResponse Faults(const HttpRequest& request);
  // Loads `scenario` into the world and its fault rules into the engine.
  void Install(std::shared_ptr<const metamock::Scenario> scenario);
  HttpResponse ScenarioState();
  HttpResponse ClockState();

  World* const world_;         // not owned
  VirtualClock* const clock_;  // not owned
  Journal* const journal_;     // not owned
  FaultEngine* const faults_;  // not owned
  std::string endpoint_addr_;  // "" unless SetEndpointListener() was called
  int endpoint_port_ = 0;
};

// A JSON error answer: `status` with `{"error": message}`.
HttpResponse JsonError(int status, absl::string_view message);

}  // namespace metamock

#endif  // METAMOCK_SERVER_CONTROL_CONTROL_SERVICE_H_
