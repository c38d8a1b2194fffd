/*
 * process.c — fork, child setup, waiting, and the stop-signal handlers.
 *
 * Swift cannot import the W* status macros, and errno must be read before
 * anything else runs, so the few process calls the supervisor needs live here.
 */
#include "hogwild_sys.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int hw_fork(pid_t *out_pid) {
  /* Buffered output would otherwise be written once by each child too. */
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return errno;
  *out_pid = pid;
  return 0;
}

int hw_child_setup(pid_t supervisor) {
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return errno;
  /* The parent may have died between fork and prctl: then we were already
   * re-parented and the death signal will never come. */
  if (getppid() != supervisor) return ESRCH;
  return 0;
}

int hw_parent_death_signal(int sig, pid_t parent) {
  if (prctl(PR_SET_PDEATHSIG, sig) != 0) return errno;
  if (getppid() != parent) return ESRCH;
  return 0;
}

int hw_wait_child(pid_t pid, int nohang, int *out_kind, int *out_code) {
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid, &status, nohang ? WNOHANG : 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return errno;
  if (r == 0) {
    *out_kind = HW_CHILD_RUNNING;
    *out_code = 0;
    return 0;
  }
  if (WIFEXITED(status)) {
    *out_kind = HW_CHILD_EXITED;
    *out_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    *out_kind = HW_CHILD_SIGNALED;
    *out_code = WTERMSIG(status);
  } else {
    *out_kind = HW_CHILD_RUNNING;
    *out_code = 0;
  }
  return 0;
}

void hw_exit_now(int code) { _exit(code); }

/* ---- the per-worker reaper ---------------------------------------------
 * Between the supervisor and each worker sits a small process that only
 * waits. When the worker ends, the reaper ends the same way (same exit code,
 * same signal), so the supervisor sees the worker's fate. When the
 * supervisor dies, the reaper is told (its parent-death signal), kills the
 * worker and reaps it at once — otherwise the dead workers would be left
 * to PID 1, which may take seconds to reap them. */

static volatile sig_atomic_t supervisor_gone = 0;

static void note_supervisor_gone(int sig) {
  (void)sig;
  supervisor_gone = 1;
}

int hw_reaper_setup(pid_t supervisor) {
  struct sigaction sa;
  sa.sa_handler = note_supervisor_gone;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* interrupt waitpid */
  if (sigaction(SIGUSR1, &sa, NULL) != 0) return errno;
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  if (prctl(PR_SET_PDEATHSIG, SIGUSR1) != 0) return errno;
  /* Processes the worker starts (a Python environment) are re-parented to
   * us when the worker dies, so we can reap them before we end. */
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) return errno;
  if (getppid() != supervisor) return ESRCH;
  return 0;
}

/* Reaps what the worker left: its children die with it (their parent-death
 * signal) and are re-parented to us. Any still there after 100 ms are
 * killed; after 2 s we stop waiting. */
static void reap_orphans(void) {
  uint64_t start = hw_monotonic_ns();
  int killed = 0;
  for (;;) {
    int status;
    pid_t r = waitpid(-1, &status, WNOHANG);
    if (r > 0) continue;
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return; /* ECHILD: nothing left */
    uint64_t waited = hw_monotonic_ns() - start;
    if (waited > 2000000000ull) return;
    if (!killed && waited > 100000000ull) {
      killed = 1;
      char path[64];
      snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
      FILE *f = fopen(path, "r");
      if (f) {
        int pid;
        while (fscanf(f, "%d", &pid) == 1) kill(pid, SIGKILL);
        fclose(f);
      }
    }
    hw_sleep_ns(1000000);
  }
}

void hw_reaper_run(pid_t worker) {
  for (;;) {
    int status = 0;
    pid_t r = waitpid(worker, &status, 0);
    if (r == worker) {
      reap_orphans();
      if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
      if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        /* End by the same signal, without a core file of our own. */
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        signal(sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        kill(getpid(), sig);
        _exit(128 + sig);
      }
      continue;
    }
    if (r < 0 && errno == EINTR) {
      if (supervisor_gone) kill(worker, SIGKILL); /* then reap it above */
      continue;
    }
    _exit(1);
  }
}

static volatile sig_atomic_t stop_signal = 0;

static void record_stop(int sig) {
  if (stop_signal == 0) stop_signal = sig;
}

int hw_install_stop_handlers(void) {
  struct sigaction sa;
  sa.sa_handler = record_stop;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: a sleeping supervisor wakes up at once */
  const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  sigset_t unblock;
  sigemptyset(&unblock);
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    if (sigaction(sigs[i], &sa, NULL) != 0) return errno;
    sigaddset(&unblock, sigs[i]);
  }
  stop_signal = 0;
  /* Output to a closed pipe (`run | head`, or mpirun closing a rank's
   * output as it aborts the job) fails with EPIPE instead of killing the
   * supervisor mid-shutdown, before its outputs and unlink. Children set
   * SIGPIPE back to its default (hw_child_setup, posix_spawn). */
  signal(SIGPIPE, SIG_IGN);
  /* A parent may have started us with these blocked (Foundation.Process
   * from a thread that blocks signals passes its mask on); a handler for a
   * blocked signal would never run. */
  return sigprocmask(SIG_UNBLOCK, &unblock, NULL) == 0 ? 0 : errno;
}

int hw_stop_signal(void) { return stop_signal; }

void hw_reset_stop_handlers(void) {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
}

uint64_t hw_monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t hw_realtime_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int hw_sleep_ns(uint64_t ns) {
  struct timespec ts;
  ts.tv_sec = (time_t)(ns / 1000000000ull);
  ts.tv_nsec = (long)(ns % 1000000000ull);
  return nanosleep(&ts, NULL) == 0 ? 0 : errno;
}
