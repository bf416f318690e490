// IMDSv2 session tokens, stateless.
//
// A token is 40 bytes, base64url with padding (56 characters, like AWS's):
// a 4-byte version header, the expiry (microseconds since the epoch, virtual
// time), a 12-byte random nonce, and the first 16 bytes of an HMAC-SHA256 of
// all that under a key drawn from the OS at start. Nothing is stored per
// token, so any number of concurrent tokens costs nothing and cannot leak;
// a token from another metamock process (another key) is simply invalid.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_IMDS_TOKEN_CODEC_H_
#define METAMOCK_SERVER_IMDS_TOKEN_CODEC_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/clock/clock.h"

namespace metamock {

class TokenCodec {
 public:
  // The TTL range IMDS accepts on PUT /latest/api/token, in seconds.
  static constexpr int64_t kMinTtlSeconds = 1;
  static constexpr int64_t kMaxTtlSeconds = 21600;

  // Length of every token, in characters.
  static constexpr size_t kTokenLength = 56;

  // Tokens expire by "*clock" (the virtual clock); it must remain live while
  // this TokenCodec is in use. `key` signs the tokens (use NewKey()).
  TokenCodec(Clock* clock, std::string key);
  TokenCodec(const TokenCodec&) = delete;
  TokenCodec& operator=(const TokenCodec&) = delete;

  // A fresh random signing key from the OS.
  static std::string NewKey();

  // A token valid for `ttl_seconds` from now. The caller checks the range.
  std::string Issue(int64_t ttl_seconds) const;

  enum class State {
    kValid,
    kMalformed,  // not a token this process issued (or tampered with)
    kExpired,
  };
  struct Check {
    State state = State::kMalformed;
    // For a valid token, whole seconds until it expires, rounded up (a
    // token issued with TTL n reports n until a full second has passed).
    int64_t remaining_seconds = 0;
  };

  // Checks `token` against the signature and the current time.
  Check Validate(absl::string_view token) const;

 private:
  Clock* const clock_;     // not owned
  const std::string key_;  // immutable after construction
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_IMDS_TOKEN_CODEC_H_
