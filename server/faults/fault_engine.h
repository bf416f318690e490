// The fault engine: keeps the fault rules and decides, for each request,
// whether one applies. It only decides (it returns the effect as data);
// the app applies answer-level effects and server/http/ carries out
// connection-level ones (hang, reset, close, truncate).
//
// Rules are tried in the order they were added; the first that matches and
// passes its modifiers applies. Probabilities draw from a std::mt19937_64
// seeded by --seed (or the OS), so a seeded run repeats its draws.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_FAULTS_FAULT_ENGINE_H_
#define METAMOCK_SERVER_FAULTS_FAULT_ENGINE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/faults/fault_rule.h"
#include "server/http/http_types.h"
#include "server/util/mutex.h"

namespace metamock {

// What to do with one request.
struct FaultDecision {
  std::string rule_id;  // for the journal
  FaultEffect effect;
  absl::Duration delay;  // kDelay: drawn from [min, max]
};

class FaultEngine {
 public:
  explicit FaultEngine(uint64_t seed) : rng_(seed) {}
  FaultEngine(const FaultEngine&) = delete;
  FaultEngine& operator=(const FaultEngine&) = delete;

  // Adds a rule; returns its id ("f1", "f2", ...). InvalidArgument with the
  // reason, and nothing added, for a rule that does not validate.
  // The rule is listed back with its keys in the order given.
  absl::StatusOr<std::string> Add(const nlohmann::ordered_json& rule)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Replaces every rule with `rules` (a scenario's, on load or reset),
  // numbering from f1 again.
  void Replace(const std::vector<FaultRule>& rules) ABSL_LOCKS_EXCLUDED(mu_);

  // Removes rule `id`; false if there is none.
  bool Remove(const std::string& id) ABSL_LOCKS_EXCLUDED(mu_);

  // Removes every rule.
  void Clear() ABSL_LOCKS_EXCLUDED(mu_);

  // {"faults": [{...rule as given..., "id": "f1", "fired": 3}]}.
  nlohmann::ordered_json List() ABSL_LOCKS_EXCLUDED(mu_);

  // The fault for `request` to `endpoint` ("imds", "ecs", "eks") at
  // `offset` of virtual time from the scenario's start, if any.
  std::optional<FaultDecision> Decide(const HttpRequest& request,
                                      absl::string_view endpoint,
                                      absl::Duration offset)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    FaultRule rule;
    int64_t matched = 0;  // matches seen (for `after`)
    int64_t fired = 0;    // times applied (for `times`)
  };

  Mutex mu_;
  std::vector<Entry> rules_ ABSL_GUARDED_BY(mu_);
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);  // seeded; draws in order
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_FAULTS_FAULT_ENGINE_H_
