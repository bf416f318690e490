#include "server/imds/imds_service.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "server/clock/simulated_clock.h"
#include "server/imds/iam_documents.h"
#include "server/imds/imds_pages.h"
#include "tests/testing/scenarios.h"

namespace metamock {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1795428000);  // 10:00:00Z
constexpr char kRole[] = "metamock-ec2-role";
constexpr char kCreds[] = "/latest/meta-data/iam/security-credentials/";

// A frozen world (rate 0) so documents are exact; time moves only through
// the virtual clock.
class ImdsServiceTest : public ::testing::Test {
 protected:
  explicit ImdsServiceTest(Scenario scenario = HealthyScenario()) {
    world_.Load(Frozen(std::move(scenario), kStart));
    service_ = std::make_unique<ImdsService>(&world_, &clock_, &real_, &tokens_,
                                             &minter_);
  }

  HttpResponse Send(
      const std::string& method, const std::string& path,
      std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.headers.Add("Host", "127.0.0.1:1338");
    for (const auto& [name, value] : headers) request.headers.Add(name, value);
    request.remote_addr = "127.0.0.1";
    return service_->Handle(request);
  }
  HttpResponse Get(const std::string& path) { return Send("GET", path); }
  HttpResponse GetWithToken(const std::string& path, const std::string& token) {
    return Send("GET", path, {{"X-aws-ec2-metadata-token", token}});
  }
  std::string NewToken(const std::string& ttl = "21600") {
    HttpResponse r = Send("PUT", "/latest/api/token",
                          {{"X-aws-ec2-metadata-token-ttl-seconds", ttl}});
    EXPECT_EQ(r.status, 200);
    return r.body;
  }

  SimulatedClock real_;
  VirtualClock clock_{kStart, 0, &real_};
  TokenCodec tokens_{&clock_, TokenCodec::NewKey()};
  CredentialMinter minter_{11};
  World world_{&clock_, &real_};
  std::unique_ptr<ImdsService> service_;
};

TEST_F(ImdsServiceTest, TokenPutEchoesTheTtl) {
  HttpResponse r = Send("PUT", "/latest/api/token",
                        {{"X-aws-ec2-metadata-token-ttl-seconds", "300"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), 56u);
  EXPECT_EQ(r.headers.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds"), "300");
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/plain");
  EXPECT_EQ(r.headers.Get("Server"), "EC2ws");
}

TEST_F(ImdsServiceTest, TokenPutRejectsBadTtlsWith400) {
  for (const char* ttl : {"0", "21601", "-5", "abc", "", "300s", " 300x",
                          "99999999999999999999", "+300", "1.5"}) {
    HttpResponse r = Send("PUT", "/latest/api/token",
                          {{"X-aws-ec2-metadata-token-ttl-seconds", ttl}});
    EXPECT_EQ(r.status, 400) << ttl;
    EXPECT_TRUE(absl::StrContains(r.body, "400 - Bad Request")) << ttl;
  }
  EXPECT_EQ(Send("PUT", "/latest/api/token").status, 400);
  EXPECT_EQ(Send("PUT", "/latest/api/token",
                 {{"X-aws-ec2-metadata-token-ttl-seconds", "1"}})
                .status,
            200);
  EXPECT_EQ(Send("PUT", "/latest/api/token",
                 {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}})
                .status,
            200);
}

TEST_F(ImdsServiceTest, TokenPutThroughAProxyIsForbidden) {
  HttpResponse r = Send("PUT", "/latest/api/token",
                        {{"X-aws-ec2-metadata-token-ttl-seconds", "300"},
                         {"X-Forwarded-For", "10.0.0.1"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "");
}

TEST_F(ImdsServiceTest, PutElsewhereIsForbidden) {
  for (const char* path : {"/2021-03-23/api/token", "/latest/api/token/",
                           "/latest/meta-data/", "/"}) {
    HttpResponse r =
        Send("PUT", path, {{"X-aws-ec2-metadata-token-ttl-seconds", "300"}});
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_EQ(r.body, "") << path;
  }
}

TEST_F(ImdsServiceTest, OtherMethodsOnTheTokenPathAre405) {
  for (const char* method : {"GET", "HEAD", "POST", "DELETE", "PATCH"}) {
    HttpResponse r = Send(method, "/latest/api/token");
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(r.headers.Get("Allow"), "OPTIONS, PUT") << method;
    EXPECT_EQ(r.body, "");
  }
}

TEST_F(ImdsServiceTest, TokenlessGetsAreServedWhenTokensAreOptional) {
  HttpResponse r = Get("/latest/meta-data/instance-id");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "i-0a1b2c3d4e5f60718");
  EXPECT_FALSE(r.headers.Has("X-Aws-Ec2-Metadata-Token-Ttl-Seconds"));
}

TEST_F(ImdsServiceTest, ValidTokenAnswersCarryTheRemainingTtl) {
  std::string token = NewToken("300");
  ASSERT_TRUE(clock_.Advance(absl::Seconds(100)).ok());
  HttpResponse r = GetWithToken("/latest/meta-data/instance-id", token);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds"), "200");
}

TEST_F(ImdsServiceTest, BadOrExpiredTokensAre401) {
  std::string token = NewToken("60");
  EXPECT_EQ(GetWithToken("/latest/meta-data/", "not-a-token").status, 401);
  EXPECT_EQ(GetWithToken("/latest/meta-data/", "").status, 401);
  ASSERT_TRUE(clock_.Advance(absl::Seconds(60)).ok());
  HttpResponse r = GetWithToken("/latest/meta-data/", token);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/html");
  EXPECT_TRUE(absl::StrContains(r.body, "401 - Unauthorized"));
}

class ImdsTokensRequiredTest : public ImdsServiceTest {
 protected:
  static Scenario Required() {
    Scenario s = HealthyScenario();
    s.imds.tokens_required = true;
    return s;
  }
  ImdsTokensRequiredTest() : ImdsServiceTest(Required()) {}
};

TEST_F(ImdsTokensRequiredTest, TokenlessGetsAre401) {
  EXPECT_EQ(Get("/latest/meta-data/").status, 401);
  EXPECT_EQ(GetWithToken("/latest/meta-data/", NewToken()).status, 200);
}

TEST_F(ImdsServiceTest, RootListsVersionsWhichAliasLatest) {
  HttpResponse root = Get("/");
  EXPECT_EQ(root.status, 200);
  EXPECT_TRUE(absl::StartsWith(root.body, "1.0\n2007-01-19\n"));
  EXPECT_TRUE(absl::EndsWith(root.body, "\n2022-09-24\nlatest"));
  EXPECT_EQ(Get("/2021-03-23/meta-data/instance-id").body,
            Get("/latest/meta-data/instance-id").body);
  EXPECT_EQ(Get("/1999-01-01/meta-data/instance-id").status, 404);
}

TEST_F(ImdsServiceTest, LatestListsBareNamesEvenWithoutUserData) {
  EXPECT_EQ(Get("/latest/").body, "dynamic\nmeta-data\nuser-data");
  HttpResponse user_data = Get("/latest/user-data");
  EXPECT_EQ(user_data.status, 404);
  EXPECT_EQ(user_data.headers.Get("Content-Type"), "text/html");
}

TEST_F(ImdsServiceTest, MetaDataListsIamWhileAssociated) {
  HttpResponse r = Get("/latest/meta-data/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/plain");
  EXPECT_TRUE(
      absl::StrContains(r.body, "\nhostname\niam/\nidentity-credentials/\n"));
  EXPECT_FALSE(absl::EndsWith(r.body, "\n"));
  EXPECT_EQ(r.body.size(), 312u);  // as in the 2023 capture
}

TEST_F(ImdsServiceTest, DirectoriesWithoutSlashRedirectOnTheRequestHost) {
  for (const char* path :
       {"/latest", "/latest/meta-data", "/latest/meta-data/iam",
        "/latest/meta-data/iam/security-credentials",
        "/latest/meta-data/placement"}) {
    HttpResponse r = Get(path);
    EXPECT_EQ(r.status, 301) << path;
    EXPECT_EQ(r.headers.Get("Location"),
              std::string("http://127.0.0.1:1338") + path + "/");
    EXPECT_EQ(r.body, "");
  }
}

TEST_F(ImdsServiceTest, LeavesAnswerWithOrWithoutATrailingSlash) {
  EXPECT_EQ(Get("/latest/meta-data/placement/availability-zone/").body,
            "us-east-1a");
  EXPECT_EQ(Get("/latest/meta-data/placement/availability-zone").body,
            "us-east-1a");
  EXPECT_EQ(Get("/latest/meta-data/placement/region").body, "us-east-1");
}

TEST_F(ImdsServiceTest, UnknownPathsGetTheXhtml404) {
  for (const char* path :
       {"/latest/meta-data/nope", "/nope", "/latest/meta-data//instance-id",
        "/latest/api/", "/latest/meta-data/iam/nope",
        "/latest/meta-data/iam/info/extra"}) {
    HttpResponse r = Get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body, ImdsErrorPage("404 - Not Found")) << path;
    EXPECT_EQ(r.headers.Get("Server"), "EC2ws");
  }
}

TEST_F(ImdsServiceTest, OtherMethodsOnMetadataAre405) {
  EXPECT_EQ(Send("POST", "/latest/meta-data/").status, 405);
  EXPECT_EQ(Send("DELETE", "/latest/meta-data/").status, 405);
}

TEST_F(ImdsServiceTest, IamListingIsTheRoleWithoutNewline) {
  EXPECT_EQ(Get("/latest/meta-data/iam/").body, "info\nsecurity-credentials/");
  HttpResponse r = Get(kCreds);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kRole);
}

TEST_F(ImdsServiceTest, IamInfoIsTheSuccessDocument) {
  HttpResponse r = Get("/latest/meta-data/iam/info");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/plain");
  EXPECT_EQ(r.headers.Get("Last-Modified"), "Mon, 23 Nov 2026 10:00:00 GMT");
  EXPECT_EQ(
      r.body,
      "{\n"
      "  \"Code\" : \"Success\",\n"
      "  \"LastUpdated\" : \"2026-11-23T10:00:00Z\",\n"
      "  \"InstanceProfileArn\" : "
      "\"arn:aws:iam::123456789012:instance-profile/metamock-ec2-profile\",\n"
      "  \"InstanceProfileId\" : \"AIPAMETAMOCKPROFILE01\"\n"
      "}");
}

TEST_F(ImdsServiceTest, CredentialsDocumentIsExactAndRotates) {
  HttpResponse r = Get(std::string(kCreds) + kRole);
  EXPECT_EQ(r.status, 200);
  Credentials expected = CredentialsFor(
      minter_, kRole, CurrentRotation(CredentialTiming{}, kStart, kStart));
  EXPECT_EQ(r.body, RoleCredentialsDocument(expected));
  EXPECT_TRUE(
      absl::StrContains(r.body, "\"LastUpdated\" : \"2026-11-23T10:00:00Z\""));
  EXPECT_TRUE(
      absl::StrContains(r.body, "\"Expiration\" : \"2026-11-23T16:00:00Z\""));

  ASSERT_TRUE(clock_.Advance(absl::Minutes(59)).ok());
  EXPECT_EQ(Get(std::string(kCreds) + kRole).body, r.body);
  ASSERT_TRUE(clock_.Advance(absl::Minutes(1)).ok());
  HttpResponse rotated = Get(std::string(kCreds) + kRole);
  EXPECT_NE(rotated.body, r.body);
  EXPECT_TRUE(absl::StrContains(rotated.body,
                                "\"LastUpdated\" : \"2026-11-23T11:00:00Z\""));
  EXPECT_TRUE(absl::StrContains(rotated.body,
                                "\"Expiration\" : \"2026-11-23T17:00:00Z\""));
}

TEST_F(ImdsServiceTest, ExtendedPathAddsTheAccountId) {
  HttpResponse listing =
      Get("/latest/meta-data/iam/security-credentials-extended/");
  EXPECT_EQ(listing.body, kRole);
  HttpResponse r =
      Get(std::string("/latest/meta-data/iam/security-credentials-extended/") +
          kRole);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(
      absl::EndsWith(r.body, "\",\n  \"AccountId\" : \"123456789012\"\n}"));
  std::string legacy = Get(std::string(kCreds) + kRole).body;
  EXPECT_EQ(r.body.substr(0, legacy.size() - 2),
            legacy.substr(0, legacy.size() - 2));
}

TEST_F(ImdsServiceTest, OtherRoleNamesAre404) {
  EXPECT_EQ(Get(std::string(kCreds) + "other-role").status, 404);
  EXPECT_EQ(Get(std::string(kCreds) + kRole + "\n").status, 404);
}

class ImdsNoProfileTest : public ImdsServiceTest {
 protected:
  static Scenario NoProfile() {
    Scenario s = HealthyScenario();
    s.profile_associated = false;
    return s;
  }
  ImdsNoProfileTest() : ImdsServiceTest(NoProfile()) {}
};

TEST_F(ImdsNoProfileTest, IamIsAbsentFromTheTree) {
  EXPECT_FALSE(absl::StrContains(Get("/latest/meta-data/").body, "iam/"));
  EXPECT_EQ(Get("/latest/meta-data/iam/").status, 404);
  EXPECT_EQ(Get("/latest/meta-data/iam").status, 404);
  EXPECT_EQ(Get("/latest/meta-data/iam/info").status, 404);
  EXPECT_EQ(Get(kCreds).status, 404);
}

class ImdsNoRoleTest : public ImdsServiceTest {
 protected:
  static Scenario NoRole() {
    Scenario s = HealthyScenario();
    s.instance_profile->role.reset();
    return s;
  }
  ImdsNoRoleTest() : ImdsServiceTest(NoRole()) {}
};

TEST_F(ImdsNoRoleTest, InfoSaysNoRoleAndNothingIsServed) {
  EXPECT_EQ(Get("/latest/meta-data/iam/").body, "info");
  EXPECT_TRUE(absl::StrContains(Get("/latest/meta-data/iam/info").body,
                                "Instance Profile does not contain a role."));
  EXPECT_EQ(Get(kCreds).status, 404);
  EXPECT_EQ(Get(std::string(kCreds) + kRole).status, 404);
}

class ImdsUntrustedRoleTest : public ImdsServiceTest {
 protected:
  static Scenario Untrusted() {
    Scenario s = HealthyScenario();
    s.roles[0].trusted_services.clear();
    return s;
  }
  ImdsUntrustedRoleTest() : ImdsServiceTest(Untrusted()) {}
};

TEST_F(ImdsUntrustedRoleTest, CredentialsAreTheErrorDocumentWith200) {
  HttpResponse r = Get(std::string(kCreds) + kRole);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, AssumeRoleUnauthorizedDocument(kRole, kStart));
  EXPECT_EQ(Get(kCreds).body, kRole);
}

TEST_F(ImdsServiceTest, HeadAnswersLikeGet) {
  HttpResponse r = Send("HEAD", "/latest/meta-data/instance-id");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "i-0a1b2c3d4e5f60718");  // the transport drops it
}

TEST_F(ImdsServiceTest, EveryAnswerHasServerAndDate) {
  for (HttpResponse r : {Get("/"), Get("/nope"), Send("PUT", "/x"),
                         Send("GET", "/latest/api/token")}) {
    EXPECT_EQ(r.headers.Get("Server"), "EC2ws");
    EXPECT_EQ(r.headers.Get("Date"), "Mon, 23 Nov 2026 10:00:00 GMT");
  }
}

}  // namespace
}  // namespace metamock
