/*
 * bridge.c — the worker's end of the Python environment bridge
 * (include/hogwild_bridge.h): start the adaptor process, exchange requests
 * and answers through the shared block, notice the adaptor's death, stop it.
 */
#include "hogwild_sys.h"
#include "hogwild_env_host.h"
#include "../../include/hogwild_bridge.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The adaptor receives the block as this descriptor. */
#define BRIDGE_FD 3
/* The worker checks that the adaptor still lives this often while it waits. */
#define LIVENESS_NS 20000000ull

struct hw_bridge {
  hw_bridge_block *block;
  size_t bytes;
  float *action;
  float *observation;
  char *message_area;
  uint32_t observation_size, action_size;
  uint32_t seq;
  pid_t pid;
  int reaped;
  char message[HW_BRIDGE_MESSAGE + 128];
};

static size_t align64(size_t x) { return (x + 63) & ~(size_t)63; }

static void say(struct hw_bridge *b, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  vsnprintf(b->message, sizeof b->message, format, ap);
  va_end(ap);
}

static long futex(uint32_t *word, int op, uint32_t value, uint64_t timeout_ns) {
  struct timespec ts = {(time_t)(timeout_ns / 1000000000ull), (long)(timeout_ns % 1000000000ull)};
  return syscall(SYS_futex, word, op, value, op == FUTEX_WAIT ? &ts : NULL, NULL, 0);
}

/* Records how the adaptor ended (once) in b->message; returns its kind. */
static int note_exit(struct hw_bridge *b, int status) {
  b->reaped = 1;
  if (WIFEXITED(status)) {
    say(b, "the Python environment process (pid %d) exited with status %d", (int)b->pid, WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    say(b, "the Python environment process (pid %d) was killed by signal %d (%s)", (int)b->pid,
        WTERMSIG(status), strsignal(WTERMSIG(status)));
  } else {
    say(b, "the Python environment process (pid %d) ended", (int)b->pid);
  }
  return HW_BRIDGE_DIED;
}

/* 1 if the adaptor has ended (and is reaped), 0 while it runs. */
static int adaptor_ended(struct hw_bridge *b) {
  if (b->reaped) return 1;
  int status = 0;
  pid_t r;
  do {
    r = waitpid(b->pid, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == b->pid) {
    note_exit(b, status);
    return 1;
  }
  if (r < 0) { /* not our child any more: treat as gone */
    b->reaped = 1;
    say(b, "lost the Python environment process (pid %d): %s", (int)b->pid, strerror(errno));
    return 1;
  }
  return 0;
}

/* Sends the request already written into the block and waits for its
 * answer. 0, HW_BRIDGE_FAILED (the adaptor's message) or HW_BRIDGE_DIED. */
static int exchange(struct hw_bridge *b, uint64_t timeout_ns) {
  hw_bridge_block *k = b->block;
  uint32_t seq = ++b->seq;
  __atomic_store_n(&k->request_seq, seq, __ATOMIC_RELEASE);
  /* Dekker with the adaptor's adaptor_sleeping: a full fence between our
   * store and our load, and the kernel's own between its store and the
   * futex check, so one of us always sees the other. */
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (__atomic_load_n(&k->adaptor_sleeping, __ATOMIC_RELAXED)) futex(&k->request_seq, FUTEX_WAKE, 1, 0);

  uint64_t spin = k->spin_ns;
  if (spin > 0) {
    uint64_t until = hw_monotonic_ns() + spin;
    do {
      for (int i = 0; i < 32; i++) {
        if (__atomic_load_n(&k->response_seq, __ATOMIC_ACQUIRE) == seq) goto answered;
        hw_cpu_relax();
      }
    } while (hw_monotonic_ns() < until);
  }
  uint64_t started = hw_monotonic_ns();
  for (;;) {
    __atomic_store_n(&k->worker_sleeping, 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint32_t seen = __atomic_load_n(&k->response_seq, __ATOMIC_ACQUIRE);
    if (seen == seq) break;
    long rc = futex(&k->response_seq, FUTEX_WAIT, seen, LIVENESS_NS);
    int timed_out = rc != 0 && errno == ETIMEDOUT;
    __atomic_store_n(&k->worker_sleeping, 0, __ATOMIC_RELAXED);
    if (__atomic_load_n(&k->response_seq, __ATOMIC_ACQUIRE) == seq) break;
    if (timed_out && adaptor_ended(b)) return HW_BRIDGE_DIED;
    if (timeout_ns > 0 && hw_monotonic_ns() - started > timeout_ns) {
      say(b, "the Python environment process (pid %d) did not answer within %.0f s", (int)b->pid,
          (double)timeout_ns / 1e9);
      return HW_BRIDGE_DIED;
    }
  }
  __atomic_store_n(&k->worker_sleeping, 0, __ATOMIC_RELAXED);
answered:
  if (k->status != 0) {
    b->message_area[HW_BRIDGE_MESSAGE - 1] = 0;
    /* The message goes to a terminal: no control characters (escapes) in it. */
    for (char *c = b->message_area; *c; c++) {
      if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
    }
    say(b, "%s", b->message_area[0] ? b->message_area : "the Python environment failed");
    return HW_BRIDGE_FAILED;
  }
  return 0;
}

/* In the child, between fork and exec: never returns. */
static void become_adaptor(int memfd, int error_pipe, char *const argv[], pid_t parent) {
  /* The adaptor dies with the process that steps it. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
  /* Ctrl-C reaches the whole process group; the worker decides how to stop. */
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* Lift both descriptors clear of 0–4 before arranging those. */
  int block = fcntl(memfd, F_DUPFD_CLOEXEC, 10);
  int report = fcntl(error_pipe, F_DUPFD_CLOEXEC, 10);
  if (block < 0 || report < 0) _exit(127);
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null >= 0) dup2(null, 0);
  dup2(2, 1); /* an environment that prints must not mix into our stdout */
  dup2(block, BRIDGE_FD); /* dup2 clears close-on-exec: the adaptor inherits it */
  dup2(report, BRIDGE_FD + 1);
  fcntl(BRIDGE_FD + 1, F_SETFD, FD_CLOEXEC);
  /* Nothing else lives on in Python: not the segment's liveness lock, not
   * another bridge's block. */
  hw_close_from(BRIDGE_FD + 2);
  execvp(argv[0], argv);
  int e = errno;
  ssize_t w = write(BRIDGE_FD + 1, &e, sizeof e);
  (void)w;
  _exit(127);
}

int hw_bridge_start(char *const argv[], uint32_t observation_size, uint32_t action_size, uint64_t spin_ns,
                    uint64_t ready_timeout_ns, hw_bridge **out, char *message, size_t message_size) {
  struct hw_bridge *b = calloc(1, sizeof *b);
  if (b == NULL) return ENOMEM;
  size_t action_offset = sizeof(hw_bridge_block);
  size_t observation_offset = align64(action_offset + (size_t)action_size * 4);
  size_t message_offset = align64(observation_offset + (size_t)observation_size * 4);
  b->bytes = align64(message_offset + HW_BRIDGE_MESSAGE);
  int memfd = memfd_create("hogwild-bridge", MFD_CLOEXEC);
  if (memfd < 0 || ftruncate(memfd, (off_t)b->bytes) != 0) {
    int e = errno;
    snprintf(message, message_size, "cannot make the bridge's shared block: %s", strerror(e));
    if (memfd >= 0) close(memfd);
    free(b);
    return e;
  }
  void *base = mmap(NULL, b->bytes, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
  if (base == MAP_FAILED) {
    int e = errno;
    snprintf(message, message_size, "cannot map the bridge's shared block: %s", strerror(e));
    close(memfd);
    free(b);
    return e;
  }
  b->block = base;
  b->action = (float *)((char *)base + action_offset);
  b->observation = (float *)((char *)base + observation_offset);
  b->message_area = (char *)base + message_offset;
  b->observation_size = observation_size;
  b->action_size = action_size;
  hw_bridge_block *k = b->block;
  k->magic = HW_BRIDGE_MAGIC;
  k->version = HW_BRIDGE_VERSION;
  k->observation_size = observation_size;
  k->action_size = action_size;
  k->action_offset = (uint32_t)action_offset;
  k->observation_offset = (uint32_t)observation_offset;
  k->message_offset = (uint32_t)message_offset;
  k->block_bytes = b->bytes;
  k->spin_ns = spin_ns;
  k->command = HW_BRIDGE_HELLO;

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    int e = errno;
    snprintf(message, message_size, "cannot make a pipe: %s", strerror(e));
    munmap(base, b->bytes);
    close(memfd);
    free(b);
    return e;
  }
  pid_t parent = getpid();
  pid_t pid = 0;
  int rc = hw_fork(&pid);
  if (rc != 0) {
    snprintf(message, message_size, "cannot fork the Python environment process: %s", strerror(rc));
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    munmap(base, b->bytes);
    close(memfd);
    free(b);
    return rc;
  }
  if (pid == 0) become_adaptor(memfd, pipe_fds[1], argv, parent);
  b->pid = pid;
  close(pipe_fds[1]);
  close(memfd);
  /* exec succeeded iff the close-on-exec pipe closes without a word. */
  int exec_errno = 0;
  ssize_t got;
  do {
    got = read(pipe_fds[0], &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  close(pipe_fds[0]);
  if (got == (ssize_t)sizeof exec_errno) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    snprintf(message, message_size, "cannot run %s: %s", argv[0], strerror(exec_errno));
    munmap(base, b->bytes);
    free(b);
    return exec_errno ? exec_errno : ENOEXEC;
  }
  rc = exchange(b, ready_timeout_ns);
  if (rc != 0) {
    snprintf(message, message_size, "%s", b->message);
    hw_bridge_close(b);
    return rc;
  }
  *out = b;
  return 0;
}

/* The answer's observation into the worker's own buffer: copied from the
 * block's area, or for an index (a Discrete space) checked against the
 * space and written as a one-hot. HW_BRIDGE_FAILED for an index outside. */
static int take_observation(struct hw_bridge *b, float *observation) {
  uint32_t n = b->observation_size;
  if (!(__atomic_load_n(&b->block->flags, __ATOMIC_RELAXED) & HW_BRIDGE_OBSERVATION_INDEX)) {
    memcpy(observation, b->observation, (size_t)n * 4);
    return 0;
  }
  int64_t index = b->block->observation_index;
  if (index < 0 || index >= (int64_t)n) {
    say(b, "the environment's observation %lld (counted from its space's start) is outside its Discrete(%u) "
           "observation space",
        (long long)index, n);
    return HW_BRIDGE_FAILED;
  }
  memset(observation, 0, (size_t)n * 4);
  observation[index] = 1.0f;
  return 0;
}

int hw_bridge_reset(hw_bridge *b, uint64_t seed, float *observation) {
  b->block->command = HW_BRIDGE_RESET;
  b->block->seed = seed;
  int rc = exchange(b, 0);
  if (rc == 0) rc = take_observation(b, observation);
  return rc;
}

int hw_bridge_step(hw_bridge *b, const float *action, float *observation, double *reward, int *terminated,
                   int *truncated) {
  b->block->command = HW_BRIDGE_STEP;
  memcpy(b->action, action, (size_t)b->action_size * 4);
  int rc = exchange(b, 0);
  if (rc == 0) rc = take_observation(b, observation);
  if (rc != 0) return rc;
  *reward = b->block->reward;
  uint32_t flags = b->block->flags;
  *terminated = (flags & HW_BRIDGE_TERMINATED) != 0;
  *truncated = (flags & HW_BRIDGE_TRUNCATED) != 0;
  return 0;
}

const char *hw_bridge_message(const hw_bridge *b) { return b->message; }

int32_t hw_bridge_pid(const hw_bridge *b) { return b->pid; }

void hw_bridge_close(hw_bridge *b) {
  if (b == NULL) return;
  if (!b->reaped && !adaptor_ended(b)) {
    /* Ask politely (the environment's close() runs), then insist. */
    b->block->command = HW_BRIDGE_CLOSE;
    uint64_t deadline = hw_monotonic_ns() + 1000000000ull;
    if (exchange(b, 1000000000ull) == 0) {
      while (!adaptor_ended(b) && hw_monotonic_ns() < deadline) hw_sleep_ns(1000000);
    }
    if (!b->reaped) {
      kill(b->pid, SIGKILL);
      int status = 0;
      while (waitpid(b->pid, &status, 0) < 0 && errno == EINTR) {}
      b->reaped = 1;
    }
  }
  munmap(b->block, b->bytes);
  free(b);
}
