#include "server/app/app.h"

#include <utility>

#include "server/app/request_router.h"
#include "server/util/os_random.h"

namespace metamock {

App::App(std::shared_ptr<const Scenario> scenario, Clock* wall,
         Clock* monotonic, uint64_t seed)
    : virtual_clock_(wall->Now(), 1.0, monotonic),
      world_(std::move(scenario), &virtual_clock_, wall->Now()),
      tokens_(&virtual_clock_, TokenCodec::NewKey()),
      minter_(seed),
      imds_(&world_, &virtual_clock_, &tokens_, &minter_),
      control_(&world_) {}

App::~App() { Stop(); }

absl::StatusOr<std::unique_ptr<App>> App::Create(
    const AppOptions& options, std::shared_ptr<const Scenario> scenario,
    Clock* wall, Clock* monotonic) {
  const uint64_t seed = options.seed.value_or(OsRandomUint64());
  std::unique_ptr<App> app(new App(std::move(scenario), wall, monotonic, seed));
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
  return app;
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
  for (auto& server : servers_) server->Stop();
}

}  // namespace metamock
