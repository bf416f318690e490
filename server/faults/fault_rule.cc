#include "server/faults/fault_rule.h"

#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/util/xhtml_page.h"

namespace metamock {
namespace {

using Json = nlohmann::json;

struct Preset {
  int status;
  std::string content_type;
  std::string body;
};

// AWS's own shapes for the answers a fault most often imitates.
const std::map<std::string, Preset>& Presets() {
  static const auto* presets = new std::map<std::string, Preset>{
      {"imds-400", {400, "text/html", ImdsErrorPage("400 - Bad Request")}},
      {"imds-401", {401, "text/html", ImdsErrorPage("401 - Unauthorized")}},
      {"imds-403", {403, "text/plain", ""}},
      {"imds-404", {404, "text/html", ImdsErrorPage("404 - Not Found")}},
      {"imds-429",
       {429, "text/html", ImdsErrorPage("429 - Too Many Requests")}},
      {"imds-500",
       {500, "text/html", ImdsErrorPage("500 - Internal Server Error")}},
      {"imds-503",
       {503, "text/html", ImdsErrorPage("503 - Service Unavailable")}},
      {"ecs-no-id",
       {400, "application/json",
        "{\"code\":\"NoIdInRequest\",\"message\":\"CredentialsV2Request: No "
        "Credential ID in the request\",\"HTTPErrorCode\":400}"}},
      {"ecs-invalid-id",
       {400, "application/json",
        "{\"code\":\"InvalidIdInRequest\",\"message\":\"CredentialsV2Request: "
        "Credentials not found\",\"HTTPErrorCode\":400}"}},
      {"ecs-uninitialized",
       {503, "application/json",
        "{\"code\":\"CredentialsUninitialized\",\"message\":"
        "\"CredentialsV2Request: Credentials uninitialized for ID\","
        "\"HTTPErrorCode\":503}"}},
      {"ecs-500",
       {500, "application/json",
        "{\"code\":\"InternalServerError\",\"message\":\"Internal server "
        "error\",\"HTTPErrorCode\":500}"}},
      {"ecs-429",
       {429, "text/plain; charset=utf-8",
        "You have reached maximum request limit."}},
  };
  return *presets;
}

std::optional<FaultRule> Fail(FaultRuleError* error, std::string pointer,
                              std::string message) {
  error->pointer = std::move(pointer);
  error->message = std::move(message);
  return std::nullopt;
}

bool ParseDurationText(const Json& v, absl::Duration* out) {
  if (!v.is_string()) return false;
  return absl::ParseDuration(v.get<std::string>(), out) &&
         *out >= absl::ZeroDuration() && *out <= absl::Minutes(10);
}

}  // namespace

std::vector<std::string> FaultPresetNames() {
  std::vector<std::string> names;
  for (const auto& [name, preset] : Presets()) names.push_back(name);
  return names;
}

bool GlobMatch(absl::string_view pattern, absl::string_view path) {
  // Iterative glob with backtracking to the last star: linear enough for
  // paths, and no recursion to overflow.
  size_t p = 0, s = 0, star = absl::string_view::npos, mark = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (star != absl::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::optional<FaultRule> ParseFaultRule(const Json& json,
                                        FaultRuleError* error) {
  if (!json.is_object())
    return Fail(error, "", "a fault rule must be an object");
  FaultRule rule;
  rule.source = json;
  for (auto it = json.begin(); it != json.end(); ++it) {
    static const char* const kKeys[] = {
        "match", "effect", "after", "times", "probability", "from", "until"};
    if (std::find(std::begin(kKeys), std::end(kKeys), it.key()) ==
        std::end(kKeys)) {
      return Fail(error, "/" + it.key(),
                  absl::StrCat("unknown key \"", it.key(),
                               "\" in a fault rule (expected match, effect, "
                               "after, times, probability, from, until)"));
    }
  }
  auto match = json.find("match");
  if (match != json.end()) {
    if (!match->is_object())
      return Fail(error, "/match", "\"match\" must be an object");
    for (auto it = match->begin(); it != match->end(); ++it) {
      const std::string p = "/match/" + it.key();
      if (!it->is_string() || it->get<std::string>().empty()) {
        return Fail(
            error, p,
            absl::StrCat("\"", it.key(), "\" must be a non-empty string"));
      }
      const std::string v = it->get<std::string>();
      if (it.key() == "endpoint") {
        if (v != "imds" && v != "ecs" && v != "eks") {
          return Fail(error, p, "\"endpoint\" must be imds, ecs or eks");
        }
        rule.endpoint = v;
      } else if (it.key() == "path") {
        rule.path = v;
      } else if (it.key() == "method") {
        rule.method = v;
      } else if (it.key() == "client") {
        rule.client = v;
      } else {
        return Fail(error, p,
                    absl::StrCat("unknown key \"", it.key(),
                                 "\" in match (expected endpoint, "
                                 "path, method, client)"));
      }
    }
  }
  auto effect = json.find("effect");
  if (effect == json.end() || !effect->is_object() || effect->empty()) {
    return Fail(error, effect == json.end() ? "" : "/effect",
                "a fault rule needs an \"effect\" object");
  }
  FaultEffect& e = rule.effect;
  const Json& ef = *effect;
  if (ef.contains("delay")) {
    if (ef.size() != 1)
      return Fail(error, "/effect", "\"delay\" goes alone in an effect");
    const Json& d = ef["delay"];
    e.kind = FaultEffect::Kind::kDelay;
    if (d.is_object()) {
      if (!d.contains("min") || !d.contains("max") || d.size() != 2 ||
          !ParseDurationText(d["min"], &e.delay_min) ||
          !ParseDurationText(d["max"], &e.delay_max) ||
          e.delay_max < e.delay_min) {
        return Fail(error, "/effect/delay",
                    "\"delay\" must be a duration (\"300ms\") or {\"min\": "
                    "D, \"max\": D} with min <= max, each at most 10m");
      }
    } else if (!ParseDurationText(d, &e.delay_min)) {
      return Fail(
          error, "/effect/delay",
          "\"delay\" must be a duration such as \"300ms\", at most 10m");
    } else {
      e.delay_max = e.delay_min;
    }
  } else if (ef.contains("hang") || ef.contains("reset") ||
             ef.contains("close") || ef.contains("malformed")) {
    std::string key;
    for (const char* k : {"hang", "reset", "close", "malformed"}) {
      if (ef.contains(k)) key = k;
    }
    if (ef.size() != 1 || !ef.begin()->is_boolean() ||
        !ef.begin()->get<bool>()) {
      return Fail(
          error, "/effect",
          absl::StrCat("\"", key, "\" goes alone in an effect, as true"));
    }
    e.kind = key == "hang"    ? FaultEffect::Kind::kHang
             : key == "reset" ? FaultEffect::Kind::kReset
             : key == "close" ? FaultEffect::Kind::kClose
                              : FaultEffect::Kind::kMalformed;
  } else if (ef.contains("truncate")) {
    const Json& t = ef["truncate"];
    if (ef.size() != 1 || !t.is_number_integer() || t.get<int64_t>() < 0) {
      return Fail(error, "/effect/truncate",
                  "\"truncate\" goes alone in an effect, as a whole number of "
                  "body bytes");
    }
    e.kind = FaultEffect::Kind::kTruncate;
    e.truncate = static_cast<size_t>(t.get<int64_t>());
  } else {
    e.kind = FaultEffect::Kind::kStatus;
    for (auto it = ef.begin(); it != ef.end(); ++it) {
      if (it.key() != "status" && it.key() != "body" && it.key() != "headers" &&
          it.key() != "preset") {
        return Fail(error, "/effect/" + it.key(),
                    absl::StrCat("unknown key \"", it.key(),
                                 "\" in an effect (status, body, headers, "
                                 "preset; or delay, hang, reset, close, "
                                 "truncate, malformed)"));
      }
    }
    if (ef.contains("preset")) {
      const Json& p = ef["preset"];
      auto preset = p.is_string() ? Presets().find(p.get<std::string>())
                                  : Presets().end();
      if (preset == Presets().end()) {
        return Fail(error, "/effect/preset",
                    absl::StrCat("unknown preset (one of ",
                                 absl::StrJoin(FaultPresetNames(), ", "), ")"));
      }
      e.preset = preset->first;
      e.status = preset->second.status;
      e.body = preset->second.body;
      e.headers.emplace_back("Content-Type", preset->second.content_type);
    }
    if (ef.contains("status")) {
      const Json& s = ef["status"];
      if (!s.is_number_integer() || s.get<int64_t>() < 200 ||
          s.get<int64_t>() > 599) {
        return Fail(error, "/effect/status",
                    "\"status\" must be an HTTP status from 200 to 599");
      }
      e.status = static_cast<int>(s.get<int64_t>());
    } else if (e.preset.empty()) {
      return Fail(error, "/effect",
                  "an answer needs a \"status\" (or a \"preset\")");
    }
    if (ef.contains("body")) {
      if (!ef["body"].is_string())
        return Fail(error, "/effect/body", "\"body\" must be a string");
      e.body = ef["body"].get<std::string>();
    }
    if (ef.contains("headers")) {
      const Json& h = ef["headers"];
      if (!h.is_object())
        return Fail(error, "/effect/headers",
                    "\"headers\" must be an object of strings");
      for (auto it = h.begin(); it != h.end(); ++it) {
        if (!it->is_string() || it.key().empty() ||
            it.key().find_first_of(":\r\n ") != std::string::npos ||
            it->get<std::string>().find_first_of("\r\n") != std::string::npos) {
          return Fail(error, "/effect/headers/" + it.key(),
                      "header names and values must be strings on one line");
        }
        e.headers.emplace_back(it.key(), it->get<std::string>());
      }
    }
  }
  auto count = [&](const char* key, int64_t* out) -> bool {
    auto it = json.find(key);
    if (it == json.end()) return true;
    if (!it->is_number_integer() || it->get<int64_t>() < 0) return false;
    *out = it->get<int64_t>();
    return true;
  };
  if (!count("after", &rule.after)) {
    return Fail(error, "/after", "\"after\" must be a whole number, 0 or more");
  }
  if (!count("times", &rule.times) ||
      (json.contains("times") && rule.times == 0)) {
    return Fail(error, "/times", "\"times\" must be a whole number, 1 or more");
  }
  if (json.contains("probability")) {
    const Json& p = json["probability"];
    if (!p.is_number() || !std::isfinite(p.get<double>()) ||
        p.get<double>() < 0 || p.get<double>() > 1) {
      return Fail(error, "/probability", "\"probability\" must be from 0 to 1");
    }
    rule.probability = p.get<double>();
  }
  for (const char* key : {"from", "until"}) {
    if (!json.contains(key)) continue;
    absl::Duration d;
    const Json& v = json[key];
    if (!v.is_string() || !absl::ParseDuration(v.get<std::string>(), &d) ||
        d < absl::ZeroDuration() || d == absl::InfiniteDuration()) {
      return Fail(error, absl::StrCat("/", key),
                  absl::StrCat("\"", key,
                               "\" must be a duration from the "
                               "scenario's start, such as \"5m\""));
    }
    (std::string(key) == "from" ? rule.from : rule.until) = d;
  }
  if (rule.from && rule.until && *rule.until <= *rule.from) {
    return Fail(error, "/until", "\"until\" must be after \"from\"");
  }
  return rule;
}

}  // namespace metamock
