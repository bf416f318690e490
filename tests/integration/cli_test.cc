// The real binary's command line: flags, exit codes, listening lines,
// signals.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/testing/metamock_process.h"
#include "tests/testing/raw_http.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

TEST(Cli, HelpListsEveryFlagAndExitsZero) {
  ProcessResult r = RunMetamock({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag :
       {"--listen", "--scenario", "--watch", "--seed", "--journal-size",
        "--quiet", "--list-scenarios", "--validate", "--version", "--help"}) {
    EXPECT_TRUE(absl::StrContains(r.out, flag)) << flag;
  }
}

TEST(Cli, VersionPrintsOneLine) {
  ProcessResult r = RunMetamock({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "metamock 0.1.0\n");
}

TEST(Cli, BadUsageIsAOneLineErrorAndExitTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {"--bogus"},
      {"--listen"},
      {"--listen", "localhost:80"},
      {"--listen", "127.0.0.1:99999"},
      {"--listen", "[::1]"},
      {"--seed", "abc"},
      {"--seed", "-1"},
      {"--seed", "18446744073709551616"},
      {"stray-argument"},
      {"--journal-size", "0"},
      {"--journal-size", "many"},
  };
  for (const auto& args : cases) {
    ProcessResult r = RunMetamock(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(r.out, "") << args[0];
    std::vector<std::string> lines =
        absl::StrSplit(r.err, '\n', absl::SkipEmpty());
    EXPECT_EQ(lines.size(), 1u) << r.err;
    EXPECT_TRUE(absl::StartsWith(r.err, "metamock: ")) << r.err;
  }
}

TEST(Cli, PrintsAListeningLinePerListener) {
  auto p = MetamockProcess::Start(
      {"--listen", "127.0.0.1:0", "--listen", "[::1]:0"});
  ASSERT_THAT(p, IsOk());
  ASSERT_EQ((*p)->urls().size(), 2u);
  EXPECT_TRUE(absl::StartsWith((*p)->urls()[0], "http://127.0.0.1:"));
  EXPECT_TRUE(absl::StartsWith((*p)->urls()[1], "http://[::1]:"));
  EXPECT_EQ((*p)->Stop(SIGTERM).exit_code, 0);
}

TEST(Cli, APortInUseExitsOneWithTheReason) {
  auto first = MetamockProcess::Start({"--listen", "127.0.0.1:0"});
  ASSERT_THAT(first, IsOk());
  ProcessResult r =
      RunMetamock({"--listen", absl::StrCat("127.0.0.1:", (*first)->port())});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "Address already in use")) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(Cli, SigtermStopsWithinTwoSecondsDespiteIdleKeepAlive) {
  auto p = MetamockProcess::Start({"--listen", "127.0.0.1:0"});
  ASSERT_THAT(p, IsOk());
  int fd = ConnectLoopback((*p)->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(
      SendAll(fd, "GET /latest/meta-data/ HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(
      absl::StartsWith(ReadResponse(fd, absl::Seconds(2)), "HTTP/1.1 200"));
  ProcessResult r = (*p)->Stop(SIGTERM);
  close(fd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(r.elapsed, absl::Seconds(2));
}

TEST(Cli, SigintStopsToo) {
  auto p = MetamockProcess::Start({"--listen", "127.0.0.1:0"});
  ASSERT_THAT(p, IsOk());
  ProcessResult r = (*p)->Stop(SIGINT);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_LT(r.elapsed, absl::Seconds(2));
}

TEST(Cli, SighupDoesNotStopTheServer) {
  auto p = MetamockProcess::Start({"--listen", "127.0.0.1:0"});
  ASSERT_THAT(p, IsOk());
  (*p)->Signal(SIGHUP);
  // The answer to a request sent after the signal proves it still serves.
  std::string response = RawExchange(
      (*p)->port(), "GET /_metamock/health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200")) << response;
  EXPECT_EQ((*p)->Stop(SIGTERM).exit_code, 0);
}

TEST(Cli, QuietLogsNothingWhenAllIsWell) {
  auto p = MetamockProcess::Start({"--listen", "127.0.0.1:0", "--quiet"});
  ASSERT_THAT(p, IsOk());
  RawExchange((*p)->port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ProcessResult r = (*p)->Stop(SIGTERM);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
}

TEST(Cli, WarnsWhenListeningBeyondLoopback) {
  // Bound on all addresses, but nothing connects to it.
  auto p = MetamockProcess::Start({"--listen", "0.0.0.0:0"});
  ASSERT_THAT(p, IsOk());
  ProcessResult r = (*p)->Stop(SIGTERM);
  EXPECT_TRUE(absl::StrContains(r.err, "non-loopback")) << r.err;
}

}  // namespace
}  // namespace metamock

namespace metamock {
namespace {

TEST(Cli, SigtermStopsWithinTwoSecondsDuringALongFaultDelay) {
  auto p = MetamockProcess::Start({"--listen", "127.0.0.1:0", "--quiet"});
  ASSERT_THAT(p, IsOk());
  const std::string rule = R"({"effect":{"delay":"20s"}})";
  std::string added =
      RawExchange((*p)->port(),
                  absl::StrCat("POST /_metamock/faults HTTP/1.1\r\nHost: x\r\n"
                               "Content-Type: application/json\r\n"
                               "Content-Length: ",
                               rule.size(), "\r\n\r\n", rule));
  ASSERT_TRUE(absl::StartsWith(added, "HTTP/1.1 201")) << added;
  // A request now waits out the delay on a server thread.
  int fd = ConnectLoopback((*p)->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(
      SendAll(fd, "GET /latest/meta-data/ HTTP/1.1\r\nHost: x\r\n\r\n"));
  // The journal records the request only when answered, so wait for the
  // server to have it in hand: the socket has been accepted once the
  // control API answers a later request.
  RawExchange((*p)->port(),
              "GET /_metamock/health HTTP/1.1\r\nHost: x\r\n\r\n");
  ProcessResult r = (*p)->Stop(SIGTERM);
  close(fd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(r.elapsed, absl::Seconds(2));
}

}  // namespace
}  // namespace metamock
