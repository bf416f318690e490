#include "server/credentials/credential_minter.h"

#include <gtest/gtest.h>

#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"

namespace metamock {
namespace {

bool AllOf(const std::string& s, absl::string_view alphabet) {
  return s.find_first_not_of(std::string(alphabet)) == std::string::npos;
}

TEST(CredentialMinter, FormatsLikeStsSessionCredentials) {
  CredentialMinter minter(7);
  KeyMaterial keys = minter.Mint("app-role", 0);
  EXPECT_EQ(keys.access_key_id.size(), 20u);
  EXPECT_TRUE(absl::StartsWith(keys.access_key_id, "ASIA"));
  EXPECT_TRUE(AllOf(keys.access_key_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
  EXPECT_EQ(keys.secret_access_key.size(), 40u);
  EXPECT_TRUE(AllOf(keys.secret_access_key,
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    "0123456789+/"));
  EXPECT_EQ(keys.session_token.size(), CredentialMinter::kSessionTokenLength);
  EXPECT_TRUE(absl::StartsWith(keys.session_token, "IQoJb3JpZ2luX2Vj"));
}

TEST(CredentialMinter, TokensCarryTheMetamockMarker) {
  KeyMaterial keys = CredentialMinter(7).Mint("app-role", 3);
  std::string raw;
  ASSERT_TRUE(absl::Base64Unescape(keys.session_token, &raw));
  EXPECT_TRUE(absl::StrContains(raw, "metamock:app-role:3:"));
}

TEST(CredentialMinter, SameSeedRoleAndRotationGiveTheSameKeys) {
  KeyMaterial a = CredentialMinter(42).Mint("app-role", 5);
  KeyMaterial b = CredentialMinter(42).Mint("app-role", 5);
  EXPECT_EQ(a.access_key_id, b.access_key_id);
  EXPECT_EQ(a.secret_access_key, b.secret_access_key);
  EXPECT_EQ(a.session_token, b.session_token);
}

TEST(CredentialMinter, IndependentOfRequestOrder) {
  CredentialMinter minter(42);
  std::string first = minter.Mint("app-role", 2).access_key_id;
  minter.Mint("other", 9);
  minter.Mint("app-role", 1);
  EXPECT_EQ(minter.Mint("app-role", 2).access_key_id, first);
}

TEST(CredentialMinter, SeedRoleAndRotationEachChangeTheKeys) {
  std::set<std::string> ids;
  ids.insert(CredentialMinter(1).Mint("a", 0).access_key_id);
  ids.insert(CredentialMinter(2).Mint("a", 0).access_key_id);
  ids.insert(CredentialMinter(1).Mint("b", 0).access_key_id);
  ids.insert(CredentialMinter(1).Mint("a", 1).access_key_id);
  EXPECT_EQ(ids.size(), 4u);
}

TEST(CredentialMinter, ManyRotationsNeverRepeatAKey) {
  CredentialMinter minter(99);
  std::set<std::string> ids;
  for (int i = 0; i < 2000; ++i) ids.insert(minter.Mint("r", i).access_key_id);
  EXPECT_EQ(ids.size(), 2000u);
}

}  // namespace
}  // namespace metamock
