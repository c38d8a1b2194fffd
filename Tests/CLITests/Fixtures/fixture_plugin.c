/* fixture_plugin.c — a corridor environment for the plugin tests, compiled
 * by PluginCLITests with one -D switch per way a plugin can be wrong:
 *
 *   (none)              good: 6 cells, Discrete(2), reward 1 at the right end,
 *                       time limit 30, threshold 0.9; the start cell (0 or 1)
 *                       comes from the reset seed
 *   -DCELLS=N           good, with N cells (observation_size N): a changed spec
 *   -DWRONG_ABI         abi_version 2
 *   -DNO_OBSERVATION    observation_size 0
 *   -DNO_ACTIONS        action_count 0
 *   -DBAD_KIND          action_kind 7
 *   -DCRASH_DESCRIBE    hw_env_describe dereferences NULL
 *   -DCREATE_FAILS      hw_env_create returns NULL
 *   -DNO_STEP           hw_env_step is not exported
 *   -DOVERRUN_RESET     hw_env_reset writes one float past the observation
 *   -DCRASH_ONCE        hw_env_step aborts at the 100th step of a process if
 *                       it can create $HOGWILD_FIXTURE_CRASH_FILE (O_EXCL):
 *                       one worker crash per run
 *   -DEXIT_ZERO_ONCE    as CRASH_ONCE, but exit(0) instead of abort()
 *   -DEXIT_ZERO_ALWAYS  hw_env_step calls exit(0) at every process's 100th step
 *   -DFORK_IN_CREATE    hw_env_create forks a child that leaves the session
 *                       (setsid) and waits for ever (pause), appending its pid
 *                       to $HOGWILD_FIXTURE_PID_FILE
 *   -DHUGE_REWARD       every step's reward is 1e300
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hogwild_env.h"

#ifndef CELLS
#define CELLS 6
#endif

typedef struct corridor {
  int position;
  long steps;
} corridor;

int hw_env_describe(const char *name, hw_env_spec *out) {
  if (name != NULL && strcmp(name, "Corridor-v0") != 0) return 1;
#ifdef CRASH_DESCRIBE
  volatile int *nowhere = NULL;
  *nowhere = 1;
#endif
  memset(out, 0, sizeof *out);
  out->abi_version = HW_ENV_ABI_VERSION;
#ifdef WRONG_ABI
  out->abi_version = 2;
#endif
  out->name = "Corridor-v0";
  out->observation_size = CELLS;
#ifdef NO_OBSERVATION
  out->observation_size = 0;
#endif
  out->action_kind = HW_ENV_DISCRETE;
#ifdef BAD_KIND
  out->action_kind = 7;
#endif
  out->action_count = 2;
#ifdef NO_ACTIONS
  out->action_count = 0;
#endif
  out->max_episode_steps = 30;
  out->reward_threshold = 0.9;
  return 0;
}

void *hw_env_create(const char *name, uint64_t seed) {
  (void)name;
  (void)seed;
#ifdef FORK_IN_CREATE
  pid_t child = fork();
  if (child == 0) {
    setsid();
    for (;;) pause();
  }
  /* The parent notes it: the child may be ended before it could. */
  const char *file = getenv("HOGWILD_FIXTURE_PID_FILE");
  if (child > 0 && file != NULL) {
    FILE *f = fopen(file, "a");
    if (f != NULL) {
      fprintf(f, "%d\n", (int)child);
      fclose(f);
    }
  }
#endif
#ifdef CREATE_FAILS
  return NULL;
#else
  return calloc(1, sizeof(corridor));
#endif
}

static void observe(const corridor *c, float *observation) {
  for (int i = 0; i < CELLS; i++) observation[i] = i == c->position ? 1.0f : 0.0f;
}

void hw_env_reset(void *env, uint64_t seed, float *observation) {
  corridor *c = env;
  c->position = (int)(seed % 2);
  observe(c, observation);
#ifdef OVERRUN_RESET
  observation[CELLS] = 1.0f;
#endif
}

#ifndef NO_STEP
void hw_env_step(void *env, const float *action, float *observation, double *reward, int *terminated,
                 int *truncated) {
  corridor *c = env;
  c->steps++;
#ifdef CRASH_ONCE
  const char *marker = getenv("HOGWILD_FIXTURE_CRASH_FILE");
  /* O_EXCL: of workers racing to step 100, exactly one creates the file. */
  if (marker != NULL && c->steps == 100) {
    int fd = open(marker, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) {
      close(fd);
      abort();
    }
  }
#endif
#ifdef EXIT_ZERO_ONCE
  const char *exit_marker = getenv("HOGWILD_FIXTURE_CRASH_FILE");
  if (exit_marker != NULL && c->steps == 100) {
    int fd = open(exit_marker, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) {
      close(fd);
      exit(0);
    }
  }
#endif
#ifdef EXIT_ZERO_ALWAYS
  if (c->steps == 100) exit(0);
#endif
  c->position += action[0] >= 0.5f ? 1 : -1;
  if (c->position < 0) c->position = 0;
  *terminated = c->position == CELLS - 1;
  *truncated = 0;
  *reward = *terminated ? 1.0 : 0.0;
#ifdef HUGE_REWARD
  *reward = 1e300;
#endif
  observe(c, observation);
}
#endif

void hw_env_destroy(void *env) { free(env); }
