/*
 * hogwild_sys.h — the C target's functions: POSIX shared memory, processes,
 * signals, clocks, the process-shared lock and the apply kernels.
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

/* ---- shared memory ---------------------------------------------------- */

/* Creates `name` with O_CREAT|O_EXCL (mode 0600), sizes it to `size` bytes
 * (posix_fallocate, so a full /dev/shm fails now with ENOSPC rather than with
 * SIGBUS later; ftruncate where fallocate is unsupported) and maps it shared
 * and read-write. With `out_lock_fd`, the descriptor stays open holding an
 * exclusive flock — the liveness lock: it is released only when every
 * process sharing the descriptor (the supervisor and its forked workers) has
 * exited, so "nobody holds the lock" means "orphan", whatever pids the
 * kernel has reused since. Without it, the descriptor is closed. On failure
 * nothing is left behind. */
int hw_shm_create(const char *name, size_t size, void **out_base, int *out_lock_fd);

/* Whether some live process holds the liveness lock of `name`
 * (*out_held = 1) or nobody does (0). */
int hw_shm_lock_state(const char *name, int *out_held);

int hw_close(int fd);

/* Opens an existing `name`, learns its size with fstat and maps all of it,
 * read-only unless `writable`. A zero-length object maps nothing and returns
 * 0 with *out_base == NULL. */
int hw_shm_attach(const char *name, int writable, void **out_base, size_t *out_size);

/* Removes the name. The only caller is the supervisor (and `clean`). */
int hw_shm_unlink(const char *name);

int hw_unmap(void *base, size_t size);

/* ---- processes -------------------------------------------------------- */

/* Flushes every stdio stream, then forks. *out_pid is 0 in the child. */
int hw_fork(pid_t *out_pid);

/* Child-side setup right after fork: die with SIGKILL when the parent dies
 * (PR_SET_PDEATHSIG), then check the parent is still `supervisor` (it may
 * have died before prctl). Ignores SIGINT (the terminal sends it to the whole
 * process group; the supervisor decides how workers stop), restores SIGTERM
 * and SIGPIPE to their defaults. Returns ESRCH if the parent is gone. */
int hw_child_setup(pid_t supervisor);

/* How a child ended. */
enum { HW_CHILD_RUNNING = 0, HW_CHILD_EXITED = 1, HW_CHILD_SIGNALED = 2 };

/* waitpid(pid) with EINTR retried. With `nohang`, *out_kind is
 * HW_CHILD_RUNNING while the child still runs. *out_code is the exit status
 * or the signal number. */
int hw_wait_child(pid_t pid, int nohang, int *out_kind, int *out_code);

/* A reaper: the process between the supervisor and one worker. Setup (in
 * the reaper, right after fork): notice the supervisor's death (SIGUSR1 as
 * parent-death signal), ignore SIGINT; ESRCH if the supervisor is already
 * gone. Run: wait for `worker`; end exactly as it ended (exit code or
 * signal); if the supervisor dies first, SIGKILL the worker and reap it
 * before leaving, so no dead worker waits for PID 1. Never returns. */
int hw_reaper_setup(pid_t supervisor);
void hw_reaper_run(pid_t worker) __attribute__((noreturn));

/* Ends the calling process at once, without atexit handlers or stdio flush
 * (what a forked child must do). */
void hw_exit_now(int code) __attribute__((noreturn));

/* ---- signals ---------------------------------------------------------- */

/* Installs handlers for SIGINT, SIGTERM and SIGHUP that only record the
 * signal (no SA_RESTART, so sleeps return early). */
int hw_install_stop_handlers(void);
/* The first stop signal received since installation, or 0. */
int hw_stop_signal(void);
/* Restores default dispositions for the stop signals. */
void hw_reset_stop_handlers(void);

/* ---- clocks and sleeping ---------------------------------------------- */
uint64_t hw_monotonic_ns(void);
uint64_t hw_realtime_ns(void);
/* Sleeps up to `ns`; returns early (EINTR) when a signal arrives. */
int hw_sleep_ns(uint64_t ns);

/* ---- the process-shared lock (for --update locked) -------------------- */
/* A robust, process-shared pthread mutex living in HW_LOCK_BYTES of the
 * segment. Robust: if a worker dies holding it, the next locker recovers it
 * (EOWNERDEAD → pthread_mutex_consistent) instead of deadlocking. */
int hw_lock_init(void *lock);
int hw_lock_acquire(void *lock);
int hw_lock_release(void *lock);

/* ---- A2C's barrier: futex sleep and wake-up ---------------------------- */
/* Sleeps while *word == expected, at most `timeout_ns` (a shared futex: the
 * word lives in the segment, mapped by several processes). Returns 0 when
 * woken, EAGAIN when *word already differed, ETIMEDOUT or EINTR. */
int hw_futex_wait(uint32_t *word, uint32_t expected, uint64_t timeout_ns);
/* Wakes every process sleeping on `word`. */
int hw_futex_wake_all(uint32_t *word);

/* ---- apply kernels ---------------------------------------------------- */
/* RMSProp, as in Mnih et al. 2016:
 *   g ← α·g + (1−α)·d²;   θ ← θ − lr · d / sqrt(g + ε)
 * `g` may live in the segment (shared RMSProp) or in the worker (rmsprop).
 * The plain kernels use ordinary loads and stores so they vectorise; when θ
 * and g are shared they race with other workers on purpose (Hogwild!).
 *
 * `local` may be NULL; otherwise every new θ value is also written there, so
 * the worker's next θ′ ← θ copy happens in the same pass over θ instead of a
 * second one (each pass over shared θ pulls its cache lines from the cores
 * that last wrote them; one pass instead of two halves that traffic). */
void hw_apply_rmsprop(float *theta, float *g, const float *grad, float *local, size_t n,
                      float lr, float alpha, float eps);
/* θ ← θ − lr · d */
void hw_apply_sgd(float *theta, const float *grad, float *local, size_t n, float lr);
/* The same, but every float of θ and g is updated with a compare-and-swap
 * loop, so no update is lost (--update atomic). */
void hw_apply_rmsprop_atomic(float *theta, float *g, const float *grad, float *local,
                             size_t n, float lr, float alpha, float eps);
void hw_apply_sgd_atomic(float *theta, const float *grad, float *local, size_t n, float lr);

/* The audit variants (run --audit): the same θ (bit for bit), and every step
 * applied to θ[i] is also added to acc[i] in double precision:
 *   acc[i] += −lr · d / sqrt(g + ε)   (RMSProp, g as this call computed it)
 *   acc[i] += −lr · d                 (SGD)
 * `acc` is the calling worker's own row of the audit sums (one writer), so it
 * is updated with plain loads and stores. */
void hw_apply_rmsprop_audit(float *theta, float *g, const float *grad, float *local,
                            double *acc, size_t n, float lr, float alpha, float eps);
void hw_apply_sgd_audit(float *theta, const float *grad, float *local, double *acc, size_t n,
                        float lr);
void hw_apply_rmsprop_atomic_audit(float *theta, float *g, const float *grad, float *local,
                                   double *acc, size_t n, float lr, float alpha, float eps);
void hw_apply_sgd_atomic_audit(float *theta, const float *grad, float *local, double *acc,
                               size_t n, float lr);

/* A2C's reduction over one slice: out[k] = mean over r < nrows of
 * rows[r·stride + from + k], for k < n (rows summed in rank order, so the
 * result does not depend on timing). */
void hw_mean_of_rows(float *out, const float *rows, size_t stride, size_t nrows, size_t from,
                     size_t n);

#ifdef __cplusplus
}
#endif
#endif /* HOGWILD_SYS_H */
