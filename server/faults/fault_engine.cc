#include "server/faults/fault_engine.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace metamock {
namespace {

// A uniform double in [0, 1) from raw engine output (std's distributions
// differ between standard libraries; this does not).
double Uniform(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace

absl::StatusOr<std::string> FaultEngine::Add(
    const nlohmann::ordered_json& json) {
  FaultRuleError error;
  std::optional<FaultRule> rule = ParseFaultRule(nlohmann::json(json), &error);
  if (!rule) {
    return absl::InvalidArgumentError(
        error.pointer.empty()
            ? error.message
            : absl::StrCat(error.pointer.substr(1), ": ", error.message));
  }
  rule->source = json;
  MutexLock lock(&mu_);
  rule->id = absl::StrCat("f", next_id_++);
  std::string id = rule->id;
  rules_.push_back(Entry{std::move(*rule)});
  return id;
}

void FaultEngine::Replace(const std::vector<FaultRule>& rules) {
  MutexLock lock(&mu_);
  rules_.clear();
  next_id_ = 1;
  for (FaultRule rule : rules) {
    rule.id = absl::StrCat("f", next_id_++);
    rules_.push_back(Entry{std::move(rule)});
  }
}

bool FaultEngine::Remove(const std::string& id) {
  MutexLock lock(&mu_);
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (it->rule.id == id) {
      rules_.erase(it);
      return true;
    }
  }
  return false;
}

void FaultEngine::Clear() {
  MutexLock lock(&mu_);
  rules_.clear();
}

nlohmann::ordered_json FaultEngine::List() {
  MutexLock lock(&mu_);
  nlohmann::ordered_json out;
  out["faults"] = nlohmann::ordered_json::array();
  for (const Entry& e : rules_) {
    nlohmann::ordered_json j = e.rule.source;
    j["id"] = e.rule.id;
    j["fired"] = e.fired;
    j["expired"] = e.rule.times >= 0 && e.fired >= e.rule.times;
    out["faults"].push_back(j);
  }
  return out;
}

std::optional<FaultDecision> FaultEngine::Decide(const HttpRequest& request,
                                                 absl::string_view endpoint,
                                                 absl::Duration offset) {
  MutexLock lock(&mu_);
  for (Entry& e : rules_) {
    const FaultRule& r = e.rule;
    if (r.times >= 0 && e.fired >= r.times) continue;  // expired
    if (!r.endpoint.empty() && r.endpoint != endpoint) continue;
    if (!r.method.empty() && r.method != request.method) continue;
    if (!r.client.empty() && r.client != request.remote_addr) continue;
    if (!r.path.empty() && !GlobMatch(r.path, request.path)) continue;
    if (r.from && offset < *r.from) continue;
    if (r.until && offset >= *r.until) continue;
    if (++e.matched <= r.after) continue;
    if (r.probability < 1.0 && Uniform(rng_) >= r.probability) continue;
    ++e.fired;
    FaultDecision d{r.id, r.effect, r.effect.delay_min};
    if (r.effect.kind == FaultEffect::Kind::kDelay &&
        r.effect.delay_max > r.effect.delay_min) {
      d.delay = r.effect.delay_min +
                (r.effect.delay_max - r.effect.delay_min) * Uniform(rng_);
    }
    return d;
  }
  return std::nullopt;
}

}  // namespace metamock
