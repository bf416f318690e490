#include "server/app/option_values.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace metamock {
namespace {

constexpr size_t kMaxJournalSize = 10000000;

absl::Status Invalid(absl::string_view origin, absl::string_view value,
                     absl::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid ", origin, " \"", value, "\": ", expected));
}

// A whole decimal number from `min` to `max`: no sign, no spaces, no hex.
absl::StatusOr<uint64_t> WholeNumber(absl::string_view origin,
                                     absl::string_view text, uint64_t min,
                                     uint64_t max) {
  uint64_t n = 0;
  if (text.empty() ||
      !absl::ascii_isdigit(static_cast<unsigned char>(text[0])) ||
      !absl::SimpleAtoi(text, &n) || n < min || n > max) {
    return Invalid(
        origin, text,
        absl::StrCat("expected a whole number from ", min, " to ", max));
  }
  return n;
}

std::optional<bool> ParseBoolean(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on")
    return true;
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off")
    return false;
  return std::nullopt;
}

}  // namespace

const std::vector<ServeOption>& ServeOptions() {
  static const auto* const kOptions = new std::vector<ServeOption>{
      {"listen", "METAMOCK_LISTEN", "ADDR:PORT", "127.0.0.1:1338",
       "Address to serve on; repeatable (the variable is comma-separated); "
       "[::1]:PORT for IPv6; port 0 picks a free port"},
      {"scenario", "METAMOCK_SCENARIO", "NAME|FILE", "healthy",
       "A bundled scenario name, or a scenario file (a value with '/' or "
       "ending in .json)"},
      {"watch", "METAMOCK_WATCH", "", "off",
       "Reload the scenario file whenever it changes"},
      {"seed", "METAMOCK_SEED", "N", "random",
       "Seed for minted credentials and fault draws: the same seed gives "
       "the same keys and draws"},
      {"control", "METAMOCK_CONTROL", "on|off|ADDR:PORT", "on",
       "Serve the control API (/_metamock/) beside the endpoints, not at "
       "all, or only on a listener of its own"},
      {"journal-size", "METAMOCK_JOURNAL_SIZE", "N", "10000",
       "Requests the journal keeps for GET /_metamock/requests"},
      {"log-format", "METAMOCK_LOG_FORMAT", "text|json", "text",
       "Format of the stderr lines: text, or one JSON object per line"},
      {"quiet", "METAMOCK_QUIET", "", "off",
       "Log only errors: no access lines, no info, no warnings"},
  };
  return *kOptions;
}

absl::Status ApplyOptionValue(const ServeOption& option,
                              absl::string_view value, absl::string_view origin,
                              AppOptions* options) {
  const std::string flag = option.flag;
  if (option.value_name[0] == '\0') {
    std::optional<bool> on = ParseBoolean(value);
    if (!on) return Invalid(origin, value, "expected true or false (1 or 0)");
    if (flag == "watch") options->watch = *on;
    if (flag == "quiet") options->quiet = *on;
    return absl::OkStatus();
  }
  if (flag == "listen") {
    absl::StatusOr<ListenAddress> address = ParseListenAddress(value);
    if (!address.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ": ", address.status().message()));
    }
    options->listen.push_back(*address);
  } else if (flag == "scenario") {
    if (value.empty()) return Invalid(origin, value, "expected NAME or FILE");
    options->scenario = std::string(value);
  } else if (flag == "seed") {
    absl::StatusOr<uint64_t> seed = WholeNumber(origin, value, 0, UINT64_MAX);
    if (!seed.ok()) return seed.status();
    options->seed = *seed;
  } else if (flag == "control") {
    if (value == "on") {
      options->control = ControlMode::kOn;
    } else if (value == "off") {
      options->control = ControlMode::kOff;
    } else {
      absl::StatusOr<ListenAddress> address = ParseListenAddress(value);
      if (!address.ok()) {
        return Invalid(origin, value,
                       absl::StrCat("expected on, off or ADDR:PORT (",
                                    address.status().message(), ")"));
      }
      options->control = ControlMode::kSeparate;
      options->control_address = *address;
    }
  } else if (flag == "journal-size") {
    absl::StatusOr<uint64_t> size =
        WholeNumber(origin, value, 1, kMaxJournalSize);
    if (!size.ok()) return size.status();
    options->journal_size = *size;
  } else if (flag == "log-format") {
    if (value == "text") {
      options->log_format = LogFormat::kText;
    } else if (value == "json") {
      options->log_format = LogFormat::kJson;
    } else {
      return Invalid(origin, value, "expected text or json");
    }
  }
  return absl::OkStatus();
}

absl::Status ApplyEnvironment(const GetEnv& getenv,
                              const std::set<std::string>& given_flags,
                              AppOptions* options) {
  for (const ServeOption& option : ServeOptions()) {
    if (given_flags.count(option.flag)) continue;
    std::optional<std::string> value = getenv(option.env);
    if (!value || value->empty()) continue;
    if (std::string(option.flag) == "listen") {
      options->listen.clear();
      for (absl::string_view item : absl::StrSplit(*value, ',')) {
        absl::Status s = ApplyOptionValue(
            option, absl::StripAsciiWhitespace(item), option.env, options);
        if (!s.ok()) return s;
      }
      continue;
    }
    absl::Status s = ApplyOptionValue(option, *value, option.env, options);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

std::vector<std::string> UnknownEnvironmentNames(
    const std::vector<std::string>& names) {
  std::vector<std::string> unknown;
  for (const std::string& name : names) {
    if (!absl::StartsWith(name, "METAMOCK_")) continue;
    bool known = false;
    for (const ServeOption& option : ServeOptions()) {
      known = known || name == option.env;
    }
    if (!known) unknown.push_back(name);
  }
  return unknown;
}

absl::Status CheckOptions(const AppOptions& options) {
  if (options.control != ControlMode::kSeparate) return absl::OkStatus();
  const ListenAddress& c = options.control_address;
  for (const ListenAddress& data : options.listen) {
    if (c.port != 0 && data.port == c.port && data.host == c.host) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the control listener ", ListenUrl(c, c.port),
          " is also a data listener: give the control API an address of "
          "its own"));
    }
  }
  return absl::OkStatus();
}

}  // namespace metamock
