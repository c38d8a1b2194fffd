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

/* The fast form of RMSProp (run --rmsprop-sqrt fast): the same g, and
 *   θ ← θ − lr · d · r,   r ≈ 1/sqrt(g + ε)
 * where r is the CPU's reciprocal square root estimate (vrsqrt14ps with
 * AVX-512F, vrsqrtps with AVX or SSE) refined by one Newton–Raphson step,
 * instead of a square root and a division. The step's relative error against
 * lr · d / sqrt(g + ε) in double precision is below 1e-6 (the exact kernel's
 * rounding alone is ~2e-7). Plain loads and stores, as hw_apply_rmsprop; there
 * is no atomic fast form. The audit variant computes θ and g bit for bit like
 * the plain one and adds each applied step to acc[i], as above. */
void hw_apply_rmsprop_fast(float *theta, float *g, const float *grad, float *local, size_t n,
                           float lr, float alpha, float eps);
void hw_apply_rmsprop_fast_audit(float *theta, float *g, const float *grad, float *local,
                                 double *acc, size_t n, float lr, float alpha, float eps);
/* The bits of the estimate the fast form starts from in this build: 14
 * (AVX-512F), 12 (AVX, SSE), or 0 (no estimate instruction: 1/sqrt, exact to
 * rounding, so the fast form is no faster). */
int hw_rmsprop_fast_estimate_bits(void);

/* A2C's reduction over one slice: out[k] = mean over r < nrows of
 * rows[r·stride + from + k], for k < n (rows summed in rank order, so the
 * result does not depend on timing). */
void hw_mean_of_rows(float *out, const float *rows, size_t stride, size_t nrows, size_t from,
                     size_t n);

/* ---- helper processes ---------------------------------------------------- */

/* Child-side, before exec: closes every descriptor numbered `first` or above. */
void hw_close_from(int first);

/* Runs argv[0] (searched on PATH) with argv, stdin from /dev/null, and waits
 * for it at most `timeout_ns`: what it writes to stdout and stderr lands in
 * `out` and `err` (NUL-terminated, cut at the capacity), its end in
 * `kind` and `code` as hw_wait_child reports them. It dies with the caller
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

/* ---- environment plugins (include/hogwild_env.h) ------------------------ */

/* An opened plugin library with its entry points, and one environment it made. */
typedef struct hw_plugin hw_plugin;
typedef struct hw_plugin_env hw_plugin_env;

#define HW_PLUGIN_MESSAGE 512u
#define HW_PLUGIN_MAX_RANK 8u

/* What the probe learned from hw_env_describe (and hw_env_observation_shape). */
typedef struct hw_plugin_facts {
  char name[64];
  uint32_t abi_version;
  uint32_t observation_size;
  uint32_t action_kind;
  uint32_t action_count;
  uint32_t max_episode_steps;
  uint32_t shape_rank; /* 0: a flat vector */
  uint32_t shape[HW_PLUGIN_MAX_RANK];
  double reward_threshold;
} hw_plugin_facts;

/* Checks the plugin at `path` in a forked child: loads it, looks up every
 * required symbol, describes `name` (NULL: the default environment), checks
 * the ABI version and the spec's sizes, then creates one environment, resets
 * it (checking that it writes no more than its observation) and destroys it.
 * Returns 0 with `facts` (and a box's bounds, up to `bound_capacity` each)
 * filled, or non-zero with `message` saying what failed, including a crash or
 * a hang past `timeout_ns` in a named call. The caller runs no plugin code. */
int hw_plugin_probe(const char *path, const char *name, uint64_t timeout_ns, hw_plugin_facts *facts,
                    float *low, float *high, size_t bound_capacity, char *message, size_t message_size);

/* dlopen()s `path` in this process and looks up its entry points (the
 * library stays loaded for the process's life). 0, or EINVAL with `message`. */
int hw_plugin_open(const char *path, hw_plugin **out, char *message, size_t message_size);
/* hw_env_create(name, seed): 0, EINVAL if it returned NULL, ENOMEM. */
int hw_plugin_create(hw_plugin *p, const char *name, uint64_t seed, hw_plugin_env **out);
void hw_plugin_reset(hw_plugin_env *e, uint64_t seed, float *observation);
/* hw_env_step with *terminated and *truncated cleared first. */
void hw_plugin_step(hw_plugin_env *e, const float *action, float *observation, double *reward,
                    int *terminated, int *truncated);
void hw_plugin_destroy(hw_plugin_env *e);

/* ---- the Python environment bridge (include/hogwild_bridge.h) ----------- */

/* The worker's end of one bridge. */
typedef struct hw_bridge hw_bridge;

/* Results of the bridge calls besides 0. */
enum {
  HW_BRIDGE_FAILED = 1001, /* the adaptor reported an error (hw_bridge_message) */
  HW_BRIDGE_DIED = 1002,   /* the adaptor process ended or stopped answering */
};

/* Makes the shared block, starts argv (the adaptor: argv[0] searched on
 * PATH) with the block as descriptor 3, and waits up to `ready_timeout_ns`
 * for its HELLO answer. Returns 0; the errno of a failed exec; or
 * HW_BRIDGE_FAILED / HW_BRIDGE_DIED; `message` says why. The adaptor dies
 * with the calling process (PR_SET_PDEATHSIG). */
int hw_bridge_start(char *const argv[], uint32_t observation_size, uint32_t action_size, uint64_t spin_ns,
                    uint64_t ready_timeout_ns, hw_bridge **out, char *message, size_t message_size);
/* One RESET / STEP exchange; 0 or HW_BRIDGE_FAILED / HW_BRIDGE_DIED. */
int hw_bridge_reset(hw_bridge *b, uint64_t seed, float *observation);
int hw_bridge_step(hw_bridge *b, const float *action, float *observation, double *reward, int *terminated,
                   int *truncated);
/* Why the last call failed (NUL-terminated). */
const char *hw_bridge_message(const hw_bridge *b);
int32_t hw_bridge_pid(const hw_bridge *b);
/* Sends CLOSE, waits up to 1 s for the adaptor to exit, SIGKILLs it if it
 * has not, reaps it, and frees the bridge. */
void hw_bridge_close(hw_bridge *b);

#ifdef __cplusplus
}
#endif
#endif /* HOGWILD_SYS_H */
