#include "server/http/http_types.h"

#include <gtest/gtest.h>

namespace metamock {
namespace {

TEST(HttpHeaders, LooksUpCaseInsensitively) {
  HttpHeaders headers;
  headers.Add("X-aws-ec2-metadata-token", "abc");
  EXPECT_EQ(headers.Get("x-AWS-ec2-METADATA-token"), "abc");
  EXPECT_TRUE(headers.Has("X-AWS-EC2-METADATA-TOKEN"));
  EXPECT_FALSE(headers.Get("Host").has_value());
}

TEST(HttpHeaders, SetReplacesEveryCopyAndKeepsOthersInOrder) {
  HttpHeaders headers;
  headers.Add("A", "1");
  headers.Add("b", "2");
  headers.Add("B", "3");
  headers.Set("B", "4");
  ASSERT_EQ(headers.fields().size(), 2u);
  EXPECT_EQ(headers.fields()[0].first, "A");
  EXPECT_EQ(headers.fields()[1].second, "4");
}

}  // namespace
}  // namespace metamock
