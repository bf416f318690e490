#include "server/http/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace metamock {

bool ListenAddress::is_loopback() const {
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view text) {
  auto bad = [text](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid listen address \"", text, "\": ", why,
        " (expected ADDR:PORT, e.g. 127.0.0.1:1338 or [::1]:1338)"));
  };
  ListenAddress address;
  absl::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == absl::string_view::npos) return bad("missing ']'");
    address.host = std::string(text.substr(1, close - 1));
    absl::string_view rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':') return bad("missing :PORT");
    port_text = rest.substr(1);
    in6_addr v6;
    if (inet_pton(AF_INET6, address.host.c_str(), &v6) != 1) {
      return bad("not an IPv6 address");
    }
  } else {
    size_t colon = text.rfind(':');
    if (colon == absl::string_view::npos) return bad("missing :PORT");
    address.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (address.host.find(':') != std::string::npos) {
      return bad("IPv6 addresses go in brackets");
    }
    in_addr v4;
    if (inet_pton(AF_INET, address.host.c_str(), &v4) != 1) {
      return bad("not an IPv4 address");
    }
  }
  int port = 0;
  if (port_text.empty() || !absl::SimpleAtoi(port_text, &port) || port < 0 ||
      port > 65535 || port_text.front() == '+' || port_text.front() == '-') {
    return bad("the port must be a number from 0 to 65535");
  }
  address.port = port;
  return address;
}

std::string ListenUrl(const ListenAddress& address, int port) {
  if (address.is_ipv6()) {
    return absl::StrCat("http://[", address.host, "]:", port);
  }
  return absl::StrCat("http://", address.host, ":", port);
}

}  // namespace metamock
