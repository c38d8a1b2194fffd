/*
 * hogwild_env.h — the environment plugin ABI of hogwild-rl, version 1.
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
 */
#ifndef HOGWILD_ENV_H
#define HOGWILD_ENV_H

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

#ifdef __cplusplus
}
#endif
#endif /* HOGWILD_ENV_H */
