#include "server/control/control_service.h"

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/control/client_env.h"
#include "server/http/json_response.h"
#include "server/scenario/bundled_scenarios.h"
#include "server/scenario/scenario_loader.h"
#include "server/scenario/scenario_parser.h"
#include "server/util/aws_time.h"
#include "server/util/query.h"

namespace metamock {
namespace {

using Json = nlohmann::ordered_json;

HttpResponse MethodNotAllowed(const HttpRequest& request,
                              absl::string_view allow) {
  HttpResponse response =
      JsonError(405, absl::StrCat(request.method, " is not allowed on ",
                                  request.path, "; use ", allow));
  response.headers.Set("Allow", allow);
  return response;
}

// Parses a JSON body; an empty body is an empty object. Sets `error` (a
// ready 400) on failure.
std::optional<nlohmann::json> ParseBody(const HttpRequest& request,
                                        HttpResponse* error) {
  if (request.body.empty()) return nlohmann::json::object();
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr,
                                              /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    *error = JsonError(400, "the request body is not valid JSON");
    return std::nullopt;
  }
  return body;
}

bool IsRead(const HttpRequest& request) {
  return request.method == "GET" || request.method == "HEAD";
}

}  // namespace

HttpResponse JsonError(int status, absl::string_view message) {
  Json body;
  body["error"] = std::string(message);
  return JsonAnswer(status, body);
}

HttpResponse ControlService::Handle(const HttpRequest& request) {
  const std::string& path = request.path;
  if (path == "/_metamock/health") {
    if (!IsRead(request)) return MethodNotAllowed(request, "GET");
    Json body;
    body["status"] = "ok";
    body["scenario"] = world_->Current().scenario->name;
    return JsonAnswer(200, body);
  }
  if (path == "/_metamock/scenario") return Scenario(request);
  if (path == "/_metamock/reset") {
    if (request.method != "POST") return MethodNotAllowed(request, "POST");
    world_->Reset();
    faults_->Replace(world_->Current().scenario->faults);
    return ScenarioState();
  }
  if (path == "/_metamock/clock") return ClockCall(request);
  if (path == "/_metamock/iam") return Iam(request);
  if (path == "/_metamock/env") return Env(request);
  if (path == "/_metamock/requests") return Requests(request);
  if (path == "/_metamock/faults" ||
      absl::StartsWith(path, "/_metamock/faults/")) {
    return Faults(request);
  }
  return JsonError(404, absl::StrCat("no control API call at ", path));
}

HttpResponse ControlService::ScenarioState() {
  World::Loaded loaded = world_->Current();
  Json body;
  body["name"] = loaded.scenario->name;
  body["description"] = loaded.scenario->description;
  body["source"] = loaded.scenario->source;
  body["generation"] = loaded.generation;
  body["start"] = FormatAwsTimestamp(loaded.start);
  body["document"] = loaded.scenario->document;
  return JsonAnswer(200, body);
}

HttpResponse ControlService::Scenario(const HttpRequest& request) {
  if (IsRead(request)) return ScenarioState();
  if (request.method == "PUT") {
    absl::StatusOr<std::shared_ptr<const metamock::Scenario>> scenario =
        ParseScenario(request.body, "request body");
    if (!scenario.ok()) return JsonError(400, scenario.status().message());
    Install(*scenario);
    return ScenarioState();
  }
  if (request.method == "POST") {
    HttpResponse error;
    std::optional<nlohmann::json> body = ParseBody(request, &error);
    if (!body) return error;
    if (!body->is_object() || !body->contains("name") ||
        !(*body)["name"].is_string() || body->size() != 1) {
      return JsonError(400,
                       "expected {\"name\": \"<bundled scenario>\"}; to load "
                       "a document, PUT it");
    }
    const std::string name = (*body)["name"].get<std::string>();
    if (!BundledScenarioText(name)) {
      return JsonError(
          400, absl::StrCat("unknown scenario \"", name, "\" (bundled: ",
                            absl::StrJoin(BundledScenarioNames(), ", "), ")"));
    }
    absl::StatusOr<std::shared_ptr<const metamock::Scenario>> scenario =
        LoadScenario(name);
    if (!scenario.ok()) return JsonError(400, scenario.status().message());
    Install(*scenario);
    return ScenarioState();
  }
  return MethodNotAllowed(request, "GET, PUT, POST");
}

HttpResponse ControlService::ClockState() {
  Json body;
  World::Loaded loaded = world_->Current();
  body["now"] = FormatAwsTimestamp(clock_->Now());
  body["start"] = FormatAwsTimestamp(loaded.start);
  body["rate"] = clock_->rate();
  return JsonAnswer(200, body);
}

HttpResponse ControlService::ClockCall(const HttpRequest& request) {
  if (IsRead(request)) return ClockState();
  if (request.method != "POST") return MethodNotAllowed(request, "GET, POST");
  HttpResponse error;
  std::optional<nlohmann::json> body = ParseBody(request, &error);
  if (!body) return error;
  const bool advance = body->is_object() && body->contains("advance");
  const bool set = body->is_object() && body->contains("set");
  if (!body->is_object() || body->size() != 1 || advance == set) {
    return JsonError(400,
                     "expected {\"advance\": \"65m\"} or {\"set\": "
                     "\"2026-11-23T11:00:00Z\"}");
  }
  const nlohmann::json& value = advance ? (*body)["advance"] : (*body)["set"];
  if (!value.is_string()) {
    return JsonError(400, absl::StrCat("\"", advance ? "advance" : "set",
                                       "\" must be a string"));
  }
  const std::string text = value.get<std::string>();
  absl::Status status;
  if (advance) {
    absl::Duration d;
    if (!absl::ParseDuration(text, &d) || d == absl::InfiniteDuration()) {
      return JsonError(400,
                       absl::StrCat("\"advance\" is not a duration: \"", text,
                                    "\" (use e.g. \"90s\", \"65m\")"));
    }
    status = clock_->Advance(d);
  } else {
    absl::StatusOr<absl::Time> t = ParseAwsTimestamp(text);
    if (!t.ok()) {
      return JsonError(400, absl::StrCat("\"set\" is ", t.status().message()));
    }
    status = clock_->Set(*t);
  }
  if (!status.ok()) return JsonError(400, status.message());
  return ClockState();
}

void ControlService::Install(
    std::shared_ptr<const metamock::Scenario> scenario) {
  faults_->Replace(scenario->faults);
  world_->Load(std::move(scenario));
}

HttpResponse ControlService::Faults(const HttpRequest& request) {
  absl::string_view id = request.path;
  const bool one = absl::ConsumePrefix(&id, "/_metamock/faults/");
  if (request.method == "DELETE") {
    if (!one) {
      faults_->Clear();
    } else if (!faults_->Remove(std::string(id))) {
      return JsonError(404, absl::StrCat("no fault rule \"", id, "\""));
    }
    return JsonAnswer(200, faults_->List());
  }
  if (one) return MethodNotAllowed(request, "DELETE");
  if (IsRead(request)) return JsonAnswer(200, faults_->List());
  if (request.method != "POST") {
    return MethodNotAllowed(request, "GET, POST, DELETE");
  }
  HttpResponse error;
  if (!ParseBody(request, &error)) return error;
  // Parsed again in order, so the rule lists back as it was given.
  absl::StatusOr<std::string> added = faults_->Add(
      request.body.empty() ? Json::object()
                           : Json::parse(request.body, nullptr, false));
  if (!added.ok()) return JsonError(400, added.status().message());
  Json answer;
  answer["id"] = *added;
  return JsonAnswer(201, answer);
}

HttpResponse ControlService::Requests(const HttpRequest& request) {
  if (request.method == "DELETE") {
    journal_->Clear();
    Json body;
    body["requests"] = Json::array();
    return JsonAnswer(200, body);
  }
  if (!IsRead(request)) return MethodNotAllowed(request, "GET, DELETE");
  JournalFilter filter;
  for (const auto& [key, value] : QueryPairs(request.query)) {
    int64_t number = 0;
    const bool numeric = absl::SimpleAtoi(value, &number) && number >= 0;
    if (key == "endpoint") {
      if (value != "imds" && value != "ecs" && value != "eks") {
        return JsonError(400, "endpoint must be imds, ecs or eks");
      }
      filter.endpoint = value;
    } else if (key == "path") {
      filter.path = value;
    } else if (key == "method") {
      filter.method = value;
    } else if (key == "status" && numeric && number < 1000) {
      filter.status = static_cast<int>(number);
    } else if (key == "since" && numeric) {
      filter.since = number;
    } else if (key == "limit" && numeric) {
      filter.limit = static_cast<size_t>(number);
    } else {
      return JsonError(
          400, absl::StrCat("bad parameter \"", key, "=", value,
                            "\" (requests takes endpoint, path, method, "
                            "status, since, limit; numbers are whole and "
                            "not negative)"));
    }
  }
  Json body;
  body["requests"] = Json::array();
  for (const JournalEntry& e : journal_->Query(filter)) {
    body["requests"].push_back(JournalEntryJson(e));
  }
  return JsonAnswer(200, body);
}

HttpResponse ControlService::Env(const HttpRequest& request) {
  if (!IsRead(request)) return MethodNotAllowed(request, "GET");
  std::string for_what, where = "host", format = "json";
  for (const auto& [key, value] : QueryPairs(request.query)) {
    if (key == "for") {
      for_what = value;
    } else if (key == "where") {
      where = value;
    } else if (key == "format") {
      format = value;
    } else {
      return JsonError(400, absl::StrCat("unknown parameter \"", key,
                                         "\" (env takes for, where, format)"));
    }
  }
  if (for_what.empty()) {
    return JsonError(400, "missing for=ec2|ecs|eks");
  }
  if (format != "json" && format != "sh") {
    return JsonError(400, "format must be json or sh");
  }
  HttpRequest listener = request;
  if (!endpoint_addr_.empty()) {
    listener.local_addr = endpoint_addr_;
    listener.local_port = endpoint_port_;
  }
  absl::StatusOr<EnvVars> vars =
      ClientEnv(*world_->Current().scenario, for_what, where, listener);
  if (!vars.ok()) return JsonError(400, vars.status().message());
  if (format == "sh") {
    HttpResponse r;
    r.headers.Set("Content-Type", "text/plain; charset=utf-8");
    r.body = EnvAsShell(*vars);
    return r;
  }
  Json body = Json::object();
  for (const auto& [name, value] : *vars) body[name] = value;
  return JsonAnswer(200, body);
}

HttpResponse ControlService::Iam(const HttpRequest& request) {
  if (IsRead(request)) return JsonAnswer(200, world_->ToJson());
  if (request.method != "POST") return MethodNotAllowed(request, "GET, POST");
  HttpResponse error;
  std::optional<nlohmann::json> body = ParseBody(request, &error);
  if (!body) return error;
  // One action, or a list of actions applied as one instant.
  nlohmann::json list =
      body->is_array() ? *body : nlohmann::json::array({*body});
  if (list.empty()) return JsonError(400, "no action given");
  std::vector<IamAction> actions;
  for (size_t i = 0; i < list.size(); ++i) {
    IamActionError action_error;
    std::optional<IamAction> action =
        ParseIamAction(list[i], {}, &action_error);
    if (!action) {
      return JsonError(
          400, body->is_array()
                   ? absl::StrCat("action ", i, ": ", action_error.message)
                   : action_error.message);
    }
    actions.push_back(*action);
  }
  absl::Status status = world_->Apply(actions);
  if (!status.ok()) return JsonError(400, status.message());
  return JsonAnswer(200, world_->ToJson());
}

}  // namespace metamock
