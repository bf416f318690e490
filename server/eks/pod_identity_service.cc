#include "server/eks/pod_identity_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/credentials/credential_schedule.h"
#include "server/ecs/task_metadata.h"
#include "server/scenario/container_sections.h"

namespace metamock {
namespace {

// Go's http.Error: text/plain, nosniff, the message and a newline.
HttpResponse TextError(int status, absl::string_view message) {
  HttpResponse r;
  r.status = status;
  r.headers.Set("Content-Type", "text/plain; charset=utf-8");
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.body = absl::StrCat(message, "\n");
  return r;
}

// The Host header without its port and brackets.
std::string HostOnly(std::string host) {
  if (absl::StartsWith(host, "[")) {
    size_t close = host.find(']');
    return close == std::string::npos ? host : host.substr(1, close - 1);
  }
  size_t colon = host.rfind(':');
  if (colon != std::string::npos && host.find(':') == colon) {
    host = host.substr(0, colon);
  }
  return host;
}

}  // namespace

HttpResponse PodIdentityService::Handle(const HttpRequest& request) {
  World::Loaded loaded = world_->Current();
  const Scenario& scenario = *loaded.scenario;
  if (scenario.eks.host_check) {
    const std::string host = HostOnly(request.headers.Get("Host").value_or(""));
    if (host != "169.254.170.23" && host != "fd00:ec2::23") {
      return TextError(
          403, absl::StrCat("Access Denied. Called agent through invalid "
                            "address, please use either [169.254.170.23 "
                            "fd00:ec2::23] address not ",
                            host));
    }
  }
  const std::string token = request.headers.Get("Authorization").value_or("");
  if (token.empty()) {
    return TextError(400, "Service account token cannot be empty");
  }
  // The agent parses the token as a JWT before it asks EKS Auth.
  if (std::count(token.begin(), token.end(), '.') != 2) {
    return TextError(400,
                     "Service account token cannot be parsed: token is "
                     "malformed: token contains an invalid number of "
                     "segments");
  }
  EksCredentialAnswer answer = world_->EksCredentials(token);
  const std::string request_id =
      DerivedUuid(absl::StrCat("eks-auth-request-", requests_.fetch_add(1)));
  switch (answer.kind) {
    case EksCredentialAnswer::Kind::kUnknownToken:
      return TextError(400, absl::StrCat("[", request_id,
                                         "]: (InvalidTokenException): The "
                                         "service account token is not "
                                         "valid, fault: client"));
    case EksCredentialAnswer::Kind::kAccessDenied:
      return TextError(
          400, absl::StrCat("[", request_id, "]: (AccessDeniedException): ",
                            answer.role_name.empty()
                                ? absl::StrCat("No Pod Identity association "
                                               "for pod ",
                                               answer.pod_name)
                                : absl::StrCat("The role arn:aws:iam::",
                                               scenario.account_id, ":role/",
                                               answer.role_name,
                                               " cannot be assumed by "
                                               "pods.eks.amazonaws.com"),
                            ", fault: client"));
    case EksCredentialAnswer::Kind::kServed:
      break;
  }
  Credentials c = CredentialsFor(
      *minter_, absl::StrCat("eks/", answer.pod_name, "/", answer.role_name),
      answer.slot);
  nlohmann::ordered_json body;
  body["AccessKeyId"] = c.access_key_id;
  body["SecretAccessKey"] = c.secret_access_key;
  body["Token"] = c.session_token;
  body["AccountId"] = scenario.account_id;
  body["Expiration"] = FormatRfc3339Nano(c.expiration);
  HttpResponse r;
  r.headers.Set("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

}  // namespace metamock
