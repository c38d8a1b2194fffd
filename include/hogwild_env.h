/*
 * hogwild_env.h — the environment plugin ABI of hogwild-rl, version 1,
 * with its optional extension 1 (NOTES (i)–(n)).
 *
 * A plugin is a shared library (plain C, no hogwild-rl code needed) that
 * exports the five functions below. `hogwild-rl run --env plugin:PATH[:NAME]`
 * loads it; so do `envs`, `eval`, `replay` and `sweep`. This header is the
 * whole contract: a plugin includes it and nothing else of ours.
 *
 *   cc -std=c11 -O2 -shared -fPIC -I include my_env.c -o libmy_env.so
 *   hogwild-rl envs --env plugin:./libmy_env.so
 *   hogwild-rl run --env plugin:./libmy_env.so --procs 4
 *
 * NOTES
 * (a) Who calls what, and where. Before anything of a run is created, the
 *     supervisor forks a probe process that dlopen()s the plugin, calls
 *     hw_env_describe(NAME, &spec) and checks the spec, then creates one
 *     environment, resets it once and destroys it. A plugin that is missing,
 *     lacks a symbol, reports another ABI version, describes sizes out of
 *     range or crashes there is refused with one line and exit status 64.
 *     The supervisor itself never runs plugin code. Each worker process
 *     dlopen()s the plugin after fork and creates its environment(s); a
 *     crash there kills only that worker, which is re-forked like any failed
 *     worker. `eval` and `replay` load it in their own process.
 * (b) Threads. Every call on one environment comes from one thread, one call
 *     at a time. Different environments of one process may be used from one
 *     thread in turn (several per worker), never concurrently. A plugin must
 *     not start threads at load time (dlopen runs in a process that forks).
 * (c) Episodes and time limits (Gymnasium semantics). hw_env_reset starts an
 *     episode; hw_env_step reports `terminated` (a terminal state: the
 *     learner will not bootstrap from it) and `truncated` (the episode was
 *     cut short for another reason). The runtime itself truncates an episode
 *     once max_episode_steps steps are taken (like Gymnasium's TimeLimit),
 *     so a plugin need not count steps. After a step that ended an episode
 *     the next call is hw_env_reset.
 * (d) Seeds. hw_env_create and hw_env_reset receive 64-bit seeds drawn from
 *     the worker's seeded generator; a plugin that derives all of its
 *     randomness from them makes `run --procs 1 --seed S` reproducible.
 *     (`replay --seed S` passes S itself to hw_env_reset.)
 * (e) Observations are `observation_size` float32 values written by the
 *     plugin into the caller's buffer (on every reset and step, all of them).
 *     Actions arrive as float32 too: for a discrete space, action[0] holds
 *     the index as an exact small integer (0.0f, 1.0f, …); for a box,
 *     `action_count` values, already clipped to [action_low, action_high].
 * (f) Memory. Everything the spec points to (name, bounds) must stay valid
 *     while the library is loaded (static storage is the usual choice).
 * (g) Optional symbols (looked up, not required):
 *       int hw_env_observation_shape(const char *name, uint32_t *shape, uint32_t capacity);
 *     writes the observation's shape (row-major, its product equal to
 *     observation_size; e.g. {10, 10, 4} for height × width × channels) and
 *     returns the number of dimensions (1 to capacity), or 0 for a flat
 *     vector. A 3-dimensional shape lets `--net conv` read the observation.
 * (h) Versioning. HW_ENV_ABI_VERSION changes only if these declarations
 *     change; the runtime refuses a plugin whose spec carries another value.
 *     Optional symbols extend the ABI without changing it: a version-1
 *     plugin that exports none of them keeps working unchanged.
 *
 * EXTENSION 1 (optional symbols; declared below the five; HW_ENV_EXT_VERSION)
 * The Atari plugin (Sources/ALEPlugin, docs/ATARI.md) is its first user.
 * (i) Options. hw_env_describe_ext and hw_env_create_ext take `options`: a
 *     NULL-terminated array of "key=value" strings (NULL: no options), split
 *     at the first '='. The runtime passes the same array to both (and to
 *     hw_env_name_at) and keeps it valid only for the call: a plugin copies
 *     what it keeps. An unknown key or a bad value makes describe return
 *     non-zero with one line in `message` (the runtime prints it, exit 64);
 *     options may change the spec (e.g. the action count). Keys are
 *     [a-z0-9_]+; at most HW_ENV_MAX_OPTIONS options, each at most
 *     HW_ENV_MAX_OPTION bytes. A plugin without hw_env_describe_ext takes no
 *     options (the runtime refuses any it is given).
 * (j) Describe and create. When hw_env_describe_ext is exported, the runtime
 *     calls it (and hw_env_create_ext, which must then be exported too)
 *     instead of hw_env_describe and hw_env_create. It fills the version-1
 *     spec as hw_env_describe would for these options, plus an hw_env_info.
 *     On failure it returns non-zero and writes one line (printable ASCII,
 *     no newline, NUL-terminated, truncated to message_size) into `message`,
 *     e.g. that a game's ROM is missing; hw_env_create_ext likewise returns
 *     NULL with a message. Without options hw_env_describe_ext and
 *     hw_env_describe must agree. `message` may be NULL (size 0).
 * (k) Byte observations. When info.observation_type is HW_ENV_UINT8, the
 *     plugin exports hw_env_reset_u8 and hw_env_step_u8 and the runtime uses
 *     them instead of hw_env_reset and hw_env_step: they write
 *     spec.observation_size bytes (uint8_t 0 to 255, laid out row-major as
 *     info.observation_shape says). hw_env_reset and hw_env_step must still
 *     work for version-1 loaders (the same values widened to float32).
 * (l) Step info. hw_env_step_u8 reports through hw_env_step_info:
 *       reward           what returns are measured in (the Atari game score
 *                        gained in this step): episode returns, `mean100`,
 *                        reward_threshold and evaluation use it;
 *       learning_reward  what the learner trains on (Atari: reward clipped
 *                        to [-1, 1]); equal to reward when the plugin does
 *                        not shape rewards;
 *       terminated, truncated  as in NOTES (c);
 *       life_lost        1 when a life was lost in this step (the game's
 *                        life counter went down) and the option that turns
 *                        this off is not set. It may come with terminated
 *                        (the last life), where terminated wins. Otherwise
 *                        the runtime ends the learning episode there (no
 *                        bootstrap from this state, as a terminal) but does
 *                        not reset: the next call is hw_env_step, and the
 *                        reported episode (return, length) runs on to
 *                        terminated or truncated. Only plugins whose info
 *                        has HW_ENV_REPORTS_LIFE_LOSS set report it.
 *     The runtime zeroes the struct before each call.
 * (m) Names. hw_env_name_at(options, i) returns the i-th name (i = 0, 1, …)
 *     of an environment the plugin offers under these options, NULL past
 *     the last (e.g. every ALE/<Game>-v5 whose ROM file is present; describe
 *     still has the last word, e.g. on a ROM with the wrong MD5); `envs`
 *     lists them. The strings stay valid while the library is loaded.
 * (n) Protocol. info.protocol (NULL or one line of printable ASCII, at most
 *     HW_ENV_MAX_PROTOCOL bytes) says how the environment is built (its
 *     preprocessing, sticky actions, …) so that results are not compared
 *     with a differently built environment by mistake; `envs` and the first
 *     line of a run print it. Like the spec's strings it stays valid while
 *     the library is loaded.
 */
#ifndef HOGWILD_ENV_H
#define HOGWILD_ENV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes; a plugin stores it in its spec. */
#define HW_ENV_ABI_VERSION 1

/* hw_env_spec.action_kind */
#define HW_ENV_DISCRETE 0 /* actions 0 … action_count − 1 */
#define HW_ENV_BOX 1      /* action_count reals, each within [low, high] */

/* Limits the runtime enforces on a spec (a spec outside them is refused). */
#define HW_ENV_MAX_OBSERVATION 16777216u /* float32 values per observation */
#define HW_ENV_MAX_DISCRETE 65536u       /* discrete actions */
#define HW_ENV_MAX_BOX 4096u             /* dimensions of a box action */
#define HW_ENV_MAX_NAME 63u              /* bytes of a name, without the NUL */

/* What a plugin says about one of its environments. */
typedef struct hw_env_spec {
  uint32_t abi_version;       /* HW_ENV_ABI_VERSION, as the plugin was built */
  const char *name;           /* e.g. "Corridor-v0": printable ASCII, 1 to 63 bytes */
  uint32_t observation_size;  /* float32 values per observation, 1 to HW_ENV_MAX_OBSERVATION */
  uint32_t action_kind;       /* HW_ENV_DISCRETE or HW_ENV_BOX */
  uint32_t action_count;      /* discrete: number of actions (≥ 2 is useful, 1 allowed);
                                 box: number of dimensions */
  const float *action_low;    /* box only: action_count lower bounds (−INFINITY allowed) */
  const float *action_high;   /* box only: action_count upper bounds, each ≥ its lower bound */
  uint32_t max_episode_steps; /* time limit in steps, applied by the runtime; 0: none */
  double reward_threshold;    /* mean return over 100 episodes that counts as solved; NaN: none */
} hw_env_spec;

/* Fills `out` for the environment `name`, or for the plugin's default one
 * when `name` is NULL (out->name then says which). Returns 0, or non-zero if
 * the plugin has no environment of that name. */
int hw_env_describe(const char *name, hw_env_spec *out);

/* A new environment `name` (as hw_env_describe accepted it; NULL: the
 * default), or NULL on failure. Call hw_env_reset before stepping. */
void *hw_env_create(const char *name, uint64_t seed);

/* Starts an episode from `seed`; writes the first observation. */
void hw_env_reset(void *env, uint64_t seed, float *observation);

/* Applies `action` (see NOTES (e)) and advances one step: writes the next
 * observation, the reward, and whether the episode terminated or was
 * truncated (0 or 1 each). */
void hw_env_step(void *env, const float *action, float *observation, double *reward,
                 int *terminated, int *truncated);

/* Frees an environment made by hw_env_create. */
void hw_env_destroy(void *env);

/* Pointer types of the entry points, for loaders (dlsym). */
typedef int (*hw_env_describe_fn)(const char *, hw_env_spec *);
typedef void *(*hw_env_create_fn)(const char *, uint64_t);
typedef void (*hw_env_reset_fn)(void *, uint64_t, float *);
typedef void (*hw_env_step_fn)(void *, const float *, float *, double *, int *, int *);
typedef void (*hw_env_destroy_fn)(void *);
typedef int (*hw_env_observation_shape_fn)(const char *, uint32_t *, uint32_t);


/* ---- Extension 1: optional symbols (NOTES (i)–(n)) --------------------- */

/* The extension version this header describes; a plugin stores it in
 * hw_env_info.ext_version. Later extensions only add fields at the end of
 * hw_env_info and new optional symbols. */
#define HW_ENV_EXT_VERSION 1

/* hw_env_info.observation_type */
#define HW_ENV_FLOAT32 0 /* observations through hw_env_reset / hw_env_step */
#define HW_ENV_UINT8 1   /* bytes through hw_env_reset_u8 / hw_env_step_u8 */

/* hw_env_info.flags */
#define HW_ENV_REPORTS_LIFE_LOSS 1u /* hw_env_step_u8 may set life_lost */
#define HW_ENV_SHAPES_REWARD 2u     /* learning_reward may differ from reward */

#define HW_ENV_MAX_RANK 4u        /* dimensions of hw_env_info.observation_shape */
#define HW_ENV_MAX_PROTOCOL 511u  /* bytes of hw_env_info.protocol, without the NUL */
#define HW_ENV_MAX_OPTIONS 64u    /* "key=value" strings in one options array */
#define HW_ENV_MAX_OPTION 1023u   /* bytes of one "key=value" string, without the NUL */
#define HW_ENV_MESSAGE 512u       /* the message buffer the runtime passes */

/* What hw_env_describe_ext adds to the version-1 spec. */
typedef struct hw_env_info {
  uint32_t ext_version;      /* HW_ENV_EXT_VERSION, as the plugin was built */
  uint32_t observation_type; /* HW_ENV_FLOAT32 or HW_ENV_UINT8 */
  uint32_t observation_rank; /* 0: a flat vector; 1 to HW_ENV_MAX_RANK */
  uint32_t observation_shape[HW_ENV_MAX_RANK]; /* the first `rank` entries: row-major, in the
                                                   order the values lie, product equal to
                                                   spec.observation_size (Atari: {4, 84, 84},
                                                   frames oldest first × rows × columns) */
  uint32_t flags;            /* HW_ENV_REPORTS_LIFE_LOSS | HW_ENV_SHAPES_REWARD */
  const char *protocol;      /* NULL or one line, see NOTES (n) */
} hw_env_info;

/* What one hw_env_step_u8 reports (NOTES (l)). */
typedef struct hw_env_step_info {
  double reward;          /* the environment's reward (returns are measured in it) */
  double learning_reward; /* the reward to learn from (Atari: reward clipped to [-1, 1]) */
  int32_t terminated;     /* 0 or 1 */
  int32_t truncated;      /* 0 or 1 */
  int32_t life_lost;      /* 0 or 1 */
  int32_t reserved;       /* 0 */
} hw_env_step_info;

/* hw_env_describe with options: fills `spec` and `info` for `name` (NULL:
 * the default environment) under `options`; 0, or non-zero with one line in
 * `message` (NOTES (i), (j)). */
int hw_env_describe_ext(const char *name, const char *const *options, hw_env_spec *spec,
                        hw_env_info *info, char *message, size_t message_size);

/* hw_env_create with options (the same as describe was given); NULL, with
 * one line in `message`, on failure. */
void *hw_env_create_ext(const char *name, const char *const *options, uint64_t seed,
                        char *message, size_t message_size);

/* hw_env_reset writing bytes (NOTES (k)). */
void hw_env_reset_u8(void *env, uint64_t seed, uint8_t *observation);

/* hw_env_step writing bytes and an hw_env_step_info (NOTES (k), (l)). */
void hw_env_step_u8(void *env, const float *action, uint8_t *observation, hw_env_step_info *info);

/* The i-th environment name the plugin accepts under `options`, or NULL
 * past the last (NOTES (m)). */
const char *hw_env_name_at(const char *const *options, uint32_t index);

typedef int (*hw_env_describe_ext_fn)(const char *, const char *const *, hw_env_spec *, hw_env_info *,
                                      char *, size_t);
typedef void *(*hw_env_create_ext_fn)(const char *, const char *const *, uint64_t, char *, size_t);
typedef void (*hw_env_reset_u8_fn)(void *, uint64_t, uint8_t *);
typedef void (*hw_env_step_u8_fn)(void *, const float *, uint8_t *, hw_env_step_info *);
typedef const char *(*hw_env_name_at_fn)(const char *const *, uint32_t);

#ifdef __cplusplus
}
#endif
#endif /* HOGWILD_ENV_H */
