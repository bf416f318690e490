// Everything metamock's command line decides, as a plain struct.

#ifndef METAMOCK_SERVER_APP_APP_OPTIONS_H_
#define METAMOCK_SERVER_APP_APP_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/http/http_server.h"
#include "server/http/listen_address.h"
#include "server/scenario/scenario_loader.h"
#include "server/util/log.h"

namespace metamock {

// Where the control API (/_metamock/) is served.
enum class ControlMode {
  kOn,        // on every listener, beside the endpoints
  kOff,       // nowhere: /_metamock/ paths are IMDS paths (404)
  kSeparate,  // only on AppOptions::control_address
};

struct AppOptions {
  // Addresses to serve on, each with its own listener.
  // Default: 127.0.0.1:1338.
  std::vector<ListenAddress> listen = {ListenAddress{"127.0.0.1", 1338}};

  // The scenario: a bundled name, or a file path (contains '/' or ends in
  // .json). Reloads (SIGHUP, --watch) read it again.
  // Default: "healthy".
  std::string scenario = kDefaultScenario;

  // Reload the scenario file whenever it changes.
  // Default: false.
  bool watch = false;

  // Seed for minted credentials (--seed): the same seed gives the same keys
  // for the same role and rotation. Never used for IMDSv2 tokens.
  // Default: unset, a seed drawn from the OS at start.
  std::optional<uint64_t> seed;

  // ECS_TASK_METADATA_RPS_LIMIT, when set: wins over the scenario's ECS
  // throttle (a malformed value means the agent's default, 40,60).
  // Default: unset.
  std::optional<RateLimit> ecs_rate_limit;

  // How many requests the journal keeps (GET /_metamock/requests).
  // Default: 10000.
  size_t journal_size = 10000;

  // Where the control API is served (--control on|off|ADDR:PORT).
  // Default: ControlMode::kOn.
  ControlMode control = ControlMode::kOn;

  // The control API's own listener when control is kSeparate; its
  // `listening on` line comes after the data listeners'.
  // Default: unset (port 0 on 127.0.0.1 if ever used unset).
  ListenAddress control_address = {"127.0.0.1", 0};

  // The format of every stderr line (--log-format text|json).
  // Default: LogFormat::kText.
  LogFormat log_format = LogFormat::kText;

  // Write only errors: no access lines, no info, no warnings (--quiet).
  // Default: false.
  bool quiet = false;

  // Transport tuning for every listener.
  // Default: see HttpServerOptions.
  HttpServerOptions http;
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_APP_APP_OPTIONS_H_
