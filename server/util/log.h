// A small logging shim: Debian's Abseil 20220623 has no absl/log.
//
// Lines go to stderr as `metamock: LEVEL: message`. `SetLogQuiet(true)`
// silences everything below kError (the --quiet flag). Never pass a token or
// a credential value to these functions.
//
// All functions are thread-safe.

#ifndef METAMOCK_SERVER_UTIL_LOG_H_
#define METAMOCK_SERVER_UTIL_LOG_H_

#include "absl/strings/string_view.h"

namespace metamock {

enum class LogLevel { kInfo, kWarning, kError };

// Writes one line to stderr unless the level is silenced.
void Log(LogLevel level, absl::string_view message);

inline void LogInfo(absl::string_view message) {
  Log(LogLevel::kInfo, message);
}
inline void LogWarning(absl::string_view message) {
  Log(LogLevel::kWarning, message);
}
inline void LogError(absl::string_view message) {
  Log(LogLevel::kError, message);
}

// When `quiet` is true, only errors are written. Default: false.
void SetLogQuiet(bool quiet);

}  // namespace metamock

#endif  // METAMOCK_SERVER_UTIL_LOG_H_
