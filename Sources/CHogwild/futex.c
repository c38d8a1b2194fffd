/* futex.c — sleeping and waking on a 32-bit word in shared memory, for
 * A2C's process-shared barrier. glibc has no futex wrapper, hence syscall.
 * No FUTEX_PRIVATE_FLAG: waiters are different processes mapping the same
 * segment, so the kernel must key the futex on the physical page. */
#include "hogwild_segment.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int hw_futex_wait(uint32_t *word, uint32_t expected, uint64_t timeout_ns) {
  struct timespec ts;
  ts.tv_sec = (time_t)(timeout_ns / 1000000000ull);
  ts.tv_nsec = (long)(timeout_ns % 1000000000ull);
  long rc = syscall(SYS_futex, word, FUTEX_WAIT, expected, &ts, NULL, 0);
  return rc == 0 ? 0 : errno;
}

int hw_futex_wake_all(uint32_t *word) {
  long rc = syscall(SYS_futex, word, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
  return rc >= 0 ? 0 : errno;
}
