#include "server/world/world.h"

#include <gtest/gtest.h>

#include "server/clock/simulated_clock.h"
#include "server/scenario/builtin_scenarios.h"

namespace metamock {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1795428000);

class WorldTest : public ::testing::Test {
 protected:
  std::unique_ptr<World> Make(const Scenario& s) {
    return std::make_unique<World>(std::make_shared<const Scenario>(s), &clock_,
                                   kStart);
  }
  SimulatedClock real_;
  VirtualClock clock_{absl::UnixEpoch(), 1.0, &real_};
};

TEST_F(WorldTest, StartsTheClockAtTheScenarioStartOrTheLoadTime) {
  Scenario s = *HealthyScenario();
  Make(s);
  EXPECT_EQ(clock_.Now(), kStart);
  s.clock.start = kStart - absl::Hours(24);
  s.clock.rate = 0;
  std::unique_ptr<World> world = Make(s);
  EXPECT_EQ(clock_.Now(), kStart - absl::Hours(24));
  EXPECT_EQ(clock_.rate(), 0.0);
  EXPECT_EQ(world->Current().start, kStart - absl::Hours(24));
}

TEST_F(WorldTest, HealthyServesItsRoleByTheSchedule) {
  std::unique_ptr<World> world = Make(*HealthyScenario());
  IamSnapshot iam = world->Iam(kStart + absl::Minutes(61));
  EXPECT_TRUE(iam.associated);
  EXPECT_EQ(iam.info_code, IamInfoCode::kSuccess);
  EXPECT_EQ(iam.profile_arn,
            "arn:aws:iam::123456789012:instance-profile/metamock-ec2-profile");
  EXPECT_EQ(iam.profile_id, "AIPAMETAMOCKPROFILE01");
  ASSERT_TRUE(iam.served.has_value());
  EXPECT_EQ(iam.served->role_name, "metamock-ec2-role");
  EXPECT_TRUE(iam.served->ec2_trusted);
  EXPECT_EQ(iam.served->slot.index, 1);
  EXPECT_EQ(iam.info_last_updated, kStart + absl::Hours(1));
}

TEST_F(WorldTest, NoAssociationMeansNoIam) {
  Scenario s = *HealthyScenario();
  s.profile_associated = false;
  EXPECT_FALSE(Make(s)->Iam(kStart).associated);
}

TEST_F(WorldTest, AProfileWithoutARoleServesNothing) {
  Scenario s = *HealthyScenario();
  s.instance_profile->role.reset();
  IamSnapshot iam = Make(s)->Iam(kStart);
  EXPECT_TRUE(iam.associated);
  EXPECT_EQ(iam.info_code, IamInfoCode::kSuccessWithoutRole);
  EXPECT_FALSE(iam.served.has_value());
}

TEST_F(WorldTest, ARoleThatDoesNotTrustEc2IsServedUntrusted) {
  Scenario s = *HealthyScenario();
  s.roles[0].trusted_services = {"ecs-tasks.amazonaws.com"};
  IamSnapshot iam = Make(s)->Iam(kStart);
  ASSERT_TRUE(iam.served.has_value());
  EXPECT_FALSE(iam.served->ec2_trusted);
}

}  // namespace
}  // namespace metamock
