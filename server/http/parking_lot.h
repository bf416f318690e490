// Holds connections that must be accepted and never answered.
//
// An unreachable endpoint, a token PUT lost behind a hop limit, and (with
// the fault engine) a `hang` fault all need a client to wait for an answer
// that never comes, without holding one of the server's worker threads.
// Park() takes the connection's socket over: it keeps a duplicate of it
// and puts /dev/null in place of the original descriptor, so the httplib
// worker that served the request writes its answer to /dev/null, finds the
// "connection" closed and moves on at once, while the client's socket stays
// open and silent. A parked connection is closed (FIN) when its bound
// passes, when the lot is full and a newer one comes, or at shutdown.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_HTTP_PARKING_LOT_H_
#define METAMOCK_SERVER_HTTP_PARKING_LOT_H_

#include <deque>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "server/clock/clock.h"
#include "server/util/mutex.h"

namespace metamock {

class ParkingLot {
 public:
  // Connections stay parked for `bound` of "*clock" (a monotonic clock,
  // which must remain live while the lot is in use); at most `capacity` at
  // once (the oldest is closed to make room).
  ParkingLot(Clock* clock, absl::Duration bound, size_t capacity);
  ParkingLot(const ParkingLot&) = delete;
  ParkingLot& operator=(const ParkingLot&) = delete;
  // Closes every parked connection.
  ~ParkingLot();

  // Takes over the connection on `fd` (see above). False if it could not
  // (the descriptor is then untouched).
  bool Park(int fd) ABSL_LOCKS_EXCLUDED(mu_);

  // How many connections are parked now.
  size_t size() ABSL_LOCKS_EXCLUDED(mu_);

  // Closes every parked connection now.
  void CloseAll() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Parked {
    int fd;              // our duplicate of the client's socket
    absl::Time release;  // when to close it
  };
  void CloseExpired() ABSL_LOCKS_EXCLUDED(mu_);

  Clock* const clock_;          // not owned
  const absl::Duration bound_;  // immutable after construction
  const size_t capacity_;       // immutable after construction
  int dev_null_ = -1;           // opened once; immutable after construction
  Mutex mu_;
  std::deque<Parked> parked_ ABSL_GUARDED_BY(mu_);  // oldest first
  absl::Notification stopping_;
  std::thread closer_;  // closes expired connections
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_HTTP_PARKING_LOT_H_
