#include "server/journal/journal.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

namespace metamock {
namespace {

JournalEntry Entry(const std::string& endpoint, const std::string& path,
                   int status) {
  JournalEntry e;
  e.endpoint = endpoint;
  e.method = "GET";
  e.path = path;
  e.status = status;
  e.client = "127.0.0.1";
  return e;
}

TEST(Journal, NumbersEntriesAndFilters) {
  Journal journal(100);
  EXPECT_EQ(journal.Record(Entry("imds", "/latest/api/token", 200)), 1);
  EXPECT_EQ(journal.Record(Entry("imds", "/latest/meta-data/", 401)), 2);
  EXPECT_EQ(journal.Record(Entry("ecs", "/v2/credentials/x", 200)), 3);
  EXPECT_EQ(journal.Query({}).size(), 3u);
  JournalFilter imds;
  imds.endpoint = "imds";
  EXPECT_EQ(journal.Query(imds).size(), 2u);
  JournalFilter status;
  status.status = 401;
  ASSERT_EQ(journal.Query(status).size(), 1u);
  EXPECT_EQ(journal.Query(status)[0].seq, 2);
  JournalFilter since;
  since.since = 1;
  since.limit = 1;
  ASSERT_EQ(journal.Query(since).size(), 1u);
  EXPECT_EQ(journal.Query(since)[0].seq, 2);
  JournalFilter path;
  path.path = "/v2/credentials/x";
  EXPECT_EQ(journal.Query(path).size(), 1u);
}

TEST(Journal, IsARingThatKeepsTheNewest) {
  Journal journal(3);
  for (int i = 0; i < 10; ++i) journal.Record(Entry("imds", "/", 200));
  std::vector<JournalEntry> all = journal.Query({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].seq, 8);
  EXPECT_EQ(all[2].seq, 10);
  journal.Clear();
  EXPECT_TRUE(journal.Query({}).empty());
  EXPECT_EQ(journal.Record(Entry("imds", "/", 200)), 11);  // seq goes on
}

TEST(Journal, ConcurrentWritersLoseNothing) {
  Journal journal(100000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&journal, t] {
      for (int i = 0; i < 5000; ++i) {
        journal.Record(Entry("imds", "/t" + std::to_string(t), 200));
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<JournalEntry> all = journal.Query({});
  ASSERT_EQ(all.size(), 40000u);
  std::set<int64_t> seqs;
  for (const JournalEntry& e : all) {
    seqs.insert(e.seq);
    EXPECT_EQ(e.path.substr(0, 2), "/t");  // no torn entries
  }
  EXPECT_EQ(seqs.size(), 40000u);
  EXPECT_EQ(*seqs.begin(), 1);
  EXPECT_EQ(*seqs.rbegin(), 40000);
}

TEST(Journal, JsonHasTheDocumentedFields) {
  JournalEntry e = Entry("imds", "/latest/meta-data/", 200);
  e.seq = 7;
  e.time = absl::FromUnixSeconds(1795428000);
  e.latency_ms = 0.21349;
  e.token = true;
  EXPECT_EQ(JournalEntryJson(e).dump(),
            "{\"seq\":7,\"time\":\"2026-11-23T10:00:00Z\",\"client\":"
            "\"127.0.0.1\",\"endpoint\":\"imds\",\"method\":\"GET\",\"path\":"
            "\"/latest/meta-data/\",\"status\":200,\"fault\":null,"
            "\"latency_ms\":0.213,\"token\":true,\"ttl_header\":null,"
            "\"authorization\":false,\"user_agent\":\"\",\"forwarded_for\":"
            "null}");
  e.status.reset();
  EXPECT_TRUE(JournalEntryJson(e)["status"].is_null());
}

}  // namespace
}  // namespace metamock
