// Random bytes from the operating system, for secrets that must not be
// predictable (the IMDSv2 token key and nonces). Never seeded.

#ifndef METAMOCK_SERVER_UTIL_OS_RANDOM_H_
#define METAMOCK_SERVER_UTIL_OS_RANDOM_H_

#include <cstdint>
#include <string>

namespace metamock {

// `count` bytes from OpenSSL's CSPRNG (seeded by the OS). Aborts the process
// if the CSPRNG fails, which OpenSSL documents only for an unseeded system.
std::string OsRandomBytes(size_t count);

// A 64-bit value from the same source (the credential seed when --seed is
// not given).
uint64_t OsRandomUint64();

}  // namespace metamock

#endif  // METAMOCK_SERVER_UTIL_OS_RANDOM_H_
