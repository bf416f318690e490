// The serve options (every option but the action flags --help, --version,
// --list-scenarios, --validate) as the command line and the METAMOCK_*
// environment variables give them (DESIGN.md, "Command line"): one parser
// and one error style for both sources. Flags win over the environment.
//
// main.cc owns cxxopts and hands each flag's text here; everything a test
// would want to check about values lives in this file.

#ifndef METAMOCK_SERVER_APP_OPTION_VALUES_H_
#define METAMOCK_SERVER_APP_OPTION_VALUES_H_

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/app/app_options.h"

namespace metamock {

struct ServeOption {
  const char* flag;          // "journal-size": the flag without dashes
  const char* env;           // "METAMOCK_JOURNAL_SIZE"
  const char* value_name;    // "N" for --help; "" for a switch
  const char* default_text;  // what --help prints as the default
  const char* help;          // one sentence for --help
};

// Every serve option, in --help order.
const std::vector<ServeOption>& ServeOptions();

// Applies one value of `option` to *options. `origin` names the source in
// errors ("--seed" or "METAMOCK_SEED"). For a switch the value is a
// boolean (1/0, true/false, yes/no, on/off; the flag itself gives
// "true"). `--listen` values append; the caller clears the default first.
// InvalidArgument with a one-line message otherwise.
absl::Status ApplyOptionValue(const ServeOption& option,
                              absl::string_view value, absl::string_view origin,
                              AppOptions* options);

// Reads a variable's value; nullopt when unset.
using GetEnv = std::function<std::optional<std::string>(const char* name)>;

// Applies the METAMOCK_* variable of every serve option whose flag is not
// in `given_flags`. An empty value counts as unset. METAMOCK_LISTEN is a
// comma-separated list of ADDR:PORT. Stops at the first bad value.
absl::Status ApplyEnvironment(const GetEnv& getenv,
                              const std::set<std::string>& given_flags,
                              AppOptions* options);

// The names among `names` that start with METAMOCK_ but belong to no
// option (a typo would otherwise be silently ignored).
std::vector<std::string> UnknownEnvironmentNames(
    const std::vector<std::string>& names);

// Usage errors that need every option: a separate control listener on
// the same address and port as a data listener.
absl::Status CheckOptions(const AppOptions& options);

}  // namespace metamock

#endif  // METAMOCK_SERVER_APP_OPTION_VALUES_H_
