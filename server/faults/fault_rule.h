// Fault rules (DESIGN.md, "Faults"; "Control API"): which requests a rule
// matches, what happens to them, and the modifiers that limit it.
//
//   {"match": {"endpoint": "imds", "path": "/latest/meta-data/iam/*",
//              "method": "GET", "client": "127.0.0.1"},
//    "effect": {"status": 500},
//    "after": 0, "times": 2, "probability": 1.0, "from": "5m", "until": "10m"}
//
// Effects: {"status": N, "body": "...", "headers": {...}},
// {"status": N, "preset": NAME}, {"delay": "300ms"},
// {"delay": {"min": "100ms", "max": "900ms"}}, {"hang": true},
// {"reset": true}, {"close": true}, {"truncate": N}, {"malformed": true}.
// Parsing only: the engine (fault_engine.h) decides, the transport acts.

#ifndef METAMOCK_SERVER_FAULTS_FAULT_RULE_H_
#define METAMOCK_SERVER_FAULTS_FAULT_RULE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace metamock {

struct FaultEffect {
  enum class Kind {
    kStatus,
    kDelay,
    kHang,
    kReset,
    kClose,
    kTruncate,
    kMalformed
  };
  Kind kind = Kind::kStatus;
  int status = 0;    // kStatus
  std::string body;  // kStatus: the body (a preset fills it)
  std::vector<std::pair<std::string, std::string>> headers;  // kStatus
  std::string preset;        // kStatus: the preset's name, if any
  absl::Duration delay_min;  // kDelay
  absl::Duration delay_max;  // kDelay (== min for a fixed delay)
  size_t truncate = 0;       // kTruncate: body bytes sent
};

struct FaultRule {
  std::string id;  // "f1", assigned by the engine
  // Match (empty: any).
  std::string endpoint;  // "imds", "ecs", "eks"
  std::string path;      // with `*` globs
  std::string method;
  std::string client;  // an IP address
  FaultEffect effect;
  // Modifiers.
  int64_t after = 0;   // let this many matches through first
  int64_t times = -1;  // apply to this many matches, then expire (-1: always)
  double probability = 1.0;             // of applying to a match (seeded draws)
  std::optional<absl::Duration> from;   // virtual offset from the start
  std::optional<absl::Duration> until;  // virtual offset from the start
  nlohmann::ordered_json source;        // the rule as given
};

// An error in a rule, with the JSON pointer (relative to the rule) of the
// value it concerns, so a scenario file can point at it.
struct FaultRuleError {
  std::string pointer;  // e.g. "/effect/delay"; "" for the rule itself
  std::string message;
};

// Parses and validates one rule. On error returns nullopt and fills
// `error`.
std::optional<FaultRule> ParseFaultRule(const nlohmann::json& json,
                                        FaultRuleError* error);

// True if `path` matches `pattern`, where `*` matches any run of
// characters (slashes included).
bool GlobMatch(absl::string_view pattern, absl::string_view path);

// The names of the presets, for messages.
std::vector<std::string> FaultPresetNames();

}  // namespace metamock

#endif  // METAMOCK_SERVER_FAULTS_FAULT_RULE_H_
