/* frames_plugin.c — a plugin of extension 1 (include/hogwild_env.h NOTES
 * (i)–(n)) for the tests: Atari-like byte frames, lives and clipped rewards
 * without the ALE, so the runtime's byte path is tested even where `make
 * atari` was not run. Compiled by the tests with one -D switch per variant:
 *
 *   (none)          "Frames-v0": uint8 observations [4, FRAME, FRAME] (FRAME
 *                   36 unless -DFRAME=N), oldest frame first; Discrete(4)
 *                   (18 with full_action_space=1). Each step shows a target
 *                   0…3 as a band of 255s in the newest frame (columns
 *                   target·FRAME/4 … +FRAME/4); the action equal to the
 *                   target the last observation showed scores 3 (game score),
 *                   learning reward 1; any other scores 0. Three lives: one is
 *                   lost at steps 8 and 16 (life_lost, unless episodic_life=0),
 *                   the game ends at step 24 (terminated). The targets come
 *                   from a generator seeded by the reset seed and advanced by
 *                   1…noop_max no-ops (noop_max=0: none; default 30). Options:
 *                   the ALE plugin's keys (repeat_action_probability is
 *                   accepted and ignored; rom_dir too); an unknown key or a bad
 *                   value is refused with one line. The protocol line names the
 *                   options.
 *   -DNO_STEP_U8    HW_ENV_UINT8 without hw_env_step_u8 (a refusal)
 *   -DFLOAT_FRAMES  the same frames as HW_ENV_FLOAT32 (no step info: no
 *                   lives, no shaped reward)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hogwild_env.h"

#ifndef FRAME
#define FRAME 36
#endif
#define STACK 4
#define PIXELS (FRAME * FRAME)
#define SIZE (STACK * PIXELS)
#define LIFE_STEPS 8
#define LIVES 3

typedef struct {
  int full;
  int episodic_life;
  int noop_max;
} options;

typedef struct {
  options o;
  uint64_t rng;
  int target, steps, lives;
  uint8_t frames[STACK][PIXELS]; /* oldest first */
} game;

static uint64_t next(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static void say(char *message, size_t size, const char *text) {
  if (message != NULL && size > 0) snprintf(message, size, "%s", text);
}

static int parse(const char *const *list, options *o, char *message, size_t size) {
  o->full = 0;
  o->episodic_life = 1;
  o->noop_max = 30;
  if (list == NULL) return 0;
  for (; *list != NULL; list++) {
    const char *eq = strchr(*list, '=');
    if (eq == NULL) {
      say(message, size, "frames: an option is not key=value");
      return 1;
    }
    size_t n = (size_t)(eq - *list);
    const char *v = eq + 1;
    if (n == 17 && strncmp(*list, "full_action_space", n) == 0) {
      o->full = strcmp(v, "1") == 0;
    } else if (n == 13 && strncmp(*list, "episodic_life", n) == 0) {
      o->episodic_life = strcmp(v, "0") != 0;
    } else if (n == 8 && strncmp(*list, "noop_max", n) == 0) {
      char *end = NULL;
      long k = strtol(v, &end, 10);
      if (*v == 0 || *end != 0 || k < 0 || k > 10000) {
        say(message, size, "frames: noop_max must be an integer from 0 to 10000");
        return 1;
      }
      o->noop_max = (int)k;
    } else if ((n == 25 && strncmp(*list, "repeat_action_probability", n) == 0) ||
               (n == 7 && strncmp(*list, "rom_dir", n) == 0)) {
      /* accepted, ignored */
    } else {
      char line[200];
      snprintf(line, sizeof line, "frames: unknown option %.*s", (int)n, *list);
      say(message, size, line);
      return 1;
    }
  }
  return 0;
}

static const char *protocol(const options *o) {
  static char lines[2][2][64][160];
  int k = o->noop_max < 64 ? o->noop_max : 63;
  char *line = lines[o->full][o->episodic_life][k];
  if (line[0] == 0)
    snprintf(line, 160, "frames fixture: noop_max %d; %s action set; %s", o->noop_max, o->full ? "full" : "minimal",
             o->episodic_life ? "a lost life ends the learning episode" : "lives ignored");
  return line;
}

static int describe_with(const char *name, const options *o, hw_env_spec *spec, hw_env_info *info) {
  if (name != NULL && strcmp(name, "Frames-v0") != 0) return 1;
  memset(spec, 0, sizeof *spec);
  spec->abi_version = HW_ENV_ABI_VERSION;
  spec->name = "Frames-v0";
  spec->observation_size = SIZE;
  spec->action_kind = HW_ENV_DISCRETE;
  spec->action_count = o->full ? 18 : 4;
  spec->max_episode_steps = 1000;
  spec->reward_threshold = 60;
  if (info != NULL) {
    memset(info, 0, sizeof *info);
    info->ext_version = HW_ENV_EXT_VERSION;
#ifdef FLOAT_FRAMES
    info->observation_type = HW_ENV_FLOAT32;
#else
    info->observation_type = HW_ENV_UINT8;
#endif
    info->observation_rank = 3;
    info->observation_shape[0] = STACK;
    info->observation_shape[1] = FRAME;
    info->observation_shape[2] = FRAME;
    info->flags = HW_ENV_SHAPES_REWARD | (o->episodic_life ? HW_ENV_REPORTS_LIFE_LOSS : 0u);
    info->protocol = protocol(o);
  }
  return 0;
}

int hw_env_describe_ext(const char *name, const char *const *list, hw_env_spec *spec, hw_env_info *info,
                        char *message, size_t size) {
  options o;
  if (parse(list, &o, message, size) != 0) return 1;
  if (describe_with(name, &o, spec, info) != 0) {
    say(message, size, "frames: no environment of that name (Frames-v0 only)");
    return 1;
  }
  return 0;
}

int hw_env_describe(const char *name, hw_env_spec *out) {
  options o;
  parse(NULL, &o, NULL, 0);
  return describe_with(name, &o, out, NULL);
}

void *hw_env_create_ext(const char *name, const char *const *list, uint64_t seed, char *message, size_t size) {
  options o;
  if (parse(list, &o, message, size) != 0) return NULL;
  if (name != NULL && strcmp(name, "Frames-v0") != 0) {
    say(message, size, "frames: no environment of that name");
    return NULL;
  }
  game *g = calloc(1, sizeof *g);
  if (g == NULL) return NULL;
  g->o = o;
  g->rng = seed;
  return g;
}

void *hw_env_create(const char *name, uint64_t seed) { return hw_env_create_ext(name, NULL, seed, NULL, 0); }

const char *hw_env_name_at(const char *const *list, uint32_t index) {
  (void)list;
  return index == 0 ? "Frames-v0" : NULL;
}

static void draw_target(game *g) {
  g->target = (int)(next(&g->rng) % 4);
  memmove(g->frames[0], g->frames[1], (STACK - 1) * PIXELS);
  uint8_t *f = g->frames[STACK - 1];
  memset(f, 0, PIXELS);
  int band = FRAME / 4;
  for (int y = 0; y < FRAME; y++)
    for (int x = g->target * band; x < (g->target + 1) * band; x++) f[y * FRAME + x] = 255;
}

static void write_bytes(const game *g, uint8_t *out) { memcpy(out, g->frames, SIZE); }

static void write_floats(const game *g, float *out) {
  const uint8_t *b = &g->frames[0][0];
  for (int i = 0; i < SIZE; i++) out[i] = b[i];
}

static void start(game *g, uint64_t seed) {
  g->rng = seed;
  int noops = g->o.noop_max > 0 ? 1 + (int)(next(&g->rng) % (uint64_t)g->o.noop_max) : 0;
  for (int i = 0; i < noops; i++) next(&g->rng);
  g->steps = 0;
  g->lives = LIVES;
  memset(g->frames, 0, sizeof g->frames);
  draw_target(g);
  for (int i = 0; i < STACK - 1; i++) memcpy(g->frames[i], g->frames[STACK - 1], PIXELS);
}

/* One step: the score, whether a life was lost and whether the game ended. */
static double advance(game *g, const float *action, int *life_lost, int *terminated) {
  int a = (int)action[0];
  double reward = a == g->target ? 3.0 : 0.0;
  g->steps++;
  *life_lost = 0;
  *terminated = 0;
  if (g->steps % LIFE_STEPS == 0) {
    g->lives--;
    if (g->lives == 0) *terminated = 1;
    else *life_lost = g->o.episodic_life;
  }
  draw_target(g);
  return reward;
}

void hw_env_reset_u8(void *env, uint64_t seed, uint8_t *observation) {
  start(env, seed);
  write_bytes(env, observation);
}

#ifndef NO_STEP_U8
void hw_env_step_u8(void *env, const float *action, uint8_t *observation, hw_env_step_info *info) {
  int life_lost, terminated;
  double r = advance(env, action, &life_lost, &terminated);
  write_bytes(env, observation);
  info->reward = r;
  info->learning_reward = r > 1 ? 1 : r;
  info->terminated = terminated;
  info->truncated = 0;
  info->life_lost = life_lost;
}
#endif

void hw_env_reset(void *env, uint64_t seed, float *observation) {
  start(env, seed);
  write_floats(env, observation);
}

void hw_env_step(void *env, const float *action, float *observation, double *reward, int *terminated,
                 int *truncated) {
  int life_lost;
  *reward = advance(env, action, &life_lost, terminated);
  *truncated = 0;
  write_floats(env, observation);
}

void hw_env_destroy(void *env) { free(env); }
