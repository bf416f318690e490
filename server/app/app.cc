#include "server/app/app.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/app/request_router.h"
#include "server/scenario/scenario_loader.h"
#include "server/util/log.h"
#include "server/util/os_random.h"

namespace metamock {

App::App(const AppOptions& options, Clock* wall, Clock* monotonic,
         uint64_t seed)
    : options_(options),
      virtual_clock_(wall->Now(), 1.0, monotonic),
      world_(&virtual_clock_, wall),
      tokens_(&virtual_clock_, TokenCodec::NewKey()),
      minter_(seed),
      imds_(&world_, &virtual_clock_, monotonic, &tokens_, &minter_),
      control_(&world_, &virtual_clock_) {}

App::~App() { Stop(); }

absl::StatusOr<std::unique_ptr<App>> App::Create(
    const AppOptions& options, std::shared_ptr<const Scenario> scenario,
    Clock* wall, Clock* monotonic) {
  const uint64_t seed = options.seed.value_or(OsRandomUint64());
  std::unique_ptr<App> app(new App(options, wall, monotonic, seed));
  app->world_.Load(std::move(scenario));
  App* raw = app.get();
  RouterHandlers handlers;
  handlers.control = [raw](const HttpRequest& r) {
    return raw->control_.Handle(r);
  };
  handlers.imds = [raw](const HttpRequest& r) { return raw->imds_.Handle(r); };
  HttpHandler router = MakeRouter(std::move(handlers));
  for (const ListenAddress& address : options.listen) {
    absl::StatusOr<std::unique_ptr<HttpServer>> server =
        HttpServer::Bind(address, options.http, router);
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

std::vector<std::string> App::urls() const {
  std::vector<std::string> out;
  for (const auto& server : servers_) out.push_back(server->url());
  return out;
}

void App::Start() {
  for (auto& server : servers_) server->Start();
}

void App::Stop() {
  watcher_.reset();
  for (auto& server : servers_) server->Stop();
}

absl::Status App::Reload() {
  absl::StatusOr<std::shared_ptr<const Scenario>> scenario =
      LoadScenario(options_.scenario);
  if (!scenario.ok()) return scenario.status();
  world_.Load(*scenario);
  LogInfo(absl::StrCat("loaded scenario \"", (*scenario)->name,
                       "\" (generation ", world_.Current().generation, ")"));
  return absl::OkStatus();
}

}  // namespace metamock
