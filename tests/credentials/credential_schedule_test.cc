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
  CredentialTiming timing{absl::Minutes(15), absl::Minutes(60), {}};
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

namespace metamock {
namespace {

CredentialTiming Delayed(absl::Duration from, absl::Duration until) {
  CredentialTiming timing;
  timing.delays.push_back(RotationDelay{from, until});
  return timing;
}

TEST(CredentialScheduleDelays, NoNewSetInsideTheWindow) {
  // rotation-delayed: the first set is not replaced until 20 minutes after
  // it expires.
  CredentialTiming timing = Delayed(absl::ZeroDuration(), absl::Minutes(380));
  for (absl::Duration t : {absl::Minutes(0), absl::Minutes(60),
                           absl::Minutes(360), absl::Minutes(379)}) {
    RotationSlot slot = CurrentRotation(timing, kStart, kStart + t);
    EXPECT_EQ(slot.index, 0) << t;
    EXPECT_EQ(slot.issued, kStart) << t;
    EXPECT_EQ(slot.expires, kStart + absl::Hours(6)) << t;
  }
  RotationSlot replaced =
      CurrentRotation(timing, kStart, kStart + absl::Minutes(380));
  EXPECT_EQ(replaced.index, 1);
  EXPECT_EQ(replaced.issued, kStart + absl::Minutes(380));
  EXPECT_EQ(replaced.expires, kStart + absl::Minutes(380) + absl::Hours(6));
  // Then the hourly schedule resumes at 7 h.
  RotationSlot next = CurrentRotation(timing, kStart, kStart + absl::Hours(7));
  EXPECT_EQ(next.index, 2);
  EXPECT_EQ(next.issued, kStart + absl::Hours(7));
}

TEST(CredentialScheduleDelays, AWindowEndingOnARegularInstantCountsItOnce) {
  CredentialTiming timing = Delayed(absl::Minutes(30), absl::Hours(3));
  EXPECT_EQ(CurrentRotation(timing, kStart, kStart + absl::Minutes(170)).index,
            0);
  RotationSlot at3 = CurrentRotation(timing, kStart, kStart + absl::Hours(3));
  EXPECT_EQ(at3.index, 1);
  EXPECT_EQ(at3.issued, kStart + absl::Hours(3));
  EXPECT_EQ(CurrentRotation(timing, kStart, kStart + absl::Hours(4)).index, 2);
}

TEST(CredentialScheduleDelays, IndicesIncreaseByOneAtEachEvent) {
  // Property: walking forward, the index changes only by +1, exactly when
  // `issued` changes, and `issued` is never after now.
  CredentialTiming timing;
  timing.delays = {RotationDelay{absl::Minutes(90), absl::Minutes(200)},
                   RotationDelay{absl::Hours(5), absl::Minutes(430)}};
  RotationSlot prev = CurrentRotation(timing, kStart, kStart);
  for (int64_t s = 60; s < 12 * 3600; s += 60) {
    absl::Time now = kStart + absl::Seconds(s);
    RotationSlot slot = CurrentRotation(timing, kStart, now);
    EXPECT_LE(slot.issued, now);
    if (slot.issued != prev.issued) {
      EXPECT_EQ(slot.index, prev.index + 1) << s;
      EXPECT_EQ(slot.issued, now) << s;  // the event happened this minute
    } else {
      EXPECT_EQ(slot.index, prev.index) << s;
    }
    prev = slot;
  }
  EXPECT_EQ(CurrentRotation(timing, kStart, kStart + absl::Minutes(200)).issued,
            kStart + absl::Minutes(200));
}

}  // namespace
}  // namespace metamock
