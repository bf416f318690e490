#include "server/http/socket_scan.h"

#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

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

}  // namespace

std::vector<int> FindAcceptedSockets(int family, int local_port) {
  std::vector<int> found;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return found;
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
    found.push_back(static_cast<int>(fd));
  }
  closedir(dir);
  return found;
}

void ShutdownAcceptedSockets(int family, int local_port) {
  for (int fd : FindAcceptedSockets(family, local_port)) {
    shutdown(fd, SHUT_RDWR);
  }
}

}  // namespace metamock
