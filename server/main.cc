// metamock: a local stand-in for the AWS credential endpoints.
//
// Parses the command line into AppOptions, loads the scenario, builds the
// App, prints one `listening on URL` line per listener and serves until
// SIGINT or SIGTERM; SIGHUP reloads the scenario. Exit status: 0 after a
// clean stop, 2 for bad usage or an invalid scenario, 1 for a runtime
// failure (such as an address already in use).

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cxxopts.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "server/app/app.h"
#include "server/ecs/ecs_service.h"
#include "server/scenario/bundled_scenarios.h"
#include "server/scenario/scenario_loader.h"
#include "server/util/log.h"

namespace {

constexpr char kVersion[] = "metamock 0.1.0";
constexpr int kExitUsage = 2;
constexpr int kExitRuntime = 1;

enum class Action { kServe, kHelp, kVersion, kListScenarios, kValidate };

struct Flags {
  Action action = Action::kServe;
  metamock::AppOptions options;
  std::vector<std::string> files;  // for --validate
  std::string help;
  std::string error;
};

int UsageError(const std::string& message) {
  std::fprintf(stderr, "metamock: %s (see metamock --help)\n", message.c_str());
  return kExitUsage;
}

cxxopts::Options MakeOptions() {
  cxxopts::Options options(
      "metamock",
      "A local stand-in for the AWS credential endpoints (the EC2 instance "
      "metadata service, the ECS agent's task credentials and metadata, the "
      "EKS Pod Identity agent), driven by scenario files.");
  options.custom_help("[OPTION...] | --validate FILE... | --list-scenarios");
  options.add_options()(
      "listen",
      "Address to serve on, ADDR:PORT; repeatable; [::1]:PORT "
      "for IPv6; port 0 picks a free port (default 127.0.0.1:1338)",
      cxxopts::value<std::vector<std::string>>(),
      "ADDR:PORT")("scenario",
                   "A bundled scenario name, or a scenario file (a value "
                   "with '/' or ending in .json) (default healthy)",
                   cxxopts::value<std::string>(), "NAME|FILE")(
      "watch", "Reload the scenario file whenever it changes")(
      "seed",
      "Seed for minted credentials and fault draws: the same seed gives "
      "the same keys and draws (default: random)",
      cxxopts::value<std::string>(),
      "N")("journal-size",
           "Requests the journal keeps for GET /_metamock/requests (default "
           "10000)",
           cxxopts::value<std::string>(), "N")("quiet", "Log only errors")(
      "list-scenarios", "Print the bundled scenarios and exit")(
      "validate",
      "Check scenario files (or bundled names) and exit: 0 if "
      "all are valid, else 2 with FILE:LINE:COLUMN errors")(
      "version", "Print the version and exit")("h,help",
                                               "Print this help and exit")(
      "files", "", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"files"});
  return options;
}

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  cxxopts::Options options = MakeOptions();
  flags.help = options.help();
  try {
    cxxopts::ParseResult result = options.parse(argc, argv);
    if (result.count("files")) {
      flags.files = result["files"].as<std::vector<std::string>>();
    }
    if (result.count("help")) {
      flags.action = Action::kHelp;
    } else if (result.count("version")) {
      flags.action = Action::kVersion;
    } else if (result.count("list-scenarios")) {
      flags.action = Action::kListScenarios;
    } else if (result.count("validate")) {
      flags.action = Action::kValidate;
      if (flags.files.empty()) flags.error = "--validate needs FILE...";
      return flags;
    }
    if (!flags.files.empty()) {
      flags.error =
          absl::StrCat("unexpected argument \"", flags.files[0], "\"");
      return flags;
    }
    metamock::AppOptions& app = flags.options;
    if (result.count("listen")) {
      app.listen.clear();
      for (const std::string& text :
           result["listen"].as<std::vector<std::string>>()) {
        absl::StatusOr<metamock::ListenAddress> address =
            metamock::ParseListenAddress(text);
        if (!address.ok()) {
          flags.error = std::string(address.status().message());
          return flags;
        }
        app.listen.push_back(*address);
      }
    }
    if (result.count("scenario")) {
      app.scenario = result["scenario"].as<std::string>();
    }
    app.watch = result.count("watch") > 0;
    if (result.count("seed")) {
      const std::string text = result["seed"].as<std::string>();
      uint64_t seed = 0;
      if (text.empty() || text[0] == '-' || text[0] == '+' ||
          !absl::SimpleAtoi(text, &seed)) {
        flags.error =
            absl::StrCat("invalid --seed \"", text,
                         "\": expected a whole number from 0 to ", UINT64_MAX);
        return flags;
      }
      app.seed = seed;
    }
    if (result.count("journal-size")) {
      const std::string text = result["journal-size"].as<std::string>();
      uint64_t size = 0;
      if (!absl::SimpleAtoi(text, &size) || size < 1 || size > 10000000 ||
          text[0] == '+') {
        flags.error = absl::StrCat("invalid --journal-size \"", text,
                                   "\": expected a whole number from 1 to "
                                   "10000000");
        return flags;
      }
      app.journal_size = size;
    }
    metamock::SetLogQuiet(result.count("quiet") > 0);
    // The ECS agent's own knob, honoured as the agent does.
    if (const char* limit = std::getenv("ECS_TASK_METADATA_RPS_LIMIT")) {
      app.ecs_rate_limit = metamock::ParseEcsRateLimit(limit);
      if (!app.ecs_rate_limit) {
        metamock::LogWarning(absl::StrCat(
            "ECS_TASK_METADATA_RPS_LIMIT=\"", limit,
            "\" is not steady,burst; using the agent's default 40,60"));
        app.ecs_rate_limit = metamock::RateLimit{40, 60};
      }
    }
  } catch (const cxxopts::exceptions::exception& e) {
    flags.error = e.what();
  }
  return flags;
}

int ListScenarios() {
  size_t width = 0;
  for (const std::string& name : metamock::BundledScenarioNames()) {
    width = std::max(width, name.size());
  }
  for (const std::string& name : metamock::BundledScenarioNames()) {
    absl::StatusOr<std::shared_ptr<const metamock::Scenario>> s =
        metamock::LoadScenario(name);
    std::string description =
        s.ok() ? (*s)->description : std::string(s.status().message());
    std::printf("%-*s  %s\n", static_cast<int>(width), name.c_str(),
                description.c_str());
  }
  return 0;
}

int Validate(const std::vector<std::string>& files) {
  int status = 0;
  for (const std::string& file : files) {
    std::vector<std::string> warnings;
    absl::StatusOr<std::shared_ptr<const metamock::Scenario>> s =
        metamock::LoadScenario(file, &warnings);
    for (const std::string& w : warnings)
      std::fprintf(stderr, "%s\n", w.c_str());
    if (s.ok()) {
      std::printf("%s: ok (%s)\n", file.c_str(), (*s)->name.c_str());
    } else {
      std::fprintf(stderr, "%s\n", std::string(s.status().message()).c_str());
      status = kExitUsage;
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  // Signals are taken synchronously by this thread (sigwait below); block
  // them before any thread starts so that every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Flags flags = ParseFlags(argc, argv);
  if (!flags.error.empty()) return UsageError(flags.error);
  switch (flags.action) {
    case Action::kHelp:
      std::cout << flags.help;
      return 0;
    case Action::kVersion:
      std::cout << kVersion << "\n";
      return 0;
    case Action::kListScenarios:
      return ListScenarios();
    case Action::kValidate:
      return Validate(flags.files);
    case Action::kServe:
      break;
  }
  const metamock::AppOptions& options = flags.options;

  std::vector<std::string> warnings;
  absl::StatusOr<std::shared_ptr<const metamock::Scenario>> scenario =
      metamock::LoadScenario(options.scenario, &warnings);
  for (const std::string& w : warnings) {
    metamock::LogWarning(absl::StrReplaceAll(w, {{": warning: ", ": "}}));
  }
  if (!scenario.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(scenario.status().message()).c_str());
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<metamock::App>> app =
      metamock::App::Create(options, *scenario, metamock::Clock::RealWall(),
                            metamock::Clock::RealMonotonic());
  if (!app.ok()) {
    metamock::LogError(app.status().message());
    return kExitRuntime;
  }
  for (const metamock::ListenAddress& address : options.listen) {
    if (!address.is_loopback()) {
      metamock::LogWarning(
          absl::StrCat("listening on a non-loopback address (", address.host,
                       "): anyone who can reach it gets (fake) credentials"));
    }
  }
  for (const std::string& url : (*app)->urls()) {
    std::printf("listening on %s\n", url.c_str());
  }
  std::fflush(stdout);
  (*app)->Start();
  metamock::LogInfo(absl::StrCat("serving scenario \"", (*scenario)->name,
                                 "\"; stop with Ctrl-C"));

  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
    absl::Status status = (*app)->Reload();
    if (!status.ok()) {
      metamock::LogError(
          absl::StrCat("reload failed; the previous scenario keeps serving:\n",
                       status.message()));
    }
  }
  metamock::LogInfo(absl::StrCat("stopping (signal ", received, ")"));
  (*app)->Stop();
  return 0;
}
