/*
 * hogwild_bridge.h — the exchange block between a worker and its Python
 * environment process (`run --env gym:ID` and `--env py:MODULE:FACTORY`).
 *
 * Each worker that steps a Python environment starts one Python process (the
 * adaptor that hogwild-rl ships, standard library only) and shares one block
 * of memory with it: a memfd that the adaptor receives as an inherited file
 * descriptor and maps. Every step is one fixed-size request and one
 * fixed-size answer in that block; no text, no per-step system call when
 * both sides are quick (each polls for a while before it sleeps on a futex).
 *
 * NOTES
 * (a) Layout. A 192-byte hw_bridge_block, then the action (action_size
 *     float32 at action_offset), the observation (observation_size float32 at
 *     observation_offset) and a message area (HW_BRIDGE_MESSAGE bytes at
 *     message_offset), each starting on a 64-byte boundary. All numbers are
 *     in the machine's byte order (little-endian on the machines we build for).
 * (b) One exchange. The worker writes `command`, `seed` and the action, then
 *     stores request_seq + 1 (release). If adaptor_sleeping is set (read
 *     after a full fence) it wakes the futex on request_seq. The adaptor
 *     sees request_seq change (polling `spin_ns` nanoseconds, then sleeping
 *     with adaptor_sleeping = 1 on the futex), does the command, writes
 *     status, flags, reward and the observation (or a message), then stores
 *     response_seq = request_seq and wakes the futex on response_seq. The
 *     worker polls response_seq for spin_ns, then sleeps on it the same way,
 *     waking every 20 ms to check that the adaptor still lives.
 * (c) Commands. HELLO (the first request, written before the adaptor starts:
 *     the answer says the environment was made and its spaces match the
 *     sizes here); RESET (`seed`; answer: the first observation); STEP (the
 *     action: for a discrete space action[0] is the index as a float; answer:
 *     observation, reward, flags); CLOSE (the adaptor closes the environment,
 *     answers and exits).
 *     A Discrete observation crosses as its index (observation_index, flag
 *     HW_BRIDGE_OBSERVATION_INDEX): the worker bounds-checks it and writes
 *     the one-hot; an index outside the space is the environment's error.
 *     Nothing the adaptor writes is trusted by the worker beyond the block's
 *     areas (the message is cut at HW_BRIDGE_MESSAGE).
 * (d) Failure. A non-zero status comes with a NUL-terminated message (the
 *     Python exception); the adaptor exits after it. An adaptor that dies is
 *     noticed by the worker within 20 ms (waitpid), which then fails like any
 *     worker failure and is re-forked. The adaptor dies with its worker
 *     (PR_SET_PDEATHSIG).
 */
#ifndef HOGWILD_BRIDGE_H
#define HOGWILD_BRIDGE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "HWB1" read as a little-endian uint32. */
#define HW_BRIDGE_MAGIC 0x31425748u
#define HW_BRIDGE_VERSION 2u
#define HW_BRIDGE_MESSAGE 1024u

/* hw_bridge_block.command */
enum {
  HW_BRIDGE_HELLO = 1,
  HW_BRIDGE_RESET = 2,
  HW_BRIDGE_STEP = 3,
  HW_BRIDGE_CLOSE = 4,
};

/* hw_bridge_block.flags */
#define HW_BRIDGE_TERMINATED 1u
#define HW_BRIDGE_TRUNCATED 2u
/* The observation is not in the observation area but the index in
 * observation_index (a Discrete observation space, minus its start): the
 * worker checks 0 ≤ index < observation_size and writes the one-hot itself,
 * so a hostile or buggy environment cannot write outside its area. */
#define HW_BRIDGE_OBSERVATION_INDEX 4u

typedef struct hw_bridge_block {
  /* Line 0 (offset 0): written by the worker before the adaptor starts. */
  uint32_t magic;              /* HW_BRIDGE_MAGIC */
  uint32_t version;            /* HW_BRIDGE_VERSION */
  uint32_t observation_size;   /* float32 values per observation */
  uint32_t action_size;        /* float32 values per action (1 for a discrete space) */
  uint32_t action_offset;      /* byte offset of the action */
  uint32_t observation_offset; /* byte offset of the observation */
  uint32_t message_offset;     /* byte offset of the message area */
  uint32_t reserved0;
  uint64_t block_bytes;        /* size of the whole block */
  uint64_t spin_ns;            /* how long either side polls before it sleeps */
  uint8_t pad0[16];
  /* Line 1 (offset 64): the request, written by the worker. */
  uint32_t request_seq;        /* futex word: +1 per request */
  uint32_t adaptor_sleeping;   /* 1 while the adaptor sleeps on request_seq (adaptor writes) */
  uint32_t command;            /* HW_BRIDGE_HELLO … */
  uint32_t reserved1;
  uint64_t seed;               /* RESET: the episode's seed */
  uint8_t pad1[40];
  /* Line 2 (offset 128): the answer, written by the adaptor. */
  uint32_t response_seq;       /* futex word: = request_seq once answered */
  uint32_t worker_sleeping;    /* 1 while the worker sleeps on response_seq (worker writes) */
  int32_t status;              /* 0: done; otherwise failed, message says why */
  uint32_t flags;              /* HW_BRIDGE_TERMINATED | HW_BRIDGE_TRUNCATED | HW_BRIDGE_OBSERVATION_INDEX */
  double reward;               /* STEP: the reward */
  int64_t observation_index;   /* RESET, STEP with HW_BRIDGE_OBSERVATION_INDEX: the observation */
  uint8_t pad2[32];
} hw_bridge_block;

_Static_assert(sizeof(hw_bridge_block) == 192, "hw_bridge_block is three cache lines");

#ifdef __cplusplus
}
#endif
#endif /* HOGWILD_BRIDGE_H */
