#include "server/imds/token_codec.h"

#include <gtest/gtest.h>

#include <set>

#include "absl/strings/escaping.h"
#include "server/clock/simulated_clock.h"

namespace metamock {
namespace {

class TokenCodecTest : public ::testing::Test {
 protected:
  SimulatedClock clock_{absl::FromUnixSeconds(1795428000)};
  TokenCodec codec_{&clock_, TokenCodec::NewKey()};
};

TEST_F(TokenCodecTest, TokensLookLikeAwsTokens) {
  std::string token = codec_.Issue(21600);
  EXPECT_EQ(token.size(), 56u);
  EXPECT_EQ(token.substr(0, 5), "AQAEA");
  EXPECT_EQ(token.substr(54), "==");
  EXPECT_EQ(token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                "0123456789-_="),
            std::string::npos);
}

TEST_F(TokenCodecTest, EveryTokenIsDifferent) {
  std::set<std::string> tokens;
  for (int i = 0; i < 1000; ++i) tokens.insert(codec_.Issue(60));
  EXPECT_EQ(tokens.size(), 1000u);
}

TEST_F(TokenCodecTest, ReportsRemainingTtlRoundedUp) {
  std::string token = codec_.Issue(21600);
  TokenCodec::Check check = codec_.Validate(token);
  EXPECT_EQ(check.state, TokenCodec::State::kValid);
  EXPECT_EQ(check.remaining_seconds, 21600);
  clock_.Advance(absl::Milliseconds(500));
  EXPECT_EQ(codec_.Validate(token).remaining_seconds, 21600);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(codec_.Validate(token).remaining_seconds, 21599);
}

TEST_F(TokenCodecTest, ExpiresExactlyAtItsTtl) {
  std::string token = codec_.Issue(300);
  clock_.Advance(absl::Seconds(299));
  EXPECT_EQ(codec_.Validate(token).state, TokenCodec::State::kValid);
  EXPECT_EQ(codec_.Validate(token).remaining_seconds, 1);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(codec_.Validate(token).state, TokenCodec::State::kExpired);
}

TEST_F(TokenCodecTest, RejectsTamperedForeignAndMalformedTokens) {
  std::string token = codec_.Issue(300);
  std::string tampered = token;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(codec_.Validate(tampered).state, TokenCodec::State::kMalformed);

  TokenCodec other(&clock_, TokenCodec::NewKey());
  EXPECT_EQ(other.Validate(token).state, TokenCodec::State::kMalformed);

  for (const std::string& bad :
       {std::string(""), std::string("x"), token.substr(0, 55), token + "A",
        std::string(56, '*'), std::string(56, 'A')}) {
    EXPECT_EQ(codec_.Validate(bad).state, TokenCodec::State::kMalformed) << bad;
  }
}

TEST_F(TokenCodecTest, RejectsTheStandardBase64Alphabet) {
  // Find a token with a url-safe character and spell it the standard way.
  for (int i = 0; i < 200; ++i) {
    std::string token = codec_.Issue(300);
    size_t pos = token.find_first_of("-_");
    if (pos == std::string::npos) continue;
    token[pos] = token[pos] == '-' ? '+' : '/';
    EXPECT_EQ(codec_.Validate(token).state, TokenCodec::State::kMalformed);
    return;
  }
  FAIL() << "no token with - or _ in 200 draws";
}

TEST_F(TokenCodecTest, StoresNothingPerToken) {
  // A token issued long ago and a fresh one validate the same way: the
  // codec keeps no table that could grow or be raced on.
  std::string early = codec_.Issue(21600);
  for (int i = 0; i < 10000; ++i) codec_.Issue(1);
  EXPECT_EQ(codec_.Validate(early).state, TokenCodec::State::kValid);
}

}  // namespace
}  // namespace metamock
