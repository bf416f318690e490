// Runs the real metamock binary for integration tests.
//
// MetamockProcess starts it (normally with `--listen 127.0.0.1:0`), waits
// for its `listening on` lines, and stops it with a signal; RunMetamock runs
// it to completion, for flags that make it exit. Stderr goes to a temporary
// file so that a chatty server never blocks on a full pipe.
//
// Thread-compatible.

#ifndef METAMOCK_TESTS_TESTING_METAMOCK_PROCESS_H_
#define METAMOCK_TESTS_TESTING_METAMOCK_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace metamock {

// The path of the binary under test (set by CMake).
const char* MetamockBinary();

struct ProcessResult {
  int exit_code = -1;      // the exit status, or -1 if killed by a signal
  int term_signal = 0;     // the signal that killed it, if any
  std::string out;         // everything written to stdout
  std::string err;         // everything written to stderr
  absl::Duration elapsed;  // from start (or from Stop()'s signal) to exit
};

// Variables to set for the child, NAME=value. The child gets the test's
// environment without any METAMOCK_* variable, plus these.
using ExtraEnv = std::vector<std::string>;

// Runs metamock with `args` until it exits; kills it after `timeout`.
ProcessResult RunMetamock(const std::vector<std::string>& args,
                          absl::Duration timeout = absl::Seconds(10),
                          const ExtraEnv& env = {});

class MetamockProcess {
 public:
  // Starts metamock with `args` and `env` and waits (up to 10 s) until it
  // has printed one `listening on URL` line per listener: each --listen
  // flag (else each METAMOCK_LISTEN item, else one), plus one for a
  // separate control listener (--control or METAMOCK_CONTROL ADDR:PORT).
  static absl::StatusOr<std::unique_ptr<MetamockProcess>> Start(
      const std::vector<std::string>& args, const ExtraEnv& env = {});

  MetamockProcess(const MetamockProcess&) = delete;
  MetamockProcess& operator=(const MetamockProcess&) = delete;
  // Kills the process if it still runs.
  ~MetamockProcess();

  // The URLs from the `listening on` lines, in order.
  const std::vector<std::string>& urls() const { return urls_; }
  // The port of the first listener.
  int port() const;

  // Sends `signal` and waits up to `timeout` for the exit (then kills).
  // `elapsed` counts from the signal.
  ProcessResult Stop(int signal, absl::Duration timeout = absl::Seconds(5));

  // Sends `signal` without waiting.
  void Signal(int signal);

  // What the process wrote to stderr so far.
  std::string Stderr() const;

 private:
  MetamockProcess() = default;

  pid_t pid_ = -1;        // -1 once reaped
  int out_fd_ = -1;       // read end of stdout
  std::string err_path_;  // the stderr file
  std::string out_;       // stdout read so far
  std::vector<std::string> urls_;
};

}  // namespace metamock

#endif  // METAMOCK_TESTS_TESTING_METAMOCK_PROCESS_H_
