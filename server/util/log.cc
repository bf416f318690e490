#include "server/util/log.h"

#include <atomic>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"

namespace metamock {
namespace {

std::atomic<bool> quiet{false};

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

}  // namespace

void Log(LogLevel level, absl::string_view message) {
  if (level != LogLevel::kError && quiet.load(std::memory_order_relaxed)) {
    return;
  }
  // One fwrite per line so that concurrent lines do not interleave.
  std::string line =
      absl::StrCat("metamock: ", LevelName(level), ": ", message, "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void SetLogQuiet(bool q) { quiet.store(q, std::memory_order_relaxed); }

}  // namespace metamock
