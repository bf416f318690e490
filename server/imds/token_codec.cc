#include "server/imds/token_codec.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "server/util/os_random.h"

namespace metamock {
namespace {

// Real tokens start `AQAEA`: bytes 01 00 04 00.
constexpr unsigned char kHeader[4] = {0x01, 0x00, 0x04, 0x00};
constexpr size_t kExpiryBytes = 8;
constexpr size_t kNonceBytes = 12;
constexpr size_t kMacBytes = 16;
constexpr size_t kPayloadBytes = sizeof(kHeader) + kExpiryBytes + kNonceBytes;
constexpr size_t kRawBytes = kPayloadBytes + kMacBytes;  // 40
static_assert(kRawBytes == 40, "tokens are 40 bytes, 56 base64 characters");

std::string Mac(const std::string& key, absl::string_view payload) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
       out, &out_len);
  return std::string(reinterpret_cast<const char*>(out), kMacBytes);
}

}  // namespace

TokenCodec::TokenCodec(Clock* clock, std::string key)
    : clock_(clock), key_(std::move(key)) {}

std::string TokenCodec::NewKey() { return OsRandomBytes(32); }

std::string TokenCodec::Issue(int64_t ttl_seconds) const {
  const int64_t expiry =
      absl::ToUnixMicros(clock_->Now() + absl::Seconds(ttl_seconds));
  std::string raw(reinterpret_cast<const char*>(kHeader), sizeof(kHeader));
  for (int shift = 56; shift >= 0; shift -= 8) {
    raw.push_back(
        static_cast<char>((static_cast<uint64_t>(expiry) >> shift) & 0xff));
  }
  raw += OsRandomBytes(kNonceBytes);
  raw += Mac(key_, raw);
  std::string token = absl::Base64Escape(raw);
  // base64url alphabet, keeping the `=` padding as AWS does.
  std::replace(token.begin(), token.end(), '+', '-');
  std::replace(token.begin(), token.end(), '/', '_');
  return token;
}

TokenCodec::Check TokenCodec::Validate(absl::string_view token) const {
  Check check;
  if (token.size() != kTokenLength) return check;
  if (token.find_first_of("+/") != absl::string_view::npos) {
    return check;  // the standard alphabet is not ours
  }
  std::string standard(token);
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  std::string raw;
  if (!absl::Base64Unescape(standard, &raw) || raw.size() != kRawBytes) {
    return check;
  }
  absl::string_view payload(raw.data(), kPayloadBytes);
  std::string expected = Mac(key_, payload);
  if (CRYPTO_memcmp(expected.data(), raw.data() + kPayloadBytes, kMacBytes) !=
      0) {
    return check;
  }
  uint64_t expiry = 0;
  for (size_t i = 0; i < kExpiryBytes; ++i) {
    expiry =
        (expiry << 8) | static_cast<unsigned char>(raw[sizeof(kHeader) + i]);
  }
  const absl::Duration left =
      absl::FromUnixMicros(static_cast<int64_t>(expiry)) - clock_->Now();
  if (left <= absl::ZeroDuration()) {
    check.state = State::kExpired;
    return check;
  }
  check.state = State::kValid;
  check.remaining_seconds =
      absl::ToInt64Seconds(absl::Ceil(left, absl::Seconds(1)));
  return check;
}

}  // namespace metamock
