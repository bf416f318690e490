#include "server/util/log.h"

#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace metamock {
namespace {

std::atomic<bool> quiet{false};
std::atomic<LogFormat> format_in_use{LogFormat::kText};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

// One fwrite per line so that concurrent lines do not interleave (stderr
// is unbuffered, and glibc locks the stream for each call).
void WriteLine(absl::string_view line) {
  std::string out = absl::StrCat(line, "\n");
  std::fwrite(out.data(), 1, out.size(), stderr);
}

}  // namespace

std::string JsonQuote(absl::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string EscapeForLog(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c <= 0x20 || c >= 0x7f || c == '\\') {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string FormatLogLine(LogFormat format, LogLevel level,
                          absl::string_view message, absl::Time now) {
  if (format == LogFormat::kJson) {
    return absl::StrCat("{\"time\":",
                        JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now,
                                                   absl::UTCTimeZone())),
                        ",\"level\":\"", LevelName(level),
                        "\",\"message\":", JsonQuote(message), "}");
  }
  return absl::StrCat("metamock: ", LevelName(level), ": ", message);
}

void Log(LogLevel level, absl::string_view message) {
  if (level != LogLevel::kError && quiet.load(std::memory_order_relaxed)) {
    return;
  }
  WriteLine(FormatLogLine(LogFormatInUse(), level, message, absl::Now()));
}

void LogAccess(absl::string_view line) {
  if (!AccessLogEnabled()) return;
  WriteLine(line);
}

bool AccessLogEnabled() { return !quiet.load(std::memory_order_relaxed); }

void SetLogQuiet(bool q) { quiet.store(q, std::memory_order_relaxed); }

void SetLogFormat(LogFormat format) {
  format_in_use.store(format, std::memory_order_relaxed);
}

LogFormat LogFormatInUse() {
  return format_in_use.load(std::memory_order_relaxed);
}

}  // namespace metamock
