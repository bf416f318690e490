// Raw TCP helpers for tests that need exact bytes or odd requests that no
// HTTP client library would send. Loopback only.

#ifndef METAMOCK_TESTS_TESTING_RAW_HTTP_H_
#define METAMOCK_TESTS_TESTING_RAW_HTTP_H_

#include <string>

#include "absl/time/time.h"

namespace metamock {

// A connected TCP socket to 127.0.0.1:`port` (-1 on failure).
int ConnectLoopback(int port);

// Sends `bytes` on `fd`; false on error.
bool SendAll(int fd, const std::string& bytes);

// Reads from `fd` until one whole HTTP response (by Content-Length) has
// arrived, the peer closes, or `timeout` passes. Returns what was read.
std::string ReadResponse(int fd, absl::Duration timeout);

// Connects, sends `request`, reads one response, closes.
std::string RawExchange(int port, const std::string& request,
                        absl::Duration timeout = absl::Seconds(3));

}  // namespace metamock

#endif  // METAMOCK_TESTS_TESTING_RAW_HTTP_H_
