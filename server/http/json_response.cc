#include "server/http/json_response.h"

namespace metamock {

HttpResponse JsonAnswer(int status, const nlohmann::ordered_json& body) {
  HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", "application/json");
  response.body = body.dump(-1, ' ', false,
                            nlohmann::ordered_json::error_handler_t::replace);
  return response;
}

}  // namespace metamock
