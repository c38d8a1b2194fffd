/*
 * hogwild.h — the one definition of the hogwild-rl shared-memory segment.
 *
 * Any C (or Python, via ctypes/struct) program can attach to a live run with
 * only this header: shm_open("/hogwild-rl.<pid>", O_RDONLY), mmap, check
 * `magic` and `layout_version`, then read the regions at the offsets stored in
 * the header (step by step in NOTES (h)). Every field says its unit, who
 * writes it and how to load it.
 *
 * NOTES
 * (a) Lifecycle. The supervisor creates the segment with O_CREAT|O_EXCL, sizes
 *     it, fills the header and the initial parameters while still single-
 *     threaded, then forks the workers, which inherit the mapping. Workers only
 *     munmap (implicitly, at _exit). Exactly one process, the supervisor, calls
 *     shm_unlink, when the run ends (unless --keep-segment).
 * (b) Layout. Header, then 64-byte-aligned regions: parameters θ (float32),
 *     the target parameters θ⁻ (float32, Q-learning family only; empty for
 *     A3C), shared optimizer statistics (float32, one per parameter), the
 *     lock, the episode ring, one hw_worker_slot per worker, then A2C's
 *     gradient exchange rows (empty for the asynchronous methods), the
 *     audit's θ at its start and its per-worker sums (empty without
 *     --audit) and the staleness ring (empty without --stale-updates),
 *     then, for run --distributed only (v5), hw_dist, its episode inbox and
 *     its node table (NOTES (i)). All offsets are byte offsets from
 *     the start of the segment and are stored in the header, so readers never
 *     recompute them.
 * (c) Races by design. θ and the optimizer statistics are written with plain,
 *     unsynchronised float stores by every worker at once (Hogwild!, Niu et al.
 *     2011). Lost updates are accepted. Counters (T, U, per-worker fields) use
 *     the relaxed atomics below: they are statistics, and no other memory is
 *     published through them, so no ordering is needed. The episode ring is the
 *     one place that publishes data: its `seq` uses release/acquire.
 *     θ⁻ is copied from θ by one worker (the one whose step count crossed a
 *     multiple of the target interval) while the others keep training and
 *     reading it: a reader may see a mix of the old and new θ⁻, accepted
 *     like every other Hogwild! race; `target_version` only tells readers
 *     when to re-read.
 * (d) Every struct here has only fixed-width fields and explicit padding, so its
 *     layout is the same for every compiler; _Static_asserts pin the sizes.
 *     (Swift drops C structs with _Alignas members, hence plain pad arrays.)
 * (e) A2C (synchronous). Each round every worker writes its gradient into its
 *     row of the exchange region and sets sync_grad_round; once every
 *     worker's sync_grad_round reached the round, each worker averages the
 *     rows over the slice of θ it owns and applies it, then sets
 *     sync_reduce_round; once all did, sync.round advances and all read the
 *     new θ. Progress lives in the slots, so a restarted worker resumes the
 *     round where its predecessor died (no deadlock); the worker that
 *     completes a phase bumps sync.wake and wakes the sleepers (futex).
 *     These fields use sequentially consistent atomics.
 * (f) Lost-update audit (run --audit; off: audit_stride = 0 and both regions
 *     empty). audit_start holds θ as it was when the audit began (segment
 *     creation, or the resume point of a resumed run). Every worker adds,
 *     for every parameter it updates, the step its optimizer computed
 *     (−lr·d/√(g+ε) with the g it saw, or −lr·d) into its own row of
 *     audit_sums, in double precision. A row has a single writer (its
 *     worker; a re-forked worker continues its predecessor's row), so plain
 *     stores suffice and workers never contend. The intended change of θ
 *     is the sum of all rows (in rank order); the actual change is θ now −
 *     audit_start; lost fraction = ‖intended − actual‖ / ‖intended‖. Readers
 *     read the rows with plain 8-byte loads while workers add to them.
 * (g) Controlled staleness (run --stale-updates K; off: stale_k = 0 and the
 *     ring empty). Updates are applied one at a time in ticket order: a
 *     worker takes ticket j = fetch_add(stale_ticket) when it reads θ, and
 *     applies its gradient as update j + 1 once U == j (so only one worker
 *     writes θ at a time). The ring holds K + 1 snapshots; snapshot slot
 *     v mod (K + 1) holds θ after v updates: the worker applying update
 *     v writes it in the same pass over θ, then stores U = v with release
 *     order. The worker with ticket j computes its gradient on version
 *     j − K (waiting, acquire, until U ≥ j − K), so its staleness U − (j − K)
 *     at the apply is exactly K. That slot cannot be overwritten before the
 *     worker applies: version j + 1 is the next to use it. Versions before
 *     stale_base (U when the ring was filled: 0, or the resume point) read
 *     θ as it was at stale_base. A worker's unapplied ticket is kept in its
 *     slot (stale_ticket = j + 1), so a re-forked worker takes it over
 *     instead of leaving the others waiting for update j + 1 forever.
 *     Waiters sleep on the low 32 bits of U (futex); appliers wake them.
 * (h) Attaching from another program (examples/read_segment.c and
 *     examples/read_segment.py do exactly this). The name is
 *     "/hogwild-rl.<supervisor pid>" unless `run --segment` chose one; on
 *     Linux the object is /dev/shm/<name without the slash>.
 *       1. shm_open(name, O_RDONLY, 0), fstat for the size (at least
 *          sizeof(hw_header)), mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0),
 *          close(fd). A PROT_READ mapping cannot disturb the run.
 *       2. hw_load_u64_acquire(&magic) == HW_MAGIC, else it is no segment
 *          or is still being initialised (retry shortly).
 *       3. layout_version == HW_LAYOUT_VERSION, else refuse: offsets and
 *          struct sizes differ between versions. Then header_size ==
 *          sizeof(hw_header), worker_slot_size == sizeof(hw_worker_slot),
 *          total_size <= the mapped size.
 *       4. Find every region through the offsets in the header; never
 *          recompute them. Read counters and slot fields with the relaxed
 *          helpers below, θ with plain loads (it changes while you read:
 *          copy it for a consistent-enough snapshot), and episode records
 *          through their `seq` (see hw_episode_record).
 *     The supervisor sets state DONE, then unlinks the name when the run ends
 *     (unless --keep-segment); a mapping made earlier stays readable.
 * (i) Several nodes (run --distributed under mpirun; off: dist_offset = 0).
 *     Every node (MPI rank) has its own segment and workers, exactly as
 *     above; the supervisor never calls MPI. It spawns the node's
 *     communicator (hogwild-comm, built by `make mpi` against MPI) after
 *     publishing the segment and before forking workers; the communicator
 *     attaches read-write by name, validates, fills `comm_pid`, and sets
 *     `phase` ATTACHED after MPI_Init. It broadcasts rank 0's θ, g, T and U
 *     to every node (each stores them into its own segment), keeps private
 *     copies θ_ref, g_ref, T_ref, U_ref, and stores `phase` READY with
 *     release order; only then does the supervisor fork its workers. Every
 *     `sync_every_ns` it reads a snapshot s of θ, Δ = s − θ_ref, and
 *     MPI_Allreduce(Δ, SUM) (ΔT, ΔU likewise, and the stop words with MAX);
 *     θ_ref' = θ_ref + ΣΔ (sync_mode SUM) or θ_ref + ΣΔ/P (MEAN); then, per
 *     float, θ ← θ_ref' + (θ − s): updates the workers made since the
 *     snapshot survive, and after a sync with no such update every node's
 *     θ equals θ_ref', the same bits everywhere. That store races with the
 *     workers like any Hogwild! write (--update atomic: compare-and-swap;
 *     locked: under the segment's mutex). T and U get ΣΔ − Δ with atomic
 *     adds, so they count every node's steps and updates (T_max is global).
 *     rmsprop_mode MEAN treats g like θ in MEAN mode (every node's g moves to
 *     the nodes' mean); LOCAL leaves each node's g alone. Ranks > 0 forward
 *     their new episode records and a hw_node_stats of their slots with
 *     each sync (MPI_Gather); rank 0's communicator publishes the records
 *     into its `inbox` (the episode-ring protocol, `node` set, end_mono_ns
 *     translated to rank 0's clock) and the stats into its node table.
 *     Stopping: a supervisor that wants to stop stores `stop_request`; the
 *     next sync reduces it (MAX) into `stop_agreed` on every node, whose
 *     supervisors then stop their workers and set `workers_stopped`; the
 *     sync in which every node reports workers_stopped is the last one (so
 *     the final θ holds every node's last update), after which the
 *     communicator stores `phase` FINISHED and leaves MPI. On an MPI error
 *     it writes `error`, stores FAILED and aborts the job (MPI has no
 *     elastic recovery). If its supervisor dies it unlinks the segment's
 *     name (unless state is DONE) and exits.
 */
#ifndef HOGWILD_H
#define HOGWILD_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "HOGWILD!" read as a little-endian uint64. */
#define HW_MAGIC 0x21444C4957474F48ULL
#define HW_LAYOUT_VERSION 5u
#define HW_CACHE_LINE 64u
#define HW_MAX_WORKERS 256u
#define HW_MAX_LAYERS 32u
#define HW_MAX_HPARAMS 42u
/* Staleness histogram bucket b counts staleness s with b = 0 for s = 0 and
 * b = floor(log2 s) + 1 otherwise: 0 | 1 | 2–3 | 4–7 | … ; the last bucket
 * also holds everything larger. */
#define HW_STALENESS_BUCKETS 32u
/* Episode ring capacity (a power of two). */
#define HW_RING_CAPACITY 32768u

/* Run states (hw_header.state). */
enum {
  HW_STATE_INITIALIZING = 0,
  HW_STATE_RUNNING = 1,
  HW_STATE_STOPPING = 2,
  HW_STATE_DONE = 3,
};

/* Worker statuses (hw_worker_slot.status). */
enum {
  HW_WORKER_EMPTY = 0,
  HW_WORKER_STARTING = 1,
  HW_WORKER_RUNNING = 2,
  HW_WORKER_DELAYED = 3,   /* sleeping inside --delay */
  HW_WORKER_EXITED = 4,    /* left its loop normally */
  HW_WORKER_FAILED = 5,    /* died; set by the supervisor after waitpid */
};

/* Who writes what (see NOTES (c)): "creator" fields are written once by the
 * supervisor before it publishes `magic` and are constant afterwards (plain
 * loads are fine); "relaxed atomic" fields change while the run lives and
 * are read with the hw_load_*_relaxed helpers below; "plain" floats are the
 * Hogwild! regions, written without synchronisation. Integers are little-
 * endian; times are nanoseconds; "steps" are environment steps. */

/* One row of the layer table: a named tensor inside the parameter region.
 * Creator; constant. */
typedef struct hw_layer {
  char name[40];         /* NUL-terminated, e.g. "actor_critic.0.weight" */
  uint32_t rows;         /* shape rows × cols, row-major in θ: a weight is
                            inputs × outputs, a bias 1 × outputs */
  uint32_t cols;         /* see rows */
  uint64_t offset;       /* in floats (not bytes), from params_offset */
  uint64_t count;        /* floats: rows × cols */
} hw_layer;              /* 64 bytes */

/* One hyperparameter, by name (numbers only; strings have header fields).
 * Creator; constant. */
typedef struct hw_hparam {
  char key[24];          /* NUL-terminated, e.g. "lr", "gamma" */
  double value;          /* IEEE-754 binary64, in the flag's own unit */
} hw_hparam;             /* 32 bytes */

/* A cache line holding one counter, so that hot counters never share a line. */
typedef struct hw_counter_line {
  uint64_t value;        /* the counter (relaxed atomic; see its use in hw_header) */
  uint64_t pad[7];       /* unused, zero: keeps the line to itself */
} hw_counter_line;       /* 64 bytes */

/* A2C's process-shared barrier (see NOTES (e)); all zero for other methods. */
typedef struct hw_sync_line {
  uint32_t wake;             /* futex word (seq-cst atomic): +1 by the worker
                                completing a barrier phase; waiters sleep on it */
  uint32_t pad0;             /* unused, zero */
  uint64_t round;            /* A2C rounds whose update is fully applied
                                (seq-cst atomic; written by the worker that
                                sees the round complete) */
  uint64_t pad[6];           /* unused, zero */
} hw_sync_line;              /* 64 bytes */

/* Where the audit's and the staleness ring's regions lie (NOTES (f), (g)).
 * Written by the creator before publishing, then only read. */
typedef struct hw_study_line {
  uint64_t audit_start_offset; /* float32[params_count]: θ when the audit began */
  uint64_t audit_sums_offset;  /* double[procs][audit_stride]: each worker's
                                  sum of intended steps, one per parameter */
  uint64_t audit_stride;       /* doubles per row (params_count rounded up to
                                  whole cache lines); 0: no audit */
  uint64_t stale_k;            /* K of --stale-updates; 0: off */
  uint64_t stale_ring_offset;  /* float32[stale_k + 1][stale_stride]:
                                  snapshot v mod (K+1) = θ after v updates */
  uint64_t stale_stride;       /* floats per snapshot (params_count rounded
                                  up to whole cache lines) */
  uint64_t stale_base;         /* U when the ring was filled (0, or the
                                  resume point); earlier versions read it */
  uint64_t pad;
} hw_study_line;               /* 64 bytes */

typedef struct hw_header {
  /* --- identity (first cache line); creator, constant unless noted --- */
  uint64_t magic;            /* HW_MAGIC; stored last, with release order,
                                once everything else is written: load it with
                                acquire and trust nothing if it differs */
  uint32_t layout_version;   /* HW_LAYOUT_VERSION of the writer; a reader must
                                refuse versions it was not written for */
  uint32_t header_size;      /* sizeof(hw_header) = 4096 bytes */
  uint64_t total_size;       /* bytes of the whole segment (= its file size) */
  int32_t creator_pid;       /* the supervisor's pid */
  uint32_t state;            /* HW_STATE_* (relaxed atomic; the supervisor) */
  uint64_t nonce;            /* random per run, to tell runs apart */
  uint64_t created_unix_ns;  /* CLOCK_REALTIME at creation, ns since 1970 */
  uint64_t created_mono_ns;  /* CLOCK_MONOTONIC at creation, ns (the clock of
                                every *_mono_ns and heartbeat_ns) */
  uint64_t seed;             /* the run's --seed */

  /* --- what runs (second to fourth cache lines); creator, constant --- */
  char env_id[48];           /* NUL-terminated Gymnasium id, e.g. "CartPole-v1" */
  char algo[16];             /* a3c | a2c | qn | q1 | sarsa1 */
  char optimizer[16];        /* shared-rmsprop | rmsprop | sgd */
  char update_mode[16];      /* hogwild | atomic | locked */
  char activation[16];       /* tanh | relu */
  uint32_t procs;            /* worker processes = worker slots */
  uint32_t n_layers;         /* rows used in layers[] (≤ HW_MAX_LAYERS) */
  uint32_t n_hparams;        /* rows used in hparams[] (≤ HW_MAX_HPARAMS) */
  uint32_t worker_slot_size; /* sizeof(hw_worker_slot) = 512 bytes */
  uint32_t obs_size;         /* floats in one observation */
  uint32_t n_actions;        /* discrete actions, or the action vector's length */
  uint64_t t_max;            /* stop when T >= t_max (steps) */

  /* --- regions (byte offsets from the start of the segment, each a
   *     multiple of 64); creator, constant unless noted --- */
  uint64_t params_offset;    /* float32[params_count]: θ (plain; every worker) */
  uint64_t params_count;     /* floats in θ */
  uint64_t opt_offset;       /* float32[opt_count]: shared RMSProp g, one per
                                parameter (plain; every worker) */
  uint64_t opt_count;        /* floats; 0 unless --optimizer shared-rmsprop */
  uint64_t ring_offset;      /* hw_episode_record[ring_capacity] */
  uint64_t ring_capacity;    /* records in the ring (HW_RING_CAPACITY) */
  uint64_t slots_offset;     /* hw_worker_slot[procs] */
  uint64_t lock_offset;      /* process-shared robust mutex (HW_LOCK_BYTES) */
  uint64_t target_offset;    /* float32[target_count]: target network θ⁻ of the
                                Q-learning family (plain; the copying worker) */
  uint64_t target_count;     /* floats in θ⁻; 0 for A3C and A2C */
  uint64_t target_version;   /* relaxed atomic: +1 after every θ⁻ ← θ copy */
  uint64_t exchange_offset;  /* float32[procs][exchange_stride]: each worker's
                                gradient row for A2C's reduction (0 rows
                                otherwise); rows start on cache lines */
  uint64_t exchange_stride;  /* floats per row (params_count rounded up to 16);
                                0 for the asynchronous methods */
  uint64_t dist_offset;      /* v5: the hw_dist region of a distributed run
                                (run --distributed, NOTES (i)); 0: none */

  /* --- counters, one cache line each (relaxed atomics) --- */
  hw_counter_line T;         /* global env steps: every worker adds its
                                rollout's steps (fetch_add) */
  hw_counter_line U;         /* global applied updates: +1 per gradient a
                                worker applies (A2C: per completed round) */
  hw_counter_line ring_head; /* next episode-ring ticket = episodes published
                                so far; workers fetch_add 1 */
  hw_sync_line sync;         /* A2C's barrier (see hw_sync_line) */

  hw_layer layers[HW_MAX_LAYERS];   /* θ's tensors, n_layers used, in θ order */
  hw_hparam hparams[HW_MAX_HPARAMS];/* numeric settings, n_hparams used */

  /* --- the audit and controlled staleness (NOTES (f), (g)); the last two
   *     cache lines --- */
  hw_counter_line stale_ticket; /* next ticket of --stale-updates (relaxed) */
  hw_study_line study;
} hw_header;

/* Episode kinds (hw_episode_record.kind). */
enum {
  HW_EPISODE_TRAINING = 0,   /* played by the behaviour policy while learning */
  HW_EPISODE_TEST = 1,       /* a greedy test episode of a value-based method:
                                no learning, its steps not counted in T */
};

/* One finished episode, published by a worker through the episode ring.
 * A writer takes ticket k = fetch_add(ring_head, 1), fills record k % capacity,
 * then stores seq = k + 1 with release order. A reader that expects ticket k
 * waits for seq == k + 1 (acquire); seq > k + 1 means it fell a lap behind.
 * The other fields are plain; re-check seq after copying them (a seqlock). */
typedef struct hw_episode_record {
  uint64_t seq;              /* ticket + 1 once complete; 0 while being written
                                (release store / acquire load) */
  uint64_t T;                /* global step count at the episode's end */
  uint64_t end_mono_ns;      /* CLOCK_MONOTONIC at the end, ns */
  uint32_t worker;           /* rank */
  uint32_t length;           /* steps in the episode */
  uint64_t episode;          /* the worker's own index among episodes of this
                                kind, from 0 */
  double ret;                /* undiscounted return */
  uint32_t kind;             /* HW_EPISODE_* */
  uint32_t node;             /* v5: the node (MPI rank) that played it: 0 in
                                a node's own ring; set by the communicator in
                                rank 0's inbox (NOTES (i)) */
  uint64_t pad[1];           /* unused, zero */
} hw_episode_record;         /* 64 bytes */

/* Per-worker slot: written by its worker, read by the supervisor and `dump`.
 * Starts on a cache-line boundary and is a whole number of lines long, so
 * workers never write each other's lines (no false sharing). Every field is
 * a relaxed atomic with a single writer: the worker, unless noted. Counters
 * carry over a restart of the rank (and a --resume). */
typedef struct hw_worker_slot {
  /* line 0: hot, written every rollout */
  int32_t pid;               /* the worker process (re-set by each restart) */
  uint32_t status;           /* HW_WORKER_*; FAILED is set by the supervisor */
  uint64_t t;                /* this worker's env steps (steps) */
  uint64_t updates;          /* gradients this worker applied */
  uint64_t heartbeat_ns;     /* CLOCK_MONOTONIC of the last sign of life, ns
                                (0 before the first) */
  uint64_t staleness_sum;    /* Σ staleness over applied gradients, in updates
                                (staleness = U at apply − U when θ was read) */
  uint64_t staleness_max;    /* largest staleness seen, in updates */
  uint64_t episodes;         /* training episodes finished */
  double last_return;        /* undiscounted return of the last one */
  /* line 1: per-episode and rarely written */
  uint64_t last_length;      /* steps of the last training episode */
  uint32_t restarts;         /* times the rank was re-forked (the supervisor) */
  uint32_t rank;             /* this slot's index (creator; constant) */
  uint64_t dropped_grads;    /* non-finite gradients skipped */
  uint64_t delay_ns_total;   /* time spent in --delay, ns */
  uint64_t rng_state[4];     /* the worker's xoshiro256** state after its
                                last rollout, for checkpoints */
  /* lines 2–5 */
  uint64_t staleness_hist[HW_STALENESS_BUCKETS]; /* applied gradients per
                                log2 staleness bucket (see HW_STALENESS_BUCKETS) */
  /* line 6: exploration and A2C's barrier */
  double epsilon;            /* current ε of a value-based worker (NaN for
                                policy-gradient methods) */
  uint64_t sync_grad_round;  /* A2C: last round whose gradient row is written
                                (seq-cst) */
  uint64_t sync_reduce_round;/* A2C: last round whose slice this worker applied
                                (seq-cst) */
  uint64_t test_episodes;    /* greedy test episodes played (value-based) */
  uint64_t test_steps;       /* their env steps (not counted in t or T) */
  uint64_t stale_ticket;     /* --stale-updates: ticket + 1 of the update this
                                worker read θ for and has not applied yet
                                (0: none); see NOTES (g) */
  uint64_t pad6[2];          /* unused, zero */
  /* line 7 (v4): training statistics, running sums over the gradients this
     worker computed (`train_grads` of them); the supervisor differences
     two readings to get an interval's means for train.csv */
  uint64_t train_grads;      /* gradients whose statistics are summed below */
  double policy_loss_sum;    /* Σ per-gradient mean policy loss (NaN-free;
                                0 for the Q family) */
  double value_loss_sum;     /* Σ mean value (or Q) loss: c·(R − V)² */
  double entropy_sum;        /* Σ mean policy entropy H(π), nats */
  double grad_norm_sum;      /* Σ ‖dθ‖ before clipping */
  uint64_t clipped_grads;    /* gradients whose norm exceeded the clip */
  double td_abs_sum;         /* Σ mean |R − V(s)| (|y − Q(s,a)| for Q) */
  double learning_rate;      /* learning rate of the last applied gradient */
} hw_worker_slot;

/* ---- a distributed run (v5; NOTES (i)) --------------------------------- */

/* Ranks a distributed run may have, and the inbox's capacity (a power of two). */
#define HW_MAX_NODES 1024u
#define HW_INBOX_CAPACITY 32768u

/* hw_dist.sync_mode (run --sync). */
enum { HW_SYNC_SUM = 1, HW_SYNC_MEAN = 2 };
/* hw_dist.rmsprop_mode (run --sync-rmsprop). */
enum { HW_SYNC_RMSPROP_LOCAL = 0, HW_SYNC_RMSPROP_MEAN = 1 };
/* hw_dist.phase: the communicator's progress. */
enum {
  HW_COMM_STARTING = 0,  /* spawned, not yet attached */
  HW_COMM_ATTACHED = 1,  /* attached and inside MPI */
  HW_COMM_READY = 2,     /* rank 0's θ, g, T, U are in this segment */
  HW_COMM_FINISHED = 3,  /* the last sync is done; it left MPI */
  HW_COMM_FAILED = 4,    /* see hw_dist.error */
};
/* Stop words: code << 8 | signal number (0 unless HW_STOP_SIGNAL); the
 * nodes agree on the largest word any of them asked for, so the most serious
 * code wins. */
enum {
  HW_STOP_NONE = 0,
  HW_STOP_T_MAX = 1,     /* T reached T_max */
  HW_STOP_TARGET = 2,    /* rank 0's last-100 mean reached the target */
  HW_STOP_SIGNAL = 3,    /* a supervisor got SIGINT, SIGTERM or SIGHUP */
  HW_STOP_ERROR = 4,     /* a node failed */
};

/* One node's figures as rank 0's communicator last received them (the node
 * table; rank 0 fills every row, its own included, at every sync). Fields
 * are relaxed atomics with one writer; `seq` is stored last with release
 * order and re-checked by readers (a seqlock). */
typedef struct hw_node_stats {
  /* line 0 */
  uint64_t seq;              /* the node's sync count + 1 when written; 0: never */
  uint64_t steps;            /* Σ of the node's workers' t */
  uint64_t updates;          /* Σ of their applied gradients */
  uint64_t episodes;         /* Σ of their training episodes */
  uint64_t test_episodes;
  uint64_t test_steps;
  uint64_t restarts;
  uint64_t dropped_grads;
  /* line 1: Σ of the slots' training sums (hw_worker_slot line 7) */
  uint64_t train_grads;
  double policy_loss_sum;
  double value_loss_sum;
  double entropy_sum;
  double grad_norm_sum;
  uint64_t clipped_grads;
  double td_abs_sum;
  double learning_rate;      /* mean over the node's workers */
  /* line 2 */
  double epsilon;            /* mean over workers that have one; NaN: none */
  uint64_t staleness_sum;    /* within the node: Σ over its slots */
  uint64_t staleness_max;
  uint64_t syncs;            /* the node's hw_dist fields of the same names */
  uint64_t remote_updates_total;
  uint64_t local_updates_total;
  uint64_t interval_ns_total;
  uint64_t sync_ns_total;
  /* lines 3–6 */
  uint64_t staleness_hist[HW_STALENESS_BUCKETS]; /* within the node */
  /* lines 7–10 */
  uint64_t remote_hist[HW_STALENESS_BUCKETS];    /* across nodes (hw_dist) */
  /* line 11 */
  uint64_t procs;            /* the node's workers */
  uint64_t sync_ns_max;
  uint64_t pad[6];           /* unused, zero */
} hw_node_stats;             /* 768 bytes */

/* The distributed state of one node (at dist_offset). */
typedef struct hw_dist {
  /* line 0: creator (the supervisor), constant */
  uint32_t node;             /* this node's rank in MPI_COMM_WORLD */
  uint32_t nodes;            /* P: ranks in the job, 1 … HW_MAX_NODES */
  uint64_t sync_every_ns;    /* --sync-every, ns */
  uint32_t sync_mode;        /* HW_SYNC_* (--sync) */
  uint32_t rmsprop_mode;     /* HW_SYNC_RMSPROP_* (--sync-rmsprop) */
  uint64_t inbox_offset;     /* hw_episode_record[inbox_capacity]: the
                                other nodes' episodes (used on rank 0) */
  uint64_t inbox_capacity;   /* records; a power of two */
  uint64_t nodes_offset;     /* hw_node_stats[nodes] (filled on rank 0) */
  int32_t supervisor_pid;    /* the communicator's parent */
  uint32_t pad0;             /* unused, zero */
  uint64_t pad0b;            /* unused, zero */
  /* line 1: the supervisor's requests (relaxed atomics) */
  uint32_t stop_request;     /* stop word asked for; 0: go on */
  uint32_t workers_stopped;  /* 1 once every worker of this node is reaped */
  uint64_t pad1[7];          /* unused, zero */
  /* line 2: the communicator (relaxed atomics) */
  int32_t comm_pid;          /* its pid */
  uint32_t phase;            /* HW_COMM_* */
  uint32_t stop_agreed;      /* the stop word all nodes agreed on; 0: go on */
  uint32_t pad2;             /* unused, zero */
  uint64_t heartbeat_ns;     /* CLOCK_MONOTONIC of its last sign of life */
  uint64_t syncs;            /* completed syncs (not the initial broadcast) */
  uint64_t last_sync_ns;     /* the last sync's duration, ns: snapshot,
                                collectives, add */
  uint64_t last_sync_bytes;  /* payload bytes this node gave its collectives */
  uint64_t last_sync_end_ns; /* CLOCK_MONOTONIC at the last sync's end */
  uint64_t u_ref;            /* U after the last sync: U − u_ref = updates
                                applied on this node since */
  /* line 3 */
  uint64_t sync_ns_total;    /* Σ of sync durations */
  uint64_t sync_ns_max;
  uint64_t bytes_total;      /* Σ of last_sync_bytes */
  uint64_t remote_updates_last;  /* other nodes' updates the last sync merged
                                    (made since the sync before: unseen here) */
  uint64_t remote_updates_total; /* Σ over syncs */
  uint64_t local_updates_total;  /* Σ over syncs of this node's updates since
                                    the sync before */
  uint64_t interval_ns_total;    /* Σ of the times between syncs */
  uint64_t episodes_forwarded;   /* records sent to rank 0 (received, on rank 0) */
  /* line 4 */
  uint64_t inbox_head;       /* the inbox's next ticket (rank 0's communicator) */
  uint64_t episodes_lost;    /* records lapped in this node's ring before the
                                communicator forwarded them */
  uint64_t pad4[6];          /* unused, zero */
  /* lines 5–8 */
  uint64_t remote_hist[HW_STALENESS_BUCKETS]; /* syncs per log2 bucket (as
                                HW_STALENESS_BUCKETS) of remote_updates_last */
  /* lines 9–10 */
  char error[128];           /* why the communicator failed, NUL-terminated */
} hw_dist;                   /* 704 bytes */

/* Space reserved for the process-shared mutex (pthread_mutex_t is 40 bytes on
 * x86-64 glibc); a whole cache line of its own. */
#define HW_LOCK_BYTES 64u

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(hw_layer) == 64, "hw_layer is 64 bytes");
_Static_assert(sizeof(hw_hparam) == 32, "hw_hparam is 32 bytes");
_Static_assert(sizeof(hw_counter_line) == 64, "hw_counter_line is one line");
_Static_assert(sizeof(hw_episode_record) == 64, "hw_episode_record is one line");
_Static_assert(sizeof(hw_worker_slot) % 64 == 0, "slot is whole lines");
_Static_assert(sizeof(hw_worker_slot) == 512, "slot is 8 lines");
_Static_assert(sizeof(hw_sync_line) == 64, "hw_sync_line is one line");
_Static_assert(sizeof(hw_study_line) == 64, "hw_study_line is one line");
_Static_assert(offsetof(hw_header, stale_ticket) % 64 == 0, "ticket on its own line");
_Static_assert(offsetof(hw_header, layers) == 576, "the layer table stays where v2 had it");
_Static_assert(sizeof(hw_header) == 4096, "header is one page");
_Static_assert(sizeof(hw_node_stats) == 768, "hw_node_stats is 12 lines");
_Static_assert(sizeof(hw_dist) == 704, "hw_dist is 11 lines");
_Static_assert(offsetof(hw_header, T) % 64 == 0, "T on its own line");
_Static_assert(offsetof(hw_header, U) % 64 == 0, "U on its own line");
_Static_assert(sizeof(hw_header) % 64 == 0, "header is whole lines");
_Static_assert(offsetof(hw_header, T) == 320, "regions block keeps its size");
#endif

/* ---- relaxed / acquire / release atomics over plain fields --------------
 * Swift cannot import C11 _Atomic types, so these take plain pointers and use
 * the GCC/Clang __atomic builtins. They are static inline, so release builds
 * inline them into Swift. */
static inline uint64_t hw_load_u64_relaxed(const uint64_t *p) {
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}
static inline uint64_t hw_load_u64_acquire(const uint64_t *p) {
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline void hw_store_u64_relaxed(uint64_t *p, uint64_t v) {
  __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
static inline void hw_store_u64_release(uint64_t *p, uint64_t v) {
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
static inline uint64_t hw_fetch_add_u64_relaxed(uint64_t *p, uint64_t v) {
  return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}
/* Publishes the memory written before it (the staleness ring's snapshot). */
static inline uint64_t hw_fetch_add_u64_release(uint64_t *p, uint64_t v) {
  return __atomic_fetch_add(p, v, __ATOMIC_RELEASE);
}
static inline uint32_t hw_load_u32_relaxed(const uint32_t *p) {
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}
static inline void hw_store_u32_relaxed(uint32_t *p, uint32_t v) {
  __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
/* hw_dist.phase (NOTES (i)): READY publishes the broadcast θ. */
static inline uint32_t hw_load_u32_acquire(const uint32_t *p) {
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline void hw_store_u32_release(uint32_t *p, uint32_t v) {
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
static inline int32_t hw_load_i32_relaxed(const int32_t *p) {
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}
static inline void hw_store_i32_relaxed(int32_t *p, int32_t v) {
  __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
/* Sequentially consistent, for A2C's barrier flags (NOTES (e)). */
static inline uint64_t hw_load_u64_seqcst(const uint64_t *p) {
  return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}
static inline void hw_store_u64_seqcst(uint64_t *p, uint64_t v) {
  __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}
static inline uint32_t hw_load_u32_seqcst(const uint32_t *p) {
  return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}
static inline uint32_t hw_fetch_add_u32_seqcst(uint32_t *p, uint32_t v) {
  return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}
/* *p ← desired if *p == expected; returns whether it did. */
static inline int hw_cas_u64_seqcst(uint64_t *p, uint64_t expected, uint64_t desired) {
  return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST);
}

/* Doubles stored through their bit pattern (single writer per field). */
static inline void hw_store_f64_relaxed(double *p, double v) {
  uint64_t bits;
  __builtin_memcpy(&bits, &v, sizeof bits);
  __atomic_store_n((uint64_t *)p, bits, __ATOMIC_RELAXED);
}
static inline double hw_load_f64_relaxed(const double *p) {
  uint64_t bits = __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
  double v;
  __builtin_memcpy(&v, &bits, sizeof v);
  return v;
}

#ifdef __cplusplus
}
#endif
#endif /* HOGWILD_H */
