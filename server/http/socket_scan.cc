#include "server/http/socket_scan.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace metamock {
namespace {

int PortOf(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
  }
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
  }
  return -1;
}

// Calls `visit(fd, peer)` for each connected socket of `family` whose local
// port is `local_port`; stops when it returns false.
template <typename Visit>
void ForEachAccepted(int family, int local_port, Visit visit) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  const int dir_fd = dirfd(dir);
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dir_fd) continue;
    struct stat st;
    if (fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) {
      continue;
    }
    sockaddr_storage local{};
    socklen_t local_len = sizeof(local);
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local),
                    &local_len) != 0 ||
        local.ss_family != family || PortOf(local) != local_port) {
      continue;
    }
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof(peer);
    // The listening socket (and any unconnected one) has no peer.
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer),
                    &peer_len) != 0) {
      continue;
    }
    if (!visit(static_cast<int>(fd), peer)) break;
  }
  closedir(dir);
}

std::string AddressText(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (address.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr,
              text, sizeof(text));
  } else if (address.ss_family == AF_INET6) {
    inet_ntop(AF_INET6,
              &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, text,
              sizeof(text));
  }
  return text;
}

}  // namespace

std::vector<int> FindAcceptedSockets(int family, int local_port) {
  std::vector<int> found;
  ForEachAccepted(family, local_port, [&](int fd, const sockaddr_storage&) {
    found.push_back(fd);
    return true;
  });
  return found;
}

int FindConnection(int family, int local_port, const std::string& peer_addr,
                   int peer_port) {
  int result = -1;
  ForEachAccepted(
      family, local_port, [&](int fd, const sockaddr_storage& peer) {
        if (PortOf(peer) == peer_port && AddressText(peer) == peer_addr) {
          result = fd;
          return false;
        }
        return true;
      });
  return result;
}

bool AbortConnection(int fd, bool reset) {
  if (reset) {
    // SO_LINGER with a zero timeout turns the close into a RST.
    linger l{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  }
  int dev_null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (dev_null < 0) return false;
  // dup2 closes the socket (its last reference) atomically.
  const bool ok = dup2(dev_null, fd) >= 0;
  close(dev_null);
  return ok;
}

void ShutdownAcceptedSockets(int family, int local_port) {
  for (int fd : FindAcceptedSockets(family, local_port)) {
    shutdown(fd, SHUT_RDWR);
  }
}

}  // namespace metamock
