/*
 * hogwild_sys.h — the operating system, as the rest of hogwild-rl needs it:
 * fork and child setup, waiting with the status decoded (Swift cannot import
 * the W* macros), the per-worker reaper, stop-signal handlers, clocks and
 * sleeping, and running a helper program with its output captured. Imported
 * by HogwildSys (and the C environment host) only.
 *
 * Conventions: functions return 0 on success or a positive errno value on
 * failure, so Swift never reads the global errno after other code has run.
 * Every failure path backs out what it already did before returning.
 */
#ifndef HOGWILD_SYS_H
#define HOGWILD_SYS_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- processes -------------------------------------------------------- */

/* Flushes every stdio stream, then forks. *out_pid is 0 in the child. */
int hw_fork(pid_t *out_pid);

/* Child-side setup right after fork: die with SIGKILL when the parent dies
 * (PR_SET_PDEATHSIG), then check the parent is still `supervisor` (it may
 * have died before prctl). Ignores SIGINT (the terminal sends it to the whole
 * process group; the supervisor decides how workers stop), restores SIGTERM,
 * SIGPIPE, SIGXFSZ and SIGBUS to their defaults (a SIGBUS is the segment
 * truncated under the worker: no backtrace, the supervisor says it once).
 * Returns ESRCH if the parent is gone. */
int hw_child_setup(pid_t supervisor);

/* Asks for `sig` when the parent dies (PR_SET_PDEATHSIG), then checks the
 * parent is still `parent` (ESRCH if it died before the prctl). Signal
 * dispositions are left alone. */
int hw_parent_death_signal(int sig, pid_t parent);

/* How a child ended. */
enum { HW_CHILD_RUNNING = 0, HW_CHILD_EXITED = 1, HW_CHILD_SIGNALED = 2 };

/* waitpid(pid) with EINTR retried. With `nohang`, *out_kind is
 * HW_CHILD_RUNNING while the child still runs. *out_code is the exit status
 * or the signal number. */
int hw_wait_child(pid_t pid, int nohang, int *out_kind, int *out_code);

/* A reaper: the process between the supervisor and one worker. Setup (in
 * the reaper, right after fork): notice the supervisor's death (SIGUSR1 as
 * parent-death signal), ignore SIGINT; ESRCH if the supervisor is already
 * gone; become a child subreaper (PR_SET_CHILD_SUBREAPER), so what the
 * worker starts (a Python environment process) is re-parented to the reaper
 * when the worker dies. Run: wait for `worker`; reap those orphans (killing
 * any still alive after 100 ms); end exactly as the worker ended (exit code
 * or signal); if the supervisor dies first, SIGKILL the worker and reap it
 * before leaving, so no dead worker waits for PID 1. Never returns. */
int hw_reaper_setup(pid_t supervisor);
void hw_reaper_run(pid_t worker) __attribute__((noreturn));

/* Ends the calling process at once, without atexit handlers or stdio flush
 * (what a forked child must do). */
void hw_exit_now(int code) __attribute__((noreturn));

/* ---- signals ---------------------------------------------------------- */

/* Installs handlers for SIGINT, SIGTERM and SIGHUP that only record the
 * signal (no SA_RESTART, so sleeps return early), and ignores SIGPIPE (a
 * write to a closed pipe fails with EPIPE instead). */
int hw_install_stop_handlers(void);
/* The first stop signal received since installation, or 0. */
int hw_stop_signal(void);
/* Restores default dispositions for the stop signals and SIGPIPE. */
void hw_reset_stop_handlers(void);
/* Blocks (1) or unblocks (0) SIGINT, SIGTERM and SIGHUP: a run blocks them
 * while it creates its segment and files, so a signal then waits for the
 * handlers instead of killing the process half-way. */
int hw_block_stop_signals(int block);
/* Ignores SIGPIPE and SIGXFSZ: a closed pipe on stdout/stderr and a file
 * size limit are failed writes (EPIPE, EFBIG), not the end of the process. */
void hw_ignore_output_signals(void);

/* ---- adopted processes ------------------------------------------------ */

/* PR_SET_CHILD_SUBREAPER: orphans below this process are re-parented to it
 * (not to PID 1), so it can end them. */
int hw_become_subreaper(void);
/* SIGKILLs and reaps every child of this process whose pid is not in `keep`,
 * again and again as the killed ones' children come to us, for at most
 * `timeout_ns`; *out_killed counts them. 0, or ETIMEDOUT. */
int hw_kill_children(const pid_t *keep, size_t keep_count, uint64_t timeout_ns, int *out_killed);
/* Forks and execs `path` (no PATH search) with stdin from /dev/null, stdout
 * appended to `out_path` (NULL: inherited), stderr to stdout if
 * `err_to_out`, an empty signal mask and default dispositions, and
 * `death_signal` as its parent-death signal (kept across exec): it is sent
 * that signal if this process dies. 0 with *out_pid, or the exec errno. */
int hw_spawn_tied(const char *path, char *const argv[], const char *out_path, int err_to_out, int death_signal,
                  pid_t *out_pid);

/* ---- clocks and sleeping ---------------------------------------------- */
uint64_t hw_monotonic_ns(void);
uint64_t hw_realtime_ns(void);
/* Sleeps up to `ns`; returns early (EINTR) when a signal arrives. */
int hw_sleep_ns(uint64_t ns);

/* ---- terminals and faults ------------------------------------------------ */

/* The width of the terminal on `fd` in columns, or 0 if it is not a terminal
 * (or reports no width). */
int hw_terminal_columns(int fd);
/* Gives SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT and SIGTRAP their default
 * action: a forked worker that faults dies at once with the signal (its
 * supervisor reports it in one line), instead of running the Swift runtime's
 * backtracer inherited from the supervisor (pages of output and up to 30 s
 * at 100% CPU before the re-fork). */
void hw_default_fault_signals(void);

/* ---- helper processes ---------------------------------------------------- */

/* Child-side, before exec: closes every descriptor numbered `first` or above. */
void hw_close_from(int first);

/* Runs argv[0] (searched on PATH) with argv, stdin from /dev/null, and waits
 * for it at most `timeout_ns`: what it writes to stdout and stderr lands in
 * `out` and `err` (NUL-terminated, cut at the capacity), its end in
 * `kind` and `code` as hw_wait_child reports them. Once it has ended, what
 * is left in the pipes is taken without waiting for their end of file (a
 * process it started may hold them open for ever). It dies with the caller
 * (PR_SET_PDEATHSIG). Returns 0; the errno of a failed exec (ENOENT,
 * EACCES…); ETIMEDOUT after killing it at the deadline. */
int hw_run_capture(char *const argv[], uint64_t timeout_ns, char *out, size_t out_cap, size_t *out_len,
                   char *err, size_t err_cap, size_t *err_len, int *kind, int *code);

/* A busy-wait hint to the CPU (pause on x86, yield on Arm). */
static inline void hw_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

#ifdef __cplusplus
}
#endif
#endif /* HOGWILD_SYS_H */
