#include "server/ecs/ecs_service.h"

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/credentials/credential_schedule.h"
#include "server/ecs/task_metadata.h"
#include "server/http/json_response.h"
#include "server/util/aws_time.h"
#include "server/util/query.h"

namespace metamock {
namespace {

using Json = nlohmann::ordered_json;

// gorilla/mux's answer when no route matches.
HttpResponse MuxNotFound() {
  HttpResponse r;
  r.status = 404;
  r.headers.Set("Content-Type", "text/plain; charset=utf-8");
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.body = "404 page not found\n";
  return r;
}

}  // namespace

std::optional<RateLimit> ParseEcsRateLimit(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, ',');
  int steady = 0;
  int burst = 0;
  if (parts.size() != 2 ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(parts[0]), &steady) ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(parts[1]), &burst) ||
      steady <= 0 || burst <= 0) {
    return std::nullopt;
  }
  return RateLimit{static_cast<double>(steady), burst};
}

HttpResponse EcsError(int status, absl::string_view code,
                      absl::string_view message) {
  Json body;
  body["code"] = std::string(code);
  body["message"] = std::string(message);
  body["HTTPErrorCode"] = status;
  return JsonAnswer(status, body);
}

EcsService::EcsService(World* world, Clock* clock, Clock* monotonic,
                       const CredentialMinter* minter,
                       std::optional<RateLimit> rate_override)
    : world_(world),
      clock_(clock),
      minter_(minter),
      rate_override_(rate_override),
      throttle_(monotonic) {}

HttpResponse EcsService::Handle(const HttpRequest& request) {
  World::Loaded loaded = world_->Current();
  // A new scenario starts with fresh throttle buckets.
  if (last_scenario_.exchange(loaded.scenario.get()) != loaded.scenario.get()) {
    throttle_.Clear();
  }
  const RateLimit limit =
      rate_override_.value_or(loaded.scenario->ecs.throttle);
  // The agent's throttle (tollbooth) keys on the client's IP and the exact
  // path, and sets its headers before it decides.
  const bool allowed =
      throttle_.Allow(absl::StrCat(request.remote_addr, "|", request.path),
                      limit.rate, limit.burst);
  HttpResponse response;
  if (!allowed) {
    response.status = 429;
    response.headers.Set("Content-Type", "text/plain; charset=utf-8");
    response.body = "You have reached maximum request limit.";
  } else {
    response = Route(request, loaded);
  }
  response.headers.Set("X-Rate-Limit-Limit",
                       absl::StrFormat("%.2f", limit.rate));
  response.headers.Set("X-Rate-Limit-Duration", "1");
  response.headers.Set("X-Rate-Limit-Request-Forwarded-For",
                       request.headers.Get("X-Forwarded-For").value_or(""));
  response.headers.Set(
      "X-Rate-Limit-Request-Remote-Addr",
      absl::StrContains(request.remote_addr, ':')
          ? absl::StrCat("[", request.remote_addr, "]:", request.remote_port)
          : absl::StrCat(request.remote_addr, ":", request.remote_port));
  return response;
}

HttpResponse EcsService::Route(const HttpRequest& request,
                               const World::Loaded& loaded) {
  absl::string_view path = request.path;
  if (path == "/v1/credentials") {
    return Credentials(QueryValue(request.query, "id"), "CredentialsV1Request",
                       *loaded.scenario);
  }
  if (absl::ConsumePrefix(&path, "/v2/credentials/")) {
    return Credentials(path, "CredentialsV2Request", *loaded.scenario);
  }
  if (absl::ConsumePrefix(&path, "/v4/") ||
      absl::ConsumePrefix(&path, "/v3/")) {
    return Metadata(path, *loaded.scenario, loaded.start);
  }
  return MuxNotFound();
}

HttpResponse EcsService::Credentials(absl::string_view id,
                                     absl::string_view prefix,
                                     const Scenario& scenario) {
  if (!scenario.ecs.task_roles_enabled) {
    // Without task IAM roles the agent never answers on this path: the SDK
    // times out and reports "Unable to locate credentials".
    HttpResponse lost;
    lost.effect = ConnectionEffect::kHang;
    return lost;
  }
  if (id.empty()) {
    return EcsError(400, "NoIdInRequest",
                    absl::StrCat(prefix, ": No Credential ID in the request"));
  }
  EcsCredentialAnswer answer = world_->EcsCredentials(id);
  switch (answer.kind) {
    case EcsCredentialAnswer::Kind::kUnknownId:
      return EcsError(400, "InvalidIdInRequest",
                      absl::StrCat(prefix, ": Credentials not found"));
    case EcsCredentialAnswer::Kind::kUninitialized:
      return EcsError(
          503, "CredentialsUninitialized",
          absl::StrCat(prefix, ": Credentials uninitialized for ID"));
    case EcsCredentialAnswer::Kind::kServed:
      break;
  }
  // A session of its own: the task's keys differ from an instance's for
  // the same role, and stay the same for the id within a rotation.
  ::metamock::Credentials c = CredentialsFor(
      *minter_, absl::StrCat("ecs/", id, "/", answer.role_name), answer.slot);
  Json body;
  body["RoleArn"] = absl::StrCat("arn:aws:iam::", scenario.account_id, ":role/",
                                 answer.role_name);
  body["AccessKeyId"] = c.access_key_id;
  body["SecretAccessKey"] = c.secret_access_key;
  body["Token"] = c.session_token;
  body["Expiration"] = FormatAwsTimestamp(c.expiration);
  return JsonAnswer(200, body);
}

HttpResponse EcsService::Metadata(absl::string_view rest,
                                  const Scenario& scenario, absl::Time start) {
  std::string id(rest.substr(0, rest.find('/')));
  absl::string_view what = rest.substr(id.size());
  const EcsTask* task = nullptr;
  const EcsContainer* container = nullptr;
  for (const EcsTask& t : scenario.ecs.tasks) {
    for (const EcsContainer& c : t.containers) {
      if (c.endpoint_id == id) {
        task = &t;
        container = &c;
      }
    }
  }
  const bool task_level = what == "/task" || what == "/task/stats";
  if (what != "" && what != "/stats" && !task_level) return MuxNotFound();
  if (task == nullptr) {
    // The agent answers with a JSON string.
    const bool stats = absl::EndsWith(what, "stats");
    return JsonAnswer(
        404,
        task_level
            ? Json(absl::StrCat("V4 task ", stats ? "stats" : "metadata",
                                " handler: unable to get task arn from "
                                "request: unable to get task Arn from v3 "
                                "endpoint ID: ",
                                id))
            : Json(absl::StrCat("V4 container ", stats ? "stats" : "metadata",
                                " handler: unable to get container ID "
                                "from request: unable to get docker ID "
                                "from v3 endpoint ID: ",
                                id)));
  }
  const absl::Time now = clock_->Now();
  if (what == "")
    return JsonAnswer(200,
                      ContainerMetadata(scenario, *task, *container, start));
  if (what == "/stats")
    return JsonAnswer(200, ContainerStats(*task, *container, now));
  if (what == "/task")
    return JsonAnswer(200, TaskMetadata(scenario, *task, start));
  return JsonAnswer(200, TaskStats(*task, now));
}

}  // namespace metamock
