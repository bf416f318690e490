#include "server/credentials/credential_schedule.h"

#include <gtest/gtest.h>

namespace metamock {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1795428000);

TEST(CredentialSchedule, SlotZeroAtTheStart) {
  RotationSlot slot = CurrentRotation(CredentialTiming{}, kStart, kStart);
  EXPECT_EQ(slot.index, 0);
  EXPECT_EQ(slot.issued, kStart);
  EXPECT_EQ(slot.expires, kStart + absl::Hours(6));
}

TEST(CredentialSchedule, RotatesEveryPeriod) {
  CredentialTiming timing;
  EXPECT_EQ(CurrentRotation(timing, kStart, kStart + absl::Minutes(59)).index,
            0);
  EXPECT_EQ(CurrentRotation(timing, kStart, kStart + absl::Minutes(60)).index,
            1);
  RotationSlot slot =
      CurrentRotation(timing, kStart, kStart + absl::Minutes(185));
  EXPECT_EQ(slot.index, 3);
  EXPECT_EQ(slot.issued, kStart + absl::Hours(3));
  EXPECT_EQ(slot.expires, kStart + absl::Hours(9));
}

TEST(CredentialSchedule, ServedSetIsNewestAndOutlivesNowByFiveMinutes) {
  // Property: at any time, the current set was issued at or before now,
  // the next one is not issued yet, and the current one expires at least
  // five minutes after now (AWS's promise).
  CredentialTiming timing;
  for (int64_t s = 0; s < 3 * 24 * 3600; s += 97) {
    absl::Time now = kStart + absl::Seconds(s);
    RotationSlot slot = CurrentRotation(timing, kStart, now);
    EXPECT_LE(slot.issued, now);
    EXPECT_GT(slot.issued + timing.rotation_period, now);
    EXPECT_GE(slot.expires - now, absl::Minutes(5));
  }
}

TEST(CredentialSchedule, CustomTimingIsHonoured) {
  CredentialTiming timing{absl::Minutes(15), absl::Minutes(60)};
  RotationSlot slot =
      CurrentRotation(timing, kStart, kStart + absl::Minutes(31));
  EXPECT_EQ(slot.index, 2);
  EXPECT_EQ(slot.expires, kStart + absl::Minutes(90));
}

TEST(CredentialSchedule, CredentialsCarryTheSlotTimes) {
  CredentialMinter minter(1);
  RotationSlot slot =
      CurrentRotation(CredentialTiming{}, kStart, kStart + absl::Hours(2));
  Credentials c = CredentialsFor(minter, "r", slot);
  EXPECT_EQ(c.last_updated, kStart + absl::Hours(2));
  EXPECT_EQ(c.expiration, kStart + absl::Hours(8));
  EXPECT_EQ(c.access_key_id, minter.Mint("r", 2).access_key_id);
}

}  // namespace
}  // namespace metamock
