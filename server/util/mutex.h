// metamock::Mutex: a thin wrapper of absl::Mutex that ThreadSanitizer can see.
//
// Debian's Abseil is built without TSan annotations, so TSan cannot see an
// absl::Mutex synchronise and reports correct code as racy. This wrapper keeps
// the clang thread-safety annotations (so -Wthread-safety still checks every
// guarded field) and, in TSan builds, tells TSan about each acquire and
// release. Everything in metamock that guards shared state uses this type.
//
// This class is thread-safe.

#ifndef METAMOCK_SERVER_UTIL_MUTEX_H_
#define METAMOCK_SERVER_UTIL_MUTEX_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define METAMOCK_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define METAMOCK_TSAN 1
#endif

#ifdef METAMOCK_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace metamock {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    mu_.Lock();
#ifdef METAMOCK_TSAN
    __tsan_acquire(this);
#endif
  }
  void Unlock() ABSL_UNLOCK_FUNCTION() {
#ifdef METAMOCK_TSAN
    __tsan_release(this);
#endif
    mu_.Unlock();
  }

 private:
  absl::Mutex mu_;  // the lock itself
};

// Scoped lock for metamock::Mutex: `MutexLock lock(&mu_);`.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;  // not owned; held for this object's lifetime
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_UTIL_MUTEX_H_
