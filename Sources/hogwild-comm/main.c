/*
 * main.c — hogwild-comm SEGMENT SUPERVISOR_PID: one node's communicator in
 * `run --distributed` (include/hogwild.h, NOTES (i)), in the order it runs:
 *
 *   1. Attach the segment, guard it, enter MPI; check that MPI's rank and
 *      size are the ones the supervisor read from the launcher, and that
 *      every node has the same θ size and sync settings.
 *   2. Broadcast rank 0's θ, g and T; every node stores them and keeps
 *      θ_ref, g_ref, T_ref; phase READY lets the supervisor fork. (U stays
 *      each node's own count, so the workers' staleness is the within-node
 *      one; the updates the other nodes made are counted per sync.)
 *   3. Every --sync-every: one sync (below), until a sync in which every
 *      node reports its workers stopped.
 *   4. Phase FINISHED, MPI_Finalize, exit 0.
 *
 * A sync, the same collectives in the same order on every node (each
 * decision to go on or finish is taken from reduced values, so no node can
 * leave a collective waiting):
 *   control  MPI_Iallreduce    ΔT, ΔU, nodes whose workers stopped, episode
 *                              records to send (summed), the stop word (max)
 *   θ, g     MPI_Iallreduce    Δθ and Δg (--sync-rmsprop mean) in one buffer,
 *                              SUM → merge (sync.c)
 *   rank 0   MPI_Igather       each node's figures and record count
 *            MPI_Igatherv      the records (only when some node has any)
 * Nonblocking, and waited for by sleeping between tests (wait_for).
 *
 * Any MPI error: the reason goes into hw_dist.error, phase FAILED, exit 1
 * without MPI_Finalize. The supervisor reports it and ends its node with
 * status 1; mpirun then ends the others (MPI has no elastic recovery).
 */
#include "comm.h"

#include <errno.h>
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/* Records a node forwards to rank 0 per sync, at most (the rest wait for
 * the next one); less with many nodes, so that one sync's records from
 * every node fit in rank 0's inbox (C.forward). */
#define MAX_FORWARD 4096u

struct report;

typedef struct comm {
  hwc_node node;
  int rank, size;
  int write_mode;
  int sync_g;
  hwc_region theta, g;
  uint64_t t_ref, u_ref;
  float *flat;                 /* Δθ then Δg, one allreduce buffer */
  hw_episode_record *outbox;   /* this node's records for rank 0 */
  hw_episode_record *received; /* rank 0: every node's */
  int *counts, *displs;        /* rank 0: bytes per node, offsets */
  struct report *reports;      /* rank 0: one per node */
  size_t forward;              /* records per node per sync (≤ MAX_FORWARD) */
} comm;

static comm C;

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...) {
  char why[128];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  fprintf(stderr, "hogwild-comm (rank %d): %s\n", C.rank, why);
  hwc_node_fail(&C.node, why);
  /* No MPI_Finalize: the peers may be inside a collective. */
  _exit(1);
}

static void check(int rc, const char *what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  die("%s failed: %s", what, text);
}

static void beat(void) { hw_store_u64_relaxed(&C.node.d->heartbeat_ns, hwc_now_ns()); }

/* 1. Every node must sync the same shapes with the same settings. */
static void check_agreement(void) {
  hw_header *h = C.node.h;
  hw_dist *d = C.node.d;
  long long mine[5] = {(long long)h->params_count, (long long)h->opt_count, (long long)d->sync_mode,
                       (long long)d->rmsprop_mode, (long long)d->sync_every_ns};
  long long lo[5], hi[5];
  check(MPI_Allreduce(mine, lo, 5, MPI_LONG_LONG, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  check(MPI_Allreduce(mine, hi, 5, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  static const char *what[5] = {"θ sizes", "optimizer statistics", "--sync", "--sync-rmsprop", "--sync-every"};
  for (int i = 0; i < 5; i++) {
    if (lo[i] != hi[i])
      die("the ranks disagree on %s (%lld against %lld): every rank must run the same command", what[i], lo[i], hi[i]);
  }
}

/* 2. Rank 0's θ, g and T everywhere. */
static void broadcast_initial(void) {
  hw_header *h = C.node.h;
  uint64_t counters[1] = {hw_load_u64_relaxed(&h->T.value)};
  check(MPI_Bcast(counters, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  /* Floats in chunks: MPI counts are ints. */
  size_t chunk = 1u << 28;
  for (size_t at = 0; at < h->params_count; at += chunk) {
    size_t n = h->params_count - at < chunk ? h->params_count - at : chunk;
    check(MPI_Bcast(C.node.theta + at, (int)n, MPI_FLOAT, 0, MPI_COMM_WORLD), "MPI_Bcast");
  }
  if (C.node.g) {
    for (size_t at = 0; at < h->opt_count; at += chunk) {
      size_t n = h->opt_count - at < chunk ? h->opt_count - at : chunk;
      check(MPI_Bcast(C.node.g + at, (int)n, MPI_FLOAT, 0, MPI_COMM_WORLD), "MPI_Bcast");
    }
  }
  hw_store_u64_relaxed(&h->T.value, counters[0]);
  C.t_ref = counters[0];
  C.u_ref = hw_load_u64_relaxed(&h->U.value);
  hwc_region_rebase(&C.theta);
  if (C.sync_g) hwc_region_rebase(&C.g);
  hw_store_u64_relaxed(&C.node.d->u_ref, C.u_ref);
  hw_store_u64_relaxed(&C.node.d->last_sync_end_ns, hwc_now_ns());
  hw_store_u32_release(&C.node.d->phase, HW_COMM_READY);
}

/* Waits for a nonblocking collective: MPI_Test for 20 µs, then between
 * tests naps of 20 µs (1 ms once it waited 10 ms: a slow peer, where waking
 * often would cost CPU for nothing). A blocking collective spins
 * inside MPI; on nodes whose cores the workers keep busy, a spinning
 * communicator competes with them for the CPU and, descheduled, keeps every
 * peer waiting (a 19 KB sync measured 30-40 ms that way with 2 ranks on 2
 * busy cores, 0.5 ms with idle ones); a sleeper is scheduled when it wakes. */
static void wait_for(MPI_Request *request, const char *what) {
  uint64_t start = hwc_now_ns();
  for (;;) {
    int done = 0;
    check(MPI_Test(request, &done, MPI_STATUS_IGNORE), what);
    if (done) return;
    uint64_t waited = hwc_now_ns() - start;
    hwc_guard_check();
    /* Measured on 2 busy cores: 20 µs naps gave 3.1-3.6 ms per collective,
     * naps growing to 100 µs 3.8-4.5 ms, to 1 ms 4-6 ms. */
    if (waited >= 20000) hwc_sleep_ns(waited < 10000000 ? 20000 : 1000000);
  }
}

/* The control values, summed except the stop word (the last), which is
 * the largest any node asked for: one collective instead of two. */
enum { CTL_STEPS, CTL_UPDATES, CTL_STOPPED, CTL_RECORDS, CTL_STOP, CTL_COUNT };
static MPI_Op control_op;

static void combine_control(void *in, void *inout, int *len, MPI_Datatype *type) {
  (void)type;
  const uint64_t *a = in;
  uint64_t *b = inout;
  for (int i = 0; i < *len; i++) {
    if (i % CTL_COUNT == CTL_STOP) {
      if (a[i] > b[i]) b[i] = a[i];
    } else {
      b[i] += a[i];
    }
  }
}

static void allreduce_floats(float *buf, size_t n) {
  size_t chunk = 1u << 28;
  for (size_t at = 0; at < n; at += chunk) {
    size_t k = n - at < chunk ? n - at : chunk;
    MPI_Request request;
    check(MPI_Iallreduce(MPI_IN_PLACE, buf + at, (int)k, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &request),
          "MPI_Iallreduce");
    wait_for(&request, "MPI_Iallreduce");
  }
}

/* What each node sends rank 0 at every sync: its figures and how many
 * episode records follow. */
typedef struct report {
  hw_node_stats stats;
  uint64_t records;
} report;

/* Figures and episodes to rank 0 (`records` of them are in C.outbox;
 * `any` is the summed count: when 0, no node sends records). Returns the
 * bytes this node sent. */
static uint64_t gather_to_root(size_t records, uint64_t any) {
  hwc_node *n = &C.node;
  report mine;
  hwc_node_stats(n, &mine.stats);
  mine.records = records;
  MPI_Request request;
  check(MPI_Igather(&mine, sizeof mine, MPI_BYTE, C.reports, sizeof mine, MPI_BYTE, 0, MPI_COMM_WORLD, &request),
        "MPI_Igather");
  wait_for(&request, "MPI_Igather");
  int bytes = (int)(records * sizeof(hw_episode_record));
  if (any) {
    if (C.rank == 0) {
      int at = 0;
      for (int r = 0; r < C.size; r++) {
        uint64_t k = C.reports[r].records <= MAX_FORWARD ? C.reports[r].records : 0;
        C.counts[r] = (int)(k * sizeof(hw_episode_record));
        C.displs[r] = at;
        at += C.counts[r];
      }
    }
    check(MPI_Igatherv(C.outbox, bytes, MPI_BYTE, C.received, C.counts, C.displs, MPI_BYTE, 0, MPI_COMM_WORLD,
                       &request),
          "MPI_Igatherv");
    wait_for(&request, "MPI_Igatherv");
  }
  if (C.rank == 0) {
    uint64_t arrived = hwc_now_ns();
    size_t total = any ? (size_t)(C.displs[C.size - 1] + C.counts[C.size - 1]) / sizeof(hw_episode_record) : 0;
    for (size_t i = 0; i < total; i++) hwc_inbox_publish(n, &C.received[i], arrived);
    hw_fetch_add_u64_relaxed(&n->d->episodes_forwarded, total);
    for (int r = 0; r < C.size; r++) hwc_node_table_store(n, (uint32_t)r, &C.reports[r].stats);
  } else {
    hw_fetch_add_u64_relaxed(&n->d->episodes_forwarded, records);
  }
  return (uint64_t)bytes + sizeof mine;
}

/* One sync. Returns 1 when it was the last (every node's workers stopped).
 * *met is when the first collective returned: the same moment on every
 * node, from which the next sync is timed (timing it from each node's own
 * start would keep the nodes' phases apart, one always waiting for the
 * other inside the collective). */
static int sync_once(uint64_t started, uint64_t previous_start, uint64_t *met) {
  hw_header *h = C.node.h;
  hw_dist *d = C.node.d;
  /* The flags first: a node whose workers had stopped before this point
   * gives its final delta in this sync. */
  uint32_t stopped = hw_load_u32_acquire(&d->workers_stopped);
  uint32_t asked = hw_load_u32_relaxed(&d->stop_request);
  uint64_t t_now = hw_load_u64_relaxed(&h->T.value);
  uint64_t u_now = hw_load_u64_relaxed(&h->U.value);
  size_t records = C.rank != 0 ? hwc_ring_take(&C.node, C.outbox, C.forward, (uint32_t)C.rank, started) : 0;
  hwc_region_delta(&C.theta);
  if (C.sync_g) hwc_region_delta(&C.g);

  uint64_t control[CTL_COUNT] = {t_now - C.t_ref, u_now - C.u_ref, stopped ? 1u : 0u, records, asked};
  uint64_t all[CTL_COUNT];
  MPI_Request request;
  check(MPI_Iallreduce(control, all, CTL_COUNT, MPI_UINT64_T, control_op, MPI_COMM_WORLD, &request),
        "MPI_Iallreduce");
  wait_for(&request, "MPI_Iallreduce");
  *met = hwc_now_ns();
  /* θ and g in one buffer, one collective (g follows θ in C.flat). */
  allreduce_floats(C.flat, C.theta.n + (C.sync_g ? C.g.n : 0));

  float p = (float)C.size;
  hwc_region_merge(&C.theta, d->sync_mode == HW_SYNC_MEAN ? p : 1.0f, C.write_mode, C.node.lock, 0);
  if (C.sync_g) hwc_region_merge(&C.g, p, C.write_mode, C.node.lock, 1);
  /* T counts every node's steps: add what the others did. */
  uint64_t dt = control[CTL_STEPS], du = control[CTL_UPDATES];
  hw_fetch_add_u64_relaxed(&h->T.value, all[CTL_STEPS] - dt);
  C.t_ref += all[CTL_STEPS];
  C.u_ref = u_now;

  uint64_t bytes = sizeof control + C.theta.n * sizeof(float) + (C.sync_g ? C.g.n * sizeof(float) : 0);
  bytes += gather_to_root(records, all[CTL_RECORDS]);

  uint64_t ended = hwc_now_ns();
  uint64_t took = ended - started;

  uint64_t remote = all[CTL_UPDATES] - du;
  hw_store_u64_relaxed(&d->last_sync_ns, took);
  hw_store_u64_relaxed(&d->last_sync_bytes, bytes);
  hw_store_u64_relaxed(&d->last_sync_end_ns, ended);
  hw_store_u64_relaxed(&d->u_ref, C.u_ref);
  hw_fetch_add_u64_relaxed(&d->sync_ns_total, took);
  if (took > hw_load_u64_relaxed(&d->sync_ns_max)) hw_store_u64_relaxed(&d->sync_ns_max, took);
  hw_fetch_add_u64_relaxed(&d->bytes_total, bytes);
  hw_store_u64_relaxed(&d->remote_updates_last, remote);
  hw_fetch_add_u64_relaxed(&d->remote_updates_total, remote);
  hw_fetch_add_u64_relaxed(&d->local_updates_total, du);
  hw_fetch_add_u64_relaxed(&d->interval_ns_total, started - previous_start);
  hw_fetch_add_u64_relaxed(&d->remote_hist[hwc_bucket(remote)], 1);
  hw_fetch_add_u64_relaxed(&d->syncs, 1);
  if (all[CTL_STOP]) hw_store_u32_relaxed(&d->stop_agreed, (uint32_t)all[CTL_STOP]);
  beat();
  return all[CTL_STOPPED] == (uint64_t)C.size;
}

static int run(const char *name, int32_t supervisor, int *argc, char ***argv) {
  char why[128];
  /* Before MPI: a segment we cannot use is reported on stderr only (the
   * supervisor then sees its communicator exit before attaching). */
  if (hwc_node_attach(&C.node, name, why, sizeof why) != 0) {
    fprintf(stderr, "hogwild-comm: %s\n", why);
    return 1;
  }
  hw_dist *d = C.node.d;
  if (hwc_guard(name, C.node.base, supervisor) != 0) {
    /* The supervisor is already gone: its segment is an orphan. */
    if (hw_load_u32_relaxed(&C.node.h->state) != HW_STATE_DONE) shm_unlink(name);
    return 1;
  }
  hw_store_i32_relaxed(&d->comm_pid, (int32_t)getpid());
  beat();
  C.rank = (int)d->node;
  /* Sleep as asked (wait_for's 20 µs naps), not 50 µs later. */
  prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  /* Ahead of the workers when it wakes, where allowed (root, CAP_SYS_NICE,
   * RLIMIT_NICE; otherwise this fails and nothing changes): it sleeps
   * almost always, and while it waits to run, every node waits for it. */
  setpriority(PRIO_PROCESS, 0, -5);
  if (MPI_Init(argc, argv) != MPI_SUCCESS) die("MPI_Init failed");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  hwc_guard_signals();
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (rank != (int)d->node || size != (int)d->nodes)
    die("MPI says rank %d of %d, the launcher's environment said %u of %u", rank, size, d->node, d->nodes);
  C.rank = rank;
  C.size = size;
  hw_store_u32_relaxed(&d->phase, HW_COMM_ATTACHED);
  beat();

  hw_header *h = C.node.h;
  C.write_mode = strncmp(h->update_mode, "atomic", sizeof h->update_mode) == 0   ? HWC_WRITE_ATOMIC
                 : strncmp(h->update_mode, "locked", sizeof h->update_mode) == 0 ? HWC_WRITE_LOCKED
                                                                                 : HWC_WRITE_PLAIN;
  C.sync_g = C.node.g != NULL && d->rmsprop_mode == HW_SYNC_RMSPROP_MEAN;
  if (hwc_region_init(&C.theta, C.node.theta, h->params_count) != 0 ||
      (C.sync_g && hwc_region_init(&C.g, C.node.g, h->opt_count) != 0))
    die("out of memory for θ_ref (%llu floats)", (unsigned long long)h->params_count);
  /* Δθ and Δg side by side, so that one allreduce carries both. */
  C.flat = malloc((h->params_count + (C.sync_g ? h->opt_count : 0) + 1) * sizeof(float));
  if (!C.flat) die("out of memory");
  free(C.theta.buf);
  C.theta.buf = C.flat;
  if (C.sync_g) {
    free(C.g.buf);
    C.g.buf = C.flat + h->params_count;
  }
  C.forward = MAX_FORWARD;
  if (size > 1 && d->inbox_capacity / 2 / (uint64_t)(size - 1) < C.forward)
    C.forward = (size_t)(d->inbox_capacity / 2 / (uint64_t)(size - 1));
  if (C.forward < 1) C.forward = 1;
  C.outbox = calloc(MAX_FORWARD, sizeof(hw_episode_record));
  if (!C.outbox) die("out of memory");
  if (rank == 0) {
    C.received = calloc((size_t)size * MAX_FORWARD, sizeof(hw_episode_record));
    C.counts = calloc((size_t)size, sizeof(int));
    C.displs = calloc((size_t)size, sizeof(int));
    C.reports = calloc((size_t)size, sizeof(report));
    if (!C.received || !C.counts || !C.displs || !C.reports) die("out of memory");
  }
  MPI_Op_create(combine_control, 1, &control_op);
  check_agreement();
  broadcast_initial();
  beat();

  uint64_t every = d->sync_every_ns;
  uint64_t previous = hwc_now_ns();
  uint64_t next = previous + every;
  for (;;) {
    /* Between syncs: sleep in short slices, staying alive to the supervisor. */
    for (;;) {
      uint64_t now = hwc_now_ns();
      if (now >= next) break;
      /* Once a stop is agreed and this node's workers are gone, hurry. */
      if (hw_load_u32_relaxed(&d->stop_agreed) && hw_load_u32_relaxed(&d->workers_stopped)) break;
      uint64_t left = next - now;
      hwc_sleep_ns(left < 1000000ull ? left : 1000000ull);
      beat();
      hwc_guard_check();
    }
    uint64_t started = hwc_now_ns(), met = started;
    int last = sync_once(started, previous, &met);
    previous = started;
    if (last) break;
    /* After the agreement the nodes only wait for each other's workers. */
    next = met + (hw_load_u32_relaxed(&d->stop_agreed) ? 2000000ull : every);
  }
  hw_store_u32_release(&d->phase, HW_COMM_FINISHED);
  MPI_Finalize();
  return 0;
}

static int usage(void) {
  fprintf(stderr,
          "usage: hogwild-comm SEGMENT SUPERVISOR_PID   (spawned by hogwild-rl run --distributed)\n"
          "       mpirun -np P hogwild-comm check [SYNCS]   conservation test\n"
          "       mpirun -np P hogwild-comm bench [FLOATS…]   sync time against θ size\n");
  return 64;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "check") == 0) return hwc_check_main(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "bench") == 0) return hwc_bench_main(argc, argv);
  if (argc != 3) return usage();
  char *end = NULL;
  long pid = strtol(argv[2], &end, 10);
  if (!end || *end || pid <= 1 || pid > 0x7fffffff) return usage();
  return run(argv[1], (int32_t)pid, &argc, &argv);
}
