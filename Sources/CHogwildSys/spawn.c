/*
 * spawn.c — running a helper program to completion and capturing what it
 * prints (the Python environment probe), and the descriptor hygiene that
 * every child we exec needs.
 */
#include "hogwild_sys.h"
#include "exec_outcome.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

void hw_close_from(int first) {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, (unsigned)first, ~0u, 0) == 0) return;
#endif
  long max = sysconf(_SC_OPEN_MAX);
  if (max < 0 || max > 65536) max = 65536;
  for (int fd = first; fd < max; fd++) close(fd);
}

/* Appends what `fd` has to `buf` (keeping at most cap − 1 bytes and a NUL);
 * returns 0 at end of file, 1 if more may come. */
static int drain(int fd, char *buf, size_t cap, size_t *len) {
  char scratch[4096];
  ssize_t n = read(fd, scratch, sizeof scratch);
  if (n < 0) return errno == EINTR || errno == EAGAIN ? 1 : 0;
  if (n == 0) return 0;
  size_t room = *len + 1 < cap ? cap - 1 - *len : 0;
  size_t take = (size_t)n < room ? (size_t)n : room;
  memcpy(buf + *len, scratch, take);
  *len += take;
  buf[*len] = 0;
  return 1;
}

/* As drain, for a non-blocking descriptor: 1 while it gave bytes. */
static int drain_now(int fd, char *buf, size_t cap, size_t *len) {
  char scratch[4096];
  ssize_t n = read(fd, scratch, sizeof scratch);
  if (n <= 0) return 0;
  size_t room = *len + 1 < cap ? cap - 1 - *len : 0;
  size_t take = (size_t)n < room ? (size_t)n : room;
  memcpy(buf + *len, scratch, take);
  *len += take;
  buf[*len] = 0;
  return 1;
}

int hw_run_capture(char *const argv[], uint64_t timeout_ns, char *out, size_t out_cap, size_t *out_len,
                   char *err, size_t err_cap, size_t *err_len, int *kind, int *code) {
  *out_len = 0;
  *err_len = 0;
  if (out_cap) out[0] = 0;
  if (err_cap) err[0] = 0;
  int o[2], e[2], x[2];
  if (pipe2(o, O_CLOEXEC) != 0) return errno;
  if (pipe2(e, O_CLOEXEC) != 0) {
    int rc = errno;
    close(o[0]);
    close(o[1]);
    return rc;
  }
  if (pipe2(x, O_CLOEXEC) != 0) {
    int rc = errno;
    close(o[0]);
    close(o[1]);
    close(e[0]);
    close(e[1]);
    return rc;
  }
  pid_t parent = getpid();
  pid_t pid = 0;
  int rc = hw_fork(&pid);
  if (rc != 0) {
    close(o[0]); close(o[1]); close(e[0]); close(e[1]); close(x[0]); close(x[1]);
    return rc;
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int report = fcntl(x[1], F_DUPFD_CLOEXEC, 10);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) dup2(null, 0);
    dup2(o[1], 1);
    dup2(e[1], 2);
    dup2(report, 3);
    fcntl(3, F_SETFD, FD_CLOEXEC);
    hw_close_from(4);
    execvp(argv[0], argv);
    int why = errno;
    ssize_t w = write(3, &why, sizeof why);
    (void)w;
    _exit(127);
  }
  close(o[1]);
  close(e[1]);
  close(x[1]);
  int failed = hw_exec_outcome(x[0], pid);
  if (failed) {
    close(o[0]);
    close(e[0]);
    return failed;
  }
  uint64_t deadline = hw_monotonic_ns() + timeout_ns;
  int open_out = 1, open_err = 1, timed_out = 0, ended = 0;
  while (open_out || open_err) {
    uint64_t now = hw_monotonic_ns();
    if (now >= deadline) {
      timed_out = 1;
      break;
    }
    struct pollfd fds[2] = {{open_out ? o[0] : -1, POLLIN, 0}, {open_err ? e[0] : -1, POLLIN, 0}};
    /* Wake at least every 20 ms to see whether the child itself has ended:
     * a process it left behind may hold the pipes open for ever. */
    uint64_t left_ms = (deadline - now) / 1000000ull + 1;
    int n = poll(fds, 2, left_ms < 20 ? (int)left_ms : 20);
    if (n < 0 && errno != EINTR) break;
    if (n > 0) {
      if (open_out && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) open_out = drain(o[0], out, out_cap, out_len);
      if (open_err && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) open_err = drain(e[0], err, err_cap, err_len);
    }
    int k = HW_CHILD_RUNNING;
    if (!ended && hw_wait_child(pid, 1, &k, code) == 0 && k != HW_CHILD_RUNNING) {
      ended = 1;
      *kind = k;
      /* What it wrote before it ended is in the pipes already: take it
       * without waiting for an end of file that an heir may never give. */
      fcntl(o[0], F_SETFL, O_NONBLOCK);
      fcntl(e[0], F_SETFL, O_NONBLOCK);
      while (open_out && drain_now(o[0], out, out_cap, out_len)) {}
      while (open_err && drain_now(e[0], err, err_cap, err_len)) {}
      break;
    }
  }
  close(o[0]);
  close(e[0]);
  if (ended) return 0;
  if (timed_out) kill(pid, SIGKILL);
  rc = hw_wait_child(pid, 0, kind, code);
  if (rc != 0) return rc;
  return timed_out ? ETIMEDOUT : 0;
}
