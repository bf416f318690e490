#include "server/http/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/testing/raw_http.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

// Echoes what the transport handed over, so tests see the conversion.
HttpResponse Echo(const HttpRequest& r) {
  HttpResponse response;
  response.status = r.path == "/teapot" ? 418 : 200;
  response.headers.Set("Content-Type", "text/plain");
  response.headers.Set("X-Seen-Remote", r.remote_addr);
  response.headers.Set("X-Seen-Remote-Header",
                       r.headers.Get("REMOTE_ADDR").value_or("none"));
  response.body =
      absl::StrCat(r.method, " ", r.path, " ?", r.query, " [", r.body, "]");
  return response;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Bind(
        ListenAddress{"127.0.0.1", 0}, HttpServerOptions{}, Echo);
    ASSERT_THAT(server, IsOk());
    server_ = std::move(*server);
    server_->Start();
  }
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ReportsTheChosenPort) {
  EXPECT_GT(server_->port(), 0);
  EXPECT_EQ(server_->url(), absl::StrCat("http://127.0.0.1:", server_->port()));
}

TEST_F(HttpServerTest, BodylessPutIsAnsweredAtOnce) {
  // What `curl -X PUT` sends: no Content-Length. httplib 0.11 alone would
  // wait for the read timeout.
  absl::Time start = absl::Now();
  std::string response = RawExchange(
      server_->port(), "PUT /latest/api/token HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_TRUE(absl::EndsWith(response, "PUT /latest/api/token ? []"));
}

TEST_F(HttpServerTest, BodiesAndQueriesArePassedOn) {
  httplib::Client client("127.0.0.1", server_->port());
  auto res = client.Post("/control?x=1&y=2", "{\"a\":1}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "POST /control ?x=1&y=2 [{\"a\":1}]");
}

TEST_F(HttpServerTest, StatusHeadersAndEmptyBodiesGoOutAsSet) {
  httplib::Client client("127.0.0.1", server_->port());
  auto res = client.Get("/teapot");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 418);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain");
  EXPECT_EQ(res->get_header_value("X-Seen-Remote"), "127.0.0.1");
}

TEST_F(HttpServerTest, ClientsCannotSpoofTheRemoteAddress) {
  httplib::Client client("127.0.0.1", server_->port());
  auto res = client.Get("/", {{"REMOTE_ADDR", "6.6.6.6"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("X-Seen-Remote"), "127.0.0.1");
  EXPECT_EQ(res->get_header_value("X-Seen-Remote-Header"), "none");
}

TEST_F(HttpServerTest, MalformedRequestsGet4xxAndTheServerLivesOn) {
  const int port = server_->port();
  for (const std::string& bad : {
           std::string("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n"),
           std::string("garbage\r\n\r\n"),
           absl::StrCat("GET /", std::string(20000, 'a'),
                        " HTTP/1.1\r\nHost: x\r\n\r\n"),
           absl::StrCat("GET / HTTP/1.1\r\nX-Big: ", std::string(100000, 'b'),
                        "\r\n\r\n"),
           std::string(
               "POST /x HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n"),
       }) {
    std::string response = RawExchange(port, bad);
    ASSERT_GE(response.size(), 12u) << bad.substr(0, 60);
    EXPECT_EQ(response[9], '4') << response.substr(0, 40);
  }
  EXPECT_TRUE(
      absl::StartsWith(RawExchange(port, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"),
                       "HTTP/1.1 200"));
}

TEST_F(HttpServerTest, LongPathWithABodyDoesNotCrash) {
  std::string response = RawExchange(
      server_->port(), absl::StrCat("POST /", std::string(8000, 'p'),
                                    " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                                    "2\r\n\r\nhi"));
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200"))
      << response.substr(0, 40);
}

TEST_F(HttpServerTest, KeepsConnectionsAlive) {
  int fd = ConnectLoopback(server_->port());
  ASSERT_GE(fd, 0);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(SendAll(fd, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string response = ReadResponse(fd, absl::Seconds(2));
    ASSERT_TRUE(absl::StartsWith(response, "HTTP/1.1 200")) << i;
  }
  close(fd);
}

TEST_F(HttpServerTest, StopsPromptlyWithIdleKeepAliveClients) {
  std::vector<int> fds;
  for (int i = 0; i < 8; ++i) {
    int fd = ConnectLoopback(server_->port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(
        absl::StartsWith(ReadResponse(fd, absl::Seconds(2)), "HTTP/1.1 200"));
    fds.push_back(fd);  // left idle, kept alive by the server
  }
  // And one that sent half a request.
  int half = ConnectLoopback(server_->port());
  ASSERT_TRUE(SendAll(half, "GET / HTTP/1.1\r\nHost:"));
  absl::Time start = absl::Now();
  server_->Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  for (int fd : fds) close(fd);
  close(half);
}

TEST(HttpServer, StopWithoutStartAndTwiceIsFine) {
  auto server = HttpServer::Bind(ListenAddress{"127.0.0.1", 0},
                                 HttpServerOptions{}, Echo);
  ASSERT_THAT(server, IsOk());
  (*server)->Stop();
  (*server)->Stop();
}

TEST(HttpServer, StopRightAfterStartIsNotLost) {
  for (int i = 0; i < 20; ++i) {
    auto server = HttpServer::Bind(ListenAddress{"127.0.0.1", 0},
                                   HttpServerOptions{}, Echo);
    ASSERT_THAT(server, IsOk());
    (*server)->Start();
    (*server)->Stop();
  }
}

TEST(HttpServer, APortInUseIsUnavailable) {
  auto first = HttpServer::Bind(ListenAddress{"127.0.0.1", 0},
                                HttpServerOptions{}, Echo);
  ASSERT_THAT(first, IsOk());
  auto second = HttpServer::Bind(ListenAddress{"127.0.0.1", (*first)->port()},
                                 HttpServerOptions{}, Echo);
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kUnavailable,
                               "Address already in use"));
}

TEST(HttpServer, ServesIpv6Loopback) {
  auto server =
      HttpServer::Bind(ListenAddress{"::1", 0}, HttpServerOptions{}, Echo);
  ASSERT_THAT(server, IsOk());
  (*server)->Start();
  EXPECT_TRUE(absl::StartsWith((*server)->url(), "http://[::1]:"));
  httplib::Client client("::1", (*server)->port());
  auto res = client.Get("/six");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "GET /six ? []");
  EXPECT_EQ(res->get_header_value("X-Seen-Remote"), "::1");
}

}  // namespace
}  // namespace metamock
