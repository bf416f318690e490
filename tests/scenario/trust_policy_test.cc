#include "server/scenario/trust_policy.h"

#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

using Json = nlohmann::json;

TEST(TrustPolicy, ReadsServicePrincipalsOfAllowStatements) {
  Json policy = Json::parse(R"({
    "Version": "2012-10-17",
    "Statement": [
      {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]}, "Action": "sts:AssumeRole"},
      {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]},
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"},
      {"Effect": "Deny", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
      {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "s3:GetObject"}
    ]})");
  absl::StatusOr<std::set<std::string>> services = TrustedServices(policy);
  ASSERT_THAT(services, IsOk());
  EXPECT_EQ(*services,
            (std::set<std::string>{"ec2.amazonaws.com", "ecs-tasks.amazonaws.com",
                                   "pods.eks.amazonaws.com"}));
}

TEST(TrustPolicy, AcceptsAStatementObjectAndAPolicyString) {
  Json policy = {{"Statement",
                  {{"Effect", "Allow"},
                   {"Principal", {{"Service", "ec2.amazonaws.com"}}},
                   {"Action", "sts:*"}}}};
  EXPECT_EQ(*TrustedServices(policy),
            std::set<std::string>{"ec2.amazonaws.com"});
  EXPECT_EQ(*TrustedServices(Json(policy.dump())),
            std::set<std::string>{"ec2.amazonaws.com"});
}

TEST(TrustPolicy, RejectsWhatIsNotAPolicy) {
  for (const Json& bad :
       {Json(5), Json("not json"), Json::object(), Json::parse(R"({"Statement": [1]})"),
        Json::parse(R"({"Statement": [{"Effect": "Maybe"}]})"),
        Json::parse(R"({"Statement": {"Effect": "Allow", "Action": "*", "Principal": {"Service": 5}}})")}) {
    EXPECT_THAT(TrustedServices(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, ""))
        << bad.dump();
  }
}

TEST(TrustPolicy, BuildsADocumentThatReadsBack) {
  std::set<std::string> services = {"ec2.amazonaws.com"};
  nlohmann::ordered_json policy = TrustPolicyFor(services);
  EXPECT_EQ(policy.dump(),
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":"
            "\"sts:AssumeRole\"}]}");
  EXPECT_EQ(*TrustedServices(Json::parse(policy.dump())), services);
}

}  // namespace
}  // namespace metamock
