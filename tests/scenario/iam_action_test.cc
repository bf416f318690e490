#include "server/scenario/iam_action.h"

#include <gtest/gtest.h>

namespace metamock {
namespace {

using Json = nlohmann::json;

std::optional<IamAction> Parse(const std::string& text, IamActionError* e) {
  return ParseIamAction(Json::parse(text), {}, e);
}

TEST(IamAction, ParsesEveryActionWithItsParameters) {
  IamActionError e;
  auto a = Parse(R"({"Action": "AddRoleToInstanceProfile",
                     "InstanceProfileName": "p", "RoleName": "r"})", &e);
  ASSERT_TRUE(a.has_value()) << e.message;
  EXPECT_EQ(a->type, IamActionType::kAddRoleToInstanceProfile);
  EXPECT_EQ(a->instance_profile_name, "p");
  EXPECT_EQ(a->role_name, "r");

  a = Parse(R"({"Action": "ReplaceIamInstanceProfileAssociation",
                "IamInstanceProfile": {"Arn": "arn:x"}, "AssociationId": "iip-assoc-1"})",
            &e);
  ASSERT_TRUE(a.has_value()) << e.message;
  EXPECT_EQ(a->profile_ref_arn, "arn:x");
  EXPECT_EQ(a->association_id, "iip-assoc-1");

  for (const std::string& name : IamActionNames()) {
    Json j = {{"Action", name}};
    if (name == "UpdateAssumeRolePolicy") {
      j["PolicyDocument"] = Json::parse(
          R"({"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}})");
    }
    auto parsed = ParseIamAction(j, {}, &e);
    ASSERT_TRUE(parsed.has_value()) << name << ": " << e.message;
    EXPECT_EQ(IamActionName(parsed->type), name);
    EXPECT_EQ(parsed->ToJson()["Action"], name);
  }
}

TEST(IamAction, ErrorsNameTheKey) {
  IamActionError e;
  EXPECT_FALSE(Parse(R"({"RoleName": "r"})", &e));
  EXPECT_EQ(e.key, "");
  EXPECT_NE(e.message.find("missing \"Action\""), std::string::npos);

  EXPECT_FALSE(Parse(R"({"Action": "Explode"})", &e));
  EXPECT_EQ(e.key, "Action");

  EXPECT_FALSE(Parse(R"({"Action": "DeleteInstanceProfile", "RoleName": "r"})", &e));
  EXPECT_EQ(e.key, "RoleName");
  EXPECT_EQ(e.message,
            "DeleteInstanceProfile has no parameter \"RoleName\" (it takes "
            "InstanceProfileName)");

  EXPECT_FALSE(Parse(R"({"Action": "AddRoleToInstanceProfile", "RoleName": ""})", &e));
  EXPECT_EQ(e.key, "RoleName");

  EXPECT_FALSE(Parse(R"({"Action": "AssociateIamInstanceProfile",
                         "IamInstanceProfile": {"Name": "a", "Arn": "b"}})", &e));
  EXPECT_EQ(e.key, "IamInstanceProfile");

  EXPECT_FALSE(Parse(R"({"Action": "UpdateAssumeRolePolicy", "PolicyDocument": 3})", &e));
  EXPECT_EQ(e.key, "PolicyDocument");
  EXPECT_NE(e.message.find("MalformedPolicyDocument"), std::string::npos);
}

TEST(IamAction, IgnoresKeysTheCallerHandles) {
  IamActionError e;
  auto a = ParseIamAction(
      Json::parse(R"({"at": "5m", "Action": "RemoveRoleFromInstanceProfile"})"),
      {"at"}, &e);
  EXPECT_TRUE(a.has_value()) << e.message;
}

}  // namespace
}  // namespace metamock
