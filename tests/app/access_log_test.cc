#include "server/app/access_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace metamock {
namespace {

const absl::Time kNow = absl::FromUnixMillis(1795428000123);  // 10:00:00.123Z

JournalEntry Entry() {
  JournalEntry e;
  e.endpoint = "imds";
  e.client = "127.0.0.1";
  e.method = "GET";
  e.path = "/latest/meta-data/iam/info";
  e.status = 200;
  e.latency_ms = 0.2104;
  return e;
}

TEST(AccessLog, TextLine) {
  EXPECT_EQ(AccessLine(Entry(), LogFormat::kText, kNow),
            "metamock: access: imds 127.0.0.1 GET /latest/meta-data/iam/info "
            "200 0.210ms");
  JournalEntry faulted = Entry();
  faulted.status.reset();  // a hang: nothing was sent
  faulted.fault = "f2";
  EXPECT_EQ(AccessLine(faulted, LogFormat::kText, kNow),
            "metamock: access: imds 127.0.0.1 GET /latest/meta-data/iam/info "
            "- 0.210ms fault=f2");
}

TEST(AccessLog, TextEscapesWhatCouldForgeALine) {
  JournalEntry e = Entry();
  e.path = "/a b\n\x1b[31m\\";
  EXPECT_EQ(AccessLine(e, LogFormat::kText, kNow),
            "metamock: access: imds 127.0.0.1 GET "
            "/a\\x20b\\x0a\\x1b[31m\\x5c 200 0.210ms");
}

TEST(AccessLog, JsonLine) {
  EXPECT_EQ(AccessLine(Entry(), LogFormat::kJson, kNow),
            "{\"time\":\"2026-11-23T10:00:00.123Z\",\"level\":\"info\","
            "\"event\":\"request\",\"endpoint\":\"imds\",\"client\":"
            "\"127.0.0.1\",\"method\":\"GET\",\"path\":"
            "\"/latest/meta-data/iam/info\",\"status\":200,\"fault\":null,"
            "\"latency_ms\":0.210}");
}

TEST(AccessLog, JsonLineParsesWhateverThePath) {
  JournalEntry e = Entry();
  e.path = "/\xff\xfe\"\n";  // not UTF-8, a quote, a newline
  e.status.reset();
  e.fault = "f1";
  nlohmann::json j =
      nlohmann::json::parse(AccessLine(e, LogFormat::kJson, kNow));
  EXPECT_EQ(j["path"], "/\xEF\xBF\xBD\xEF\xBF\xBD\"\n");
  EXPECT_TRUE(j["status"].is_null());
  EXPECT_EQ(j["fault"], "f1");
}

}  // namespace
}  // namespace metamock
