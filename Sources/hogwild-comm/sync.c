/*
 * sync.c — the arithmetic of one sync, without MPI (include/hogwild.h,
 * NOTES (i)): the delta since the last sync, and the merge of the nodes'
 * summed deltas back into the segment while the workers keep writing.
 *
 * Why θ ← θ_ref' + (θ − s) rather than θ += ΣΔ − Δ: the two are equal in
 * exact arithmetic, but this one makes every node's θ the same bits after a
 * sync during which no worker wrote (θ − s is then exactly 0, and θ_ref' is
 * computed identically everywhere from the same ΣΔ), so the nodes cannot
 * drift apart by rounding.
 */
#include "comm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../CHogwild/include/hogwild_segment.h"

static float *alloc_floats(size_t n) {
  void *p = NULL;
  if (posix_memalign(&p, 64, (n ? n : 1) * sizeof(float)) != 0) return NULL;
  return p;
}

int hwc_region_init(hwc_region *r, float *shared, size_t n) {
  memset(r, 0, sizeof *r);
  r->shared = shared;
  r->n = n;
  r->ref = alloc_floats(n);
  r->snap = alloc_floats(n);
  r->buf = alloc_floats(n);
  if (!r->ref || !r->snap || !r->buf) return ENOMEM;
  hwc_region_rebase(r);
  return 0;
}

void hwc_region_rebase(hwc_region *r) {
  memcpy(r->ref, r->shared, r->n * sizeof(float));
}

void hwc_region_delta(hwc_region *r) {
  const size_t n = r->n;
  float *restrict snap = r->snap, *restrict buf = r->buf;
  const float *restrict ref = r->ref;
  const volatile float *shared = r->shared;
  for (size_t i = 0; i < n; i++) snap[i] = shared[i];
  for (size_t i = 0; i < n; i++) buf[i] = snap[i] - ref[i];
}

/* shared[i] ← ref[i] + (shared[i] − snap[i]) by compare-and-swap. */
static void merge_atomic(float *shared, const float *ref, const float *snap, size_t n, int nonnegative) {
  for (size_t i = 0; i < n; i++) {
    uint32_t *word = (uint32_t *)&shared[i];
    uint32_t seen = __atomic_load_n(word, __ATOMIC_RELAXED);
    for (;;) {
      float cur, next;
      memcpy(&cur, &seen, sizeof cur);
      next = ref[i] + (cur - snap[i]);
      if (nonnegative && !(next >= 0.0f)) next = 0.0f;
      uint32_t bits;
      memcpy(&bits, &next, sizeof bits);
      if (__atomic_compare_exchange_n(word, &seen, bits, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) break;
    }
  }
}

void hwc_region_merge(hwc_region *r, float divisor, int write_mode, void *lock, int nonnegative) {
  const size_t n = r->n;
  float *restrict ref = r->ref;
  const float *restrict buf = r->buf, *restrict snap = r->snap;
  if (divisor == 1.0f) {
    for (size_t i = 0; i < n; i++) ref[i] += buf[i];
  } else {
    for (size_t i = 0; i < n; i++) ref[i] += buf[i] / divisor;
  }
  if (write_mode == HWC_WRITE_ATOMIC) {
    merge_atomic(r->shared, ref, snap, n, nonnegative);
    return;
  }
  int locked = write_mode == HWC_WRITE_LOCKED && lock && hw_lock_acquire(lock) == 0;
  /* Plain: a worker's store between this load and store is lost, like any
   * Hogwild! race (NOTES (c)). */
  float *shared = r->shared;
  if (nonnegative) {
    for (size_t i = 0; i < n; i++) {
      float next = ref[i] + (shared[i] - snap[i]);
      shared[i] = next >= 0.0f ? next : 0.0f;
    }
  } else {
    for (size_t i = 0; i < n; i++) shared[i] = ref[i] + (shared[i] - snap[i]);
  }
  if (locked) hw_lock_release(lock);
}
