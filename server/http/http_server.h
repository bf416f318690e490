// The HTTP transport: the only code in server/ that touches cpp-httplib.
//
// An HttpServer binds one address, and serves every request by handing an
// HttpRequest to one HttpHandler and writing the HttpResponse it returns.
// Routing between IMDS, ECS, EKS and the control API happens above this
// layer (server/app/); this layer only carries bytes.
//
// Tuning (Debian's cpp-httplib 0.11; see STYLE.md): a fixed pool of worker
// threads, TCP_NODELAY on (without it Nagle and delayed ACKs hold keep-alive
// answers ~40 ms), a long keep-alive, a listen backlog larger than
// httplib's 5, and SO_REUSEPORT off so that a second metamock on the same
// port fails instead of silently sharing it. Requests that declare no body
// are answered before httplib tries to read one: httplib 0.11 would wait
// for the read timeout on a PUT without Content-Length, which is what
// `curl -X PUT .../latest/api/token` sends.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_HTTP_HTTP_SERVER_H_
#define METAMOCK_SERVER_HTTP_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "server/clock/clock.h"
#include "server/http/http_types.h"
#include "server/http/listen_address.h"
#include "server/http/parking_lot.h"

namespace httplib {
class Server;
}

namespace metamock {

// Answers one request. Called concurrently from the worker threads; must not
// throw.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  // Worker threads, each serving one connection at a time.
  // Default: 64.
  int threads = 64;

  // How long an idle keep-alive connection is kept open. Stop() closes idle
  // connections at once, so this does not delay shutdown.
  // Default: 5 seconds.
  absl::Duration keep_alive_timeout = absl::Seconds(5);

  // Requests served on one connection before it is closed.
  // Default: 100000.
  size_t keep_alive_max_count = 100000;

  // How long a read or a write on a connection may stall.
  // Default: 5 seconds.
  absl::Duration io_timeout = absl::Seconds(5);

  // Largest request body accepted (413 above it).
  // Default: 1 MiB.
  size_t max_body_bytes = 1 << 20;

  // How long a connection that gets no answer (ConnectionEffect::kHang) is
  // held open before it is closed.
  // Default: 60 seconds.
  absl::Duration hang_bound = absl::Seconds(60);

  // Most connections held unanswered at once (the oldest is closed).
  // Default: 4096.
  size_t max_hanging = 4096;

  // The monotonic clock that times hangs; must outlive the server.
  // Default: the system's.
  Clock* monotonic = Clock::RealMonotonic();
};

class HttpServer {
 public:
  // Binds `address` (port 0 picks a free port). The socket listens from
  // here on, so clients may connect before Start(); they are served once
  // Start() runs. Unavailable with the system's reason when the address
  // cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Bind(
      const ListenAddress& address, const HttpServerOptions& options,
      HttpHandler handler);

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Stops the server if it is running.
  ~HttpServer();

  // The bound port (the chosen one when the address asked for port 0).
  int port() const { return port_; }

  // `http://ADDR:PORT` of the bound socket.
  std::string url() const { return ListenUrl(address_, port_); }

  // Starts serving on a background thread. Call at most once.
  void Start();

  // Stops accepting, closes open connections (idle keep-alive ones
  // included) and waits for the workers. Returns within about a second.
  // Idempotent; safe to call without Start().
  void Stop();

 private:
  HttpServer(const ListenAddress& address, const HttpServerOptions& options,
             HttpHandler handler);

  const ListenAddress address_;              // immutable after construction
  const HttpServerOptions options_;          // immutable after construction
  const HttpHandler handler_;                // immutable after construction
  std::unique_ptr<httplib::Server> server_;  // owned; set up in Bind()
  ParkingLot parked_;                        // connections that get no answer
  int port_ = 0;                             // set once in Bind()
  std::thread thread_;  // runs the accept loop after Start()
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
  absl::Notification loop_done_;  // the accept loop has returned
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_HTTP_HTTP_SERVER_H_
