// Calls back when a file changes (--watch).
//
// Polls the file's inode, size and modification time a few times a second:
// that catches editors that write in place and those that replace the file
// by renaming, on every file system, without inotify's corner cases.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_APP_FILE_WATCHER_H_
#define METAMOCK_SERVER_APP_FILE_WATCHER_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace metamock {

class FileWatcher {
 public:
  // Starts watching `path`; `on_change` runs on the watcher's thread after
  // each change (a file that disappears and comes back counts as one).
  FileWatcher(std::string path, std::function<void()> on_change,
              absl::Duration interval = absl::Milliseconds(200));
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;
  // Stops watching.
  ~FileWatcher();

 private:
  const std::string path_;                 // immutable after construction
  const std::function<void()> on_change_;  // immutable after construction
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_APP_FILE_WATCHER_H_
