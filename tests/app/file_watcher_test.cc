#include "server/app/file_watcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>

#include "absl/time/clock.h"

namespace metamock {
namespace {

// Waits (bounded) until `count` reaches `want`.
bool WaitFor(const std::atomic<int>& count, int want) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (count.load() < want && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  return count.load() >= want;
}

TEST(FileWatcher, SeesWritesInPlaceAndReplacementByRename) {
  const std::string path = ::testing::TempDir() + "/watched.json";
  std::ofstream(path) << "one";
  std::atomic<int> changes{0};
  FileWatcher watcher(
      path, [&] { ++changes; }, absl::Milliseconds(10));
  std::ofstream(path) << "two, longer";
  EXPECT_TRUE(WaitFor(changes, 1));
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp) << "three";
  std::rename(tmp.c_str(), path.c_str());
  EXPECT_TRUE(WaitFor(changes, 2));
}

}  // namespace
}  // namespace metamock
