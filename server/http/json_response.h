// A JSON answer: compact, application/json, invalid UTF-8 replaced (never
// an exception). Used by the control API and the ECS agent's endpoints.

#ifndef METAMOCK_SERVER_HTTP_JSON_RESPONSE_H_
#define METAMOCK_SERVER_HTTP_JSON_RESPONSE_H_

#include <nlohmann/json.hpp>

#include "server/http/http_types.h"

namespace metamock {

HttpResponse JsonAnswer(int status, const nlohmann::ordered_json& body);

}  // namespace metamock

#endif  // METAMOCK_SERVER_HTTP_JSON_RESPONSE_H_
