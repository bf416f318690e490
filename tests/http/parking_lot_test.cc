#include "server/http/parking_lot.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/time/clock.h"
#include "server/clock/simulated_clock.h"

namespace metamock {
namespace {

// A connected pair: [0] plays the server's accepted socket, [1] the client.
struct Pair {
  Pair() { socketpair(AF_UNIX, SOCK_STREAM, 0, fds); }
  ~Pair() {
    close(fds[0]);
    close(fds[1]);
  }
  // True if the client end has seen the peer close (EOF), within `wait`.
  bool ClientSeesEof(absl::Duration wait) {
    const absl::Time deadline = absl::Now() + wait;
    char c;
    while (absl::Now() < deadline) {
      ssize_t n = recv(fds[1], &c, 1, MSG_DONTWAIT);
      if (n == 0) return true;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return false;
  }
  int fds[2];
};

TEST(ParkingLot, KeepsTheClientWaitingUntilTheBound) {
  SimulatedClock clock;
  ParkingLot lot(&clock, absl::Seconds(60), 10);
  Pair pair;
  ASSERT_TRUE(lot.Park(pair.fds[0]));
  EXPECT_EQ(lot.size(), 1u);
  // The worker's descriptor now leads to /dev/null: writes vanish.
  EXPECT_EQ(write(pair.fds[0], "HTTP/1.1 200 OK\r\n", 17), 17);
  EXPECT_FALSE(pair.ClientSeesEof(absl::Milliseconds(300)));
  clock.Advance(absl::Seconds(60));
  EXPECT_TRUE(pair.ClientSeesEof(absl::Seconds(2)));
  EXPECT_EQ(lot.size(), 0u);
}

TEST(ParkingLot, EvictsTheOldestWhenFull) {
  SimulatedClock clock;
  ParkingLot lot(&clock, absl::Hours(1), 2);
  Pair a, b, c;
  ASSERT_TRUE(lot.Park(a.fds[0]));
  ASSERT_TRUE(lot.Park(b.fds[0]));
  ASSERT_TRUE(lot.Park(c.fds[0]));
  EXPECT_EQ(lot.size(), 2u);
  EXPECT_TRUE(a.ClientSeesEof(absl::Seconds(1)));
  EXPECT_FALSE(b.ClientSeesEof(absl::Milliseconds(50)));
}

TEST(ParkingLot, CloseAllAndDestructionReleaseEveryone) {
  SimulatedClock clock;
  Pair a, b;
  {
    ParkingLot lot(&clock, absl::Hours(1), 10);
    ASSERT_TRUE(lot.Park(a.fds[0]));
    lot.CloseAll();
    EXPECT_TRUE(a.ClientSeesEof(absl::Seconds(1)));
    ASSERT_TRUE(lot.Park(b.fds[0]));
  }
  EXPECT_TRUE(b.ClientSeesEof(absl::Seconds(1)));
}

TEST(ParkingLot, RefusesABadDescriptor) {
  SimulatedClock clock;
  ParkingLot lot(&clock, absl::Seconds(1), 1);
  EXPECT_FALSE(lot.Park(-1));
  EXPECT_EQ(lot.size(), 0u);
}

}  // namespace
}  // namespace metamock
