/*
 * hogwild_segment.h — the C side of the shared parameter segment: POSIX
 * shared memory, the process-shared lock, A2C's futex and the apply kernels.
 * The layout itself (and its atomics) is include/hogwild.h, the one header
 * plugin-free readers such as examples/read_segment.c use. Imported by
 * HogwildSegment only.
 *
 * Conventions: functions return 0 on success or a positive errno value on
 * failure, so Swift never reads the global errno after other code has run.
 * Every failure path backs out what it already did before returning.
 */
#ifndef HOGWILD_SEGMENT_H
#define HOGWILD_SEGMENT_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#include "../../../include/hogwild.h"

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

/* Why an existing object was refused without being read (EPERM). Anyone
 * can put anything in /dev/shm: only a regular file owned by this user is
 * opened at all (lstat first, then O_NONBLOCK|O_NOFOLLOW and fstat of the
 * same inode), and only a fully allocated one of at most HW_SHM_MAX_BYTES is
 * mapped (reading a sparse tmpfs object allocates every page it touches). */
enum {
  HW_SHM_NOT_REGULAR = 1, /* a FIFO, socket, device, directory or symlink */
  HW_SHM_NOT_OWNED = 2,   /* owned by another user (facts.owner) */
  HW_SHM_SPARSE = 3,      /* facts.allocated < facts.size */
  HW_SHM_TOO_LARGE = 4,   /* facts.size > HW_SHM_MAX_BYTES */
};
#define HW_SHM_MAX_BYTES (1ull << 40)

/* What was learnt about an existing object before trusting it. */
typedef struct hw_shm_facts {
  uint64_t size;      /* st_size */
  uint64_t allocated; /* st_blocks × 512 */
  uint32_t owner;     /* st_uid */
  uint32_t refusal;   /* 0, or HW_SHM_* when the call returned EPERM for it */
} hw_shm_facts;

/* Whether some live process holds the liveness lock of `name`
 * (*out_held = 1) or nobody does (0). Opens only what hw_shm_attach would. */
int hw_shm_lock_state(const char *name, int *out_held);

int hw_close(int fd);

/* Opens an existing `name` (checked as above), learns its size with fstat
 * and maps all of it, read-only unless `writable`. A zero-length object maps
 * nothing and returns 0 with *out_base == NULL. `facts` is filled whenever
 * the object could be looked at. */
int hw_shm_attach(const char *name, int writable, void **out_base, size_t *out_size, hw_shm_facts *facts);

/* The current size of the object behind `fd` (a creator's lock descriptor):
 * a live segment that shrinks was truncated under the run. */
int hw_fd_size(int fd, uint64_t *out_size);

/* Removes the name. The only caller is the supervisor (and `clean`). */
int hw_shm_unlink(const char *name);

int hw_unmap(void *base, size_t size);

/* ---- surviving a segment that goes bad (guard.c) ---------------------- */
/* Arms the SIGBUS guard for the mapping [base, base + size) in this process:
 * a SIGBUS inside it (the object was truncated under us) maps anonymous zero
 * pages over the whole mapping and sets the tripped flag, so the access
 * completes; any other SIGBUS goes to the previous disposition. Forked
 * children are not guarded. One mapping at a time. */
int hw_segment_guard(void *base, size_t size);
/* Disarms the guard and restores the previous SIGBUS disposition. */
void hw_segment_unguard(void);
/* 1 once the guard replaced the mapping (or hw_segment_replace_with_zeros did). */
int hw_segment_guard_tripped(void);
/* Replaces the mapping with anonymous zero pages now (a shrink seen by
 * fstat, before any access faults) and sets the tripped flag. */
int hw_segment_replace_with_zeros(void *base, size_t size);

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

#ifdef __cplusplus
}
#endif
#endif /* HOGWILD_SEGMENT_H */
