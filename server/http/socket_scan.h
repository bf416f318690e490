// Finds this process's sockets by their addresses.
//
// cpp-httplib 0.11 gives handlers no access to the connection's socket, and
// its Server cannot close idle keep-alive connections on stop. The one
// reliable way to reach them is to look through /proc/self/fd for the
// sockets whose local end is the listener's port (STYLE.md, "Connection-level
// effects"). Used only inside server/http/.

#ifndef METAMOCK_SERVER_HTTP_SOCKET_SCAN_H_
#define METAMOCK_SERVER_HTTP_SOCKET_SCAN_H_

#include <string>
#include <vector>

namespace metamock {

// The file descriptors of connected TCP sockets of address family `family`
// (AF_INET or AF_INET6) whose local port is `local_port`. The listening
// socket itself is not included (it has no peer).
std::vector<int> FindAcceptedSockets(int family, int local_port);

// The descriptor of the accepted connection on `local_port` whose peer is
// `peer_addr`:`peer_port` (as cpp-httplib reports them), or -1.
int FindConnection(int family, int local_port, const std::string& peer_addr,
                   int peer_port);

// Ends the connection on `fd` at once: with a TCP reset when `reset`,
// else an orderly close (FIN). /dev/null takes the descriptor's place, so
// the worker that owns it finishes harmlessly. False if it could not.
bool AbortConnection(int fd, bool reset);

// Shuts down (both directions) every socket FindAcceptedSockets() finds:
// a worker blocked reading such a connection wakes up at once and ends it.
void ShutdownAcceptedSockets(int family, int local_port);

}  // namespace metamock

#endif  // METAMOCK_SERVER_HTTP_SOCKET_SCAN_H_
