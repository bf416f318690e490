// metamock: a local stand-in for the AWS credential endpoints.
//
// Parses the command line into AppOptions, loads the scenario, builds the
// App, prints one `listening on URL` line per listener and serves until
// SIGINT or SIGTERM; SIGHUP reloads the scenario. Exit status: 0 after a
// clean stop, 2 for bad usage or an invalid scenario, 1 for a runtime
// failure (such as an address already in use).

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cxxopts.hpp>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "server/app/app.h"
#include "server/app/option_values.h"
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

// A scenario error (FILE:LINE:COLUMN lines) as is in the text format, one
// JSON line in the JSON format.
void ReportError(absl::string_view message) {
  if (metamock::LogFormatInUse() == metamock::LogFormat::kJson) {
    metamock::LogError(message);
  } else {
    std::fprintf(stderr, "%s\n", std::string(message).c_str());
  }
}

cxxopts::Options MakeOptions() {
  cxxopts::Options options(
      "metamock",
      "A local stand-in for the AWS credential endpoints (the EC2 instance "
      "metadata service, the ECS agent's task credentials and metadata, the "
      "EKS Pod Identity agent), driven by scenario files.\n\nEvery option "
      "also reads the environment variable named after it; flags win. "
      "ECS_TASK_METADATA_RPS_LIMIT (steady,burst) overrides the scenario's "
      "ECS throttle, as on the ECS agent.");
  options.custom_help(
      "[OPTION...] | --validate FILE... | --list-scenarios | --version");
  options.positional_help("");
  for (const metamock::ServeOption& o : metamock::ServeOptions()) {
    const bool is_switch = o.value_name[0] == '\0';
    std::string help = absl::StrCat(o.help, " (default ", o.default_text,
                                    "; env ", o.env, ")");
    std::shared_ptr<const cxxopts::Value> value;
    if (is_switch) {
      value = cxxopts::value<bool>();
    } else if (std::string(o.flag) == "listen") {
      value = cxxopts::value<std::vector<std::string>>();
    } else {
      value = cxxopts::value<std::string>();
    }
    options.add_option("", cxxopts::Option(o.flag, help, value, o.value_name));
  }
  options.add_options()("list-scenarios",
                        "Print the bundled scenarios and exit")(
      "validate",
      "Check scenario files (or bundled names) and exit: 0 if all are "
      "valid, else 2 with FILE:LINE:COLUMN errors")(
      "version", "Print the version and exit")("h,help",
                                               "Print this help and exit")(
      "files", "", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"files"});
  return options;
}

// The names of every variable in the environment.
std::vector<std::string> EnvironmentNames() {
  std::vector<std::string> names;
  for (char** e = environ; *e != nullptr; ++e) {
    const char* eq = std::strchr(*e, '=');
    names.emplace_back(*e, eq ? static_cast<size_t>(eq - *e) : strlen(*e));
  }
  return names;
}

// Flags first, then METAMOCK_* variables for the options no flag gave.
absl::Status ApplyServeOptions(const cxxopts::ParseResult& result,
                               metamock::AppOptions* app) {
  std::set<std::string> given;
  for (const metamock::ServeOption& o : metamock::ServeOptions()) {
    if (result.count(o.flag) == 0) continue;
    given.insert(o.flag);
    const std::string origin = absl::StrCat("--", o.flag);
    absl::Status status;
    if (o.value_name[0] == '\0') {
      status = metamock::ApplyOptionValue(o, "true", origin, app);
    } else if (std::string(o.flag) == "listen") {
      app->listen.clear();
      for (const std::string& text :
           result[o.flag].as<std::vector<std::string>>()) {
        status.Update(metamock::ApplyOptionValue(o, text, origin, app));
      }
    } else {
      status = metamock::ApplyOptionValue(o, result[o.flag].as<std::string>(),
                                          origin, app);
    }
    if (!status.ok()) return status;
  }
  absl::Status status = metamock::ApplyEnvironment(
      [](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        if (value == nullptr) return std::nullopt;
        return std::string(value);
      },
      given, app);
  if (!status.ok()) return status;
  return metamock::CheckOptions(*app);
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
    if (flags.action != Action::kServe) return flags;
    absl::Status status = ApplyServeOptions(result, &flags.options);
    if (!status.ok()) {
      flags.error = std::string(status.message());
      return flags;
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
  metamock::AppOptions& options = flags.options;
  metamock::SetLogQuiet(options.quiet);
  metamock::SetLogFormat(options.log_format);
  for (const std::string& name :
       metamock::UnknownEnvironmentNames(EnvironmentNames())) {
    metamock::LogWarning(absl::StrCat(
        name, " is not a metamock variable; ignored (see metamock --help)"));
  }
  // The ECS agent's own knob, honoured as the agent does.
  if (const char* limit = std::getenv("ECS_TASK_METADATA_RPS_LIMIT")) {
    options.ecs_rate_limit = metamock::ParseEcsRateLimit(limit);
    if (!options.ecs_rate_limit) {
      metamock::LogWarning(absl::StrCat(
          "ECS_TASK_METADATA_RPS_LIMIT=\"", limit,
          "\" is not steady,burst; using the agent's default 40,60"));
      options.ecs_rate_limit = metamock::RateLimit{40, 60};
    }
  }

  std::vector<std::string> warnings;
  absl::StatusOr<std::shared_ptr<const metamock::Scenario>> scenario =
      metamock::LoadScenario(options.scenario, &warnings);
  // The bundled files' warnings (fields metamock accepts but does not
  // model, kept for fidelity to the guides) are known: not worth a line.
  const bool bundled = !metamock::IsScenarioPath(options.scenario);
  for (const std::string& w : bundled ? std::vector<std::string>{} : warnings) {
    metamock::LogWarning(absl::StrReplaceAll(w, {{": warning: ", ": "}}));
  }
  if (!scenario.ok()) {
    ReportError(scenario.status().message());
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<metamock::App>> app =
      metamock::App::Create(options, *scenario, metamock::Clock::RealWall(),
                            metamock::Clock::RealMonotonic());
  if (!app.ok()) {
    metamock::LogError(app.status().message());
    return kExitRuntime;
  }
  std::vector<metamock::ListenAddress> addresses = options.listen;
  if (options.control == metamock::ControlMode::kSeparate) {
    addresses.push_back(options.control_address);
  }
  for (const metamock::ListenAddress& address : addresses) {
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
  switch (options.control) {
    case metamock::ControlMode::kOn:
      break;
    case metamock::ControlMode::kOff:
      metamock::LogInfo("control API off (--control off)");
      break;
    case metamock::ControlMode::kSeparate:
      metamock::LogInfo(absl::StrCat("control API only on ",
                                     (*app)->urls().back(), "/_metamock/"));
      break;
  }

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
