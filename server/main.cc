// metamock: a local stand-in for the AWS credential endpoints.
//
// Parses the command line into AppOptions, builds the App, prints one
// `listening on URL` line per listener and serves until SIGINT or SIGTERM.
// Exit status: 0 after a clean stop, 2 for bad usage, 1 for a runtime
// failure (such as an address already in use).

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cxxopts.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/app/app.h"
#include "server/scenario/builtin_scenarios.h"
#include "server/util/log.h"

namespace {

constexpr char kVersion[] = "metamock 0.1.0";
constexpr int kExitUsage = 2;
constexpr int kExitRuntime = 1;

enum class Action { kServe, kHelp, kVersion };

int UsageError(const std::string& message) {
  std::fprintf(stderr, "metamock: %s (see metamock --help)\n", message.c_str());
  return kExitUsage;
}

cxxopts::Options MakeOptions() {
  cxxopts::Options options(
      "metamock",
      "A local stand-in for the AWS credential endpoints (EC2 instance "
      "metadata service).");
  options.add_options()(
      "listen",
      "Address to serve on, ADDR:PORT; repeatable; [::1]:PORT "
      "for IPv6; port 0 picks a free port (default 127.0.0.1:1338)",
      cxxopts::value<std::vector<std::string>>(),
      "ADDR:PORT")("seed",
                   "Seed for minted credentials: the same seed gives the same "
                   "keys (default: random)",
                   cxxopts::value<std::string>(), "N")(
      "quiet", "Log only errors")("version", "Print the version and exit")(
      "h,help", "Print this help and exit");
  return options;
}

// Fills `app_options` from argv. Returns the action, or sets `error`.
Action ParseFlags(int argc, char** argv, metamock::AppOptions* app_options,
                  std::string* help, std::string* error) {
  cxxopts::Options options = MakeOptions();
  *help = options.help();
  try {
    cxxopts::ParseResult result = options.parse(argc, argv);
    if (!result.unmatched().empty()) {
      *error =
          absl::StrCat("unexpected argument \"", result.unmatched()[0], "\"");
      return Action::kServe;
    }
    if (result.count("help")) return Action::kHelp;
    if (result.count("version")) return Action::kVersion;
    if (result.count("listen")) {
      app_options->listen.clear();
      for (const std::string& text :
           result["listen"].as<std::vector<std::string>>()) {
        absl::StatusOr<metamock::ListenAddress> address =
            metamock::ParseListenAddress(text);
        if (!address.ok()) {
          *error = std::string(address.status().message());
          return Action::kServe;
        }
        app_options->listen.push_back(*address);
      }
    }
    if (result.count("seed")) {
      const std::string text = result["seed"].as<std::string>();
      uint64_t seed = 0;
      if (text.empty() || text[0] == '-' || text[0] == '+' ||
          !absl::SimpleAtoi(text, &seed)) {
        *error =
            absl::StrCat("invalid --seed \"", text,
                         "\": expected a whole number from 0 to ", UINT64_MAX);
        return Action::kServe;
      }
      app_options->seed = seed;
    }
    metamock::SetLogQuiet(result.count("quiet") > 0);
  } catch (const cxxopts::exceptions::exception& e) {
    *error = e.what();
  }
  return Action::kServe;
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

  metamock::AppOptions options;
  std::string help;
  std::string error;
  Action action = ParseFlags(argc, argv, &options, &help, &error);
  if (!error.empty()) return UsageError(error);
  if (action == Action::kHelp) {
    std::cout << help;
    return 0;
  }
  if (action == Action::kVersion) {
    std::cout << kVersion << "\n";
    return 0;
  }

  absl::StatusOr<std::unique_ptr<metamock::App>> app = metamock::App::Create(
      options, metamock::HealthyScenario(), metamock::Clock::RealWall(),
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
  metamock::LogInfo("serving the healthy scenario; stop with Ctrl-C");

  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
    // Reloading comes with scenario files; the built-in world has nothing
    // to reload, and a terminal closing must not stop the server.
    metamock::LogInfo("SIGHUP: the built-in scenario has nothing to reload");
  }
  metamock::LogInfo(absl::StrCat("stopping (signal ", received, ")"));
  (*app)->Stop();
  return 0;
}
