#include "server/app/request_router.h"

#include <gtest/gtest.h>

namespace metamock {
namespace {

HttpRequest Req(const std::string& path, const std::string& query = "") {
  HttpRequest r;
  r.method = "GET";
  r.path = path;
  r.query = query;
  return r;
}

TEST(RequestRouter, RoutesByPathInTheDocumentedOrder) {
  EXPECT_EQ(RouteOf(Req("/_metamock/health")), Endpoint::kControl);
  EXPECT_EQ(RouteOf(Req("/v2/credentials/abc")), Endpoint::kEcs);
  EXPECT_EQ(RouteOf(Req("/v3/x")), Endpoint::kEcs);
  EXPECT_EQ(RouteOf(Req("/v4/abc/task")), Endpoint::kEcs);
  EXPECT_EQ(RouteOf(Req("/v1/credentials", "id=abc")), Endpoint::kEcs);
  EXPECT_EQ(RouteOf(Req("/v1/credentials", "x=1&id=")), Endpoint::kEcs);
  EXPECT_EQ(RouteOf(Req("/v1/credentials")), Endpoint::kEks);
  EXPECT_EQ(RouteOf(Req("/v1/credentials", "identity=1")), Endpoint::kEks);
  EXPECT_EQ(RouteOf(Req("/latest/meta-data/")), Endpoint::kImds);
  EXPECT_EQ(RouteOf(Req("/_metamock")), Endpoint::kImds);
  EXPECT_EQ(RouteOf(Req("/v2")), Endpoint::kImds);
}

TEST(RequestRouter, DispatchesToTheHandlers) {
  auto answer = [](int status) {
    return [status](const HttpRequest&) {
      HttpResponse r;
      r.status = status;
      return r;
    };
  };
  RouterHandlers handlers;
  handlers.control = answer(201);
  handlers.imds = answer(202);
  HttpHandler router = MakeRouter(handlers);
  EXPECT_EQ(router(Req("/_metamock/health")).status, 201);
  EXPECT_EQ(router(Req("/latest/")).status, 202);
  EXPECT_EQ(router(Req("/v2/credentials/x")).status, 404);  // not served yet

  handlers.control = nullptr;  // --control off: IMDS answers
  EXPECT_EQ(MakeRouter(handlers)(Req("/_metamock/health")).status, 202);
}

}  // namespace
}  // namespace metamock
