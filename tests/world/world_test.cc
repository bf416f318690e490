// The world's rules: every row of DESIGN.md's "When an action becomes
// visible" table, the bundled timelines, reset, reload.

#include "server/world/world.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "server/clock/simulated_clock.h"
#include "tests/testing/scenarios.h"
#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1795428000);  // 10:00Z
constexpr char kRole[] = "metamock-ec2-role";
constexpr char kRole2[] = "metamock-ec2-role-v2";

class WorldTest : public ::testing::Test {
 protected:
  void Load(const std::string& name) {
    world_.Load(Frozen(BundledScenario(name), kStart));
  }
  void Advance(absl::Duration d) { ASSERT_THAT(clock_.Advance(d), IsOk()); }
  // One action (an object) or several as one instant (a list).
  absl::Status Do(const nlohmann::json& actions) {
    std::vector<IamAction> parsed;
    nlohmann::json list =
        actions.is_array() ? actions : nlohmann::json::array({actions});
    for (const nlohmann::json& a : list) {
      IamActionError error;
      std::optional<IamAction> action = ParseIamAction(a, {}, &error);
      EXPECT_TRUE(action.has_value()) << error.message;
      if (action) parsed.push_back(*action);
    }
    return world_.Apply(parsed);
  }
  std::string ServedRole() {
    IamSnapshot iam = world_.Iam();
    return iam.served ? iam.served->role_name : "(nothing)";
  }

  SimulatedClock real_{absl::FromUnixSeconds(1)};
  VirtualClock clock_{absl::UnixEpoch(), 1, &real_};
  World world_{&clock_, &real_};
};

TEST_F(WorldTest, HealthyServesItsRoleByTheSchedule) {
  Load("healthy");
  IamSnapshot iam = world_.Iam();
  EXPECT_TRUE(iam.associated);
  EXPECT_EQ(iam.info_code, IamInfoCode::kSuccess);
  EXPECT_EQ(iam.profile_arn,
            "arn:aws:iam::123456789012:instance-profile/metamock-ec2-profile");
  EXPECT_EQ(iam.profile_id, "AIPAMETAMOCKPROFILE01");
  ASSERT_TRUE(iam.served.has_value());
  EXPECT_EQ(iam.served->role_name, kRole);
  EXPECT_TRUE(iam.served->ec2_trusted);
  EXPECT_EQ(iam.served->slot.index, 0);
  Advance(absl::Minutes(61));
  iam = world_.Iam();
  EXPECT_EQ(iam.served->slot.index, 1);
  EXPECT_EQ(iam.info_last_updated, kStart + absl::Hours(1));
}

TEST_F(WorldTest, StartIsTheScenarioStartOrTheLoadTime) {
  world_.Load(std::make_shared<const Scenario>(HealthyScenario()));
  EXPECT_EQ(world_.Current().start, absl::FromUnixSeconds(1));
  EXPECT_EQ(clock_.Now(), absl::FromUnixSeconds(1));
  Load("healthy");
  EXPECT_EQ(world_.Current().start, kStart);
  EXPECT_EQ(clock_.Now(), kStart);
  EXPECT_EQ(clock_.rate(), 0.0);
}

// Row: RemoveRoleFromInstanceProfile -- info at once; listing and
// credentials 404 at once.
TEST_F(WorldTest, RemovingTheRoleShowsAtOnce) {
  Load("healthy");
  ASSERT_THAT(Do({{"Action", "RemoveRoleFromInstanceProfile"}}), IsOk());
  IamSnapshot iam = world_.Iam();
  EXPECT_EQ(iam.info_code, IamInfoCode::kSuccessWithoutRole);
  EXPECT_FALSE(iam.served.has_value());
}

// Row: AddRoleToInstanceProfile -- info at once; served at the rotation.
TEST_F(WorldTest, AddingARoleIsServedFromTheNextRotation) {
  Load("role-removed-from-profile");
  EXPECT_EQ(ServedRole(), "(nothing)");
  Advance(absl::Minutes(20));
  ASSERT_THAT(Do({{"Action", "AddRoleToInstanceProfile"}}), IsOk());
  EXPECT_EQ(world_.Iam().info_code, IamInfoCode::kSuccess);
  EXPECT_EQ(ServedRole(), "(nothing)");
  Advance(absl::Minutes(39));
  EXPECT_EQ(ServedRole(), "(nothing)");
  Advance(absl::Minutes(1));
  EXPECT_EQ(ServedRole(), kRole);
  EXPECT_EQ(world_.Iam().served->slot.issued, kStart + absl::Hours(1));
}

// Row: replacing the role in one instant -- the old role until the rotation.
TEST_F(WorldTest, ReplacingTheRoleKeepsTheOldOneUntilTheRotation) {
  Scenario s = BundledScenario("role-replaced");
  s.timeline.clear();
  world_.Load(Frozen(s, kStart));
  ASSERT_THAT(
      Do({{{"Action", "RemoveRoleFromInstanceProfile"}},
          {{"Action", "AddRoleToInstanceProfile"}, {"RoleName", kRole2}}}),
      IsOk());
  EXPECT_EQ(world_.Iam().info_code, IamInfoCode::kSuccess);
  EXPECT_EQ(ServedRole(), kRole);
  Advance(absl::Hours(1));
  EXPECT_EQ(ServedRole(), kRole2);
}

// Row: UpdateAssumeRolePolicy -- info unchanged; the document changes at
// the next rotation, both ways.
TEST_F(WorldTest, TrustChangesShowAtTheNextRotation) {
  Load("healthy");
  nlohmann::json ecs_only = {
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Effect", "Allow"},
         {"Principal", {{"Service", "ecs-tasks.amazonaws.com"}}},
         {"Action", "sts:AssumeRole"}}}}};
  ASSERT_THAT(
      Do({{"Action", "UpdateAssumeRolePolicy"}, {"PolicyDocument", ecs_only}}),
      IsOk());
  EXPECT_EQ(world_.Iam().info_code, IamInfoCode::kSuccess);
  EXPECT_TRUE(world_.Iam().served->ec2_trusted);
  Advance(absl::Hours(1));
  EXPECT_FALSE(world_.Iam().served->ec2_trusted);
  nlohmann::json ec2 = ecs_only;
  ec2["Statement"][0]["Principal"]["Service"] = "ec2.amazonaws.com";
  // The policy may also come as a string, as the IAM API takes it.
  ASSERT_THAT(Do({{"Action", "UpdateAssumeRolePolicy"},
                  {"PolicyDocument", ec2.dump()}}),
              IsOk());
  EXPECT_FALSE(world_.Iam().served->ec2_trusted);
  Advance(absl::Hours(1));
  EXPECT_TRUE(world_.Iam().served->ec2_trusted);
}

// Row: DeleteInstanceProfile -- InstanceProfileNotFound and 404s at once.
TEST_F(WorldTest, DeletingTheProfileShowsAtOnce) {
  Load("healthy");
  ASSERT_THAT(Do({{{"Action", "RemoveRoleFromInstanceProfile"}},
                  {{"Action", "DeleteInstanceProfile"}}}),
              IsOk());
  IamSnapshot iam = world_.Iam();
  EXPECT_TRUE(iam.associated);
  EXPECT_EQ(iam.info_code, IamInfoCode::kInstanceProfileNotFound);
  EXPECT_EQ(iam.profile_id, "AIPAMETAMOCKPROFILE01");
  EXPECT_FALSE(iam.served.has_value());
}

// Row: CreateInstanceProfile with the same name -- still not found.
TEST_F(WorldTest, RecreatingTheProfileGivesANewIdTheInstanceDoesNotHold) {
  Load("instance-profile-recreated");
  IamSnapshot iam = world_.Iam();
  EXPECT_EQ(iam.info_code, IamInfoCode::kInstanceProfileNotFound);
  EXPECT_FALSE(iam.served.has_value());
  Advance(absl::Hours(3));
  EXPECT_FALSE(world_.Iam().served.has_value());
  nlohmann::ordered_json json = world_.ToJson();
  const std::string new_id = json["InstanceProfiles"][0]["InstanceProfileId"];
  EXPECT_EQ(json["InstanceProfiles"][0]["InstanceProfileName"],
            "metamock-ec2-profile");
  EXPECT_NE(new_id, "AIPAMETAMOCKPROFILE01");
  EXPECT_EQ(new_id.size(), 21u);
  EXPECT_EQ(json["Instance"]["IamInstanceProfileId"], "AIPAMETAMOCKPROFILE01");
}

// Rows: Disassociate -- iam/ leaves at once; Associate -- info at once,
// served at the rotation.
TEST_F(WorldTest, AssociationChanges) {
  Load("healthy");
  ASSERT_THAT(Do({{"Action", "DisassociateIamInstanceProfile"}}), IsOk());
  EXPECT_FALSE(world_.Iam().associated);
  EXPECT_FALSE(world_.Iam().served.has_value());
  Advance(absl::Minutes(10));
  ASSERT_THAT(Do({{"Action", "AssociateIamInstanceProfile"},
                  {"IamInstanceProfile", {{"Name", "metamock-ec2-profile"}}}}),
              IsOk());
  EXPECT_TRUE(world_.Iam().associated);
  EXPECT_EQ(world_.Iam().info_code, IamInfoCode::kSuccess);
  EXPECT_EQ(ServedRole(), "(nothing)");
  Advance(absl::Minutes(50));
  EXPECT_EQ(ServedRole(), kRole);
}

TEST_F(WorldTest, ReplacingTheAssociationShowsTheNewRoleAtTheRotation) {
  Scenario s = BundledScenario("role-replaced");
  s.timeline.clear();
  world_.Load(Frozen(s, kStart));
  ASSERT_THAT(Do({{{"Action", "CreateInstanceProfile"},
                   {"InstanceProfileName", "second"}},
                  {{"Action", "AddRoleToInstanceProfile"},
                   {"InstanceProfileName", "second"},
                   {"RoleName", kRole2}}}),
              IsOk());
  ASSERT_THAT(
      Do({{"Action", "ReplaceIamInstanceProfileAssociation"},
          {"IamInstanceProfile",
           {{"Arn", "arn:aws:iam::123456789012:instance-profile/second"}}}}),
      IsOk());
  IamSnapshot iam = world_.Iam();
  EXPECT_EQ(iam.profile_arn,
            "arn:aws:iam::123456789012:instance-profile/second");
  EXPECT_EQ(ServedRole(), kRole);
  Advance(absl::Hours(1));
  EXPECT_EQ(ServedRole(), kRole2);
}

TEST_F(WorldTest, RoleReplacedTimeline) {
  Load("role-replaced");
  Advance(absl::Minutes(4));
  EXPECT_EQ(ServedRole(), kRole);
  Advance(absl::Minutes(1));  // +5m: replaced
  EXPECT_EQ(world_.ToJson()["InstanceProfiles"][0]["Roles"][0], kRole2);
  EXPECT_EQ(ServedRole(), kRole);
  Advance(absl::Minutes(54));  // +59m
  EXPECT_EQ(ServedRole(), kRole);
  Advance(absl::Minutes(1));  // +60m: the rotation
  EXPECT_EQ(ServedRole(), kRole2);
  EXPECT_EQ(world_.Iam().served->slot.index, 1);
}

TEST_F(WorldTest, RoleReaddedTimeline) {
  Load("role-readded");
  EXPECT_EQ(ServedRole(), kRole);
  Advance(absl::Minutes(5));
  EXPECT_EQ(ServedRole(), "(nothing)");
  EXPECT_EQ(world_.Iam().info_code, IamInfoCode::kSuccessWithoutRole);
  Advance(absl::Minutes(5));  // +10m: back in the profile
  EXPECT_EQ(world_.Iam().info_code, IamInfoCode::kSuccess);
  EXPECT_EQ(ServedRole(), "(nothing)");
  Advance(absl::Minutes(50));  // +60m
  EXPECT_EQ(ServedRole(), kRole);
}

TEST_F(WorldTest, OneBigAdvanceAppliesEverythingInOrder) {
  Load("role-readded");
  Advance(absl::Hours(2) + absl::Minutes(1));
  EXPECT_EQ(ServedRole(), kRole);
  EXPECT_EQ(world_.Iam().served->slot.index, 2);
}

TEST_F(WorldTest, RotationDelayedServesExpiredCredentials) {
  Load("rotation-delayed");
  Advance(absl::Hours(6) + absl::Minutes(10));
  IamSnapshot iam = world_.Iam();
  EXPECT_EQ(iam.served->slot.index, 0);
  EXPECT_EQ(iam.served->slot.expires, kStart + absl::Hours(6));
  Advance(absl::Minutes(10));
  EXPECT_EQ(world_.Iam().served->slot.index, 1);
  EXPECT_EQ(world_.Iam().served->slot.issued,
            kStart + absl::Hours(6) + absl::Minutes(20));
}

TEST_F(WorldTest, ARefusedActionChangesNothing) {
  Load("healthy");
  const std::string before = world_.ToJson().dump();
  EXPECT_THAT(Do({{"Action", "AddRoleToInstanceProfile"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "LimitExceeded"));
  EXPECT_THAT(Do({{"Action", "DeleteInstanceProfile"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "DeleteConflict"));
  // A list is all or nothing: the first action would work on its own.
  EXPECT_THAT(Do({{{"Action", "RemoveRoleFromInstanceProfile"}},
                  {{"Action", "RemoveRoleFromInstanceProfile"}}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "NoSuchEntity"));
  EXPECT_EQ(world_.ToJson().dump(), before);
  EXPECT_EQ(ServedRole(), kRole);
}

TEST_F(WorldTest, ResetRestartsAtTheStartWithTheInitialState) {
  Load("role-readded");
  Advance(absl::Minutes(7));
  ASSERT_THAT(Do({{"Action", "DisassociateIamInstanceProfile"}}), IsOk());
  const int64_t generation = world_.Current().generation;
  world_.Reset();
  EXPECT_EQ(clock_.Now(), kStart);
  EXPECT_EQ(ServedRole(), kRole);
  EXPECT_TRUE(world_.Iam().associated);
  EXPECT_EQ(world_.Current().generation, generation);
  Load("healthy");
  EXPECT_EQ(world_.Current().generation, generation + 1);
}

TEST_F(WorldTest, ReadersNeverSeeAHalfLoadedWorld) {
  Load("healthy");
  auto healthy = Frozen(BundledScenario("healthy"), kStart);
  auto absent = Frozen(BundledScenario("no-instance-profile"), kStart);
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!stop) {
      IamSnapshot iam = world_.Iam();
      const bool is_healthy = iam.associated && iam.served &&
                              iam.served->role_name == kRole &&
                              iam.info_code == IamInfoCode::kSuccess;
      const bool is_absent = !iam.associated && !iam.served;
      if (!is_healthy && !is_absent) ++bad;
    }
  });
  for (int i = 0; i < 2000; ++i) world_.Load(i % 2 ? healthy : absent);
  stop = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace metamock
