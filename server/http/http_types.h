// Transport-independent HTTP request and response values.
//
// Every service (IMDS, ECS, EKS, control) is a function from HttpRequest to
// HttpResponse; only server/http/ converts them to and from cpp-httplib's
// types. That keeps the services testable by calling them directly.
//
// These are plain values: thread-compatible.

#ifndef METAMOCK_SERVER_HTTP_HTTP_TYPES_H_
#define METAMOCK_SERVER_HTTP_HTTP_TYPES_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace metamock {

// An ordered list of header fields with case-insensitive lookup. The order
// is kept so that responses go out in the order the service set them.
class HttpHeaders {
 public:
  // Appends a field (duplicates allowed).
  void Add(absl::string_view name, absl::string_view value);

  // Replaces every field named `name` (case-insensitively) with one field.
  void Set(absl::string_view name, absl::string_view value);

  // The value of the first field named `name`, if any.
  std::optional<std::string> Get(absl::string_view name) const;

  // True if a field named `name` is present.
  bool Has(absl::string_view name) const;

  // Every field, in order.
  const std::vector<std::pair<std::string, std::string>>& fields() const {
    return fields_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;  // name, value
};

struct HttpRequest {
  std::string method;       // "GET", "PUT", ... as sent
  std::string path;         // percent-decoded path, without the query
  std::string query;        // raw query string without '?', may be empty
  HttpHeaders headers;      // as sent by the client
  std::string body;         // empty when the request declared none
  std::string remote_addr;  // the client's address ("127.0.0.1", "::1")
  int remote_port = 0;      // the client's port
  std::string local_addr;   // the address the client connected to
  int local_port = 0;       // the listener's port
};

// What happens to the connection instead of (or besides) an answer. The
// service decides; server/http/ carries it out.
enum class ConnectionEffect {
  kNone,   // send the answer
  kHang,   // accept, never answer (the parking lot), close after a bound
  kReset,  // close with a TCP reset, no answer
  kClose,  // close (FIN) without sending a byte
};

// What a service answers.
struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;
  ConnectionEffect effect = ConnectionEffect::kNone;
  // Send the headers (with the full Content-Length) and only this many
  // body bytes, then close.
  std::optional<size_t> truncate_body_at;
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_HTTP_HTTP_TYPES_H_
