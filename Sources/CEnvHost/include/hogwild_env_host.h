/*
 * hogwild_env_host.h — hosting environments written elsewhere: C plugins
 * (dlopen, behind include/hogwild_env.h's ABI) and Python environments over
 * the bridge (include/hogwild_bridge.h's shared block), plus the Python
 * adaptor's text, embedded at build time. Imported by EnvSources only.
 *
 * Conventions: functions return 0 on success or a positive errno value on
 * failure, so Swift never reads the global errno after other code has run.
 * Every failure path backs out what it already did before returning.
 */
#ifndef HOGWILD_ENV_HOST_H
#define HOGWILD_ENV_HOST_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#include "../../../include/hogwild_env.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- environment plugins (include/hogwild_env.h) ------------------------ */

/* An opened plugin library with its entry points, and one environment it made. */
typedef struct hw_plugin hw_plugin;
typedef struct hw_plugin_env hw_plugin_env;

#define HW_PLUGIN_MESSAGE 512u
#define HW_PLUGIN_MAX_RANK 8u

/* What the probe learned from hw_env_describe (or hw_env_describe_ext) and
 * hw_env_observation_shape. */
typedef struct hw_plugin_facts {
  char name[64];
  uint32_t abi_version;
  uint32_t observation_size;
  uint32_t action_kind;
  uint32_t action_count;
  uint32_t max_episode_steps;
  uint32_t shape_rank; /* 0: a flat vector */
  uint32_t shape[HW_PLUGIN_MAX_RANK];
  double reward_threshold;
  /* Extension 1 (all 0 for a version-1 plugin). */
  uint32_t extended;         /* 1: described through hw_env_describe_ext */
  uint32_t observation_type; /* HW_ENV_FLOAT32 or HW_ENV_UINT8 */
  uint32_t flags;            /* hw_env_info.flags */
  char protocol[HW_ENV_MAX_PROTOCOL + 1]; /* "" if the plugin gave none */
} hw_plugin_facts;

/* At most this many names come back from hw_plugin_list. */
#define HW_PLUGIN_MAX_NAMES 1024u

/* Checks the plugin at `path` in a forked child: loads it, looks up every
 * required symbol, describes `name` (NULL: the default environment) under
 * `options` (a NULL-terminated "key=value" array, or NULL: none; a plugin
 * without hw_env_describe_ext is refused options), checks the ABI version
 * and the spec's sizes, then creates one environment, resets it (checking
 * that it writes no more than its observation) and destroys it. Returns 0
 * with `facts` (and a box's bounds, up to `bound_capacity` each) filled, or
 * non-zero with `message` saying what failed, including a crash or a hang
 * past `timeout_ns` in a named call. The caller runs no plugin code. */
int hw_plugin_probe(const char *path, const char *name, char *const *options, uint64_t timeout_ns,
                    hw_plugin_facts *facts, float *low, float *high, size_t bound_capacity, char *message,
                    size_t message_size);

/* Every environment the plugin names under `options` (hw_env_name_at, each
 * described with hw_env_describe_ext; without hw_env_name_at, its default
 * environment alone), in a forked child as hw_plugin_probe. Returns 0 with
 * up to `capacity` (≤ HW_PLUGIN_MAX_NAMES) entries in `facts` and their
 * number in `*count`; a name the plugin refuses to describe is skipped. */
int hw_plugin_list(const char *path, char *const *options, uint64_t timeout_ns, hw_plugin_facts *facts,
                   size_t capacity, size_t *count, char *message, size_t message_size);

/* dlopen()s `path` in this process and looks up its entry points (the
 * library stays loaded for the process's life). 0, or EINVAL with `message`. */
int hw_plugin_open(const char *path, hw_plugin **out, char *message, size_t message_size);
/* hw_env_create(name, seed), or hw_env_create_ext(name, options, seed) when
 * the plugin exports it: 0; EINVAL if it returned NULL (`message` says why
 * when the plugin did), or if options are given to a plugin without
 * extension 1; ENOMEM. */
int hw_plugin_create(hw_plugin *p, const char *name, char *const *options, uint64_t seed, hw_plugin_env **out,
                     char *message, size_t message_size);
void hw_plugin_reset(hw_plugin_env *e, uint64_t seed, float *observation);
/* hw_env_step with *terminated and *truncated cleared first. */
void hw_plugin_step(hw_plugin_env *e, const float *action, float *observation, double *reward,
                    int *terminated, int *truncated);
/* hw_env_reset_u8 / hw_env_step_u8 (the plugin's observations are
 * HW_ENV_UINT8, so it exports both: the probe checked); the step info is
 * zeroed before the call. */
void hw_plugin_reset_u8(hw_plugin_env *e, uint64_t seed, uint8_t *observation);
void hw_plugin_step_u8(hw_plugin_env *e, const float *action, uint8_t *observation, hw_env_step_info *info);
void hw_plugin_destroy(hw_plugin_env *e);

/* ---- the Python environment bridge (include/hogwild_bridge.h) ----------- */

/* The worker's end of one bridge. */
typedef struct hw_bridge hw_bridge;

/* Results of the bridge calls besides 0. */
enum {
  HW_BRIDGE_FAILED = 1001, /* the adaptor reported an error (hw_bridge_message) */
  HW_BRIDGE_DIED = 1002,   /* the adaptor process ended or stopped answering */
};

/* Makes the shared block, starts argv (the adaptor: argv[0] searched on
 * PATH) with the block as descriptor 3, and waits up to `ready_timeout_ns`
 * for its HELLO answer. Returns 0; the errno of a failed exec; or
 * HW_BRIDGE_FAILED / HW_BRIDGE_DIED; `message` says why. The adaptor dies
 * with the calling process (PR_SET_PDEATHSIG). */
int hw_bridge_start(char *const argv[], uint32_t observation_size, uint32_t action_size, uint64_t spin_ns,
                    uint64_t ready_timeout_ns, hw_bridge **out, char *message, size_t message_size);
/* One RESET / STEP exchange; 0 or HW_BRIDGE_FAILED / HW_BRIDGE_DIED. */
int hw_bridge_reset(hw_bridge *b, uint64_t seed, float *observation);
int hw_bridge_step(hw_bridge *b, const float *action, float *observation, double *reward, int *terminated,
                   int *truncated);
/* Why the last call failed (NUL-terminated). */
const char *hw_bridge_message(const hw_bridge *b);
int32_t hw_bridge_pid(const hw_bridge *b);
/* Sends CLOSE, waits up to 1 s for the adaptor to exit, SIGKILLs it if it
 * has not, reaps it, and frees the bridge. */
void hw_bridge_close(hw_bridge *b);

/* ---- the Python adaptor ------------------------------------------------- */

/* adaptor.py's text, NUL-terminated: what `python3 -c` runs for the bridge
 * (`probe SOURCE` and `serve SOURCE`). */
const char *hw_python_adaptor(void);

#ifdef __cplusplus
}
#endif
#endif /* HOGWILD_ENV_HOST_H */
