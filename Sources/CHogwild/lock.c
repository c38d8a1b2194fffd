/*
 * lock.c — the process-shared robust mutex used by --update locked.
 */
#include "hogwild_segment.h"

#include <errno.h>
#include <pthread.h>

_Static_assert(sizeof(pthread_mutex_t) <= HW_LOCK_BYTES, "mutex fits its line");

int hw_lock_init(void *lock) {
  pthread_mutexattr_t attr;
  int rc = pthread_mutexattr_init(&attr);
  if (rc != 0) return rc;
  rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  if (rc == 0) rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  if (rc == 0) rc = pthread_mutex_init((pthread_mutex_t *)lock, &attr);
  pthread_mutexattr_destroy(&attr);
  return rc;
}

int hw_lock_acquire(void *lock) {
  int rc = pthread_mutex_lock((pthread_mutex_t *)lock);
  if (rc == EOWNERDEAD) {
    /* A worker died inside the apply. θ may hold a half-applied gradient,
     * which Hogwild! tolerates anyway; make the mutex usable again. */
    rc = pthread_mutex_consistent((pthread_mutex_t *)lock);
  }
  return rc;
}

int hw_lock_release(void *lock) {
  return pthread_mutex_unlock((pthread_mutex_t *)lock);
}
