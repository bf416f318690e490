#include "server/scenario/iam_state.h"

#include <gtest/gtest.h>

#include "tests/testing/scenarios.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

IamAction Action(const std::string& json) {
  IamActionError e;
  std::optional<IamAction> a =
      ParseIamAction(nlohmann::json::parse(json), {}, &e);
  EXPECT_TRUE(a.has_value()) << e.message;
  return *a;
}

class IamStateTest : public ::testing::Test {
 protected:
  IamState iam_ = InitialIamState(HealthyScenario());
};

TEST_F(IamStateTest, StartsAsTheScenarioDeclares) {
  ASSERT_NE(iam_.AssociatedProfile(), nullptr);
  EXPECT_EQ(iam_.AssociatedProfile()->id, "AIPAMETAMOCKPROFILE01");
  EXPECT_EQ(iam_.AssociatedProfile()->role, "metamock-ec2-role");
  EXPECT_TRUE(iam_.association()->association_id.rfind("iip-assoc-", 0) == 0);
  EXPECT_EQ(iam_.association()->association_id.size(), 27u);
}

TEST_F(IamStateTest, AwsPreconditionsAreEnforced) {
  EXPECT_THAT(
      iam_.Apply(Action(R"({"Action":"CreateInstanceProfile"})")),
      StatusIs(absl::StatusCode::kInvalidArgument, "EntityAlreadyExists"));
  EXPECT_THAT(
      iam_.Apply(Action(
          R"({"Action":"DeleteInstanceProfile","InstanceProfileName":"nope"})")),
      StatusIs(absl::StatusCode::kInvalidArgument, "NoSuchEntity"));
  EXPECT_THAT(
      iam_.Apply(Action(
          R"({"Action":"AddRoleToInstanceProfile","RoleName":"ghost"})")),
      StatusIs(absl::StatusCode::kInvalidArgument, "NoSuchEntity"));
  EXPECT_THAT(iam_.Apply(Action(R"({"Action":"AssociateIamInstanceProfile"})")),
              StatusIs(absl::StatusCode::kInvalidArgument, "IncorrectState"));
  EXPECT_THAT(
      iam_.Apply(Action(
          R"({"Action":"DisassociateIamInstanceProfile","AssociationId":"iip-assoc-x"})")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "InvalidAssociationID.NotFound"));
  EXPECT_THAT(
      iam_.Apply(Action(
          R"({"Action":"AssociateIamInstanceProfile","InstanceId":"i-other"})")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "InvalidInstanceID.NotFound"));
}

TEST_F(IamStateTest, RecreatedProfilesGetNewIdsReproducibly) {
  const char* recreate[] = {R"({"Action":"RemoveRoleFromInstanceProfile"})",
                            R"({"Action":"DeleteInstanceProfile"})",
                            R"({"Action":"CreateInstanceProfile"})"};
  IamState other = InitialIamState(HealthyScenario());
  for (const char* a : recreate) {
    ASSERT_THAT(iam_.Apply(Action(a)), IsOk());
    ASSERT_THAT(other.Apply(Action(a)), IsOk());
  }
  const ProfileState& p = iam_.profiles().at("metamock-ec2-profile");
  EXPECT_NE(p.id, "AIPAMETAMOCKPROFILE01");
  EXPECT_EQ(p.id.rfind("AIPA", 0), 0u);
  EXPECT_EQ(p.id, other.profiles().at("metamock-ec2-profile").id);
  EXPECT_EQ(iam_.AssociatedProfile(), nullptr);
  EXPECT_EQ(iam_.association()->profile_id, "AIPAMETAMOCKPROFILE01");
}

TEST_F(IamStateTest, ToJsonShowsBothIds) {
  nlohmann::ordered_json j = iam_.ToJson();
  bool found = false;
  for (const auto& role : j["Roles"]) {
    if (role["RoleName"] == "metamock-ec2-role") {
      EXPECT_EQ(role["Arn"],
                "arn:aws:iam::123456789012:role/metamock-ec2-role");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(j["InstanceProfiles"][0]["InstanceProfileId"],
            "AIPAMETAMOCKPROFILE01");
  EXPECT_EQ(j["Instance"]["IamInstanceProfileId"], "AIPAMETAMOCKPROFILE01");
  EXPECT_EQ(j["Instance"]["InstanceId"], "i-0a1b2c3d4e5f60718");
}

}  // namespace
}  // namespace metamock

namespace metamock {
namespace {

TEST(IamStateWithoutProfile, NamesMustBeGivenWhenThereIsNoDefault) {
  Scenario s = BundledScenario("healthy");
  s.instance_profile.reset();
  s.profile_associated = false;
  IamState iam = InitialIamState(s);
  EXPECT_THAT(iam.Apply(Action(R"({"Action":"CreateInstanceProfile"})")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "InstanceProfileName is required"));
  EXPECT_THAT(
      iam.Apply(Action(
          R"({"Action":"CreateInstanceProfile","InstanceProfileName":"p"})")),
      IsOk());
  EXPECT_THAT(
      iam.Apply(Action(
          R"({"Action":"AddRoleToInstanceProfile","InstanceProfileName":"p"})")),
      StatusIs(absl::StatusCode::kInvalidArgument, "RoleName is required"));
}

}  // namespace
}  // namespace metamock
