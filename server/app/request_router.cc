#include "server/app/request_router.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace metamock {
namespace {

bool HasIdParameter(absl::string_view query) {
  for (absl::string_view pair : absl::StrSplit(query, '&')) {
    if (pair == "id" || absl::StartsWith(pair, "id=")) return true;
  }
  return false;
}

HttpResponse NotServed() {
  HttpResponse response;
  response.status = 404;
  response.headers.Set("Content-Type", "text/plain");
  response.body = "404 page not found\n";
  return response;
}

}  // namespace

const char* EndpointName(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kControl:
      return "control";
    case Endpoint::kEcs:
      return "ecs";
    case Endpoint::kEks:
      return "eks";
    case Endpoint::kImds:
      return "imds";
  }
  return "imds";
}

Endpoint RouteOf(const HttpRequest& request) {
  const std::string& path = request.path;
  if (absl::StartsWith(path, "/_metamock/")) return Endpoint::kControl;
  if (absl::StartsWith(path, "/v2/") || absl::StartsWith(path, "/v3/") ||
      absl::StartsWith(path, "/v4/")) {
    return Endpoint::kEcs;
  }
  if (path == "/v1/credentials") {
    return HasIdParameter(request.query) ? Endpoint::kEcs : Endpoint::kEks;
  }
  return Endpoint::kImds;
}

HttpHandler MakeRouter(RouterHandlers handlers) {
  return [h = std::move(handlers)](const HttpRequest& request) {
    switch (RouteOf(request)) {
      case Endpoint::kControl:
        if (h.control) return h.control(request);
        break;
      case Endpoint::kEcs:
        return h.ecs ? h.ecs(request) : NotServed();
      case Endpoint::kEks:
        return h.eks ? h.eks(request) : NotServed();
      case Endpoint::kImds:
        break;
    }
    return h.imds(request);
  };
}

}  // namespace metamock
