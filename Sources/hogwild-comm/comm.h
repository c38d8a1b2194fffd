/*
 * comm.h — hogwild-comm, a node's communicator in `run --distributed`
 * (include/hogwild.h, NOTES (i)). The supervisor of each node spawns one; it
 * attaches the node's segment, and it alone talks MPI: the initial broadcast
 * of rank 0's θ, g, T and U, then a sync every --sync-every, episodes and
 * node figures to rank 0, and the agreed stop. Built by `make mpi` with mpicc
 * (Open MPI or MPICH), not by SwiftPM.
 *
 * Files: sync.c (the arithmetic of a sync, no MPI), node.c (the segment:
 * attach, validate, the node's figures, episodes out of the ring and into
 * the inbox; the guardian that unlinks the segment if the supervisor dies),
 * main.c (MPI: the run), check.c (`hogwild-comm check` and `bench`, the
 * conservation test and the sync benchmark).
 */
#ifndef HOGWILD_COMM_H
#define HOGWILD_COMM_H

#include <stddef.h>
#include <stdint.h>

#include "../../include/hogwild.h"

/* ---- sync.c: one synced float region -------------------------------------
 * `shared` lives in the segment and is written by the workers meanwhile;
 * `ref` is θ_ref (identical on every node), `snap` the snapshot the last
 * delta was taken from, `buf` the delta and, after the allreduce, ΣΔ. */
typedef struct hwc_region {
  float *shared;
  float *ref;
  float *snap;
  float *buf;
  size_t n;
} hwc_region;

/* How the merge writes `shared` (the run's --update). */
enum { HWC_WRITE_PLAIN = 0, HWC_WRITE_ATOMIC = 1, HWC_WRITE_LOCKED = 2 };

/* Allocates the private arrays; ref ← shared. Returns 0 or ENOMEM. */
int hwc_region_init(hwc_region *r, float *shared, size_t n);
/* ref ← shared (after the broadcast wrote shared). */
void hwc_region_rebase(hwc_region *r);
/* snap ← shared; buf ← snap − ref. */
void hwc_region_delta(hwc_region *r);
/* With buf = ΣΔ: ref ← ref + ΣΔ/divisor, then per float
 * shared ← ref + (shared − snap), so changes made after the snapshot
 * survive (a plain store, a compare-and-swap, or under `lock`). With
 * `nonnegative` (RMSProp's g, a mean of squares) a result below 0 is stored
 * as 0: g decays, and a node's decay since the snapshot added to a smaller
 * mean could go negative, and √(g + ε) with it. */
void hwc_region_merge(hwc_region *r, float divisor, int write_mode, void *lock, int nonnegative);

/* ---- node.c: the segment ------------------------------------------------ */
typedef struct hwc_node {
  const char *name;
  void *base;
  size_t size;
  hw_header *h;
  hw_dist *d;
  hw_worker_slot *slots;
  hw_episode_record *ring;
  hw_episode_record *inbox;
  hw_node_stats *table;
  float *theta;
  float *g;
  void *lock;
  uint64_t ring_cursor;      /* next ticket of the node's own ring to forward */
  uint64_t ring_wait_since;  /* when the cursor's ticket was first not ready */
} hwc_node;

/* Attaches `name` read-write and checks it the way SegmentValidator does
 * (magic, version, sizes, every region in bounds, a hw_dist present).
 * Returns 0, or fills `why` and returns an errno-like code. */
int hwc_node_attach(hwc_node *n, const char *name, char *why, size_t why_len);

/* The node's figures now (slots summed, hw_dist's staleness). */
void hwc_node_stats(const hwc_node *n, hw_node_stats *out);
/* Writes row `rank` of rank 0's node table (seq last, release). */
void hwc_node_table_store(hwc_node *n, uint32_t rank, const hw_node_stats *s);

/* Copies up to `max` new records of the node's own ring into `out`
 * (oldest first) and advances the cursor; records already lapped are
 * counted in episodes_lost. `node` and the age (now − end, in end_mono_ns)
 * are set for the trip to rank 0. */
size_t hwc_ring_take(hwc_node *n, hw_episode_record *out, size_t max, uint32_t node, uint64_t now);
/* Publishes a record received from another node into the inbox, its age
 * turned back into a time on this node's clock. */
void hwc_inbox_publish(hwc_node *n, const hw_episode_record *r, uint64_t now);

/* Records the reason in hw_dist.error and sets phase FAILED. */
void hwc_node_fail(hwc_node *n, const char *why);

/* The guardian: the communicator dies with its supervisor
 * (PR_SET_PDEATHSIG); if that happens, or a stop signal arrives after the
 * supervisor died, the segment's name is unlinked unless the run is DONE.
 * Returns ESRCH if `supervisor` is not our parent any more. */
int hwc_guard(const char *name, void *base, int32_t supervisor);
/* Installs the guardian's handlers again (MPI_Init may have replaced them). */
void hwc_guard_signals(void);
/* The same check by polling, from the communicator's waits: a signal can be
 * missed (the parent-death signal goes to the thread that spawned us). */
void hwc_guard_check(void);

uint64_t hwc_now_ns(void);
void hwc_sleep_ns(uint64_t ns);
/* Log2 bucket of a count, as HW_STALENESS_BUCKETS defines them. */
unsigned hwc_bucket(uint64_t v);

/* ---- check.c ------------------------------------------------------------ */
/* `hogwild-comm check [syncs]` and `hogwild-comm bench [floats…]`, run under
 * mpirun; main.c dispatches to them. */
int hwc_check_main(int argc, char **argv);
int hwc_bench_main(int argc, char **argv);

#endif /* HOGWILD_COMM_H */
