#include "server/util/log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace metamock {
namespace {

const absl::Time kNow = absl::FromUnixMillis(1795428000005);

TEST(Log, TextLine) {
  EXPECT_EQ(
      FormatLogLine(LogFormat::kText, LogLevel::kWarning, "careful", kNow),
      "metamock: warning: careful");
}

TEST(Log, JsonLineIsOneObjectEvenForManyLines) {
  const std::string line =
      FormatLogLine(LogFormat::kJson, LogLevel::kError,
                    "a.json:1:2: bad\nb.json:3:4: worse", kNow);
  EXPECT_EQ(line,
            "{\"time\":\"2026-11-23T10:00:00.005Z\",\"level\":\"error\","
            "\"message\":\"a.json:1:2: bad\\nb.json:3:4: worse\"}");
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(Log, JsonQuoteReplacesInvalidUtf8) {
  EXPECT_EQ(JsonQuote("ok \xc3\xa9 \xff"), "\"ok \xc3\xa9 \xEF\xBF\xBD\"");
}

TEST(Log, EscapeForLog) {
  EXPECT_EQ(EscapeForLog("/plain/path-1_2.3~"), "/plain/path-1_2.3~");
  EXPECT_EQ(EscapeForLog("\t\x7f\xc3\xa9"), "\\x09\\x7f\\xc3\\xa9");
}

}  // namespace
}  // namespace metamock
