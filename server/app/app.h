// Wires metamock together and owns every component's lifetime: the clocks,
// the world, the token codec, the credential minter, the services, the
// router, one HttpServer per listener, and the file watcher.
//
// Create() binds every listener (so a bad address fails before anything is
// served), Start() serves, Stop() stops. Thread-safe after Create().

#ifndef METAMOCK_SERVER_APP_APP_H_
#define METAMOCK_SERVER_APP_APP_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "server/app/app_options.h"
#include "server/app/file_watcher.h"
#include "server/app/request_router.h"
#include "server/clock/clock.h"
#include "server/clock/virtual_clock.h"
#include "server/control/control_service.h"
#include "server/credentials/credential_minter.h"
#include "server/ecs/ecs_service.h"
#include "server/eks/pod_identity_service.h"
#include "server/faults/fault_engine.h"
#include "server/http/http_server.h"
#include "server/imds/imds_service.h"
#include "server/imds/token_codec.h"
#include "server/journal/journal.h"
#include "server/world/world.h"

namespace metamock {

class App {
 public:
  // Builds the app serving `scenario` (loaded from options.scenario) and
  // binds its listeners. "*wall" (read for scenarios without a start) and
  // "*monotonic" (what the virtual clock and throttles run on) must remain
  // live while the App is in use. Unavailable when a listener cannot bind.
  static absl::StatusOr<std::unique_ptr<App>> Create(
      const AppOptions& options, std::shared_ptr<const Scenario> scenario,
      Clock* wall, Clock* monotonic);

  App(const App&) = delete;
  App& operator=(const App&) = delete;
  ~App();

  // The URL of each listener, in the order of AppOptions::listen, then the
  // control listener's when the control API has one of its own.
  std::vector<std::string> urls() const;

  // Starts serving on every listener.
  void Start();

  // Stops every listener; idempotent.
  void Stop();

  // Loads options.scenario again and swaps it in, restarting at its start.
  // On error (the message has FILE:LINE:COLUMN lines) the old scenario
  // keeps serving.
  absl::Status Reload();

 private:
  App(const AppOptions& options, Clock* wall, Clock* monotonic, uint64_t seed);
  // Starts the file watcher (--watch).
  void Watch();
  // Answers `request` for `endpoint` with `handler` (through Serve()
  // unless it is a control call), journals it (unless a control call) and
  // writes its access line.
  HttpResponse Observe(const HttpHandler& handler, const HttpRequest& request,
                       Endpoint endpoint);
  // Answers `request` to `endpoint`, applying the first fault that fires.
  HttpResponse Serve(const HttpHandler& routed, const HttpRequest& request,
                     Endpoint endpoint, std::string* fault_id);

  const AppOptions options_;  // immutable after construction
  Clock* const wall_;         // not owned; stamps JSON access lines
  Clock* const monotonic_;    // not owned; times request latencies
  VirtualClock virtual_clock_;
  Journal journal_;
  FaultEngine faults_;
  World world_;
  TokenCodec tokens_;
  CredentialMinter minter_;
  ImdsService imds_;
  EcsService ecs_;
  PodIdentityService eks_;
  ControlService control_;
  std::vector<std::unique_ptr<HttpServer>> servers_;  // one per listener
  std::unique_ptr<FileWatcher> watcher_;              // with --watch and a file
  absl::Notification stopping_;  // ends fault delays early at Stop()
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_APP_APP_H_
