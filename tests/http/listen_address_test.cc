#include "server/http/listen_address.h"

#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace metamock {
namespace {

TEST(ListenAddress, ParsesIpv4AndBracketedIpv6) {
  absl::StatusOr<ListenAddress> v4 = ParseListenAddress("127.0.0.1:1338");
  ASSERT_THAT(v4, IsOk());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 1338);
  EXPECT_FALSE(v4->is_ipv6());
  absl::StatusOr<ListenAddress> v6 = ParseListenAddress("[::1]:0");
  ASSERT_THAT(v6, IsOk());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  EXPECT_TRUE(v6->is_ipv6());
}

TEST(ListenAddress, PrintsUrls) {
  EXPECT_EQ(ListenUrl(ListenAddress{"127.0.0.1", 0}, 4242),
            "http://127.0.0.1:4242");
  EXPECT_EQ(ListenUrl(ListenAddress{"::1", 0}, 4242), "http://[::1]:4242");
}

TEST(ListenAddress, KnowsLoopback) {
  EXPECT_TRUE(ListenAddress{"127.0.0.1"}.is_loopback());
  EXPECT_TRUE(ListenAddress{"127.3.4.5"}.is_loopback());
  EXPECT_TRUE(ListenAddress{"::1"}.is_loopback());
  EXPECT_FALSE(ListenAddress{"0.0.0.0"}.is_loopback());
  EXPECT_FALSE(ListenAddress{"::"}.is_loopback());
}

TEST(ListenAddress, RejectsBadInputWithAReason) {
  for (const char* bad :
       {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:65536",
        "127.0.0.1:-1", "localhost:1338", "::1:1338", "[::1]", "[::1]1338",
        "[127.0.0.1]:80", "[::1:80", "1.2.3:80", "127.0.0.1:+80"}) {
    EXPECT_THAT(ParseListenAddress(bad),
                StatusIs(absl::StatusCode::kInvalidArgument, "ADDR:PORT"))
        << bad;
  }
}

}  // namespace
}  // namespace metamock
