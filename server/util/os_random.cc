#include "server/util/os_random.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <cstring>

#include "server/util/log.h"

namespace metamock {

std::string OsRandomBytes(size_t count) {
  std::string out(count, '\0');
  if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                              static_cast<int>(count)) != 1) {
    LogError("the system's random number generator failed");
    std::abort();
  }
  return out;
}

uint64_t OsRandomUint64() {
  std::string bytes = OsRandomBytes(sizeof(uint64_t));
  uint64_t value;
  std::memcpy(&value, bytes.data(), sizeof(value));
  return value;
}

}  // namespace metamock
