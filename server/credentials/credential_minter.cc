#include "server/credentials/credential_minter.h"

#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace metamock {
namespace {

// FNV-1a: a hash that is the same on every platform (std::hash is not).
uint64_t StableHash(absl::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// Draws characters from raw engine output (no std distributions, whose
// results differ between standard libraries).
std::string Draw(std::mt19937_64& engine, absl::string_view alphabet,
                 size_t count) {
  std::string out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    out.push_back(alphabet[engine() % alphabet.size()]);
  }
  return out;
}

constexpr absl::string_view kKeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr absl::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Today's STS session tokens decode to bytes that start like this, which is
// why they all begin `IQoJb3JpZ2luX2Vj`.
constexpr absl::string_view kTokenPrefix = "!\n\torigin_ec";

}  // namespace

KeyMaterial CredentialMinter::Mint(absl::string_view role_name,
                                   int64_t rotation_index) const {
  std::seed_seq seq{
      static_cast<uint32_t>(seed_),
      static_cast<uint32_t>(seed_ >> 32),
      static_cast<uint32_t>(StableHash(role_name)),
      static_cast<uint32_t>(StableHash(role_name) >> 32),
      static_cast<uint32_t>(rotation_index),
      static_cast<uint32_t>(static_cast<uint64_t>(rotation_index) >> 32)};
  std::mt19937_64 engine(seq);

  KeyMaterial out;
  out.access_key_id = absl::StrCat("ASIA", Draw(engine, kKeyIdAlphabet, 16));
  out.secret_access_key = Draw(engine, kSecretAlphabet, 40);

  // 840 raw bytes encode to exactly kSessionTokenLength base64 characters.
  std::string raw(kTokenPrefix);
  absl::StrAppend(&raw, kTokenMarker, ":", role_name, ":", rotation_index, ":");
  const size_t raw_length = kSessionTokenLength / 4 * 3;
  while (raw.size() < raw_length) {
    raw.push_back(static_cast<char>(engine() & 0xff));
  }
  raw.resize(raw_length);
  out.session_token = absl::Base64Escape(raw);
  return out;
}

}  // namespace metamock
