/*
 * guard.c — the supervisor survives its segment going bad.
 *
 * Anyone who can write the segment's file (its owner) can truncate it under a
 * live run; every page past the new end then raises SIGBUS on access, and a
 * supervisor that dies there leaves its workers, its segment and no outputs.
 * The guard catches that SIGBUS in the process that armed it: if the faulting
 * address lies in the guarded mapping, it maps anonymous zero pages over the
 * whole mapping (MAP_FIXED) and notes the fault, so the faulting access
 * completes (reading zeros) and the supervisor sees "segment went bad" at its
 * next check and shuts down on what it holds in its own memory. Any other
 * SIGBUS is a real fault: the previous disposition is restored and the access
 * re-executed under it. Forked children inherit the handler but not the
 * guard (it checks the pid), so a worker still dies of the fault.
 */
#include "hogwild_segment.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *volatile guard_base;
static volatile size_t guard_size;
static volatile pid_t guard_pid;
static volatile sig_atomic_t guard_faulted;
static struct sigaction previous;
static int installed;

static void on_sigbus(int sig, siginfo_t *info, void *context) {
  (void)sig;
  (void)context;
  char *base = guard_base;
  char *address = info ? info->si_addr : NULL;
  if (base != NULL && (pid_t)syscall(SYS_getpid) == guard_pid && address >= base &&
      address < base + guard_size) {
    if (mmap(base, guard_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
        MAP_FAILED) {
      guard_faulted = 1;
      return;
    }
  }
  sigaction(SIGBUS, &previous, NULL);
}

int hw_segment_guard(void *base, size_t size) {
  if (!installed) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGBUS, &sa, &previous) != 0) return errno;
    installed = 1;
  }
  guard_size = size;
  guard_pid = getpid();
  guard_faulted = 0;
  guard_base = base;
  return 0;
}

void hw_segment_unguard(void) {
  guard_base = NULL;
  if (installed) {
    sigaction(SIGBUS, &previous, NULL);
    installed = 0;
  }
}

int hw_segment_guard_tripped(void) { return guard_faulted; }

int hw_segment_replace_with_zeros(void *base, size_t size) {
  if (mmap(base, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
    return errno;
  guard_faulted = 1;
  return 0;
}
