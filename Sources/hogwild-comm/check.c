/*
 * check.c — two tools over the sync arithmetic of sync.c, run under mpirun
 * with no segment and no supervisor:
 *
 *   hogwild-comm check [SYNCS]
 *     Conservation, exactly. Every node starts from rank 0's θ; before each
 *     sync it adds integer-valued synthetic deltas to its θ, and a writer
 *     thread keeps adding integers while the sync runs (the workers' part);
 *     after a last sync with nothing written, every node's θ must equal θ₀ +
 *     Σ of every node's deltas (sum) or θ₀ + Σ/P (mean; the deltas are then
 *     multiples of P), bit for bit, and all nodes must hold the same bits.
 *     Integers below 2^24 are exact in float, so "equal" means equal. Runs
 *     sum and mean, with the merge's plain store (no writer: a plain store
 *     may lose the writer's adds by design), compare-and-swap and the lock.
 *     Prints one line per case and "check ok" on rank 0; exit 1 on failure.
 *
 *   hogwild-comm bench [FLOATS…]
 *     Sync time against θ size: for each size, the median and 90th
 *     percentile over 60 syncs of the delta, the allreduce and the merge,
 *     and the bytes each node gives the allreduce.
 */
#include "comm.h"

#include <mpi.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../CHogwild/include/hogwild_segment.h"

/* ---- check -------------------------------------------------------------- */

typedef struct writer {
  float *theta;
  size_t n;
  int mode;
  void *lock;
  float step;           /* what one add adds (P in mean mode: stays exact) */
  uint32_t *adds;       /* per float: how many adds this writer made */
  uint64_t rng;
  volatile int run;
} writer;

static uint64_t next_random(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static void add_one(float *p, float v, int mode) {
  if (mode == HWC_WRITE_ATOMIC) {
    uint32_t *w = (uint32_t *)p;
    uint32_t seen = __atomic_load_n(w, __ATOMIC_RELAXED);
    for (;;) {
      float cur, next;
      memcpy(&cur, &seen, sizeof cur);
      next = cur + v;
      uint32_t bits;
      memcpy(&bits, &next, sizeof bits);
      if (__atomic_compare_exchange_n(w, &seen, bits, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) return;
    }
  }
  *p += v;
}

static void *write_loop(void *arg) {
  writer *w = arg;
  while (w->run) {
    size_t i = (size_t)(next_random(&w->rng) % w->n);
    if (w->mode == HWC_WRITE_LOCKED) hw_lock_acquire(w->lock);
    add_one(&w->theta[i], w->step, w->mode);
    if (w->mode == HWC_WRITE_LOCKED) hw_lock_release(w->lock);
    w->adds[i]++;
    /* Let the node's MPI progress run on an oversubscribed machine. */
    if ((w->adds[i] & 255u) == 0) sched_yield();
  }
  return NULL;
}

/* The synthetic delta node `r` adds to float i before sync k. */
static int delta(int r, int k, size_t i) { return (int)((i * 7u + (unsigned)r * 13u + (unsigned)k * 5u) % 5u) - 2; }

static int check_case(int rank, int size, size_t n, int syncs, int mean, int mode, const char *label) {
  float *theta = NULL;
  if (posix_memalign((void **)&theta, 64, n * sizeof(float)) != 0) return 1;
  for (size_t i = 0; i < n; i++) theta[i] = rank == 0 ? (float)(i % 1000) : -1.0f;
  MPI_Bcast(theta, (int)n, MPI_FLOAT, 0, MPI_COMM_WORLD);
  hwc_region r;
  if (hwc_region_init(&r, theta, n) != 0) return 1;
  pthread_mutex_t lock;
  if (hw_lock_init(&lock) != 0) return 1;
  writer w = {theta, n, mode, &lock, mean ? (float)size : 1.0f, calloc(n, sizeof(uint32_t)),
              0x1234ull + (uint64_t)rank, 1};
  int concurrent = mode != HWC_WRITE_PLAIN;
  pthread_t thread;
  if (concurrent && pthread_create(&thread, NULL, write_loop, &w) != 0) return 1;
  float scale = mean ? (float)size : 1.0f;
  for (int k = 0; k < syncs; k++) {
    /* The node's own deltas, written the way the writer writes. */
    if (mode == HWC_WRITE_LOCKED) hw_lock_acquire(&lock);
    for (size_t i = 0; i < n; i++) add_one(&theta[i], (float)delta(rank, k, i) * scale, mode);
    if (mode == HWC_WRITE_LOCKED) hw_lock_release(&lock);
    hwc_region_delta(&r);
    MPI_Allreduce(MPI_IN_PLACE, r.buf, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    hwc_region_merge(&r, mean ? (float)size : 1.0f, mode, &lock, 0);
  }
  if (concurrent) {
    w.run = 0;
    pthread_join(thread, NULL);
  }
  /* The last sync: nothing written meanwhile, so θ = θ_ref everywhere. */
  hwc_region_delta(&r);
  MPI_Allreduce(MPI_IN_PLACE, r.buf, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
  hwc_region_merge(&r, mean ? (float)size : 1.0f, mode, &lock, 0);

  /* Expected: θ₀ + every node's deltas (÷ P in mean mode) + every writer's adds. */
  uint32_t *adds = calloc(n, sizeof(uint32_t));
  MPI_Allreduce(w.adds, adds, (int)n, MPI_UINT32_T, MPI_SUM, MPI_COMM_WORLD);
  long long writes = 0;
  size_t bad = 0, first_bad = 0;
  for (size_t i = 0; i < n; i++) {
    long long expect = (long long)(i % 1000);
    for (int q = 0; q < size; q++)
      for (int k = 0; k < syncs; k++) expect += delta(q, k, i);
    expect += adds[i];
    writes += adds[i];
    if (theta[i] != (float)expect) {
      if (bad++ == 0) first_bad = i;
    }
  }
  /* The same bits on every node. */
  float *root = malloc(n * sizeof(float));
  memcpy(root, theta, n * sizeof(float));
  MPI_Bcast(root, (int)n, MPI_FLOAT, 0, MPI_COMM_WORLD);
  int differs = memcmp(root, theta, n * sizeof(float)) != 0;
  int local_fail = bad > 0 || differs, any_fail = 0;
  MPI_Allreduce(&local_fail, &any_fail, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (bad) {
    fprintf(stderr, "check %s: rank %d: %zu of %zu floats differ from the global sum (first %zu: %g)\n", label,
            rank, bad, n, first_bad, (double)theta[first_bad]);
  }
  if (differs) fprintf(stderr, "check %s: rank %d holds other bits than rank 0\n", label, rank);
  if (rank == 0) {
    printf("%-28s %s: %d nodes, %zu floats, %d syncs, %lld concurrent writes\n", label, any_fail ? "FAILED" : "exact",
           size, n, syncs + 1, writes);
  }
  free(root);
  free(adds);
  free(w.adds);
  free(theta);
  return any_fail;
}

int hwc_check_main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int syncs = argc >= 3 ? atoi(argv[2]) : 40;
  if (syncs < 1 || syncs > 100000) syncs = 40;
  size_t n = 4739; /* the CartPole MLP's θ */
  int failed = 0;
  failed |= check_case(rank, size, n, syncs, 0, HWC_WRITE_PLAIN, "sum, plain store");
  failed |= check_case(rank, size, n, syncs, 1, HWC_WRITE_PLAIN, "mean, plain store");
  failed |= check_case(rank, size, n, syncs, 0, HWC_WRITE_ATOMIC, "sum, CAS + writer");
  failed |= check_case(rank, size, n, syncs, 1, HWC_WRITE_ATOMIC, "mean, CAS + writer");
  failed |= check_case(rank, size, n, syncs, 0, HWC_WRITE_LOCKED, "sum, lock + writer");
  if (rank == 0) printf(failed ? "check FAILED\n" : "check ok\n");
  MPI_Finalize();
  return failed ? 1 : 0;
}

/* ---- bench -------------------------------------------------------------- */

static int compare_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

int hwc_bench_main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  size_t sizes[16];
  int count = 0;
  for (int i = 2; i < argc && count < 16; i++) {
    long v = atol(argv[i]);
    if (v > 0) sizes[count++] = (size_t)v;
  }
  if (count == 0) {
    size_t fallback[] = {4739, 132000, 678000};
    for (int i = 0; i < 3; i++) sizes[count++] = fallback[i];
  }
  enum { WARM = 5, RUNS = 60 };
  if (rank == 0) printf("%d nodes\n%10s %12s %12s %12s %12s %12s %12s\n", size, "floats", "bytes/node", "delta_ms",
                        "allreduce_ms", "merge_ms", "total_ms", "total_p90_ms");
  for (int s = 0; s < count; s++) {
    size_t n = sizes[s];
    float *theta = NULL;
    if (posix_memalign((void **)&theta, 64, n * sizeof(float)) != 0) return 1;
    for (size_t i = 0; i < n; i++) theta[i] = (float)(i % 97) * 0.01f;
    hwc_region r;
    if (hwc_region_init(&r, theta, n) != 0) return 1;
    uint64_t part[3][RUNS], total[RUNS];
    for (int k = 0; k < WARM + RUNS; k++) {
      for (size_t i = 0; i < n; i += 16) theta[i] += 0.001f;
      MPI_Barrier(MPI_COMM_WORLD);
      uint64_t t0 = hwc_now_ns();
      hwc_region_delta(&r);
      uint64_t t1 = hwc_now_ns();
      MPI_Allreduce(MPI_IN_PLACE, r.buf, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
      uint64_t t2 = hwc_now_ns();
      hwc_region_merge(&r, 1.0f, HWC_WRITE_PLAIN, NULL, 0);
      uint64_t t3 = hwc_now_ns();
      if (k >= WARM) {
        part[0][k - WARM] = t1 - t0;
        part[1][k - WARM] = t2 - t1;
        part[2][k - WARM] = t3 - t2;
        total[k - WARM] = t3 - t0;
      }
    }
    /* The slowest node sets the pace: each figure's maximum over nodes. */
    uint64_t med[4], p90;
    for (int q = 0; q < 3; q++) {
      qsort(part[q], RUNS, sizeof(uint64_t), compare_u64);
      med[q] = part[q][RUNS / 2];
    }
    qsort(total, RUNS, sizeof(uint64_t), compare_u64);
    med[3] = total[RUNS / 2];
    p90 = total[RUNS * 9 / 10];
    uint64_t worst[5], mine[5] = {med[0], med[1], med[2], med[3], p90};
    MPI_Reduce(mine, worst, 5, MPI_UINT64_T, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank == 0) {
      printf("%10zu %12zu %12.3f %12.3f %12.3f %12.3f %12.3f\n", n, n * sizeof(float), worst[0] / 1e6, worst[1] / 1e6,
             worst[2] / 1e6, worst[3] / 1e6, worst[4] / 1e6);
      fflush(stdout);
    }
    free(r.ref);
    free(r.snap);
    free(r.buf);
    free(theta);
  }
  MPI_Finalize();
  return 0;
}
