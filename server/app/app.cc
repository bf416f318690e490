#include "server/app/app.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/app/access_log.h"
#include "server/app/journal_entry.h"
#include "server/app/request_router.h"
#include "server/control/control_service.h"
#include "server/scenario/scenario_loader.h"
#include "server/util/log.h"
#include "server/util/os_random.h"

namespace metamock {

App::App(const AppOptions& options, Clock* wall, Clock* monotonic,
         uint64_t seed)
    : options_(options),
      wall_(wall),
      monotonic_(monotonic),
      virtual_clock_(wall->Now(), 1.0, monotonic),
      journal_(options.journal_size),
      faults_(seed),
      world_(&virtual_clock_, wall),
      tokens_(&virtual_clock_, TokenCodec::NewKey()),
      minter_(seed),
      imds_(&world_, &virtual_clock_, monotonic, &tokens_, &minter_),
      ecs_(&world_, &virtual_clock_, monotonic, &minter_,
           options.ecs_rate_limit),
      eks_(&world_, &minter_),
      control_(&world_, &virtual_clock_, &journal_, &faults_) {}

App::~App() { Stop(); }

absl::StatusOr<std::unique_ptr<App>> App::Create(
    const AppOptions& options, std::shared_ptr<const Scenario> scenario,
    Clock* wall, Clock* monotonic) {
  const uint64_t seed = options.seed.value_or(OsRandomUint64());
  std::unique_ptr<App> app(new App(options, wall, monotonic, seed));
  app->faults_.Replace(scenario->faults);
  app->world_.Load(std::move(scenario));
  App* raw = app.get();
  RouterHandlers handlers;
  if (options.control == ControlMode::kOn) {
    handlers.control = [raw](const HttpRequest& r) {
      return raw->control_.Handle(r);
    };
  }
  handlers.imds = [raw](const HttpRequest& r) { return raw->imds_.Handle(r); };
  handlers.ecs = [raw](const HttpRequest& r) { return raw->ecs_.Handle(r); };
  handlers.eks = [raw](const HttpRequest& r) { return raw->eks_.Handle(r); };
  HttpHandler routed = MakeRouter(std::move(handlers));
  HttpHandler router = [raw, routed](const HttpRequest& r) {
    Endpoint endpoint = RouteOf(r);
    // Without the control API here, /_metamock/ paths are IMDS paths.
    if (endpoint == Endpoint::kControl &&
        raw->options_.control != ControlMode::kOn) {
      endpoint = Endpoint::kImds;
    }
    return raw->Observe(routed, r, endpoint);
  };
  for (const ListenAddress& address : options.listen) {
    absl::StatusOr<std::unique_ptr<HttpServer>> server =
        HttpServer::Bind(address, options.http, router);
    if (!server.ok()) return server.status();
    app->servers_.push_back(std::move(*server));
  }
  if (options.control == ControlMode::kSeparate) {
    // The control listener serves /_metamock/ only; /_metamock/env there
    // describes the first data listener.
    const HttpServer& data = *app->servers_.front();
    app->control_.SetEndpointListener(options.listen.front().host, data.port());
    HttpHandler control = [raw](const HttpRequest& r) {
      if (RouteOf(r) == Endpoint::kControl) return raw->control_.Handle(r);
      return JsonError(
          404, absl::StrCat("this listener serves only the control API "
                            "(/_metamock/); ",
                            r.path, " is served on the other listeners"));
    };
    HttpHandler observed = [raw, control](const HttpRequest& r) {
      return raw->Observe(control, r, Endpoint::kControl);
    };
    absl::StatusOr<std::unique_ptr<HttpServer>> server =
        HttpServer::Bind(options.control_address, options.http, observed);
    if (!server.ok()) return server.status();
    app->servers_.push_back(std::move(*server));
  }
  // Watching starts before the listening lines are printed, so a change
  // made right after them is seen.
  if (options.watch) app->Watch();
  return app;
}

void App::Watch() {
  if (!IsScenarioPath(options_.scenario)) {
    LogWarning(absl::StrCat("--watch has no effect on the bundled scenario \"",
                            options_.scenario, "\""));
    return;
  }
  watcher_ = std::make_unique<FileWatcher>(options_.scenario, [this] {
    absl::Status status = Reload();
    if (!status.ok()) {
      LogError(
          absl::StrCat("reload failed; the previous scenario keeps "
                       "serving:\n",
                       status.message()));
    }
  });
}

HttpResponse App::Observe(const HttpHandler& handler,
                          const HttpRequest& request, Endpoint endpoint) {
  const absl::Time started = monotonic_->Now();
  const absl::Time virtual_now = virtual_clock_.Now();
  const bool is_control = endpoint == Endpoint::kControl;
  std::string fault;
  // Control calls are never faulted or journaled: tests read the journal
  // through them.
  HttpResponse response =
      is_control ? handler(request) : Serve(handler, request, endpoint, &fault);
  // Health checks (every few seconds from Docker or Kubernetes) would
  // drown the lines that matter.
  const bool log = AccessLogEnabled() &&
                   !(is_control && request.path == "/_metamock/health");
  if (is_control && !log) return response;
  JournalEntry entry = JournalEntryFor(request, response, endpoint, virtual_now,
                                       monotonic_->Now() - started);
  entry.fault = std::move(fault);
  if (log) LogAccess(AccessLine(entry, LogFormatInUse(), wall_->Now()));
  if (!is_control) journal_.Record(std::move(entry));
  return response;
}

HttpResponse App::Serve(const HttpHandler& routed, const HttpRequest& request,
                        Endpoint endpoint, std::string* fault_id) {
  const absl::Time offset_base = world_.Current().start;
  std::optional<FaultDecision> d = faults_.Decide(
      request, EndpointName(endpoint), virtual_clock_.Now() - offset_base);
  if (!d) return routed(request);
  *fault_id = d->rule_id;
  const FaultEffect& e = d->effect;
  HttpResponse response;
  switch (e.kind) {
    case FaultEffect::Kind::kStatus:
      response.status = e.status;
      for (const auto& [name, value] : e.headers)
        response.headers.Set(name, value);
      if (!response.headers.Has("Content-Type")) {
        response.headers.Set("Content-Type", "text/plain");
      }
      if (endpoint == Endpoint::kImds) response.headers.Set("Server", "EC2ws");
      response.body = e.body;
      return response;
    case FaultEffect::Kind::kDelay:
      // Real time: what a client's timeout feels. Stopping cuts it short
      // so that SIGTERM still stops within its bound.
      stopping_.WaitForNotificationWithTimeout(d->delay);
      return routed(request);
    case FaultEffect::Kind::kHang:
      response.effect = ConnectionEffect::kHang;
      return response;
    case FaultEffect::Kind::kReset:
      response.effect = ConnectionEffect::kReset;
      return response;
    case FaultEffect::Kind::kClose:
      response.effect = ConnectionEffect::kClose;
      return response;
    case FaultEffect::Kind::kTruncate:
      response = routed(request);
      response.truncate_body_at = e.truncate;
      return response;
    case FaultEffect::Kind::kMalformed:
      // A 200 whose body stops half way: not valid JSON.
      response = routed(request);
      response.status = 200;
      response.body = response.body.size() > 1
                          ? response.body.substr(0, response.body.size() / 2)
                          : "{";
      return response;
  }
  return routed(request);
}

std::vector<std::string> App::urls() const {
  std::vector<std::string> out;
  for (const auto& server : servers_) out.push_back(server->url());
  return out;
}

void App::Start() {
  for (auto& server : servers_) server->Start();
}

void App::Stop() {
  if (!stopping_.HasBeenNotified()) stopping_.Notify();
  watcher_.reset();
  for (auto& server : servers_) server->Stop();
}

absl::Status App::Reload() {
  absl::StatusOr<std::shared_ptr<const Scenario>> scenario =
      LoadScenario(options_.scenario);
  if (!scenario.ok()) return scenario.status();
  faults_.Replace((*scenario)->faults);
  world_.Load(*scenario);
  LogInfo(absl::StrCat("loaded scenario \"", (*scenario)->name,
                       "\" (generation ", world_.Current().generation, ")"));
  return absl::OkStatus();
}

}  // namespace metamock
