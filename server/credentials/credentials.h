// One set of temporary credentials, as STS would issue it for a role.
//
// A plain value: thread-compatible.

#ifndef METAMOCK_SERVER_CREDENTIALS_CREDENTIALS_H_
#define METAMOCK_SERVER_CREDENTIALS_CREDENTIALS_H_

#include <string>

#include "absl/time/time.h"

namespace metamock {

struct Credentials {
  std::string access_key_id;      // "ASIA" + 16 characters
  std::string secret_access_key;  // 40 characters
  std::string session_token;      // base64, ~1.1 KB like modern STS tokens
  absl::Time last_updated;        // when this set was issued
  absl::Time expiration;          // when it stops working
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_CREDENTIALS_CREDENTIALS_H_
