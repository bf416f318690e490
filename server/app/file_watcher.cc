#include "server/app/file_watcher.h"

#include <sys/stat.h>

#include <tuple>

namespace metamock {
namespace {

// What identifies one version of a file; all zero when it is missing.
std::tuple<ino_t, off_t, int64_t, int64_t> Version(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return {0, 0, 0, 0};
  return {st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
}

}  // namespace

FileWatcher::FileWatcher(std::string path, std::function<void()> on_change,
                         absl::Duration interval)
    : path_(std::move(path)), on_change_(std::move(on_change)) {
  // The first look is taken here, so a change right after construction
  // is seen.
  thread_ = std::thread([this, interval, seen = Version(path_)]() mutable {
    while (!stop_.WaitForNotificationWithTimeout(interval)) {
      auto now = Version(path_);
      if (now == seen) continue;
      seen = now;
      // A file being replaced is briefly missing; wait for it to return.
      if (std::get<0>(now) == 0) continue;
      on_change_();
    }
  });
}

FileWatcher::~FileWatcher() {
  stop_.Notify();
  thread_.join();
}

}  // namespace metamock
