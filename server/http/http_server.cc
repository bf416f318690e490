#include "server/http/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/http/socket_scan.h"
#include "server/util/log.h"

namespace metamock {
namespace {

// Headers cpp-httplib adds to every request itself; a client could also send
// them, so neither copy is passed on.
bool IsInjectedHeader(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" ||
         name == "LOCAL_ADDR" || name == "LOCAL_PORT";
}

enum class Body { kNone, kDeclared, kTooLarge };

// Whether httplib would try to read a body for this request. A request with
// neither Content-Length nor Transfer-Encoding has no body (RFC 9112 section
// 6.3); httplib 0.11 would instead read until the connection closes. A
// declared length over the limit is refused before reading: httplib would
// first try to read and discard it all, holding a worker for the timeout.
Body BodyOf(const httplib::Request& req, size_t max_body_bytes) {
  if (req.has_header("Transfer-Encoding")) return Body::kDeclared;
  if (!req.has_header("Content-Length")) return Body::kNone;
  uint64_t length = 0;
  if (!absl::SimpleAtoi(req.get_header_value("Content-Length"), &length)) {
    return Body::kDeclared;  // let httplib reject it
  }
  if (length > max_body_bytes) return Body::kTooLarge;
  return length > 0 ? Body::kDeclared : Body::kNone;
}

HttpRequest ToHttpRequest(const httplib::Request& req) {
  HttpRequest out;
  out.method = req.method;
  out.path = req.path;
  size_t question = req.target.find('?');
  if (question != std::string::npos)
    out.query = req.target.substr(question + 1);
  for (const auto& [name, value] : req.headers) {
    if (!IsInjectedHeader(name)) out.headers.Add(name, value);
  }
  out.body = req.body;
  out.remote_addr = req.remote_addr;
  out.remote_port = req.remote_port;
  out.local_addr = req.local_addr;
  out.local_port = req.local_port;
  return out;
}

void WriteResponse(const HttpResponse& response, httplib::Response& res) {
  if (response.truncate_body_at.has_value()) {
    // Headers promise the whole body; the provider sends part of it and
    // fails, which makes httplib close the connection.
    res.status = response.status;
    std::string type = "text/plain";
    for (const auto& [name, value] : response.headers.fields()) {
      if (absl::EqualsIgnoreCase(name, "Content-Type")) {
        type = value;
      } else {
        res.set_header(name, value);
      }
    }
    auto body = std::make_shared<std::string>(response.body);
    const size_t keep = std::min(*response.truncate_body_at, body->size());
    res.set_content_provider(
        body->size(), type,
        [body, keep](size_t, size_t, httplib::DataSink& sink) {
          if (keep > 0) sink.write(body->data(), keep);
          return false;
        });
    return;
  }
  res.status = response.status;
  std::optional<std::string> content_type;
  for (const auto& [name, value] : response.headers.fields()) {
    if (absl::EqualsIgnoreCase(name, "Content-Type")) {
      content_type = value;
    } else {
      res.set_header(name, value);
    }
  }
  // An empty answer without a type (a 301) goes out with only
  // `Content-Length: 0`, as IMDS sends it.
  if (content_type.has_value() || !response.body.empty()) {
    res.set_content(response.body, content_type.value_or("text/plain"));
  }
}

}  // namespace

HttpServer::HttpServer(const ListenAddress& address,
                       const HttpServerOptions& options, HttpHandler handler)
    : address_(address),
      options_(options),
      handler_(std::move(handler)),
      parked_(options.monotonic, options.hang_bound, options.max_hanging) {}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Bind(
    const ListenAddress& address, const HttpServerOptions& options,
    HttpHandler handler) {
  std::unique_ptr<HttpServer> self(
      new HttpServer(address, options, std::move(handler)));
  self->server_ = std::make_unique<httplib::Server>();
  httplib::Server& svr = *self->server_;

  const int threads = options.threads;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_tcp_nodelay(true);
  svr.set_keep_alive_max_count(options.keep_alive_max_count);
  svr.set_keep_alive_timeout(
      std::max<time_t>(1, absl::ToInt64Seconds(options.keep_alive_timeout)));
  const auto io = absl::ToChronoMicroseconds(options.io_timeout);
  svr.set_read_timeout(io);
  svr.set_write_timeout(io);
  svr.set_payload_max_length(options.max_body_bytes);
  svr.set_address_family(address.is_ipv6() ? AF_INET6 : AF_INET);

  // httplib's default also sets SO_REUSEPORT, which would let a second
  // metamock bind the same port and silently take half the requests.
  int listen_fd = -1;
  svr.set_socket_options([&listen_fd](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd = sock;
  });

  HttpServer* raw = self.get();
  const int family = address.is_ipv6() ? AF_INET6 : AF_INET;
  auto serve = [raw, family](const httplib::Request& req,
                             httplib::Response& res) {
    HttpResponse response = raw->handler_(ToHttpRequest(req));
    if (response.effect != ConnectionEffect::kNone) {
      int fd =
          FindConnection(family, raw->port_, req.remote_addr, req.remote_port);
      const bool done =
          fd >= 0 && (response.effect == ConnectionEffect::kHang
                          ? raw->parked_.Park(fd)
                          : AbortConnection(fd, response.effect ==
                                                    ConnectionEffect::kReset));
      if (done) {
        // httplib writes what follows to /dev/null.
        res.status = 200;
        return;
      }
      LogWarning("could not act on a connection; answering 504");
      response = HttpResponse{};
      response.status = 504;
    }
    WriteResponse(response, res);
  };
  const size_t max_body = options.max_body_bytes;
  svr.set_pre_routing_handler(
      [serve, max_body](const httplib::Request& req, httplib::Response& res) {
        switch (BodyOf(req, max_body)) {
          case Body::kDeclared:
            return httplib::Server::HandlerResponse::Unhandled;
          case Body::kTooLarge:
            res.status = 413;
            // The unread body must not be taken for the next request.
            res.set_header("Connection", "close");
            res.set_content(
                absl::StrCat("request body over ", max_body, " bytes\n"),
                "text/plain");
            break;
          case Body::kNone:
            serve(req, res);
            break;
        }
        return httplib::Server::HandlerResponse::Handled;
      });
  // Requests with a body reach the method tables once httplib has read it.
  svr.Get(".*", serve);
  svr.Post(".*", serve);
  svr.Put(".*", serve);
  svr.Delete(".*", serve);
  svr.Options(".*", serve);
  svr.Patch(".*", serve);
  svr.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        // Handlers do not throw; if one ever does, answer without echoing
        // the exception text (httplib would put it in a header).
        LogError("internal error while serving a request");
        res.status = 500;
        res.set_content("internal error", "text/plain");
      });

  errno = 0;
  int port =
      address.port == 0
          ? svr.bind_to_any_port(address.host)
          : (svr.bind_to_port(address.host, address.port) ? address.port : -1);
  svr.set_socket_options([](socket_t) {});
  if (port < 0) {
    int err = errno;
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", ListenUrl(address, address.port),
                     ": ", err != 0 ? std::strerror(err) : "bind failed"));
  }
  // httplib listens with a backlog of 5: a burst of SDK clients opening
  // connections at once would see SYNs dropped and retried a second later.
  if (listen_fd >= 0) ::listen(listen_fd, SOMAXCONN);
  self->port_ = port;
  return self;
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Start() {
  if (started_.exchange(true)) return;
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    loop_done_.Notify();
  });
}

void HttpServer::Stop() {
  if (stopped_.exchange(true)) return;
  if (!started_.load()) return;  // the socket closes with server_
  // httplib ignores stop() until its loop is running (cpp-httplib #1371).
  while (!server_->is_running() &&
         !loop_done_.WaitForNotificationWithTimeout(absl::Milliseconds(1))) {
  }
  server_->stop();
  // Workers wait on idle keep-alive connections for the keep-alive timeout;
  // shutting those sockets down wakes them at once. Repeat until the loop
  // (which joins the workers) returns, to catch a connection accepted
  // just before stop().
  const int family = address_.is_ipv6() ? AF_INET6 : AF_INET;
  do {
    ShutdownAcceptedSockets(family, port_);
  } while (!loop_done_.WaitForNotificationWithTimeout(absl::Milliseconds(20)));
  thread_.join();
  parked_.CloseAll();
}

}  // namespace metamock
