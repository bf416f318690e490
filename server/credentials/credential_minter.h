// Mints the key material of credential sets.
//
// Each set is drawn from a std::mt19937_64 seeded by (seed, role, rotation
// index) alone, so the same seed gives the same keys for the same role and
// rotation on every platform, whatever order requests come in. The values
// are random and fake: access key ids start with ASIA like STS session keys,
// and the session token, once base64-decoded, starts like a modern STS token
// and carries the marker `metamock` so anyone who finds one in a log can tell
// where it came from.
//
// Minting depends only on immutable state: this class is thread-safe.

#ifndef METAMOCK_SERVER_CREDENTIALS_CREDENTIAL_MINTER_H_
#define METAMOCK_SERVER_CREDENTIALS_CREDENTIAL_MINTER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace metamock {

// The random parts of a credential set.
struct KeyMaterial {
  std::string access_key_id;      // "ASIA" + 16 of [A-Z2-7]
  std::string secret_access_key;  // 40 of [A-Za-z0-9+/]
  std::string session_token;      // standard base64 of a marked blob
};

class CredentialMinter {
 public:
  // The marker every decoded session token contains.
  static constexpr absl::string_view kTokenMarker = "metamock";

  // Length of every session token, in characters (~1.1 KB, as today's STS
  // tokens for instance roles).
  static constexpr size_t kSessionTokenLength = 1120;

  // `seed` is --seed, or a value drawn from the OS once at startup.
  explicit CredentialMinter(uint64_t seed) : seed_(seed) {}
  CredentialMinter(const CredentialMinter&) = delete;
  CredentialMinter& operator=(const CredentialMinter&) = delete;

  // The key material for `role_name`'s credential set number
  // `rotation_index` (0 for the set issued at the scenario's start).
  KeyMaterial Mint(absl::string_view role_name, int64_t rotation_index) const;

  uint64_t seed() const { return seed_; }

 private:
  const uint64_t seed_;  // immutable after construction
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_CREDENTIALS_CREDENTIAL_MINTER_H_
