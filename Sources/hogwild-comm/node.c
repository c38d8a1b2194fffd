/*
 * node.c — the communicator's side of its node's segment: attach and check
 * it (nothing in it is trusted), the node's figures for rank 0, episode
 * records out of the node's ring and into rank 0's inbox, and the guardian
 * that removes the segment's name if the supervisor dies.
 */
#include "comm.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "../CHogwild/include/hogwild_segment.h"

uint64_t hwc_now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void hwc_sleep_ns(uint64_t ns) {
  struct timespec t = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
  nanosleep(&t, NULL);
}

unsigned hwc_bucket(uint64_t v) {
  if (v == 0) return 0;
  unsigned b = 64u - (unsigned)__builtin_clzll(v);
  return b < HW_STALENESS_BUCKETS ? b : HW_STALENESS_BUCKETS - 1;
}

/* ---- attach ------------------------------------------------------------ */

static int inside(uint64_t offset, uint64_t count, uint64_t unit, uint64_t total) {
  if (unit && count > UINT64_MAX / unit) return 0;
  uint64_t bytes = count * unit;
  if (offset < sizeof(hw_header) || offset > total || bytes > total - offset) return 0;
  return 1;
}

int hwc_node_attach(hwc_node *n, const char *name, char *why, size_t why_len) {
  memset(n, 0, sizeof *n);
  n->name = name;
  void *base = NULL;
  size_t size = 0;
  hw_shm_facts facts;
  /* Opened as every reader opens a segment: a regular file of ours, not a
   * FIFO or a symlink, fully allocated (hw_shm_attach checks). */
  int rc = hw_shm_attach(name, 1, &base, &size, &facts);
  if (rc != 0) {
    snprintf(why, why_len, "cannot attach segment %s: %s", name, strerror(rc));
    return rc;
  }
#define REFUSE(...)                       \
  do {                                    \
    snprintf(why, why_len, __VA_ARGS__);  \
    if (base) munmap(base, size);         \
    return EINVAL;                        \
  } while (0)
  if (!base || size < sizeof(hw_header)) REFUSE("segment %s is too small", name);
  hw_header *h = base;
  if (hw_load_u64_acquire(&h->magic) != HW_MAGIC) REFUSE("segment %s is not published (bad magic)", name);
  if (h->layout_version != HW_LAYOUT_VERSION)
    REFUSE("segment %s has layout version %u; this hogwild-comm knows %u (rebuild with make mpi)", name,
           h->layout_version, HW_LAYOUT_VERSION);
  if (h->header_size != sizeof(hw_header) || h->worker_slot_size != sizeof(hw_worker_slot))
    REFUSE("segment %s: header or slot size differs from this build's", name);
  uint64_t total = h->total_size;
  if (total < sizeof(hw_header) || total > size) REFUSE("segment %s: total_size out of range", name);
  if (h->procs < 1 || h->procs > HW_MAX_WORKERS) REFUSE("segment %s: procs out of range", name);
  uint64_t cap = h->ring_capacity;
  if (cap == 0 || (cap & (cap - 1)) || cap > (1u << 24)) REFUSE("segment %s: ring_capacity", name);
  if (!inside(h->params_offset, h->params_count, 4, total) || h->params_offset % 64)
    REFUSE("segment %s: parameters out of bounds", name);
  if (h->opt_count && (h->opt_count != h->params_count || !inside(h->opt_offset, h->opt_count, 4, total)))
    REFUSE("segment %s: optimizer statistics out of bounds", name);
  if (!inside(h->lock_offset, 1, HW_LOCK_BYTES, total)) REFUSE("segment %s: lock out of bounds", name);
  if (!inside(h->ring_offset, cap, sizeof(hw_episode_record), total) || h->ring_offset % 64)
    REFUSE("segment %s: episode ring out of bounds", name);
  if (!inside(h->slots_offset, h->procs, sizeof(hw_worker_slot), total) || h->slots_offset % 64)
    REFUSE("segment %s: worker slots out of bounds", name);
  if (h->dist_offset == 0) REFUSE("segment %s belongs to a run without --distributed", name);
  if (!inside(h->dist_offset, 1, sizeof(hw_dist), total) || h->dist_offset % 64)
    REFUSE("segment %s: distributed state out of bounds", name);
  hw_dist *d = (hw_dist *)((char *)base + h->dist_offset);
  if (d->nodes < 1 || d->nodes > HW_MAX_NODES || d->node >= d->nodes) REFUSE("segment %s: node or nodes out of range", name);
  uint64_t ic = d->inbox_capacity;
  if (ic == 0 || (ic & (ic - 1)) || ic > (1u << 24) || d->inbox_offset % 64 ||
      !inside(d->inbox_offset, ic, sizeof(hw_episode_record), total))
    REFUSE("segment %s: episode inbox out of bounds", name);
  if (d->nodes_offset % 64 || !inside(d->nodes_offset, d->nodes, sizeof(hw_node_stats), total))
    REFUSE("segment %s: node table out of bounds", name);
  if (d->sync_mode != HW_SYNC_SUM && d->sync_mode != HW_SYNC_MEAN) REFUSE("segment %s: unknown sync mode %u", name, d->sync_mode);
  if (d->sync_every_ns < 1000000ull || d->sync_every_ns > 3600000000000ull) REFUSE("segment %s: sync_every out of range", name);
#undef REFUSE
  n->base = base;
  n->size = size;
  n->h = h;
  n->d = d;
  n->slots = (hw_worker_slot *)((char *)base + h->slots_offset);
  n->ring = (hw_episode_record *)((char *)base + h->ring_offset);
  n->inbox = (hw_episode_record *)((char *)base + d->inbox_offset);
  n->table = (hw_node_stats *)((char *)base + d->nodes_offset);
  n->theta = (float *)((char *)base + h->params_offset);
  n->g = h->opt_count ? (float *)((char *)base + h->opt_offset) : NULL;
  n->lock = (char *)base + h->lock_offset;
  return 0;
}

void hwc_node_fail(hwc_node *n, const char *why) {
  if (!n->d) return;
  size_t len = strlen(why);
  if (len >= sizeof n->d->error) len = sizeof n->d->error - 1;
  memcpy(n->d->error, why, len);
  n->d->error[len] = 0;
  hw_store_u32_release(&n->d->phase, HW_COMM_FAILED);
}

/* ---- the node's figures ------------------------------------------------ */

void hwc_node_stats(const hwc_node *n, hw_node_stats *s) {
  memset(s, 0, sizeof *s);
  const hw_dist *d = n->d;
  uint32_t procs = n->h->procs;
  double rates = 0, epsilons = 0;
  uint64_t with_epsilon = 0;
  for (uint32_t r = 0; r < procs; r++) {
    hw_worker_slot *w = &n->slots[r];
    s->steps += hw_load_u64_relaxed(&w->t);
    s->updates += hw_load_u64_relaxed(&w->updates);
    s->episodes += hw_load_u64_relaxed(&w->episodes);
    s->test_episodes += hw_load_u64_relaxed(&w->test_episodes);
    s->test_steps += hw_load_u64_relaxed(&w->test_steps);
    s->restarts += hw_load_u32_relaxed(&w->restarts);
    s->dropped_grads += hw_load_u64_relaxed(&w->dropped_grads);
    s->train_grads += hw_load_u64_relaxed(&w->train_grads);
    s->policy_loss_sum += hw_load_f64_relaxed(&w->policy_loss_sum);
    s->value_loss_sum += hw_load_f64_relaxed(&w->value_loss_sum);
    s->entropy_sum += hw_load_f64_relaxed(&w->entropy_sum);
    s->grad_norm_sum += hw_load_f64_relaxed(&w->grad_norm_sum);
    s->clipped_grads += hw_load_u64_relaxed(&w->clipped_grads);
    s->td_abs_sum += hw_load_f64_relaxed(&w->td_abs_sum);
    rates += hw_load_f64_relaxed(&w->learning_rate);
    double e = hw_load_f64_relaxed(&w->epsilon);
    if (isfinite(e)) {
      epsilons += e;
      with_epsilon++;
    }
    s->staleness_sum += hw_load_u64_relaxed(&w->staleness_sum);
    uint64_t m = hw_load_u64_relaxed(&w->staleness_max);
    if (m > s->staleness_max) s->staleness_max = m;
    for (unsigned b = 0; b < HW_STALENESS_BUCKETS; b++) s->staleness_hist[b] += hw_load_u64_relaxed(&w->staleness_hist[b]);
  }
  s->procs = procs;
  s->learning_rate = procs ? rates / procs : 0;
  s->epsilon = with_epsilon ? epsilons / (double)with_epsilon : NAN;
  s->syncs = hw_load_u64_relaxed(&d->syncs);
  s->remote_updates_total = hw_load_u64_relaxed(&d->remote_updates_total);
  s->local_updates_total = hw_load_u64_relaxed(&d->local_updates_total);
  s->interval_ns_total = hw_load_u64_relaxed(&d->interval_ns_total);
  s->sync_ns_total = hw_load_u64_relaxed(&d->sync_ns_total);
  s->sync_ns_max = hw_load_u64_relaxed(&d->sync_ns_max);
  for (unsigned b = 0; b < HW_STALENESS_BUCKETS; b++) s->remote_hist[b] = hw_load_u64_relaxed(&d->remote_hist[b]);
  s->seq = s->syncs + 1;
}

void hwc_node_table_store(hwc_node *n, uint32_t rank, const hw_node_stats *s) {
  if (rank >= n->d->nodes) return;
  hw_node_stats *row = &n->table[rank];
  /* seq 0 while the row changes: a reader that sees it retries. */
  hw_store_u64_release(&row->seq, 0);
  const uint64_t *from = (const uint64_t *)s;
  uint64_t *to = (uint64_t *)row;
  for (size_t i = 1; i < sizeof *s / sizeof(uint64_t); i++) hw_store_u64_relaxed(&to[i], from[i]);
  hw_store_u64_release(&row->seq, s->seq ? s->seq : 1);
}

/* ---- episodes ------------------------------------------------------------ */

size_t hwc_ring_take(hwc_node *n, hw_episode_record *out, size_t max, uint32_t node, uint64_t now) {
  uint64_t cap = n->h->ring_capacity;
  uint64_t head = hw_load_u64_relaxed(&n->h->ring_head.value);
  size_t got = 0;
  while (got < max && n->ring_cursor < head) {
    uint64_t ticket = n->ring_cursor;
    hw_episode_record *rec = &n->ring[ticket & (cap - 1)];
    uint64_t seq = hw_load_u64_acquire(&rec->seq);
    if (seq < ticket + 1) {
      /* A worker took the ticket and has not published yet; if it died
       * there, the ticket never fills: give up on it after a second. */
      if (n->ring_wait_since == 0) n->ring_wait_since = now;
      if (now - n->ring_wait_since < 1000000000ull) break;
      hw_fetch_add_u64_relaxed(&n->d->episodes_lost, 1);
      n->ring_cursor++;
      n->ring_wait_since = 0;
      continue;
    }
    n->ring_wait_since = 0;
    n->ring_cursor++;
    if (seq > ticket + 1) {
      hw_fetch_add_u64_relaxed(&n->d->episodes_lost, 1);
      continue;
    }
    hw_episode_record copy;
    memcpy(&copy, rec, sizeof copy);
    if (hw_load_u64_acquire(&rec->seq) != seq) {
      hw_fetch_add_u64_relaxed(&n->d->episodes_lost, 1);
      continue;
    }
    copy.node = node;
    copy.end_mono_ns = now > copy.end_mono_ns ? now - copy.end_mono_ns : 0; /* its age */
    copy.seq = 0;
    out[got++] = copy;
  }
  return got;
}

void hwc_inbox_publish(hwc_node *n, const hw_episode_record *r, uint64_t now) {
  hw_dist *d = n->d;
  uint64_t cap = d->inbox_capacity;
  uint64_t ticket = hw_fetch_add_u64_relaxed(&d->inbox_head, 1);
  hw_episode_record *rec = &n->inbox[ticket & (cap - 1)];
  hw_store_u64_release(&rec->seq, 0);
  rec->T = r->T;
  rec->end_mono_ns = now > r->end_mono_ns ? now - r->end_mono_ns : 0;
  rec->worker = r->worker;
  rec->length = r->length;
  rec->episode = r->episode;
  rec->ret = r->ret;
  rec->kind = r->kind;
  rec->node = r->node;
  rec->pad[0] = 0;
  hw_store_u64_release(&rec->seq, ticket + 1);
}

/* ---- the guardian -------------------------------------------------------- */

static const char *guard_name;
static const hw_header *guard_header;
static volatile int32_t guard_supervisor;

/* Async-signal-safe only: getppid, a load, shm_unlink (unlink), _exit.
 * The supervisor unlinks its own segment; this is for when it cannot. */
static void orphaned_exit(void) {
  if (__atomic_load_n(&guard_header->state, __ATOMIC_RELAXED) != HW_STATE_DONE) shm_unlink(guard_name);
  _exit(1);
}

static void on_guard_signal(int sig) {
  if (getppid() != guard_supervisor) orphaned_exit();
  _exit(128 + sig);
}

void hwc_guard_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_guard_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
}

void hwc_guard_check(void) {
  if (getppid() != guard_supervisor) orphaned_exit();
}

int hwc_guard(const char *name, void *base, int32_t supervisor) {
  guard_name = name;
  guard_header = base;
  guard_supervisor = supervisor;
  hwc_guard_signals();
  /* SIGTERM reaches us when the supervisor dies, however it died. */
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) return errno;
  if (getppid() != supervisor) return ESRCH;
  return 0;
}
