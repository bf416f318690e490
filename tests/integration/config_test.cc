// Configuration from the environment (METAMOCK_*), the access log in both
// formats, and where the control API is served (--control), on the real
// binary.

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/app/option_values.h"
#include "tests/testing/metamock_process.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

using Json = nlohmann::json;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

int PortOf(const std::string& url) {
  int port = 0;
  EXPECT_TRUE(absl::SimpleAtoi(url.substr(url.rfind(':') + 1), &port)) << url;
  return port;
}

// GET `path` on 127.0.0.1:`port`; status -1 when no answer came.
httplib::Result Get(int port, const std::string& path,
                    const httplib::Headers& headers = {}) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5, 0);
  return client.Get(path.c_str(), headers);
}

std::string Token(int port) {
  httplib::Client client("127.0.0.1", port);
  auto r = client.Put("/latest/api/token",
                      {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}}, "",
                      "text/plain");
  EXPECT_TRUE(r && r->status == 200);
  return r ? r->body : "";
}

std::string Health(int port) {
  auto r = Get(port, "/_metamock/health");
  return r ? absl::StrCat(r->status, " ", r->body) : "no answer";
}

// --- the environment -------------------------------------------------------

TEST(EnvConfig, ListenAndScenarioComeFromTheEnvironment) {
  auto p =
      MetamockProcess::Start({}, {"METAMOCK_LISTEN=127.0.0.1:0, 127.0.0.1:0",
                                  "METAMOCK_SCENARIO=no-instance-profile"});
  ASSERT_THAT(p, IsOk());
  ASSERT_EQ((*p)->urls().size(), 2u);
  for (const std::string& url : (*p)->urls()) {
    EXPECT_EQ(Health(PortOf(url)),
              "200 {\"status\":\"ok\",\"scenario\":\"no-instance-profile\"}");
  }
  EXPECT_EQ((*p)->Stop(SIGTERM).exit_code, 0);
}

TEST(EnvConfig, FlagsWin) {
  // A bad METAMOCK_LISTEN does not matter when --listen is given.
  auto p = MetamockProcess::Start(
      {"--listen", "127.0.0.1:0", "--scenario", "healthy"},
      {"METAMOCK_LISTEN=not-an-address", "METAMOCK_SCENARIO=no-such-one"});
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(Health((*p)->port()),
            "200 {\"status\":\"ok\",\"scenario\":\"healthy\"}");
  EXPECT_EQ((*p)->Stop(SIGTERM).exit_code, 0);
}

TEST(EnvConfig, EveryOptionHasAVariableThatHelpNames) {
  ProcessResult r = RunMetamock({"--help"});
  ASSERT_EQ(r.exit_code, 0);
  // cxxopts wraps lines: compare with the whitespace folded.
  const std::string help = absl::StrJoin(
      absl::StrSplit(r.out, absl::ByAnyChar(" \n"), absl::SkipEmpty()), " ");
  for (const ServeOption& o : ServeOptions()) {
    EXPECT_TRUE(absl::StrContains(
        help, absl::StrCat("(default ", o.default_text, "; env ", o.env, ")")))
        << o.flag << " in " << help;
  }
}

TEST(EnvConfig, ABadValueIsAUsageErrorNamingTheVariable) {
  const std::vector<std::string> cases = {
      "METAMOCK_LISTEN=localhost:80",
      "METAMOCK_LISTEN=127.0.0.1:0,",
      "METAMOCK_SEED=-1",
      "METAMOCK_WATCH=sometimes",
      "METAMOCK_CONTROL=maybe",
      "METAMOCK_JOURNAL_SIZE=0",
      "METAMOCK_LOG_FORMAT=xml",
      "METAMOCK_QUIET=2",
  };
  for (const std::string& setting : cases) {
    ProcessResult r = RunMetamock({}, absl::Seconds(10), {setting});
    const std::string name = setting.substr(0, setting.find('='));
    EXPECT_EQ(r.exit_code, 2) << setting;
    EXPECT_EQ(r.out, "") << setting;
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
    EXPECT_TRUE(absl::StrContains(r.err, name)) << r.err;
  }
  // A bundled scenario that does not exist: the usual scenario error.
  ProcessResult r =
      RunMetamock({}, absl::Seconds(10), {"METAMOCK_SCENARIO=no-such-one"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "no-such-one")) << r.err;
}

TEST(EnvConfig, SwitchesSeedAndJournalSize) {
  // METAMOCK_QUIET: nothing on stderr; METAMOCK_SEED: the keys --seed gives.
  auto key = [](const std::vector<std::string>& args, const ExtraEnv& env) {
    std::vector<std::string> all = {"--listen", "127.0.0.1:0"};
    all.insert(all.end(), args.begin(), args.end());
    auto p = MetamockProcess::Start(all, env);
    EXPECT_THAT(p, IsOk());
    if (!p.ok()) return std::string();
    auto r = Get((*p)->port(),
                 "/latest/meta-data/iam/security-credentials/metamock-ec2-role",
                 {{"X-aws-ec2-metadata-token", Token((*p)->port())}});
    ProcessResult stopped = (*p)->Stop(SIGTERM);
    if (absl::StrContains(absl::StrJoin(env, " "), "METAMOCK_QUIET")) {
      EXPECT_EQ(stopped.err, "");
    }
    return r ? Json::parse(r->body)["AccessKeyId"].get<std::string>() : "";
  };
  const std::string by_flag = key({"--seed", "7"}, {});
  EXPECT_EQ(key({}, {"METAMOCK_SEED=7", "METAMOCK_QUIET=true"}), by_flag);
  EXPECT_NE(key({}, {"METAMOCK_SEED=8"}), by_flag);

  auto p = MetamockProcess::Start({"--listen", "127.0.0.1:0"},
                                  {"METAMOCK_JOURNAL_SIZE=2"});
  ASSERT_THAT(p, IsOk());
  for (int i = 0; i < 5; ++i) Get((*p)->port(), "/latest/meta-data/");
  auto journal = Get((*p)->port(), "/_metamock/requests");
  ASSERT_TRUE(journal);
  EXPECT_EQ(Json::parse(journal->body)["requests"].size(), 2u);
}

TEST(EnvConfig, EmptyMeansUnsetAndUnknownNamesAreWarnedAbout) {
  auto p = MetamockProcess::Start(
      {"--listen", "127.0.0.1:0"},
      {"METAMOCK_SCENARIO=", "METAMOCK_LISTENS=127.0.0.1:9"});
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(Health((*p)->port()),
            "200 {\"status\":\"ok\",\"scenario\":\"healthy\"}");
  ProcessResult r = (*p)->Stop(SIGTERM);
  EXPECT_TRUE(absl::StrContains(
      r.err, "metamock: warning: METAMOCK_LISTENS is not a metamock variable"))
      << r.err;
}

// --- logs ----------------------------------------------------------------

// Starts metamock with `args`, makes an IMDSv2 credential fetch, a request
// that a fault answers, and a control call; returns stderr after the stop
// and, through *secrets, every token and credential value it handed out.
std::string Traffic(std::vector<std::string> args,
                    std::vector<std::string>* secrets) {
  args.insert(args.begin(), {"--listen", "127.0.0.1:0"});
  auto p = MetamockProcess::Start(args);
  EXPECT_THAT(p, IsOk());
  if (!p.ok()) return "";
  const int port = (*p)->port();
  httplib::Client control("127.0.0.1", port);
  control.Post("/_metamock/faults",
               R"({"match":{"path":"/latest/meta-data/hostname"},
                   "effect":{"status":500}})",
               "application/json");
  EXPECT_EQ(Health(port), "200 {\"status\":\"ok\",\"scenario\":\"healthy\"}");
  const std::string token = Token(port);
  secrets->push_back(token);
  auto creds = Get(port,
                   "/latest/meta-data/iam/security-credentials/"
                   "metamock-ec2-role",
                   {{"X-aws-ec2-metadata-token", token}});
  EXPECT_TRUE(creds && creds->status == 200);
  if (creds) {
    Json doc = Json::parse(creds->body);
    for (const char* field : {"AccessKeyId", "SecretAccessKey", "Token"}) {
      secrets->push_back(doc[field].get<std::string>());
    }
  }
  Get(port, "/latest/meta-data/hostname",
      {{"X-aws-ec2-metadata-token", token}});
  return (*p)->Stop(SIGTERM).err;
}

TEST(Logs, TextAccessLines) {
  std::vector<std::string> secrets;
  const std::string err = Traffic({}, &secrets);
  // The latency varies: "0.123ms" becomes "Nms".
  auto mask = [](absl::string_view word) -> std::string {
    std::vector<std::string> parts = absl::StrSplit(word, '.');
    double ms = 0;
    if (parts.size() == 2 && absl::EndsWith(word, "ms") &&
        parts[1].size() == 5 &&
        absl::SimpleAtod(word.substr(0, word.size() - 2), &ms)) {
      return "Nms";
    }
    return std::string(word);
  };
  std::vector<std::string> access;
  for (const std::string& line : Lines(err)) {
    if (!absl::StartsWith(line, "metamock: access: ")) continue;
    std::vector<std::string> words;
    for (absl::string_view w : absl::StrSplit(line, ' '))
      words.push_back(mask(w));
    access.push_back(absl::StrJoin(words, " "));
  }
  EXPECT_EQ(access,
            (std::vector<std::string>{
                "metamock: access: control 127.0.0.1 POST /_metamock/faults "
                "201 Nms",
                "metamock: access: imds 127.0.0.1 PUT /latest/api/token 200 "
                "Nms",
                "metamock: access: imds 127.0.0.1 GET "
                "/latest/meta-data/iam/security-credentials/metamock-ec2-role "
                "200 Nms",
                "metamock: access: imds 127.0.0.1 GET "
                "/latest/meta-data/hostname 500 Nms fault=f1",
            }))
      << err;
  EXPECT_TRUE(absl::StrContains(err, "metamock: info: serving scenario"));
  for (const std::string& secret : secrets) {
    EXPECT_FALSE(absl::StrContains(err, secret)) << "logged a secret";
  }
}

TEST(Logs, JsonLinesEachParse) {
  std::vector<std::string> secrets;
  const std::string err = Traffic({"--log-format", "json"}, &secrets);
  std::vector<Json> access;
  int info = 0;
  for (const std::string& line : Lines(err)) {
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
    ASSERT_TRUE(j.contains("time") && j.contains("level")) << line;
    if (j.value("event", "") == "request") {
      access.push_back(j);
    } else {
      EXPECT_TRUE(j["message"].is_string()) << line;
      ++info;
    }
  }
  EXPECT_GE(info, 2) << err;  // serving..., stopping...
  ASSERT_EQ(access.size(), 4u) << err;
  const Json& creds = access[2];
  EXPECT_EQ(creds["method"], "GET");
  EXPECT_EQ(creds["path"],
            "/latest/meta-data/iam/security-credentials/metamock-ec2-role");
  EXPECT_EQ(creds["status"], 200);
  EXPECT_TRUE(creds["fault"].is_null());
  EXPECT_TRUE(creds["latency_ms"].is_number());
  EXPECT_EQ(creds["endpoint"], "imds");
  EXPECT_EQ(creds["client"], "127.0.0.1");
  EXPECT_EQ(access[3]["status"], 500);
  EXPECT_EQ(access[3]["fault"], "f1");
  for (const std::string& secret : secrets) {
    EXPECT_FALSE(absl::StrContains(err, secret)) << "logged a secret";
  }
}

TEST(Logs, JsonScenarioErrorsAreOneJsonLine) {
  ProcessResult r = RunMetamock(
      {"--log-format", "json", "--scenario", "/nonexistent/scenario.json"});
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(Lines(r.err).size(), 1u) << r.err;
  Json j = Json::parse(r.err);
  EXPECT_EQ(j["level"], "error");
  EXPECT_TRUE(absl::StrContains(j["message"].get<std::string>(),
                                "/nonexistent/scenario.json"));
}

// --- where the control API is served ------------------------------------

TEST(Control, OffLeavesSlashMetamockToImds) {
  auto p =
      MetamockProcess::Start({"--listen", "127.0.0.1:0", "--control", "off"});
  ASSERT_THAT(p, IsOk());
  ASSERT_EQ((*p)->urls().size(), 1u);
  auto r = Get((*p)->port(), "/_metamock/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->get_header_value("Server"), "EC2ws");
  EXPECT_TRUE(absl::StrContains(r->body, "<title>404 - Not Found</title>"));
  auto put = httplib::Client("127.0.0.1", (*p)->port())
                 .Post("/_metamock/reset", "", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 405);  // IMDS's answer to a POST
  // The endpoints still work.
  EXPECT_EQ(Get((*p)->port(), "/latest/meta-data/iam/info",
                {{"X-aws-ec2-metadata-token", Token((*p)->port())}})
                ->status,
            200);
  ProcessResult stopped = (*p)->Stop(SIGTERM);
  EXPECT_TRUE(absl::StrContains(
      stopped.err,
      "metamock: access: imds 127.0.0.1 GET /_metamock/health "
      "404"))
      << stopped.err;
}

TEST(Control, ItsOwnListenerIsPrintedLastAndServesOnlyTheControlApi) {
  auto p = MetamockProcess::Start(
      {"--listen", "127.0.0.1:0", "--control", "127.0.0.1:0"});
  ASSERT_THAT(p, IsOk());
  ASSERT_EQ((*p)->urls().size(), 2u);
  const int data = PortOf((*p)->urls()[0]);
  const int control = PortOf((*p)->urls()[1]);
  EXPECT_EQ(Get(data, "/_metamock/health")->status, 404);
  EXPECT_EQ(Health(control),
            "200 {\"status\":\"ok\",\"scenario\":\"healthy\"}");
  auto elsewhere = Get(control, "/latest/meta-data/");
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 404);
  EXPECT_TRUE(
      absl::StartsWith(elsewhere->body, "{\"error\":\"this listener serves"))
      << elsewhere->body;
  // env describes the endpoints' listener, not the control one.
  auto env = Get(control, "/_metamock/env?for=ec2");
  ASSERT_TRUE(env);
  EXPECT_EQ(Json::parse(env->body)["AWS_EC2_METADATA_SERVICE_ENDPOINT"],
            absl::StrCat("http://127.0.0.1:", data, "/"));
  // Faults added there apply to the endpoints; the journal sees them.
  httplib::Client c("127.0.0.1", control);
  auto added =
      c.Post("/_metamock/faults",
             R"({"match":{"endpoint":"imds"},"effect":{"status":503}})",
             "application/json");
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 201);
  EXPECT_EQ(Get(data, "/latest/meta-data/")->status, 503);
  auto journal = Get(control, "/_metamock/requests");
  ASSERT_TRUE(journal);
  Json requests = Json::parse(journal->body)["requests"];
  ASSERT_EQ(requests.size(), 2u) << journal->body;  // the 404 and the 503
  EXPECT_EQ(requests[1]["status"], 503);
  ProcessResult stopped = (*p)->Stop(SIGTERM);
  EXPECT_TRUE(absl::StrContains(
      stopped.err,
      absl::StrCat("control API only on http://127.0.0.1:", control)))
      << stopped.err;
}

TEST(Control, FromTheEnvironmentAndNotOnADataAddress) {
  auto p = MetamockProcess::Start({"--listen", "127.0.0.1:0"},
                                  {"METAMOCK_CONTROL=127.0.0.1:0"});
  ASSERT_THAT(p, IsOk());
  ASSERT_EQ((*p)->urls().size(), 2u);
  EXPECT_EQ(Health(PortOf((*p)->urls()[1])),
            "200 {\"status\":\"ok\",\"scenario\":\"healthy\"}");
  (*p)->Stop(SIGTERM);

  ProcessResult r = RunMetamock(
      {"--listen", "127.0.0.1:41999", "--control", "127.0.0.1:41999"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "is also a data listener")) << r.err;
}

}  // namespace
}  // namespace metamock
