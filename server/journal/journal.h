// The request journal: every request to IMDS, ECS and EKS (not to the
// control API), so that tests can assert what a client did.
//
// A bounded ring: the newest `capacity` entries are kept, each numbered by
// a sequence that never repeats, so `since` polling works across the ring
// wrapping. Recording takes one short lock; token and credential values
// are never stored, only whether they were present.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_JOURNAL_JOURNAL_H_
#define METAMOCK_SERVER_JOURNAL_JOURNAL_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/util/mutex.h"

namespace metamock {

struct JournalEntry {
  int64_t seq = 0;       // assigned by Record(), from 1
  absl::Time time;       // virtual time of the request
  std::string client;    // the client's IP
  std::string endpoint;  // "imds", "ecs" or "eks"
  std::string method;
  std::string path;
  std::optional<int> status;   // absent: no answer was sent (a hang)
  std::string fault;           // the fault rule that fired, "" for none
  double latency_ms = 0;       // real time spent answering
  bool token = false;          // X-aws-ec2-metadata-token present
  std::string ttl_header;      // X-aws-ec2-metadata-token-ttl-seconds
  bool authorization = false;  // Authorization present
  std::string user_agent;
  std::string forwarded_for;  // X-Forwarded-For
};

// Which entries a query returns.
struct JournalFilter {
  std::string endpoint;       // "" for any
  std::string path;           // "" for any; exact match
  std::string method;         // "" for any
  std::optional<int> status;  // any when absent
  int64_t since = 0;          // entries with seq > since
  size_t limit = SIZE_MAX;    // at most this many, oldest first
};

class Journal {
 public:
  // Keeps the newest `capacity` entries (at least 1).
  explicit Journal(size_t capacity);
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Numbers and stores `entry`; returns its seq.
  int64_t Record(JournalEntry entry) ABSL_LOCKS_EXCLUDED(mu_);

  // The matching entries, oldest first.
  std::vector<JournalEntry> Query(const JournalFilter& filter)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Forgets every entry (sequence numbers go on).
  void Clear() ABSL_LOCKS_EXCLUDED(mu_);

  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;  // immutable after construction
  Mutex mu_;
  std::vector<JournalEntry> ring_ ABSL_GUARDED_BY(mu_);  // grows to capacity_
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;  // where the next entry goes
  int64_t last_seq_ ABSL_GUARDED_BY(mu_) = 0;
};

// An entry as GET /_metamock/requests shows it.
nlohmann::ordered_json JournalEntryJson(const JournalEntry& entry);

}  // namespace metamock

#endif  // METAMOCK_SERVER_JOURNAL_JOURNAL_H_
