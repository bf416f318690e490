// Fault rules and the request journal over real HTTP against the real
// binary on a loopback port: every effect is observed from a socket client
// (raw sockets where the bytes, or their absence, are the point), every
// modifier from the answers it shapes, and the journal from
// GET /_metamock/requests. Virtual time moves only through the control API;
// the only real-time waits are measured delays and bounded polling for
// asynchronous events.

#include <arpa/inet.h>
#include <errno.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/scenario/bundled_scenarios.h"
#include "tests/testing/metamock_process.h"
#include "tests/testing/raw_http.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

using Json = nlohmann::json;

constexpr char kCreds[] =
    "/latest/meta-data/iam/security-credentials/metamock-ec2-role";
constexpr char kInstanceId[] = "/latest/meta-data/instance-id";
constexpr char kEcsCreds[] =
    "/v2/credentials/9c5a4d3e-1f2b-4a6c-8d7e-0b1c2d3e4f5a";

// The name of the running test, for unique temporary files.
std::string TestName() {
  return ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

// The bundled healthy scenario as a file of this test's own, with the clock
// frozen at 2026-11-23T10:00:00Z and `faults` as its fault list.
std::string HealthyFile(const Json& faults = Json::array()) {
  std::optional<absl::string_view> text = BundledScenarioText("healthy");
  EXPECT_TRUE(text.has_value());
  if (!text) return "";
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(
      text->begin(), text->end(), nullptr, true, /*ignore_comments=*/true);
  doc["clock"] = {{"start", "2026-11-23T10:00:00Z"}, {"rate", 0}};
  if (!faults.empty()) doc["faults"] = faults;
  std::string path = absl::StrCat(::testing::TempDir(), "/faults-http-",
                                  TestName(), "-", getpid(), ".json");
  std::ofstream(path) << doc.dump(2);
  return path;
}

// The healthy scenario's EKS pod token.
std::string PodToken() {
  std::optional<absl::string_view> text = BundledScenarioText("healthy");
  if (!text) return "";
  Json doc = Json::parse(text->begin(), text->end(), nullptr, true,
                         /*ignore_comments=*/true);
  return doc["eks"]["pods"][0]["token"].get<std::string>();
}

// A request with `extra` header lines. Unless `keep_alive`, it asks for
// `Connection: close`, so that a normal exchange ends with the server
// closing the connection; a keep-alive request shows that an effect, not
// the exchange, ended it.
std::string Request(const std::string& method, const std::string& target,
                    const std::vector<std::string>& extra = {},
                    bool keep_alive = false) {
  std::string request =
      absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                   keep_alive ? "" : "Connection: close\r\n");
  for (const std::string& h : extra) absl::StrAppend(&request, h, "\r\n");
  if (method == "PUT" || method == "POST") {
    absl::StrAppend(&request, "Content-Length: 0\r\n");
  }
  absl::StrAppend(&request, "\r\n");
  return request;
}

// Everything one connection delivered, and how it ended.
struct Reply {
  std::string raw;   // every byte received
  bool eof = false;  // recv returned 0: an orderly close
  int error = 0;     // errno of a failed send or recv (0: none)
  bool timed_out = false;
  // Parsed from `raw` (status 0 when there is no complete header block).
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // the bytes after the header block

  std::optional<std::string> Header(absl::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (absl::EqualsIgnoreCase(n, name)) return v;
    }
    return std::nullopt;
  }
};

// Reads `fd` until the peer closes or resets it, or `timeout` passes.
void ReadToEnd(int fd, absl::Duration timeout, Reply* reply) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      reply->timed_out = true;
      return;
    }
    pollfd p{fd, POLLIN, 0};
    const int ready =
        poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready == 0) continue;
    if (ready < 0) {
      reply->error = errno;
      return;
    }
    char buf[8192];
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n == 0) {
      reply->eof = true;
      return;
    }
    if (n < 0) {
      reply->error = errno;
      return;
    }
    reply->raw.append(buf, static_cast<size_t>(n));
  }
}

void Parse(Reply* reply) {
  const size_t end = reply->raw.find("\r\n\r\n");
  if (end == std::string::npos) return;
  std::vector<std::string> lines =
      absl::StrSplit(reply->raw.substr(0, end), "\r\n");
  std::vector<std::string> status_line = absl::StrSplit(lines[0], ' ');
  if (status_line.size() < 2 ||
      !absl::SimpleAtoi(status_line[1], &reply->status)) {
    return;
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    reply->headers.emplace_back(
        lines[i].substr(0, colon),
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1))));
  }
  reply->body = reply->raw.substr(end + 4);
}

// Sends `request` on a fresh loopback connection and reads until the
// connection ends.
Reply Exchange(int port, const std::string& request,
               absl::Duration timeout = absl::Seconds(5)) {
  Reply reply;
  const int fd = ConnectLoopback(port);
  if (fd < 0) {
    reply.error = errno;
    return reply;
  }
  if (!SendAll(fd, request)) {
    reply.error = errno;
  } else {
    ReadToEnd(fd, timeout, &reply);
  }
  close(fd);
  Parse(&reply);
  return reply;
}

// A TCP connection to 127.0.0.1:`port` from the loopback address `from`
// (any of 127.0.0.0/8); -1 on failure.
int ConnectFrom(const std::string& from, int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, from.c_str(), &local.sin_addr) != 1 ||
      inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr) != 1 ||
      bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

class FaultsHttpTest : public ::testing::Test {
 protected:
  void Start(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--seed", "9",
                                     "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto p = MetamockProcess::Start(args);
    ASSERT_THAT(p, IsOk());
    process_ = std::move(*p);
    port_ = process_->port();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_follow_location(false);
    client_->set_keep_alive(true);
    client_->set_tcp_nodelay(true);  // else each POST body waits ~40 ms
    client_->set_read_timeout(5, 0);
  }
  void TearDown() override {
    if (process_) {
      EXPECT_EQ(process_->Stop(SIGTERM).exit_code, 0);
    }
  }

  // POST /_metamock/faults; the new rule's id ("" on failure).
  std::string AddFault(const std::string& rule) {
    auto res = client_->Post("/_metamock/faults", rule, "application/json");
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 201) << rule << " -> " << res->body;
    if (res->status != 201) return "";
    return Json::parse(res->body)["id"].get<std::string>();
  }
  // A control call's status and parsed body (null when not JSON).
  std::pair<int, Json> Control(const std::string& method,
                               const std::string& path,
                               const std::string& body = "") {
    httplib::Result res =
        method == "GET"    ? client_->Get(path)
        : method == "POST" ? client_->Post(path, body, "application/json")
        : method == "PUT"  ? client_->Put(path, body, "application/json")
                           : client_->Delete(path);
    EXPECT_TRUE(res) << method << " " << path;
    if (!res) return {0, Json()};
    return {res->status, Json::parse(res->body, nullptr, false)};
  }
  Json Faults() { return Control("GET", "/_metamock/faults").second; }
  Json Requests(const std::string& query = "") {
    return Control("GET", absl::StrCat("/_metamock/requests",
                                       query.empty() ? "" : "?", query))
        .second["requests"];
  }
  void Advance(const std::string& duration) {
    auto [status, body] =
        Control("POST", "/_metamock/clock",
                absl::StrCat("{\"advance\":\"", duration, "\"}"));
    ASSERT_EQ(status, 200) << body.dump();
  }
  // GET `path` on the keep-alive client: the status (0: no answer).
  int Status(const std::string& path, const httplib::Headers& headers = {}) {
    auto res = client_->Get(path, headers);
    return res ? res->status : 0;
  }
  // GET `path` on a fresh connection, raw, asking for the connection to
  // be closed after the answer.
  Reply Get(const std::string& path,
            const std::vector<std::string>& extra = {}) {
    return Exchange(port_, Request("GET", path, extra));
  }
  // The same without `Connection: close`: only an effect ends the
  // connection, so this reads until the effect ends it (or 5 s).
  Reply KeepAliveGet(const std::string& path) {
    return Exchange(port_, Request("GET", path, {}, /*keep_alive=*/true));
  }

  std::unique_ptr<MetamockProcess> process_;
  std::unique_ptr<httplib::Client> client_;
  int port_ = 0;
};

// ---------------------------------------------------------------- status

TEST_F(FaultsHttpTest, StatusFaultFiresOnceThenTheRealAnswer) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string id = AddFault(
      R"({"match":{"path":"/latest/meta-data/iam/*"},"effect":{"status":500},
          "times":1})");
  EXPECT_EQ(id, "f1");
  Reply first = Get(kCreds);
  EXPECT_EQ(first.status, 500) << first.raw;
  EXPECT_EQ(first.body, "");
  EXPECT_EQ(first.Header("Server"), "EC2ws");
  EXPECT_EQ(first.Header("Content-Type"), "text/plain");
  for (int i = 0; i < 3; ++i) {
    Reply r = Get(kCreds);
    EXPECT_EQ(r.status, 200) << i;
    EXPECT_TRUE(Json::accept(r.body)) << r.body;
  }
  EXPECT_EQ(Get("/latest/meta-data/iam/info").status, 200);
  Json rule = Faults()["faults"][0];
  EXPECT_EQ(rule["id"], "f1");
  EXPECT_EQ(rule["fired"], 1);
  EXPECT_EQ(rule["expired"], true);
}

TEST_F(FaultsHttpTest, Imds404PresetIsTheXhtmlPage) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(
      R"({"match":{"endpoint":"imds","path":"/latest/meta-data/iam/*"},
          "effect":{"preset":"imds-404"}})");
  Reply faulted = Get(kCreds);
  EXPECT_EQ(faulted.status, 404);
  EXPECT_EQ(faulted.body.size(), 339u) << faulted.body;
  EXPECT_EQ(faulted.Header("Content-Length"), "339");
  EXPECT_EQ(faulted.Header("Content-Type"), "text/html");
  EXPECT_EQ(faulted.Header("Server"), "EC2ws");
  EXPECT_TRUE(
      absl::StrContains(faulted.body, "<title>404 - Not Found</title>"));
  // Byte for byte the page IMDS itself answers for a missing path.
  Reply real = Get("/latest/meta-data/no-such-key");
  EXPECT_EQ(real.status, 404);
  EXPECT_EQ(faulted.body, real.body);
}

TEST_F(FaultsHttpTest, EcsUninitializedPresetIsTheAgentsJson) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(
      R"({"match":{"path":"/v2/credentials/*"},
          "effect":{"preset":"ecs-uninitialized"}})");
  Reply r = Get(kEcsCreds);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_FALSE(r.Header("Server").has_value());
  EXPECT_EQ(r.body,
            "{\"code\":\"CredentialsUninitialized\",\"message\":"
            "\"CredentialsV2Request: Credentials uninitialized for ID\","
            "\"HTTPErrorCode\":503}");
  // IMDS is untouched.
  EXPECT_EQ(Get(kCreds).status, 200);
}

TEST_F(FaultsHttpTest, StatusWithCustomBodyAndHeaders) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(
      R"({"match":{"path":"/latest/meta-data/instance-id","method":"GET"},
          "effect":{"status":418,"body":"{\"teapot\":true}",
                    "headers":{"Content-Type":"application/json",
                               "Retry-After":"3","X-Fault":"yes"}}})");
  Reply r = Get(kInstanceId);
  EXPECT_EQ(r.status, 418);
  EXPECT_EQ(r.body, "{\"teapot\":true}");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.Header("Retry-After"), "3");
  EXPECT_EQ(r.Header("X-Fault"), "yes");
  EXPECT_EQ(r.Header("Server"), "EC2ws");
  // Another method on the same path does not match.
  Reply put = Exchange(port_, Request("PUT", kInstanceId));
  EXPECT_NE(put.status, 418);
}

// ----------------------------------------------------------------- delay

TEST_F(FaultsHttpTest, DelayHoldsTheAnswerForItsDuration) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(
      R"({"match":{"path":"/latest/meta-data/instance-id"},
          "effect":{"delay":"300ms"},"times":1})");
  const absl::Time start = absl::Now();
  Reply r = Get(kInstanceId);
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "i-0a1b2c3d4e5f60718");
  EXPECT_GE(elapsed, absl::Milliseconds(300));
  EXPECT_LT(elapsed, absl::Seconds(2));  // the client's timeout is 5 s
  Json entry = Requests()[0];
  EXPECT_EQ(entry["fault"], "f1");
  EXPECT_GE(entry["latency_ms"].get<double>(), 300.0);
}

TEST_F(FaultsHttpTest, DelayRangeStaysWithinItsBounds) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(
      R"({"match":{"path":"/latest/meta-data/instance-id"},
          "effect":{"delay":{"min":"100ms","max":"400ms"}}})");
  for (int i = 0; i < 4; ++i) {
    const absl::Time start = absl::Now();
    Reply r = Get(kInstanceId);
    const absl::Duration elapsed = absl::Now() - start;
    EXPECT_EQ(r.status, 200) << i;
    EXPECT_GE(elapsed, absl::Milliseconds(100)) << i;
    EXPECT_LT(elapsed, absl::Seconds(2)) << i;
  }
  // The server's own measure of each: within [min, max] plus scheduling.
  Json entries = Requests();
  ASSERT_EQ(entries.size(), 4u);
  for (const Json& e : entries) {
    EXPECT_EQ(e["fault"], "f1");
    EXPECT_GE(e["latency_ms"].get<double>(), 100.0) << e.dump();
    EXPECT_LE(e["latency_ms"].get<double>(), 500.0) << e.dump();
  }
}

// ------------------------------------------------------------------ hang

TEST_F(FaultsHttpTest, HangsOutnumberingTheWorkersHoldNoWorker) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(
      R"({"match":{"endpoint":"imds","path":"/latest/meta-data/iam/*"},
          "effect":{"hang":true}})");
  constexpr int kHung = 80;  // the server has 64 worker threads
  std::vector<int> hung;
  for (int i = 0; i < kHung; ++i) {
    const int fd = ConnectLoopback(port_);
    ASSERT_GE(fd, 0) << i;
    hung.push_back(fd);
    ASSERT_TRUE(SendAll(fd, Request("GET", kCreds))) << i;
  }
  // All of them reach the journal: each took a worker, which moved on.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  size_t seen = 0;
  while (absl::Now() < deadline) {
    seen = Requests().size();
    if (seen >= static_cast<size_t>(kHung)) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(seen, static_cast<size_t>(kHung));
  for (const Json& e : Requests()) {
    EXPECT_TRUE(e["status"].is_null()) << e.dump();
    EXPECT_EQ(e["fault"], "f1");
  }
  // The server still answers the control API and IMDS promptly.
  absl::Time start = absl::Now();
  EXPECT_EQ(Faults()["faults"][0]["fired"], kHung);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  start = absl::Now();
  Reply other = Get(kInstanceId);
  EXPECT_EQ(other.status, 200);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  // No hung client has seen a byte.
  for (int i = 0; i < kHung; ++i) {
    char c;
    const ssize_t n = recv(hung[i], &c, 1, MSG_DONTWAIT);
    const int error = errno;
    EXPECT_EQ(n, -1) << i;
    EXPECT_TRUE(error == EAGAIN || error == EWOULDBLOCK) << i << " " << error;
  }
  // Stopping the server ends them at once: EOF, still without a byte.
  EXPECT_EQ(process_->Stop(SIGTERM).exit_code, 0);
  process_.reset();
  for (int i = 0; i < kHung; ++i) {
    Reply r;
    ReadToEnd(hung[i], absl::Seconds(2), &r);
    EXPECT_TRUE(r.eof) << i << " error " << r.error;
    EXPECT_EQ(r.raw, "") << i;
    close(hung[i]);
  }
}

// ---------------------------------------------------- reset, close, cut

TEST_F(FaultsHttpTest, ResetIsAConnectionResetWithoutBytes) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(R"({"match":{"path":"/latest/meta-data/iam/*"},
               "effect":{"reset":true},"times":1})");
  Reply r = KeepAliveGet(kCreds);
  EXPECT_EQ(r.error, ECONNRESET) << "eof " << r.eof << " raw " << r.raw;
  EXPECT_FALSE(r.eof);
  EXPECT_EQ(r.raw, "");
  EXPECT_EQ(Get(kCreds).status, 200);  // expired: the server goes on
  Json entry = Requests()[0];
  EXPECT_TRUE(entry["status"].is_null());
  EXPECT_EQ(entry["fault"], "f1");
}

TEST_F(FaultsHttpTest, CloseIsAnEmptyReply) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(R"({"match":{"path":"/latest/meta-data/iam/*"},
               "effect":{"close":true},"times":1})");
  Reply r = KeepAliveGet(kCreds);
  EXPECT_TRUE(r.eof) << "error " << r.error;
  EXPECT_EQ(r.error, 0);
  EXPECT_EQ(r.raw, "");
  EXPECT_EQ(Get(kCreds).status, 200);
  Json entry = Requests()[0];
  EXPECT_TRUE(entry["status"].is_null());
  EXPECT_EQ(entry["fault"], "f1");
}

TEST_F(FaultsHttpTest, TruncateSendsPartOfTheBodyUnderTheFullLength) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(R"({"match":{"path":"/latest/meta-data/iam/*"},
               "effect":{"truncate":10},"times":1})");
  // A keep-alive request: the truncation itself must end the connection.
  Reply cut = KeepAliveGet(kCreds);
  Reply whole = Get(kCreds);
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(cut.status, 200) << cut.raw;
  EXPECT_EQ(cut.Header("Content-Length"), absl::StrCat(whole.body.size()));
  EXPECT_GT(whole.body.size(), 10u);
  EXPECT_EQ(cut.body, whole.body.substr(0, 10));
  EXPECT_TRUE(cut.eof) << "error " << cut.error;
  EXPECT_FALSE(cut.timed_out);
}

TEST_F(FaultsHttpTest, MalformedIsA200WithBrokenJson) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(R"({"match":{"path":"/latest/meta-data/iam/security-credentials/*"},
               "effect":{"malformed":true}})");
  Reply r = Get(kCreds);
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.body.empty());
  EXPECT_EQ(r.Header("Content-Length"), absl::StrCat(r.body.size()));
  EXPECT_FALSE(Json::accept(r.body)) << r.body;
  // The ECS document, untouched, still parses.
  Reply ecs = Get(kEcsCreds);
  EXPECT_EQ(ecs.status, 200);
  EXPECT_TRUE(Json::accept(ecs.body));
}

// ------------------------------------------------------------- modifiers

TEST_F(FaultsHttpTest, AfterAndTimesShapeThePattern) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(R"({"match":{"path":"/latest/meta-data/instance-id"},
               "effect":{"status":500},"after":2,"times":2})");
  std::string pattern;
  for (int i = 0; i < 6; ++i) {
    const int status = Status(kInstanceId);
    pattern += status == 500 ? "F" : status == 200 ? "." : "?";
  }
  EXPECT_EQ(pattern, "..FF..");
  EXPECT_EQ(Faults()["faults"][0]["fired"], 2);
}

TEST_F(FaultsHttpTest, FromAndUntilFollowTheVirtualClock) {
  ASSERT_NO_FATAL_FAILURE(Start({"--scenario", HealthyFile()}));
  AddFault(R"({"match":{"path":"/latest/meta-data/instance-id"},
               "effect":{"status":503},"from":"5m","until":"10m"})");
  EXPECT_EQ(Status(kInstanceId), 200);
  Advance("4m59s");
  EXPECT_EQ(Status(kInstanceId), 200);
  Advance("1s");  // 5m: the window opens
  EXPECT_EQ(Status(kInstanceId), 503);
  Advance("4m59s");
  EXPECT_EQ(Status(kInstanceId), 503);
  Advance("1s");  // 10m: it has closed
  EXPECT_EQ(Status(kInstanceId), 200);
  Advance("1h");
  EXPECT_EQ(Status(kInstanceId), 200);
  EXPECT_EQ(Faults()["faults"][0]["fired"], 2);
}

// The fire pattern of a probability-0.5 rule over 200 requests to a server
// started with `seed`.
std::string ProbabilityPattern(const std::string& seed) {
  auto p = MetamockProcess::Start(
      {"--listen", "127.0.0.1:0", "--seed", seed, "--quiet"});
  EXPECT_THAT(p, IsOk());
  if (!p.ok()) return "";
  httplib::Client client("127.0.0.1", (*p)->port());
  client.set_keep_alive(true);
  client.set_read_timeout(5, 0);
  auto added = client.Post("/_metamock/faults",
                           R"({"match":{"path":"/latest/meta-data/instance-id"},
          "effect":{"status":503},"probability":0.5})",
                           "application/json");
  EXPECT_TRUE(added && added->status == 201);
  std::string pattern;
  for (int i = 0; i < 200; ++i) {
    auto res = client.Get(kInstanceId);
    pattern += !res                 ? "?"
               : res->status == 503 ? "F"
               : res->status == 200 ? "."
                                    : "?";
  }
  auto list = client.Get("/_metamock/faults");
  EXPECT_TRUE(list);
  if (list) {
    EXPECT_EQ(
        Json::parse(list->body)["faults"][0]["fired"].get<size_t>(),
        static_cast<size_t>(std::count(pattern.begin(), pattern.end(), 'F')));
  }
  client.stop();
  EXPECT_EQ((*p)->Stop(SIGTERM).exit_code, 0);
  return pattern;
}

TEST_F(FaultsHttpTest, ProbabilityRepeatsUnderTheSameSeed) {
  const std::string a = ProbabilityPattern("9");
  const std::string b = ProbabilityPattern("9");
  const std::string c = ProbabilityPattern("10");
  ASSERT_EQ(a.size(), 200u);
  EXPECT_EQ(a.find('?'), std::string::npos) << a;
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  const auto fired = std::count(a.begin(), a.end(), 'F');
  EXPECT_GT(fired, 50) << a;
  EXPECT_LT(fired, 150) << a;
}

TEST_F(FaultsHttpTest, ClientMatchesTheSourceAddress) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(R"({"match":{"client":"127.0.0.2"},"effect":{"status":500}})");
  EXPECT_EQ(Get(kInstanceId).status, 200);  // from 127.0.0.1
  const int fd = ConnectFrom("127.0.0.2", port_);
  ASSERT_GE(fd, 0) << errno;
  Reply r;
  ASSERT_TRUE(SendAll(fd, Request("GET", kInstanceId)));
  ReadToEnd(fd, absl::Seconds(5), &r);
  close(fd);
  Parse(&r);
  EXPECT_EQ(r.status, 500) << r.raw;
  Json entries = Requests();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0]["client"], "127.0.0.1");
  EXPECT_TRUE(entries[0]["fault"].is_null());
  EXPECT_EQ(entries[1]["client"], "127.0.0.2");
  EXPECT_EQ(entries[1]["fault"], "f1");
}

TEST_F(FaultsHttpTest, TimesIsExactUnderConcurrentLoad) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(R"({"match":{"path":"/latest/meta-data/instance-id"},
               "effect":{"status":500},"times":100})");
  constexpr int kThreads = 8;
  constexpr int kEach = 50;
  std::vector<std::map<int, int>> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &statuses] {
      httplib::Client client("127.0.0.1", port_);
      client.set_keep_alive(true);
      client.set_read_timeout(5, 0);
      for (int n = 0; n < kEach; ++n) {
        auto res = client.Get(kInstanceId);
        ++statuses[t][res ? res->status : 0];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::map<int, int> total;
  for (const auto& counts : statuses) {
    for (const auto& [status, count] : counts) total[status] += count;
  }
  EXPECT_EQ(total, (std::map<int, int>{{200, 300}, {500, 100}}));
  Json rule = Faults()["faults"][0];
  EXPECT_EQ(rule["fired"], 100);
  EXPECT_EQ(rule["expired"], true);
  EXPECT_EQ(Requests("status=500").size(), 100u);
}

TEST_F(FaultsHttpTest, AMatchAllRuleSparesTheControlApi) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(R"({"effect":{"reset":true}})");
  EXPECT_EQ(Get(kInstanceId).error, ECONNRESET);
  EXPECT_EQ(Get(kEcsCreds).error, ECONNRESET);
  EXPECT_EQ(Get("/v1/credentials").error, ECONNRESET);
  for (const char* path : {"/_metamock/health", "/_metamock/faults",
                           "/_metamock/requests", "/_metamock/clock"}) {
    Reply r = Get(path);
    EXPECT_EQ(r.status, 200) << path << " error " << r.error;
  }
  EXPECT_EQ(Requests().size(), 3u);
  EXPECT_EQ(Faults()["faults"][0]["fired"], 3);
  EXPECT_EQ(Control("DELETE", "/_metamock/faults").first, 200);
  EXPECT_EQ(Get(kInstanceId).status, 200);
}

// ------------------------------------------------------------ faults API

TEST_F(FaultsHttpTest, ListShowsRulesWithIdsAndFiredCounts) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string a = AddFault(
      R"({"match":{"path":"/latest/meta-data/instance-id"},
          "effect":{"status":500},"times":5})");
  const std::string b =
      AddFault(R"({"match":{"endpoint":"ecs"},"effect":{"preset":"ecs-500"}})");
  EXPECT_EQ(a, "f1");
  EXPECT_EQ(b, "f2");
  EXPECT_EQ(Status(kInstanceId), 500);
  EXPECT_EQ(Status(kInstanceId), 500);
  Json list = Faults()["faults"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["id"], "f1");
  EXPECT_EQ(list[0]["fired"], 2);
  EXPECT_EQ(list[0]["expired"], false);
  EXPECT_EQ(list[0]["match"]["path"], "/latest/meta-data/instance-id");
  EXPECT_EQ(list[0]["effect"]["status"], 500);
  EXPECT_EQ(list[0]["times"], 5);
  EXPECT_EQ(list[1]["id"], "f2");
  EXPECT_EQ(list[1]["fired"], 0);
  EXPECT_EQ(list[1]["effect"]["preset"], "ecs-500");

  auto [status, body] = Control("DELETE", "/_metamock/faults/f1");
  EXPECT_EQ(status, 200);
  ASSERT_EQ(body["faults"].size(), 1u);
  EXPECT_EQ(body["faults"][0]["id"], "f2");
  EXPECT_EQ(Status(kInstanceId), 200);  // f1 is gone
  EXPECT_EQ(Faults(), body);

  for (const char* unknown : {"/_metamock/faults/f1", "/_metamock/faults/f9",
                              "/_metamock/faults/nope"}) {
    auto [s, error] = Control("DELETE", unknown);
    EXPECT_EQ(s, 404) << unknown;
    EXPECT_TRUE(error.is_object() && error["error"].is_string())
        << unknown << " " << error.dump();
  }
  EXPECT_EQ(Faults(), body);

  auto [cleared, empty] = Control("DELETE", "/_metamock/faults");
  EXPECT_EQ(cleared, 200);
  EXPECT_EQ(empty, Json::parse(R"({"faults":[]})"));
  EXPECT_EQ(Faults(), empty);
  EXPECT_EQ(Status(kEcsCreds), 200);
  // Ids are not reused.
  const std::string c = AddFault(R"({"effect":{"status":500}})");
  EXPECT_NE(c, "f1");
  EXPECT_NE(c, "f2");
}

TEST_F(FaultsHttpTest, InvalidRulesAre400AndChangeNothing) {
  ASSERT_NO_FATAL_FAILURE(Start());
  AddFault(R"({"match":{"path":"/latest/meta-data/instance-id"},
               "effect":{"status":500}})");
  const Json before = Faults();
  for (const char* rule : {
           "{",
           "not json",
           "[]",
           "{}",
           R"({"effect":{"explode":true}})",
           R"({"effect":{"status":99}})",
           R"({"effect":{"status":600}})",
           R"({"effect":{"delay":"soon"}})",
           R"({"effect":{"delay":{"min":"2s","max":"1s"}}})",
           R"({"effect":{"status":500},"times":0})",
           R"({"effect":{"status":500},"after":-1})",
           R"({"effect":{"status":500},"probability":1.5})",
           R"({"effect":{"status":500},"from":"10m","until":"5m"})",
           R"({"effect":{"preset":"nope"}})",
           R"({"effect":{"hang":false}})",
           R"({"effect":{"truncate":-1}})",
           R"({"match":{"endpoint":"s3"},"effect":{"status":500}})",
           R"({"effect":{"status":500},"bogus":1})",
       }) {
    auto res = client_->Post("/_metamock/faults", rule, "application/json");
    ASSERT_TRUE(res) << rule;
    EXPECT_EQ(res->status, 400) << rule << " -> " << res->body;
    Json body = Json::parse(res->body, nullptr, false);
    EXPECT_TRUE(body.is_object() && body.size() == 1 &&
                body["error"].is_string() &&
                !body["error"].get<std::string>().empty())
        << rule << " -> " << res->body;
  }
  EXPECT_EQ(Faults(), before);
  // The rule that was there still fires, as f1; the next one is f2.
  EXPECT_EQ(Status(kInstanceId), 500);
  EXPECT_EQ(AddFault(R"({"effect":{"close":true},"times":1})"), "f2");
}

TEST_F(FaultsHttpTest, ResetRestoresTheScenariosOwnFaults) {
  ASSERT_NO_FATAL_FAILURE(Start(
      {"--scenario", HealthyFile(Json::parse(
                         R"([{"match":{"path":"/latest/meta-data/instance-id"},
                  "effect":{"status":503},"times":1}])"))}));
  Json list = Faults()["faults"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], "f1");
  EXPECT_EQ(list[0]["fired"], 0);
  const Json scenario_list = Faults();

  EXPECT_EQ(Status(kInstanceId), 503);  // the scenario's rule
  EXPECT_EQ(Status(kInstanceId), 200);  // expired
  EXPECT_EQ(AddFault(R"({"match":{"path":"/latest/meta-data/ami-id"},
                         "effect":{"status":500}})"),
            "f2");
  EXPECT_EQ(Status("/latest/meta-data/ami-id"), 500);

  auto [status, state] = Control("POST", "/_metamock/reset");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(Faults(), scenario_list);  // f1 back, unfired; f2 gone
  EXPECT_EQ(Status("/latest/meta-data/ami-id"), 200);
  EXPECT_EQ(Status(kInstanceId), 503);
  EXPECT_EQ(Status(kInstanceId), 200);

  // Even after every rule was deleted.
  EXPECT_EQ(Control("DELETE", "/_metamock/faults").first, 200);
  EXPECT_EQ(Control("POST", "/_metamock/reset").first, 200);
  EXPECT_EQ(Faults(), scenario_list);
}

// --------------------------------------------------------------- journal

TEST_F(FaultsHttpTest, JournalRecordsExactlyTheEndpointRequestsInOrder) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_EQ(AddFault(R"({"match":{"path":"/latest/meta-data/iam/info"},
                         "effect":{"status":500},"times":1})"),
            "f1");
  ASSERT_EQ(AddFault(R"({"match":{"path":"/latest/meta-data/ami-id"},
                         "effect":{"reset":true}})"),
            "f2");
  ASSERT_EQ(AddFault(R"({"match":{"path":"/latest/meta-data/hostname"},
                         "effect":{"close":true}})"),
            "f3");

  Reply token =
      Exchange(port_, Request("PUT", "/latest/api/token",
                              {"X-aws-ec2-metadata-token-ttl-seconds: 21600",
                               "User-Agent: ua-token"}));
  ASSERT_EQ(token.status, 200) << token.raw;
  EXPECT_EQ(Get(kInstanceId, {"X-aws-ec2-metadata-token: " + token.body,
                              "User-Agent: ua-get"})
                .status,
            200);
  EXPECT_EQ(Get("/latest/meta-data/iam/info", {"User-Agent: ua-fault"}).status,
            500);
  EXPECT_EQ(Get(kEcsCreds, {"User-Agent: ua-ecs"}).status, 200);
  EXPECT_EQ(Control("GET", "/_metamock/health").first, 200);  // not recorded
  EXPECT_EQ(Get("/v1/credentials",
                {"Authorization: " + PodToken(), "User-Agent: ua-eks"})
                .status,
            200);
  EXPECT_EQ(Get("/latest/meta-data/ami-id").error, ECONNRESET);
  EXPECT_TRUE(Get("/latest/meta-data/hostname").eof);

  const Json all = Requests();
  ASSERT_EQ(all.size(), 7u) << all.dump(1);
  struct Want {
    const char* endpoint;
    const char* method;
    std::string path;
    std::optional<int> status;
    const char* fault;  // nullptr: none
    bool token;
    const char* ttl;  // nullptr: none
    bool authorization;
    const char* user_agent;
  };
  const std::vector<Want> want = {
      {"imds", "PUT", "/latest/api/token", 200, nullptr, false, "21600", false,
       "ua-token"},
      {"imds", "GET", kInstanceId, 200, nullptr, true, nullptr, false,
       "ua-get"},
      {"imds", "GET", "/latest/meta-data/iam/info", 500, "f1", false, nullptr,
       false, "ua-fault"},
      {"ecs", "GET", kEcsCreds, 200, nullptr, false, nullptr, false, "ua-ecs"},
      {"eks", "GET", "/v1/credentials", 200, nullptr, false, nullptr, true,
       "ua-eks"},
      {"imds", "GET", "/latest/meta-data/ami-id", std::nullopt, "f2", false,
       nullptr, false, ""},
      {"imds", "GET", "/latest/meta-data/hostname", std::nullopt, "f3", false,
       nullptr, false, ""},
  };
  for (size_t i = 0; i < want.size(); ++i) {
    const Json& e = all[i];
    const Want& w = want[i];
    SCOPED_TRACE(e.dump());
    EXPECT_EQ(e["seq"], i + 1);
    EXPECT_EQ(e["client"], "127.0.0.1");
    EXPECT_EQ(e["endpoint"], w.endpoint);
    EXPECT_EQ(e["method"], w.method);
    EXPECT_EQ(e["path"], w.path);
    EXPECT_EQ(e["status"], w.status ? Json(*w.status) : Json());
    EXPECT_EQ(e["fault"], w.fault ? Json(w.fault) : Json());
    EXPECT_EQ(e["token"], w.token);
    EXPECT_EQ(e["ttl_header"], w.ttl ? Json(w.ttl) : Json());
    EXPECT_EQ(e["authorization"], w.authorization);
    EXPECT_EQ(e["user_agent"], w.user_agent);
    EXPECT_TRUE(e["time"].is_string());
    EXPECT_TRUE(e["latency_ms"].is_number());
    // No secret is ever stored.
    EXPECT_FALSE(absl::StrContains(e.dump(), token.body));
    EXPECT_FALSE(absl::StrContains(e.dump(), PodToken()));
  }

  auto seqs = [&](const std::string& query) {
    std::vector<int> out;
    for (const Json& e : Requests(query)) out.push_back(e["seq"]);
    return out;
  };
  EXPECT_EQ(seqs("endpoint=imds"), (std::vector<int>{1, 2, 3, 6, 7}));
  EXPECT_EQ(seqs("endpoint=ecs"), (std::vector<int>{4}));
  EXPECT_EQ(seqs("endpoint=eks"), (std::vector<int>{5}));
  EXPECT_EQ(seqs("status=500"), (std::vector<int>{3}));
  EXPECT_EQ(seqs("status=200"), (std::vector<int>{1, 2, 4, 5}));
  EXPECT_EQ(seqs("since=3"), (std::vector<int>{4, 5, 6, 7}));
  EXPECT_EQ(seqs("limit=2"), (std::vector<int>{1, 2}));
  EXPECT_EQ(seqs("since=1&limit=2"), (std::vector<int>{2, 3}));
  EXPECT_EQ(seqs("endpoint=imds&status=200"), (std::vector<int>{1, 2}));
  EXPECT_EQ(seqs("method=PUT"), (std::vector<int>{1}));
  EXPECT_EQ(seqs("path=%2Flatest%2Fmeta-data%2Fiam%2Finfo"),
            (std::vector<int>{3}));
  EXPECT_EQ(seqs("since=7"), (std::vector<int>{}));
  EXPECT_EQ(Control("GET", "/_metamock/requests?status=abc").first, 400);

  auto [cleared, empty] = Control("DELETE", "/_metamock/requests");
  EXPECT_EQ(cleared, 200);
  EXPECT_EQ(empty, Json::parse(R"({"requests":[]})"));
  EXPECT_TRUE(Requests().empty());
  EXPECT_EQ(Get(kInstanceId).status, 200);
  EXPECT_EQ(seqs(""), (std::vector<int>{8}));  // seqs go on
}

TEST_F(FaultsHttpTest, JournalLosesNothingUnderConcurrentLoad) {
  ASSERT_NO_FATAL_FAILURE(Start());
  constexpr int kThreads = 8;
  constexpr int kEach = 500;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &failures] {
      httplib::Client client("127.0.0.1", port_);
      client.set_keep_alive(true);
      client.set_read_timeout(5, 0);
      for (int n = 0; n < kEach; ++n) {
        auto res =
            client.Get(absl::StrCat("/latest/meta-data/load-", t, "/", n),
                       {{"User-Agent", absl::StrCat("load-", t, "-", n)}});
        if (!res || res->status != 404) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << t;

  const Json all = Requests();
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  std::vector<int> next(kThreads, 0);  // each thread's requests, in order
  for (size_t i = 0; i < all.size(); ++i) {
    const Json& e = all[i];
    ASSERT_EQ(e["seq"], i + 1) << e.dump();
    const std::string path = e["path"];
    const std::string agent = e["user_agent"];
    std::vector<std::string> parts = absl::StrSplit(agent, '-');
    int t = -1, n = -1;
    ASSERT_EQ(parts.size(), 3u) << e.dump();
    ASSERT_TRUE(absl::SimpleAtoi(parts[1], &t) && t >= 0 && t < kThreads)
        << e.dump();
    ASSERT_TRUE(absl::SimpleAtoi(parts[2], &n)) << e.dump();
    // Not torn: the path and the agent came from the same request.
    ASSERT_EQ(path, absl::StrCat("/latest/meta-data/load-", t, "/", n))
        << e.dump();
    ASSERT_EQ(n, next[t]) << e.dump();
    ++next[t];
    EXPECT_EQ(e["status"], 404);
    EXPECT_EQ(e["method"], "GET");
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kEach) << t;
}

TEST_F(FaultsHttpTest, JournalSizeBoundsTheJournal) {
  ASSERT_NO_FATAL_FAILURE(Start({"--journal-size", "100"}));
  for (int n = 0; n < 150; ++n) {
    ASSERT_EQ(Status(absl::StrCat("/latest/meta-data/bound/", n)), 404) << n;
  }
  const Json all = Requests();
  ASSERT_EQ(all.size(), 100u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i]["seq"], 51 + i);
    EXPECT_EQ(all[i]["path"], absl::StrCat("/latest/meta-data/bound/", 50 + i));
  }
  EXPECT_EQ(Requests("since=140").size(), 10u);
  EXPECT_EQ(Requests("limit=3")[0]["seq"], 51);
}

}  // namespace
}  // namespace metamock
