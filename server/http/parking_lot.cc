#include "server/http/parking_lot.h"

#include <fcntl.h>
#include <unistd.h>

#include <vector>

namespace metamock {

ParkingLot::ParkingLot(Clock* clock, absl::Duration bound, size_t capacity)
    : clock_(clock), bound_(bound), capacity_(capacity) {
  dev_null_ = open("/dev/null", O_RDWR | O_CLOEXEC);
  closer_ = std::thread([this] {
    // Wakes up a few times a second; releases are not precise to the
    // millisecond, nor need to be (they bound how long a client hangs).
    while (!stopping_.WaitForNotificationWithTimeout(absl::Milliseconds(100))) {
      CloseExpired();
    }
  });
}

ParkingLot::~ParkingLot() {
  stopping_.Notify();
  closer_.join();
  CloseAll();
  if (dev_null_ >= 0) close(dev_null_);
}

bool ParkingLot::Park(int fd) {
  if (dev_null_ < 0) return false;
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return false;
  // Atomically replaces the worker's descriptor: it now writes to, and
  // reads EOF from, /dev/null, and closes that when it is done.
  if (dup2(dev_null_, fd) < 0) {
    close(copy);
    return false;
  }
  std::vector<int> evicted;
  {
    MutexLock lock(&mu_);
    while (parked_.size() >= capacity_) {
      evicted.push_back(parked_.front().fd);
      parked_.pop_front();
    }
    parked_.push_back(Parked{copy, clock_->Now() + bound_});
  }
  for (int old : evicted) close(old);
  return true;
}

size_t ParkingLot::size() {
  MutexLock lock(&mu_);
  return parked_.size();
}

void ParkingLot::CloseExpired() {
  std::vector<int> expired;
  const absl::Time now = clock_->Now();
  {
    MutexLock lock(&mu_);
    while (!parked_.empty() && parked_.front().release <= now) {
      expired.push_back(parked_.front().fd);
      parked_.pop_front();
    }
  }
  for (int fd : expired) close(fd);
}

void ParkingLot::CloseAll() {
  std::deque<Parked> all;
  {
    MutexLock lock(&mu_);
    all.swap(parked_);
  }
  for (const Parked& p : all) close(p.fd);
}

}  // namespace metamock
