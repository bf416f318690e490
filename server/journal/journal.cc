#include "server/journal/journal.h"

#include <algorithm>
#include <cmath>

#include "server/util/aws_time.h"

namespace metamock {

Journal::Journal(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

int64_t Journal::Record(JournalEntry entry) {
  MutexLock lock(&mu_);
  entry.seq = ++last_seq_;
  const int64_t seq = entry.seq;
  if (ring_.size() < capacity_) {
    ring_.push_back(std::move(entry));
  } else {
    ring_[next_] = std::move(entry);
  }
  next_ = (next_ + 1) % capacity_;
  return seq;
}

std::vector<JournalEntry> Journal::Query(const JournalFilter& filter) {
  std::vector<JournalEntry> out;
  MutexLock lock(&mu_);
  // The oldest entry sits at next_ once the ring is full, else at 0.
  const size_t n = ring_.size();
  const size_t oldest = n < capacity_ ? 0 : next_;
  for (size_t i = 0; i < n && out.size() < filter.limit; ++i) {
    const JournalEntry& e = ring_[(oldest + i) % n];
    if (e.seq <= filter.since) continue;
    if (!filter.endpoint.empty() && e.endpoint != filter.endpoint) continue;
    if (!filter.path.empty() && e.path != filter.path) continue;
    if (!filter.method.empty() && e.method != filter.method) continue;
    if (filter.status && e.status != filter.status) continue;
    out.push_back(e);
  }
  return out;
}

void Journal::Clear() {
  MutexLock lock(&mu_);
  ring_.clear();
  next_ = 0;
}

nlohmann::ordered_json JournalEntryJson(const JournalEntry& e) {
  nlohmann::ordered_json j;
  j["seq"] = e.seq;
  j["time"] = FormatAwsTimestamp(e.time);
  j["client"] = e.client;
  j["endpoint"] = e.endpoint;
  j["method"] = e.method;
  j["path"] = e.path;
  j["status"] = e.status ? nlohmann::ordered_json(*e.status) : nullptr;
  j["fault"] = e.fault.empty() ? nlohmann::ordered_json(nullptr)
                               : nlohmann::ordered_json(e.fault);
  j["latency_ms"] = std::round(e.latency_ms * 1000) / 1000;
  j["token"] = e.token;
  j["ttl_header"] = e.ttl_header.empty() ? nlohmann::ordered_json(nullptr)
                                         : nlohmann::ordered_json(e.ttl_header);
  j["authorization"] = e.authorization;
  j["user_agent"] = e.user_agent;
  j["forwarded_for"] = e.forwarded_for.empty()
                           ? nlohmann::ordered_json(nullptr)
                           : nlohmann::ordered_json(e.forwarded_for);
  return j;
}

}  // namespace metamock
