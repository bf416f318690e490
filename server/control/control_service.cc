#include "server/control/control_service.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace metamock {
namespace {

HttpResponse Json(int status, const nlohmann::ordered_json& body) {
  HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", "application/json");
  response.body = body.dump(-1, ' ', false,
                            nlohmann::ordered_json::error_handler_t::replace);
  return response;
}

}  // namespace

HttpResponse JsonError(int status, absl::string_view message) {
  nlohmann::ordered_json body;
  body["error"] = std::string(message);
  return Json(status, body);
}

HttpResponse ControlService::Handle(const HttpRequest& request) {
  if (request.path == "/_metamock/health") {
    if (request.method != "GET" && request.method != "HEAD") {
      HttpResponse response =
          JsonError(405, absl::StrCat(request.method, " is not allowed on ",
                                      request.path, "; use GET"));
      response.headers.Set("Allow", "GET, HEAD");
      return response;
    }
    nlohmann::ordered_json body;
    body["status"] = "ok";
    body["scenario"] = world_->Current().scenario->name;
    return Json(200, body);
  }
  return JsonError(404, absl::StrCat("no control API call at ", request.path));
}

}  // namespace metamock
