// A small logging shim: Debian's Abseil 20220623 has no absl/log.
//
// Lines go to stderr, one write per line. In the text format (the default)
// a line reads `metamock: LEVEL: message`; in the JSON format (--log-format
// json) every line is one JSON object, `{"time":"...Z","level":"info",
// "message":"..."}`, so that a machine can parse every line. Access lines
// (one per request) are built by server/app/access_log.h and written with
// LogAccess(). `SetLogQuiet(true)` (--quiet) silences everything but errors.
// Never pass a token or a credential value to these functions.
//
// All functions are thread-safe.

#ifndef METAMOCK_SERVER_UTIL_LOG_H_
#define METAMOCK_SERVER_UTIL_LOG_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace metamock {

enum class LogLevel { kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

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

// Writes `line` (already formatted for LogFormatInUse(), without the
// newline) unless quiet.
void LogAccess(absl::string_view line);

// True when access lines would be written (not quiet): callers skip
// building them otherwise.
bool AccessLogEnabled();

// When `quiet` is true, only errors are written. Default: false.
void SetLogQuiet(bool quiet);

// The format of every line. Default: LogFormat::kText.
void SetLogFormat(LogFormat format);
LogFormat LogFormatInUse();

// The line Log() writes for `level` and `message` in `format` at wall time
// `now` (the JSON format's "time"), without the newline.
std::string FormatLogLine(LogFormat format, LogLevel level,
                          absl::string_view message, absl::Time now);

// `text` as a JSON string value, quotes included; bytes that are not valid
// UTF-8 become U+FFFD.
std::string JsonQuote(absl::string_view text);

// `text` with control characters, spaces, backslashes and bytes >= 0x7f as
// \xNN, so that a logged path cannot forge lines or terminal escapes.
std::string EscapeForLog(absl::string_view text);

}  // namespace metamock

#endif  // METAMOCK_SERVER_UTIL_LOG_H_
