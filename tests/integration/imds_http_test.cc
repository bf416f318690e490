// IMDS over real HTTP against the real binary (no redirects followed).

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <regex>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/testing/metamock_process.h"
#include "tests/testing/raw_http.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

constexpr char kCredsPath[] =
    "/latest/meta-data/iam/security-credentials/metamock-ec2-role";

class ImdsHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto p = MetamockProcess::Start(
        {"--listen", "127.0.0.1:0", "--seed", "1234", "--quiet"});
    ASSERT_THAT(p, IsOk());
    process_ = std::move(*p);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", process_->port());
    client_->set_follow_location(false);
  }
  void TearDown() override {
    if (process_) {
      EXPECT_EQ(process_->Stop(SIGTERM).exit_code, 0);
    }
  }
  std::string Token(int ttl = 21600) {
    auto res = client_->Put(
        "/latest/api/token",
        {{"X-aws-ec2-metadata-token-ttl-seconds", absl::StrCat(ttl)}}, "",
        "text/plain");
    EXPECT_TRUE(res);
    return res ? res->body : "";
  }
  std::unique_ptr<MetamockProcess> process_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ImdsHttpTest, TheImdsV2FlowAnSdkFollows) {
  std::string token = Token();
  ASSERT_EQ(token.size(), 56u);
  httplib::Headers with_token = {{"X-aws-ec2-metadata-token", token}};
  auto listing =
      client_->Get("/latest/meta-data/iam/security-credentials/", with_token);
  ASSERT_TRUE(listing);
  EXPECT_EQ(listing->status, 200);
  EXPECT_EQ(listing->body, "metamock-ec2-role");
  EXPECT_EQ(listing->get_header_value("X-Aws-Ec2-Metadata-Token-Ttl-Seconds"),
            "21600");
  auto creds = client_->Get(kCredsPath, with_token);
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->status, 200);
  EXPECT_EQ(creds->get_header_value("Content-Type"), "text/plain");
  EXPECT_EQ(creds->get_header_value("Server"), "EC2ws");
  static const std::regex kDocument(
      "\\{\n"
      "  \"Code\" : \"Success\",\n"
      "  \"LastUpdated\" : \"(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)\",\n"
      "  \"Type\" : \"AWS-HMAC\",\n"
      "  \"AccessKeyId\" : \"ASIA[A-Z2-7]{16}\",\n"
      "  \"SecretAccessKey\" : \"[A-Za-z0-9+/]{40}\",\n"
      "  \"Token\" : \"IQoJb3JpZ2luX2Vj[A-Za-z0-9+/=]{1104}\",\n"
      "  \"Expiration\" : \"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\"\n"
      "\\}");
  EXPECT_TRUE(std::regex_match(creds->body, kDocument)) << creds->body;
}

TEST_F(ImdsHttpTest, CurlStylePutWithoutContentLengthIsAnsweredAtOnce) {
  absl::Time start = absl::Now();
  std::string response = RawExchange(
      process_->port(),
      "PUT /latest/api/token HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: "
      "curl/7.88.1\r\nAccept: */*\r\nX-aws-ec2-metadata-token-ttl-seconds: "
      "21600\r\n\r\n");
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_TRUE(absl::StrContains(
      response, "\r\nX-Aws-Ec2-Metadata-Token-Ttl-Seconds: 21600\r\n"));
  EXPECT_TRUE(absl::StrContains(response, "\r\nContent-Length: 56\r\n"));
}

TEST_F(ImdsHttpTest, ExactEmptyAnswers) {
  std::string forbidden =
      RawExchange(process_->port(),
                  "PUT /latest/api/token HTTP/1.1\r\nHost: "
                  "x\r\nX-Forwarded-For: 1.2.3.4\r\n"
                  "X-aws-ec2-metadata-token-ttl-seconds: 60\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(forbidden, "HTTP/1.1 403 Forbidden\r\n"));
  EXPECT_TRUE(absl::StrContains(forbidden, "\r\nContent-Length: 0\r\n"));
  EXPECT_TRUE(absl::StrContains(forbidden, "\r\nServer: EC2ws\r\n"));
  EXPECT_TRUE(absl::EndsWith(forbidden, "\r\n\r\n"));

  std::string not_allowed = RawExchange(
      process_->port(), "GET /latest/api/token HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(not_allowed, "HTTP/1.1 405 "));
  EXPECT_TRUE(absl::StrContains(not_allowed, "\r\nAllow: OPTIONS, PUT\r\n"));
}

TEST_F(ImdsHttpTest, RedirectsUseTheRequestHost) {
  auto res = client_->Get("/latest/meta-data/iam/security-credentials");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 301);
  EXPECT_EQ(res->get_header_value("Location"),
            absl::StrCat("http://127.0.0.1:", process_->port(),
                         "/latest/meta-data/iam/security-credentials/"));
}

TEST_F(ImdsHttpTest, ExpiredAndForeignTokensAre401) {
  auto res = client_->Get(
      "/latest/meta-data/",
      {{"X-aws-ec2-metadata-token",
        "AQAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
}

TEST_F(ImdsHttpTest, HealthAnswersJson) {
  auto res = client_->Get("/_metamock/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "{\"status\":\"ok\",\"scenario\":\"healthy\"}");
}

TEST_F(ImdsHttpTest, HeadHasNoBody) {
  auto res = client_->Head("/latest/meta-data/instance-id");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "");
}

TEST_F(ImdsHttpTest, TheSameSeedMintsTheSameKeys) {
  auto other = MetamockProcess::Start(
      {"--listen", "127.0.0.1:0", "--seed", "1234", "--quiet"});
  ASSERT_THAT(other, IsOk());
  httplib::Client other_client("127.0.0.1", (*other)->port());
  auto a = client_->Get(kCredsPath);
  auto b = other_client.Get(kCredsPath);
  ASSERT_TRUE(a && b);
  // Both started within the same rotation hour unless the clock crossed an
  // hour boundary between the two starts; LastUpdated tells.
  auto field = [](const std::string& doc, const std::string& key) {
    size_t pos = doc.find("\"" + key + "\" : \"");
    size_t start = pos + key.size() + 6;
    return doc.substr(start, doc.find('"', start) - start);
  };
  EXPECT_EQ(field(a->body, "AccessKeyId"), field(b->body, "AccessKeyId"));
  EXPECT_EQ(field(a->body, "SecretAccessKey"),
            field(b->body, "SecretAccessKey"));
  auto c = MetamockProcess::Start(
      {"--listen", "127.0.0.1:0", "--seed", "999", "--quiet"});
  ASSERT_THAT(c, IsOk());
  auto d = httplib::Client("127.0.0.1", (*c)->port()).Get(kCredsPath);
  ASSERT_TRUE(d);
  EXPECT_NE(field(a->body, "AccessKeyId"), field(d->body, "AccessKeyId"));
}

TEST_F(ImdsHttpTest, ManyConcurrentTokenPutsAndGets) {
  // The peer AEMM crashes under 16 concurrent token PUTs.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      httplib::Client client("127.0.0.1", process_->port());
      client.set_keep_alive(true);
      for (int i = 0; i < 50; ++i) {
        auto put = client.Put("/latest/api/token",
                              {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}},
                              "", "text/plain");
        if (!put || put->status != 200) continue;
        auto get =
            client.Get(kCredsPath, {{"X-aws-ec2-metadata-token", put->body}});
        if (get && get->status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 16 * 50);
}

}  // namespace
}  // namespace metamock
