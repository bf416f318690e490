#include "tests/testing/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"

namespace metamock {
namespace {

// True once `data` holds a full response: headers plus Content-Length bytes.
bool Complete(const std::string& data) {
  size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::string head = absl::AsciiStrToLower(data.substr(0, end));
  size_t pos = head.find("\r\ncontent-length:");
  if (pos == std::string::npos) return false;
  size_t value = pos + 17;
  size_t eol = head.find("\r\n", value);
  size_t length = 0;
  if (!absl::SimpleAtoi(
          absl::StripAsciiWhitespace(head.substr(value, eol - value)),
          &length)) {
    return false;
  }
  return data.size() >= end + 4 + length;
}

}  // namespace

int ConnectLoopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n =
        send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::string ReadResponse(int fd, absl::Duration timeout) {
  std::string data;
  const absl::Time deadline = absl::Now() + timeout;
  while (!Complete(data)) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1) <=
        0) {
      break;
    }
    char buf[8192];
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  return data;
}

std::string RawExchange(int port, const std::string& request,
                        absl::Duration timeout) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return "";
  std::string response;
  if (SendAll(fd, request)) response = ReadResponse(fd, timeout);
  close(fd);
  return response;
}

}  // namespace metamock
