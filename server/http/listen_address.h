// Parsing and printing of `--listen` addresses.

#ifndef METAMOCK_SERVER_HTTP_LISTEN_ADDRESS_H_
#define METAMOCK_SERVER_HTTP_LISTEN_ADDRESS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace metamock {

// Where a listener binds: a literal IPv4 or IPv6 address and a port
// (0 picks a free one).
struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1", "0.0.0.0", "::" (no brackets)
  int port = 0;      // 0..65535

  bool is_ipv6() const { return host.find(':') != std::string::npos; }
  // True for 127.0.0.0/8 and ::1.
  bool is_loopback() const;
};

// Parses `ADDR:PORT`, with IPv6 addresses in brackets (`[::1]:1338`).
// Only literal addresses are accepted (no host names): binding to what a
// name resolves to would be a surprise for a credential endpoint.
// InvalidArgument with a one-line reason otherwise.
absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view text);

// `http://127.0.0.1:1338` or `http://[::1]:1338`, with the given port.
std::string ListenUrl(const ListenAddress& address, int port);

}  // namespace metamock

#endif  // METAMOCK_SERVER_HTTP_LISTEN_ADDRESS_H_
