/*
 * process.c — fork, child setup, waiting, and the stop-signal handlers.
 *
 * Swift cannot import the W* status macros, and errno must be read before
 * anything else runs, so the few process calls the supervisor needs live here.
 */
#include "hogwild_sys.h"
#include "exec_outcome.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
  signal(SIGXFSZ, SIG_DFL);
  /* A worker's SIGBUS is its segment truncated under it: the supervisor
   * reports that in one line; the runtime's backtracer would print pages
   * per worker. */
  signal(SIGBUS, SIG_DFL);
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

int hw_block_stop_signals(int block) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL) == 0 ? 0 : errno;
}

void hw_ignore_output_signals(void) {
  signal(SIGPIPE, SIG_IGN);
  signal(SIGXFSZ, SIG_IGN);
}

/* ---- adopted processes ----------------------------------------------------
 * As a child subreaper, this process inherits every orphan below it: what a
 * plugin's probe or a Python factory started and left behind (setsid,
 * double fork, start_new_session). They are not ours to keep. */

int hw_become_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 ? 0 : errno; }

/* Reads this process's children (every thread's list) into pids[]; returns
 * how many (at most cap). */
static size_t list_children(pid_t *pids, size_t cap) {
  size_t n = 0;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)getpid());
  DIR *tasks = opendir(path);
  if (tasks == NULL) return 0;
  struct dirent *t;
  while ((t = readdir(tasks)) != NULL && n < cap) {
    if (t->d_name[0] < '0' || t->d_name[0] > '9') continue;
    char file[96];
    snprintf(file, sizeof file, "/proc/%d/task/%s/children", (int)getpid(), t->d_name);
    FILE *f = fopen(file, "re");
    if (f == NULL) continue;
    int pid;
    while (n < cap && fscanf(f, "%d", &pid) == 1) pids[n++] = (pid_t)pid;
    fclose(f);
  }
  closedir(tasks);
  return n;
}

int hw_kill_children(const pid_t *keep, size_t keep_count, uint64_t timeout_ns, int *out_killed) {
  *out_killed = 0;
  uint64_t deadline = hw_monotonic_ns() + timeout_ns;
  pid_t found[256];
  for (;;) {
    size_t n = list_children(found, sizeof found / sizeof found[0]);
    size_t strays = 0;
    for (size_t i = 0; i < n; i++) {
      int kept = 0;
      for (size_t k = 0; k < keep_count; k++) kept |= keep[k] == found[i];
      if (kept) continue;
      strays++;
      /* Killing one hands its own children to us: they are found next round. */
      if (kill(found[i], SIGKILL) == 0) (*out_killed)++;
      int status;
      while (waitpid(found[i], &status, 0) < 0 && errno == EINTR) {}
    }
    if (strays == 0) return 0;
    if (hw_monotonic_ns() > deadline) return ETIMEDOUT;
  }
}

/* ---- a child that dies with us ------------------------------------------ */

int hw_spawn_tied(const char *path, char *const argv[], const char *out_path, int err_to_out, int death_signal,
                  pid_t *out_pid) {
  int x[2];
  if (pipe2(x, O_CLOEXEC) != 0) return errno;
  pid_t parent = getpid();
  pid_t pid = 0;
  int rc = hw_fork(&pid);
  if (rc != 0) {
    close(x[0]);
    close(x[1]);
    return rc;
  }
  if (pid == 0) {
    /* Set before exec and kept across it: if the parent is SIGKILLed, the
     * child is told (a `sweep` killed outright must not leave its current
     * run training until T_max). */
    prctl(PR_SET_PDEATHSIG, death_signal);
    int why = 0;
    if (getppid() != parent) _exit(127);
    const int defaults[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ};
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) signal(defaults[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) dup2(null, 0);
    if (out_path != NULL) {
      int out = open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (out < 0) {
        why = errno;
        goto failed;
      }
      dup2(out, 1);
    }
    if (err_to_out) dup2(1, 2);
    execv(path, argv);
    why = errno;
  failed:;
    ssize_t w = write(x[1], &why, sizeof why);
    (void)w;
    _exit(127);
  }
  close(x[1]);
  int failed = hw_exec_outcome(x[0], pid);
  if (failed) return failed;
  *out_pid = pid;
  return 0;
}

int hw_exec_outcome(int fd, pid_t pid) {
  int exec_errno = 0;
  ssize_t got;
  do {
    got = read(fd, &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  close(fd);
  if (got != (ssize_t)sizeof exec_errno) return 0;
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return exec_errno ? exec_errno : ENOEXEC;
}

void hw_reset_stop_handlers(void) {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  /* SIGPIPE stays ignored (hw_ignore_output_signals): the summary printed
   * after the handlers are gone may meet a closed pipe too. */
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
