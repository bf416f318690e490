#include "server/app/access_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace metamock {

std::string AccessLine(const JournalEntry& entry, LogFormat format,
                       absl::Time now) {
  const std::string latency = absl::StrFormat("%.3f", entry.latency_ms);
  if (format == LogFormat::kJson) {
    return absl::StrCat(
        "{\"time\":",
        JsonQuote(
            absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone())),
        ",\"level\":\"info\",\"event\":\"request\",\"endpoint\":",
        JsonQuote(entry.endpoint), ",\"client\":", JsonQuote(entry.client),
        ",\"method\":", JsonQuote(entry.method),
        ",\"path\":", JsonQuote(entry.path),
        ",\"status\":", entry.status ? absl::StrCat(*entry.status) : "null",
        ",\"fault\":", entry.fault.empty() ? "null" : JsonQuote(entry.fault),
        ",\"latency_ms\":", latency, "}");
  }
  return absl::StrCat(
      "metamock: access: ", entry.endpoint, " ", entry.client, " ",
      EscapeForLog(entry.method), " ", EscapeForLog(entry.path), " ",
      entry.status ? absl::StrCat(*entry.status) : "-", " ", latency, "ms",
      entry.fault.empty() ? "" : absl::StrCat(" fault=", entry.fault));
}

}  // namespace metamock
