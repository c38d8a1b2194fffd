/*
 * apply.c — the kernels that write a gradient into the shared parameters.
 *
 * The plain kernels are the Hogwild! path: ordinary float loads and stores so
 * that the compiler vectorises them, racing with the other workers on purpose
 * (an interleaved write may be lost; Niu et al. 2011 and Mnih et al. 2016
 * accept that). The atomic kernels update each float with a compare-and-swap
 * loop, so no write is lost, at the price of vectorisation.
 *
 * `restrict` is true in the sense C means it: θ, g and the gradient are
 * distinct regions. (Other processes writing θ concurrently is the Hogwild!
 * race, outside the language's model either way.) With -fno-math-errno the
 * square root is one instruction, so the plain kernels vectorise.
 */
#include "hogwild_segment.h"

#include <float.h>
#include <math.h>
#include <string.h>
#if defined(__SSE__)
#include <immintrin.h>
#endif

/* The RMSProp pass is written with explicit 16-float vectors (clang/GCC
 * vector extensions): left to itself, the auto-vectoriser once turned a
 * blocked version of this loop into gathers and ran 15x slower. One vector
 * is one cache line of θ and one of g.
 *
 * HW_PREFETCH_AHEAD > 0 requests lines that far ahead for writing
 * (prefetchw), so a line another core wrote last moves here once, already
 * exclusive, instead of once for the read and again for the write. */
#ifndef HW_PREFETCH_AHEAD
#define HW_PREFETCH_AHEAD 0 /* floats */
#endif

typedef float hw_v16 __attribute__((vector_size(64)));

/* Portable (baseline x86-64) builds warn that passing this type by value
 * would use a different ABI without AVX-512; the helpers are always inlined,
 * so no such call exists. */
#pragma clang diagnostic ignored "-Wpsabi"

static inline __attribute__((always_inline)) hw_v16 load16(const float *p) {
  hw_v16 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
static inline __attribute__((always_inline)) void store16(float *p, hw_v16 v) { __builtin_memcpy(p, &v, sizeof v); }

typedef double hw_v16d __attribute__((vector_size(128)));

/* The bodies below are always inlined into two entry points each: the plain
 * kernel with `acc` NULL (the branch on it folds away, so the hot path is
 * unchanged) and the audit kernel (run --audit), which also adds every step
 * it applies, −lr·d/√(g+ε) or −lr·d, to acc[i] in double precision. The
 * audit variant computes θ exactly as the plain one does. */

static inline __attribute__((always_inline)) void
rmsprop_one(float *restrict theta, float *restrict g, const float *restrict grad,
            float *restrict local, double *restrict acc, size_t i, float lr, float alpha,
            float beta, float eps) {
  float d = grad[i];
  float gi = alpha * g[i] + beta * d * d;
  g[i] = gi;
  float step = lr * d / sqrtf(gi + eps);
  float t = theta[i] - step;
  theta[i] = t;
  if (local) local[i] = t;
  if (acc) acc[i] -= (double)step;
}

/* ---- the fast form (run --rmsprop-sqrt fast) ----------------------------
 * step = lr·d·r with r ≈ 1/√(g+ε): the CPU's reciprocal square root estimate
 * refined by Newton–Raphson, instead of a square root and a division (the
 * two slowest vector instructions of the exact loop, and not pipelined the
 * way multiplies are). The estimate:
 *   AVX-512F  vrsqrt14ps: relative error < 2⁻¹⁴; one Newton step
 *   AVX, SSE  vrsqrtps:   relative error < 1.5·2⁻¹²; one Newton step
 *   otherwise 1/√x, exact to rounding, no Newton step (no gain there).
 * One step squares the estimate's error (e → 1.5·e²), so what is left is
 * the float rounding of a few multiplies: the step's relative error against
 * lr·d/√(g+ε) in double precision stays below 1e-6 (measured in
 * Tests/HogwildSegmentTests/FastRMSPropTests.swift; the exact kernel's own
 * rounding is ~2e-7). HW_RSQRT_NEWTON overrides the number of steps. */
#ifndef HW_RSQRT_NEWTON
#if defined(__AVX512F__) || defined(__AVX__) || defined(__SSE__)
#define HW_RSQRT_NEWTON 1
#else
#define HW_RSQRT_NEWTON 0
#endif
#endif

/* An estimate of 1/√x for x > 0. x = +∞ is first lowered to FLT_MAX (in
 * place), so the Newton step sees no ∞·0 and the step comes out ≈ 0, as
 * d/√∞ does in the exact form; NaN stays NaN (min(FLT_MAX, NaN) is NaN). */
static inline __attribute__((always_inline)) hw_v16 rsqrt_estimate16(hw_v16 *x) {
#if defined(__AVX512F__)
  __m512 v = _mm512_min_ps(_mm512_set1_ps(FLT_MAX), (__m512)*x);
  *x = (hw_v16)v;
  return (hw_v16)_mm512_rsqrt14_ps(v);
#elif defined(__AVX__)
  typedef float v8 __attribute__((vector_size(32)));
  v8 half[2];
  __builtin_memcpy(half, x, sizeof half);
  for (int k = 0; k < 2; k++) half[k] = (v8)_mm256_min_ps(_mm256_set1_ps(FLT_MAX), (__m256)half[k]);
  __builtin_memcpy(x, half, sizeof half);
  for (int k = 0; k < 2; k++) half[k] = (v8)_mm256_rsqrt_ps((__m256)half[k]);
  hw_v16 r;
  __builtin_memcpy(&r, half, sizeof r);
  return r;
#elif defined(__SSE__)
  typedef float v4 __attribute__((vector_size(16)));
  v4 q[4];
  __builtin_memcpy(q, x, sizeof q);
  for (int k = 0; k < 4; k++) q[k] = (v4)_mm_min_ps(_mm_set1_ps(FLT_MAX), (__m128)q[k]);
  __builtin_memcpy(x, q, sizeof q);
  for (int k = 0; k < 4; k++) q[k] = (v4)_mm_rsqrt_ps((__m128)q[k]);
  hw_v16 r;
  __builtin_memcpy(&r, q, sizeof r);
  return r;
#else
  return 1.0f / __builtin_elementwise_sqrt(*x);
#endif
}

/* lr·d/√x, 16 lanes, in the fast form. Each Newton step is
 * r ← r + (r/2)·(1 − x·r²), written so that the correction is the small
 * term (with FMA: two fused operations and a multiply). */
static inline __attribute__((always_inline)) hw_v16 fast_step16(hw_v16 d, hw_v16 x, float lr) {
  hw_v16 r = rsqrt_estimate16(&x);
  for (int k = 0; k < HW_RSQRT_NEWTON; k++) {
    hw_v16 e = 1.0f - (x * r) * r;
    r = r + (0.5f * r) * e;
  }
  return (lr * d) * r;
}

/* The RMSProp pass, exact (`fast` = 0: lr·d/√(g+ε), a square root and a
 * division) or fast (`fast` = 1: fast_step16). `fast` is a constant at every
 * call, so each entry point compiles to one straight loop. The exact form's
 * tail (n not a multiple of 16) is scalar; the fast form's goes through the
 * same 16-lane arithmetic on a zero-padded copy, so every element of θ gets
 * the same formula wherever a call's range ends. */
static inline __attribute__((always_inline)) void
rmsprop_body(float *restrict theta, float *restrict g, const float *restrict grad,
             float *restrict local, double *restrict acc, size_t n, float lr, float alpha,
             float eps, int fast) {
  const float beta = 1.0f - alpha;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    if (HW_PREFETCH_AHEAD > 0) {
      __builtin_prefetch(theta + i + HW_PREFETCH_AHEAD, 1, 3);
      __builtin_prefetch(g + i + HW_PREFETCH_AHEAD, 1, 3);
    }
    hw_v16 d = load16(grad + i);
    hw_v16 gv = alpha * load16(g + i) + beta * d * d;
    store16(g + i, gv);
    hw_v16 step = fast ? fast_step16(d, gv + eps, lr) : lr * d / __builtin_elementwise_sqrt(gv + eps);
    hw_v16 t = load16(theta + i) - step;
    store16(theta + i, t);
    if (local) store16(local + i, t);
    if (acc) {
      hw_v16d a;
      __builtin_memcpy(&a, acc + i, sizeof a);
      a -= __builtin_convertvector(step, hw_v16d);
      __builtin_memcpy(acc + i, &a, sizeof a);
    }
  }
  if (i == n) return;
  if (!fast) {
    for (; i < n; i++) rmsprop_one(theta, g, grad, local, acc, i, lr, alpha, beta, eps);
    return;
  }
  const size_t m = n - i;
  float db[16] = {0}, gb[16] = {0}, tb[16] = {0};
  __builtin_memcpy(db, grad + i, m * sizeof(float));
  __builtin_memcpy(gb, g + i, m * sizeof(float));
  __builtin_memcpy(tb, theta + i, m * sizeof(float));
  hw_v16 d = load16(db);
  hw_v16 gv = alpha * load16(gb) + beta * d * d;
  hw_v16 step = fast_step16(d, gv + eps, lr);
  hw_v16 t = load16(tb) - step;
  float sb[16];
  store16(gb, gv);
  store16(tb, t);
  store16(sb, step);
  __builtin_memcpy(g + i, gb, m * sizeof(float));
  __builtin_memcpy(theta + i, tb, m * sizeof(float));
  if (local) __builtin_memcpy(local + i, tb, m * sizeof(float));
  if (acc)
    for (size_t k = 0; k < m; k++) acc[i + k] -= (double)sb[k];
}

void hw_apply_rmsprop(float *restrict theta, float *restrict g,
                      const float *restrict grad, float *restrict local, size_t n,
                      float lr, float alpha, float eps) {
  rmsprop_body(theta, g, grad, local, NULL, n, lr, alpha, eps, 0);
}

void hw_apply_rmsprop_audit(float *restrict theta, float *restrict g,
                            const float *restrict grad, float *restrict local,
                            double *restrict acc, size_t n, float lr, float alpha, float eps) {
  rmsprop_body(theta, g, grad, local, acc, n, lr, alpha, eps, 0);
}

void hw_apply_rmsprop_fast(float *restrict theta, float *restrict g,
                           const float *restrict grad, float *restrict local, size_t n,
                           float lr, float alpha, float eps) {
  rmsprop_body(theta, g, grad, local, NULL, n, lr, alpha, eps, 1);
}

void hw_apply_rmsprop_fast_audit(float *restrict theta, float *restrict g,
                                 const float *restrict grad, float *restrict local,
                                 double *restrict acc, size_t n, float lr, float alpha,
                                 float eps) {
  rmsprop_body(theta, g, grad, local, acc, n, lr, alpha, eps, 1);
}

int hw_rmsprop_fast_estimate_bits(void) {
#if defined(__AVX512F__)
  return 14;
#elif defined(__AVX__) || defined(__SSE__)
  return 12;
#else
  return 0;
#endif
}

static inline __attribute__((always_inline)) void
sgd_body(float *restrict theta, const float *restrict grad, float *restrict local,
         double *restrict acc, size_t n, float lr) {
  for (size_t i = 0; i < n; i++) {
    float step = lr * grad[i];
    float t = theta[i] - step;
    theta[i] = t;
    if (local) local[i] = t;
    if (acc) acc[i] -= (double)step;
  }
}

void hw_apply_sgd(float *restrict theta, const float *restrict grad,
                  float *restrict local, size_t n, float lr) {
  if (local) {
    sgd_body(theta, grad, local, NULL, n, lr);
  } else {
    sgd_body(theta, grad, NULL, NULL, n, lr);
  }
}

void hw_apply_sgd_audit(float *restrict theta, const float *restrict grad,
                        float *restrict local, double *restrict acc, size_t n, float lr) {
  sgd_body(theta, grad, local, acc, n, lr);
}

static inline float bits_to_float(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}
static inline uint32_t float_to_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static inline __attribute__((always_inline)) void
rmsprop_atomic_body(float *theta, float *g, const float *grad, float *local, double *acc,
                    size_t n, float lr, float alpha, float eps) {
  const float beta = 1.0f - alpha;
  uint32_t *gbits = (uint32_t *)g;
  uint32_t *tbits = (uint32_t *)theta;
  for (size_t i = 0; i < n; i++) {
    float d = grad[i];
    uint32_t old = __atomic_load_n(&gbits[i], __ATOMIC_RELAXED);
    float gi;
    do {
      gi = alpha * bits_to_float(old) + beta * d * d;
    } while (!__atomic_compare_exchange_n(&gbits[i], &old, float_to_bits(gi), 1,
                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    float step = lr * d / sqrtf(gi + eps);
    uint32_t told = __atomic_load_n(&tbits[i], __ATOMIC_RELAXED);
    float t;
    do {
      t = bits_to_float(told) - step;
    } while (!__atomic_compare_exchange_n(&tbits[i], &told, float_to_bits(t), 1,
                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    if (local) local[i] = t;
    if (acc) acc[i] -= (double)step;
  }
}

void hw_apply_rmsprop_atomic(float *theta, float *g, const float *grad, float *local,
                             size_t n, float lr, float alpha, float eps) {
  rmsprop_atomic_body(theta, g, grad, local, NULL, n, lr, alpha, eps);
}

void hw_apply_rmsprop_atomic_audit(float *theta, float *g, const float *grad, float *local,
                                   double *acc, size_t n, float lr, float alpha, float eps) {
  rmsprop_atomic_body(theta, g, grad, local, acc, n, lr, alpha, eps);
}

static inline __attribute__((always_inline)) void
sgd_atomic_body(float *theta, const float *grad, float *local, double *acc, size_t n, float lr) {
  uint32_t *tbits = (uint32_t *)theta;
  for (size_t i = 0; i < n; i++) {
    float step = lr * grad[i];
    uint32_t told = __atomic_load_n(&tbits[i], __ATOMIC_RELAXED);
    float t;
    do {
      t = bits_to_float(told) - step;
    } while (!__atomic_compare_exchange_n(&tbits[i], &told, float_to_bits(t), 1,
                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    if (local) local[i] = t;
    if (acc) acc[i] -= (double)step;
  }
}

void hw_apply_sgd_atomic(float *theta, const float *grad, float *local, size_t n, float lr) {
  sgd_atomic_body(theta, grad, local, NULL, n, lr);
}

void hw_apply_sgd_atomic_audit(float *theta, const float *grad, float *local, double *acc,
                               size_t n, float lr) {
  sgd_atomic_body(theta, grad, local, acc, n, lr);
}

void hw_mean_of_rows(float *restrict out, const float *restrict rows, size_t stride, size_t nrows,
                     size_t from, size_t n) {
  for (size_t k = 0; k < n; k++) out[k] = 0.0f;
  for (size_t r = 0; r < nrows; r++) {
    const float *row = rows + r * stride + from;
    for (size_t k = 0; k < n; k++) out[k] += row[k];
  }
  const float scale = 1.0f / (float)nrows;
  for (size_t k = 0; k < n; k++) out[k] *= scale;
}
