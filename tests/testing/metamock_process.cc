#include "tests/testing/metamock_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

extern char** environ;

namespace metamock {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TempPath() {
  char templ[] = "/tmp/metamock-test-XXXXXX";
  int fd = mkstemp(templ);
  if (fd >= 0) close(fd);
  return templ;
}

// The test's environment without METAMOCK_* (so that a developer's own
// settings cannot change a test), plus `extra`.
std::vector<std::string> ChildEnvironment(const ExtraEnv& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!absl::StartsWith(*e, "METAMOCK_")) env.push_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// The value of NAME in `env` ("" when absent).
std::string EnvValue(const ExtraEnv& env, absl::string_view name) {
  for (const std::string& entry : env) {
    if (absl::StartsWith(entry, absl::StrCat(name, "="))) {
      return entry.substr(name.size() + 1);
    }
  }
  return "";
}

// How many `listening on` lines metamock prints for `args` and `env`.
size_t ExpectedListeners(const std::vector<std::string>& args,
                         const ExtraEnv& env) {
  size_t listeners = 0;
  std::string control = EnvValue(env, "METAMOCK_CONTROL");
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--listen" || absl::StartsWith(args[i], "--listen=")) {
      ++listeners;
    }
    if (args[i] == "--control" && i + 1 < args.size()) control = args[i + 1];
    if (absl::StartsWith(args[i], "--control=")) control = args[i].substr(10);
  }
  if (listeners == 0) {
    const std::string listen = EnvValue(env, "METAMOCK_LISTEN");
    listeners =
        listen.empty()
            ? 1
            : std::vector<std::string>(absl::StrSplit(listen, ',')).size();
  }
  if (absl::StrContains(control, ':')) ++listeners;
  return listeners;
}

// Spawns the binary with stdout on a pipe and stderr to `err_path`.
pid_t Spawn(const std::vector<std::string>& args, const ExtraEnv& extra,
            const std::string& err_path, int* out_fd) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                   O_WRONLY | O_TRUNC, 0600);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  std::vector<char*> argv;
  std::string binary = MetamockBinary();
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (std::string& arg : copy) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = ChildEnvironment(extra);
  std::vector<char*> envp;
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(),
                       envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (rc != 0) {
    close(pipe_fds[0]);
    return -1;
  }
  *out_fd = pipe_fds[0];
  return pid;
}

// Reads what is available on `fd` within `wait`; false at EOF.
bool ReadSome(int fd, absl::Duration wait, std::string* out) {
  pollfd p{fd, POLLIN, 0};
  int ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(wait)));
  if (ready <= 0) return true;
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof(buf));
  if (n <= 0) return false;
  out->append(buf, static_cast<size_t>(n));
  return true;
}

// Waits for `pid` until `deadline`; kills it then. Fills the exit fields.
void Reap(pid_t pid, absl::Time deadline, ProcessResult* result) {
  int status = 0;
  while (true) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
  if (WIFEXITED(status)) result->exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result->term_signal = WTERMSIG(status);
}

}  // namespace

const char* MetamockBinary() { return METAMOCK_BINARY; }

ProcessResult RunMetamock(const std::vector<std::string>& args,
                          absl::Duration timeout, const ExtraEnv& env) {
  ProcessResult result;
  std::string err_path = TempPath();
  int out_fd = -1;
  const absl::Time start = absl::Now();
  pid_t pid = Spawn(args, env, err_path, &out_fd);
  if (pid < 0) return result;
  const absl::Time deadline = start + timeout;
  while (absl::Now() < deadline &&
         ReadSome(out_fd, absl::Milliseconds(50), &result.out)) {
  }
  close(out_fd);
  Reap(pid, deadline, &result);
  result.elapsed = absl::Now() - start;
  result.err = ReadFile(err_path);
  unlink(err_path.c_str());
  return result;
}

absl::StatusOr<std::unique_ptr<MetamockProcess>> MetamockProcess::Start(
    const std::vector<std::string>& args, const ExtraEnv& env) {
  const size_t listeners = ExpectedListeners(args, env);
  std::unique_ptr<MetamockProcess> p(new MetamockProcess());
  p->err_path_ = TempPath();
  p->pid_ = Spawn(args, env, p->err_path_, &p->out_fd_);
  if (p->pid_ < 0) return absl::InternalError("cannot start metamock");
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (p->urls_.size() < listeners) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "metamock printed no listening line; stderr: ", p->Stderr()));
    }
    size_t newline;
    while ((newline = p->out_.find('\n')) != std::string::npos) {
      std::string line = p->out_.substr(0, newline);
      p->out_.erase(0, newline + 1);
      if (absl::StartsWith(line, "listening on ")) {
        p->urls_.push_back(line.substr(13));
      }
    }
    if (p->urls_.size() >= listeners) break;
    if (!ReadSome(p->out_fd_, absl::Milliseconds(50), &p->out_)) {
      return absl::InternalError(
          absl::StrCat("metamock exited early; stderr: ", p->Stderr()));
    }
  }
  return p;
}

MetamockProcess::~MetamockProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (!err_path_.empty()) unlink(err_path_.c_str());
}

int MetamockProcess::port() const {
  int port = 0;
  if (urls_.empty()) return 0;
  const std::string& url = urls_[0];
  (void)absl::SimpleAtoi(url.substr(url.rfind(':') + 1), &port);
  return port;
}

void MetamockProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

ProcessResult MetamockProcess::Stop(int signal, absl::Duration timeout) {
  ProcessResult result;
  if (pid_ <= 0) return result;
  const absl::Time start = absl::Now();
  kill(pid_, signal);
  Reap(pid_, start + timeout, &result);
  result.elapsed = absl::Now() - start;
  pid_ = -1;
  result.err = Stderr();
  return result;
}

std::string MetamockProcess::Stderr() const { return ReadFile(err_path_); }

}  // namespace metamock
