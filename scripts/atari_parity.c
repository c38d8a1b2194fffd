/*
 * atari_parity.c — checks the ALE plugin against Gymnasium (`make atari-check`).
 *
 *   atari_parity PLUGIN FIXTURE...     e.g. .build/release/hogwild-ale/libhogwild_ale.so
 *                                           Tests/CLITests/Fixtures/atari_pong.txt
 *   atari_parity --bench PLUGIN [STEPS] agent steps/s of Pong and Breakout
 *
 * It loads the plugin as the runtime does (dlopen, dlsym of the five
 * version-1 symbols and of extension 1's; include/hogwild_env.h), then:
 *  - replays each fixture (written by scripts/make_atari_fixture.py from
 *    gymnasium's ALE/<Game>-v5 + AtariPreprocessing + FrameStackObservation)
 *    with noop_max=0 (and the fixture's options: sticky actions) and the
 *    fixture's ALE seed as the create seed, comparing every observation
 *    (the whole [4, 84, 84] stack, rebuilt from the fixture's newest frames),
 *    reward, learning reward, terminated, truncated and life_lost; it prints
 *    the number of observations that match exactly and the largest
 *    difference of a pixel, and fails unless all match exactly;
 *  - checks the rest of the contract: the spec and info, describe(NULL),
 *    the version-1 float path against the byte path, options (full action
 *    space, episodic_life=0, no-op starts from the reset seed, sticky
 *    actions from the create seed), refusals (unknown option, bad value,
 *    unknown game, missing ROM) and the name enumeration.
 * Exit status 0 if everything held, 1 if not, 64 on bad usage.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hogwild_env.h"

#define FRAME 7056            /* 84 x 84 */
#define OBSERVATION (4 * FRAME)

static int failures = 0;

static void fail(const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  printf("FAIL  ");
  vprintf(format, ap);
  printf("\n");
  va_end(ap);
  failures++;
}

static void pass(const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  printf("PASS  ");
  vprintf(format, ap);
  printf("\n");
  va_end(ap);
}

/* ---- the plugin, loaded as the runtime loads it ------------------------- */

static struct {
  hw_env_describe_fn describe;
  hw_env_create_fn create;
  hw_env_reset_fn reset;
  hw_env_step_fn step;
  hw_env_destroy_fn destroy;
  hw_env_describe_ext_fn describe_ext;
  hw_env_create_ext_fn create_ext;
  hw_env_reset_u8_fn reset_u8;
  hw_env_step_u8_fn step_u8;
  hw_env_name_at_fn name_at;
} P;

static void *symbol(void *library, const char *name) {
  void *f = dlsym(library, name);
  if (f == NULL) {
    fprintf(stderr, "atari_parity: the plugin does not export %s\n", name);
    exit(1);
  }
  return f;
}

static void load(const char *path) {
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    fprintf(stderr, "atari_parity: cannot load %s: %s (run make atari)\n", path, dlerror());
    exit(1);
  }
  P.describe = (hw_env_describe_fn)symbol(library, "hw_env_describe");
  P.create = (hw_env_create_fn)symbol(library, "hw_env_create");
  P.reset = (hw_env_reset_fn)symbol(library, "hw_env_reset");
  P.step = (hw_env_step_fn)symbol(library, "hw_env_step");
  P.destroy = (hw_env_destroy_fn)symbol(library, "hw_env_destroy");
  P.describe_ext = (hw_env_describe_ext_fn)symbol(library, "hw_env_describe_ext");
  P.create_ext = (hw_env_create_ext_fn)symbol(library, "hw_env_create_ext");
  P.reset_u8 = (hw_env_reset_u8_fn)symbol(library, "hw_env_reset_u8");
  P.step_u8 = (hw_env_step_u8_fn)symbol(library, "hw_env_step_u8");
  P.name_at = (hw_env_name_at_fn)symbol(library, "hw_env_name_at");
}

/* describe_ext, failing loudly; 0 on success. */
static int describe(const char *name, const char *const *options, hw_env_spec *spec, hw_env_info *info) {
  char message[HW_ENV_MESSAGE] = "";
  memset(spec, 0, sizeof *spec);
  memset(info, 0, sizeof *info);
  if (P.describe_ext(name, options, spec, info, message, sizeof message) != 0) {
    fail("describe_ext(%s) refused: %s", name ? name : "NULL", message);
    return 1;
  }
  return 0;
}

static void *create(const char *name, const char *const *options, uint64_t seed) {
  char message[HW_ENV_MESSAGE] = "";
  void *env = P.create_ext(name, options, seed, message, sizeof message);
  if (env == NULL) fail("create_ext(%s) returned NULL: %s", name, message);
  return env;
}

static void step(void *env, int action, uint8_t *observation, hw_env_step_info *info) {
  float a = (float)action;
  memset(info, 0, sizeof *info);
  P.step_u8(env, &a, observation, info);
}

/* ---- the fixture -------------------------------------------------------- */

/* One line of a fixture: a reset or a step, with the newest frame decoded. */
typedef struct {
  int is_step;
  int action, terminated, truncated, lives;
  double reward;
  uint8_t frame[FRAME];
} record;

#define MAX_FIXTURE_OPTIONS 8

typedef struct {
  char env[64];
  int actions;
  char option_text[MAX_FIXTURE_OPTIONS][128]; /* the fixture's "options" line */
  int option_count;
  unsigned long long ale_seed;
  record *records;
  size_t count;
} fixture;

/* Adds the run-length-encoded difference in `text` to `frame`. */
static int decode_frame(char *text, uint8_t *frame) {
  size_t at = 0;
  char *save = NULL;
  for (char *count = strtok_r(text, " \n", &save); count; count = strtok_r(NULL, " \n", &save)) {
    char *value = strtok_r(NULL, " \n", &save);
    if (value == NULL) return 1;
    long n = strtol(count, NULL, 10), v = strtol(value, NULL, 10);
    if (n <= 0 || at + (size_t)n > FRAME || v < 0 || v > 255) return 1;
    for (long i = 0; i < n; i++, at++) frame[at] = (uint8_t)(frame[at] + v);
  }
  return at == FRAME ? 0 : 1;
}

static int read_fixture(const char *path, fixture *f) {
  FILE *in = fopen(path, "r");
  if (in == NULL) {
    fprintf(stderr, "atari_parity: cannot read %s\n", path);
    return 1;
  }
  memset(f, 0, sizeof *f);
  size_t capacity = 0;
  uint8_t previous[FRAME] = {0};
  char *line = NULL;
  size_t size = 0;
  int number = 0, bad = 0;
  while (getline(&line, &size, in) > 0) {
    number++;
    if (number == 1) {
      if (strcmp(line, "hogwild-rl atari fixture 1\n") != 0) bad = 1;
      continue;
    }
    if (line[0] == '#') continue;
    if (sscanf(line, "env %63s", f->env) == 1) continue;
    if (sscanf(line, "actions %d", &f->actions) == 1) continue;
    if (strncmp(line, "options ", 8) == 0) {
      char *save = NULL;
      for (char *o = strtok_r(line + 8, " \n", &save); o && f->option_count < MAX_FIXTURE_OPTIONS;
           o = strtok_r(NULL, " \n", &save))
        snprintf(f->option_text[f->option_count++], sizeof f->option_text[0], "%s", o);
      continue;
    }
    unsigned long long reset_seed;
    if (sscanf(line, "seed %llu %llu", &reset_seed, &f->ale_seed) == 2) continue;
    if (f->count == capacity) {
      capacity = capacity ? 2 * capacity : 1024;
      f->records = realloc(f->records, capacity * sizeof(record));
    }
    record *r = &f->records[f->count];
    memset(r, 0, sizeof *r);
    int used = 0;
    if (strncmp(line, "reset ", 6) == 0) {
      if (sscanf(line, "reset %d %n", &r->lives, &used) != 1) bad = 1;
    } else if (strncmp(line, "step ", 5) == 0) {
      r->is_step = 1;
      if (sscanf(line, "step %d %lf %d %d %d %n", &r->action, &r->reward, &r->terminated, &r->truncated, &r->lives,
                 &used) != 5)
        bad = 1;
    } else {
      bad = 1;
    }
    memcpy(r->frame, previous, FRAME);
    if (bad || decode_frame(line + used, r->frame) != 0) {
      fprintf(stderr, "atari_parity: %s:%d: not a fixture line\n", path, number);
      bad = 1;
      break;
    }
    memcpy(previous, r->frame, FRAME);
    f->count++;
  }
  free(line);
  fclose(in);
  if (!bad && (f->env[0] == 0 || f->actions == 0 || f->count == 0 || f->records[0].is_step)) {
    fprintf(stderr, "atari_parity: %s: no env, actions, seed or first reset\n", path);
    bad = 1;
  }
  return bad;
}

/* ---- parity ------------------------------------------------------------- */

static void replay(const char *path) {
  fixture f;
  if (read_fixture(path, &f) != 0) {
    failures++;
    return;
  }
  /* The fixture's options (e.g. sticky actions), then noop_max=0. */
  const char *options[MAX_FIXTURE_OPTIONS + 2];
  int n = 0;
  for (int k = 0; k < f.option_count; k++) options[n++] = f.option_text[k];
  options[n++] = "noop_max=0";
  options[n] = NULL;
  hw_env_spec spec;
  hw_env_info info;
  if (describe(f.env, options, &spec, &info) != 0) return;
  if (spec.abi_version != HW_ENV_ABI_VERSION || strcmp(spec.name, f.env) != 0 || spec.observation_size != OBSERVATION ||
      spec.action_kind != HW_ENV_DISCRETE || spec.action_count != (uint32_t)f.actions || spec.max_episode_steps != 27000 ||
      !isnan(spec.reward_threshold))
    fail("%s: spec: abi %u name %s size %u kind %u actions %u (gymnasium: %d) limit %u", f.env, spec.abi_version,
         spec.name, spec.observation_size, spec.action_kind, spec.action_count, f.actions, spec.max_episode_steps);
  if (info.ext_version != HW_ENV_EXT_VERSION || info.observation_type != HW_ENV_UINT8 || info.observation_rank != 3 ||
      info.observation_shape[0] != 4 || info.observation_shape[1] != 84 || info.observation_shape[2] != 84 ||
      info.flags != (HW_ENV_REPORTS_LIFE_LOSS | HW_ENV_SHAPES_REWARD) || info.protocol == NULL)
    fail("%s: info: ext %u type %u rank %u shape %u %u %u flags %u", f.env, info.ext_version, info.observation_type,
         info.observation_rank, info.observation_shape[0], info.observation_shape[1], info.observation_shape[2],
         info.flags);
  void *env = create(f.env, options, f.ale_seed);
  if (env == NULL) return;

  static uint8_t expected[OBSERVATION], observation[OBSERVATION];
  size_t exact = 0, compared = 0, steps = 0, resets = 0, life_losses = 0;
  size_t reward_errors = 0, end_errors = 0, life_errors = 0;
  int max_diff = 0, previous_lives = 0;
  for (size_t i = 0; i < f.count; i++) {
    const record *r = &f.records[i];
    if (!r->is_step) {
      for (int k = 0; k < 4; k++) memcpy(expected + k * FRAME, r->frame, FRAME);
      P.reset_u8(env, 1000 + i, observation);  /* noop_max=0: the seed draws nothing */
      resets++;
    } else {
      memmove(expected, expected + FRAME, 3 * FRAME);
      memcpy(expected + 3 * FRAME, r->frame, FRAME);
      hw_env_step_info s;
      step(env, r->action, observation, &s);
      steps++;
      double clipped = r->reward > 1 ? 1 : (r->reward < -1 ? -1 : r->reward);
      if (s.reward != r->reward || s.learning_reward != clipped) {
        if (reward_errors++ < 5)
          fail("%s line %zu: reward %g learning %g, gymnasium %g", f.env, i, s.reward, s.learning_reward, r->reward);
      }
      if (s.terminated != r->terminated || s.truncated != r->truncated) {
        if (end_errors++ < 5)
          fail("%s line %zu: terminated %d truncated %d, gymnasium %d %d", f.env, i, s.terminated, s.truncated,
               r->terminated, r->truncated);
      }
      int lost = r->lives < previous_lives;
      life_losses += lost;
      if (s.life_lost != lost) {
        if (life_errors++ < 5) fail("%s line %zu: life_lost %d, gymnasium's lives %d -> %d", f.env, i, s.life_lost,
                                    previous_lives, r->lives);
      }
    }
    previous_lives = r->lives;
    int diff = 0;
    for (size_t k = 0; k < OBSERVATION; k++) {
      int d = abs((int)observation[k] - (int)expected[k]);
      if (d > diff) diff = d;
    }
    compared++;
    exact += diff == 0;
    if (diff > max_diff) max_diff = diff;
  }
  P.destroy(env);
  free(f.records);
  int ok = exact == compared && reward_errors == 0 && end_errors == 0 && life_errors == 0;
  const char *base = strrchr(path, '/');
  (ok ? pass : fail)("%s parity (%s%s%s): %zu steps, %zu resets, %zu lives lost; observations exact %zu/%zu, max "
                     "pixel difference %d; reward, termination and life-loss mismatches %zu, %zu, %zu",
                     f.env, base ? base + 1 : path, f.option_count ? ", " : "", f.option_count ? f.option_text[0] : "", steps, resets, life_losses, exact, compared, max_diff, reward_errors, end_errors,
                     life_errors);
}

/* ---- the rest of the contract ------------------------------------------ */

/* Steps `env` with a fixed action pattern; a hash of every observation. */
static uint64_t trajectory(void *env, uint64_t reset_seed, int actions, int steps, int *life_lost_seen) {
  static uint8_t observation[OBSERVATION];
  uint64_t h = 1469598103934665603ull;
  P.reset_u8(env, reset_seed, observation);
  for (int t = 0; t < steps; t++) {
    hw_env_step_info s;
    step(env, (t * 7 + t / 5) % actions, observation, &s);
    for (size_t k = 0; k < OBSERVATION; k += 13) h = (h ^ observation[k]) * 1099511628211ull;
    h = (h ^ (uint64_t)s.reward) * 1099511628211ull;
    if (s.life_lost && life_lost_seen) *life_lost_seen = 1;
    if (s.terminated) P.reset_u8(env, reset_seed + t, observation);
  }
  return h;
}

static int refused(const char *name, const char *const *options, const char *expect) {
  char message[HW_ENV_MESSAGE] = "";
  hw_env_spec spec;
  hw_env_info info;
  if (P.describe_ext(name, options, &spec, &info, message, sizeof message) == 0) {
    fail("describe_ext(%s, %s…) accepted what it should refuse", name ? name : "NULL", options ? options[0] : "");
    return 0;
  }
  if (strstr(message, expect) == NULL) {
    fail("describe_ext(%s, %s…) refused with \"%s\", not saying \"%s\"", name ? name : "NULL", options ? options[0] : "",
         message, expect);
    return 0;
  }
  void *env = P.create_ext(name, options, 1, message, sizeof message);
  if (env != NULL) {
    fail("create_ext(%s) accepted what describe refuses", name ? name : "NULL");
    P.destroy(env);
    return 0;
  }
  printf("      refused: %s\n", message);
  return 1;
}

static int printable_line(const char *text, size_t max) {
  if (text == NULL || strlen(text) > max) return 0;
  for (const char *c = text; *c; c++)
    if (*c < 0x20 || *c > 0x7E) return 0;
  return 1;
}

static void contract(void) {
  hw_env_spec spec, v1;
  hw_env_info info;
  /* The default environment and the version-1 describe. */
  if (describe(NULL, NULL, &spec, &info) == 0) {
    memset(&v1, 0, sizeof v1);
    if (strcmp(spec.name, "ALE/Pong-v5") != 0) fail("the default environment is %s, not ALE/Pong-v5", spec.name);
    else if (P.describe(NULL, &v1) != 0 || strcmp(v1.name, spec.name) != 0 || v1.action_count != spec.action_count ||
             v1.observation_size != spec.observation_size)
      fail("hw_env_describe(NULL) disagrees with hw_env_describe_ext(NULL, NULL)");
    else if (!printable_line(info.protocol, HW_ENV_MAX_PROTOCOL))
      fail("the protocol is not one printable line of at most %u bytes", HW_ENV_MAX_PROTOCOL);
    else pass("default environment %s; protocol: %s", spec.name, info.protocol);
  }
  const char *all[] = {"repeat_action_probability=0.123456789", "full_action_space=1", "episodic_life=0",
                       "noop_max=10000", NULL};
  if (describe("ALE/Pong-v5", all, &spec, &info) == 0)
    (printable_line(info.protocol, HW_ENV_MAX_PROTOCOL) ? pass : fail)("every option changed: %s", info.protocol);
  /* Options that change the spec. */
  const char *full[] = {"full_action_space=1", NULL};
  if (describe("ALE/Breakout-v5", full, &spec, &info) == 0) {
    void *env = create("ALE/Breakout-v5", full, 3);
    int lost = 0;
    if (env) {
      trajectory(env, 5, 18, 50, &lost); /* action 17 must be accepted */
      P.destroy(env);
    }
    (spec.action_count == 18 ? pass : fail)("full_action_space=1: Breakout has %u actions", spec.action_count);
  }
  const char *no_lives[] = {"episodic_life=0", NULL};
  if (describe("ALE/Breakout-v5", no_lives, &spec, &info) == 0) {
    void *with = create("ALE/Breakout-v5", NULL, 3), *without = create("ALE/Breakout-v5", no_lives, 3);
    int lost_with = 0, lost_without = 0;
    if (with && without) {
      uint64_t a = trajectory(with, 9, 4, 600, &lost_with), b = trajectory(without, 9, 4, 600, &lost_without);
      (a == b && lost_with && !lost_without && !(info.flags & HW_ENV_REPORTS_LIFE_LOSS) ? pass : fail)(
          "episodic_life=0: same observations, life_lost never set (by default %s), flags %u",
          lost_with ? "set" : "NOT set", info.flags);
    }
    if (with) P.destroy(with);
    if (without) P.destroy(without);
  }
  /* No-op starts drawn from the reset seed; sticky actions from the create seed. */
  {
    const char *noops[] = {"noop_max=30", NULL};
    void *a = create("ALE/Pong-v5", noops, 1), *b = create("ALE/Pong-v5", noops, 2);
    if (a && b) {
      uint64_t same1 = trajectory(a, 42, 6, 40, NULL), same2 = trajectory(b, 42, 6, 40, NULL);
      int distinct = 0;
      uint64_t seen[8];
      for (int s = 0; s < 8; s++) {
        seen[s] = trajectory(a, 100 + s, 6, 40, NULL);
        int fresh = 1;
        for (int k = 0; k < s; k++) fresh &= seen[k] != seen[s];
        distinct += fresh;
      }
      (same1 == same2 && distinct >= 6 ? pass : fail)(
          "noop_max=30: one reset seed, one start (%s); 8 reset seeds, %d distinct starts",
          same1 == same2 ? "yes" : "NO", distinct);
    }
    if (a) P.destroy(a);
    if (b) P.destroy(b);
    const char *sticky[] = {"repeat_action_probability=0.25", "noop_max=0", NULL};
    void *c = create("ALE/Breakout-v5", sticky, 5), *d = create("ALE/Breakout-v5", sticky, 5),
         *e = create("ALE/Breakout-v5", sticky, 6), *g = create("ALE/Breakout-v5", NULL, 5);
    if (c && d && e && g) {
      uint64_t hc = trajectory(c, 1, 4, 300, NULL), hd = trajectory(d, 1, 4, 300, NULL);
      uint64_t he = trajectory(e, 1, 4, 300, NULL), hg = trajectory(g, 1, 4, 300, NULL);
      (hc == hd && hc != he && hc != hg ? pass : fail)(
          "repeat_action_probability=0.25: same create seed, same play (%s); another seed or sticky 0 differs (%s)",
          hc == hd ? "yes" : "NO", hc != he && hc != hg ? "yes" : "NO");
    }
    void *list[] = {c, d, e, g};
    for (int k = 0; k < 4; k++)
      if (list[k]) P.destroy(list[k]);
  }
  /* The version-1 float path carries the byte path's values. */
  {
    void *a = create("ALE/Pong-v5", NULL, 8), *b = P.create("ALE/Pong-v5", 8);
    static uint8_t bytes[OBSERVATION];
    static float floats[OBSERVATION];
    int same = a && b;
    if (same) {
      P.reset_u8(a, 77, bytes);
      P.reset(b, 77, floats);
      for (int t = 0; t < 200 && same; t++) {
        for (size_t k = 0; k < OBSERVATION; k++) same &= floats[k] == (float)bytes[k];
        hw_env_step_info s;
        float action = (float)(t % 6);
        double reward;
        int terminated, truncated;
        step(a, t % 6, bytes, &s);
        P.step(b, &action, floats, &reward, &terminated, &truncated);
        same &= reward == s.reward && terminated == s.terminated && truncated == s.truncated;
      }
    }
    (same ? pass : fail)("the version-1 float path equals the byte path (200 Pong steps)");
    if (a) P.destroy(a);
    if (b) P.destroy(b);
  }
  /* Refusals: one line each, from describe and create alike. */
  const char *bogus[] = {"bogus=1", NULL}, *negative[] = {"noop_max=-1", NULL},
             *probability[] = {"repeat_action_probability=2", NULL}, *flag[] = {"full_action_space=yes", NULL},
             *twice[] = {"noop_max=1", "noop_max=2", NULL}, *no_roms[] = {"rom_dir=/nonexistent", NULL};
  int ok = refused("ALE/Pong-v5", bogus, "unknown option bogus") & refused("ALE/Pong-v5", negative, "noop_max") &
           refused("ALE/Pong-v5", probability, "repeat_action_probability") &
           refused("ALE/Pong-v5", flag, "full_action_space") & refused("ALE/Pong-v5", twice, "twice") &
           refused("ALE/NoSuchGame-v5", NULL, "no environment named") &
           refused("ALE/Pong-v5", no_roms, "is not in /nonexistent") & refused(NULL, no_roms, "no ROMs in");
  if (ok) pass("refusals: unknown option, bad values, a repeated key, an unknown game, a missing ROM");
  /* Enumeration: every v5 game whose ROM is present; none without ROMs. */
  uint32_t n = 0, described = 0;
  for (const char *name; (name = P.name_at(NULL, n)) != NULL; n++) {
    char message[HW_ENV_MESSAGE];
    described += P.describe_ext(name, NULL, &spec, &info, message, sizeof message) == 0;
  }
  (n >= 100 && described == n && P.name_at(no_roms, 0) == NULL ? pass : fail)(
      "hw_env_name_at lists %u environments, %u of them described; none without ROMs", n, described);
}

/* ---- speed -------------------------------------------------------------- */

static double clock_seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void bench(const char *name, int steps) {
  hw_env_spec spec;
  hw_env_info info;
  if (describe(name, NULL, &spec, &info) != 0) return;
  void *env = create(name, NULL, 1);
  if (env == NULL) return;
  static uint8_t observation[OBSERVATION];
  uint64_t x = 12345;
  P.reset_u8(env, 1, observation);
  /* CPU time as well as wall time: on a shared machine the process is not
     always running, and steps per CPU second is the per-core rate. */
  double start = clock_seconds(CLOCK_MONOTONIC), cpu_start = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
  int episodes = 0;
  for (int t = 0; t < steps; t++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    hw_env_step_info s;
    step(env, (int)((x >> 33) % spec.action_count), observation, &s);
    if (s.terminated) {
      P.reset_u8(env, (uint64_t)t, observation);
      episodes++;
    }
  }
  double seconds = clock_seconds(CLOCK_MONOTONIC) - start;
  double cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
  printf("%s: %d agent steps (%d frames, random actions, %d games ended): %.0f agent steps per CPU second "
         "(%.2f s CPU, %.2f s wall)\n", name, steps, 4 * steps, episodes, steps / cpu, cpu, seconds);
  P.destroy(env);
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "--bench") == 0) {
    load(argv[2]);
    int steps = argc > 3 ? atoi(argv[3]) : 20000;
    if (steps <= 0) steps = 20000;
    bench("ALE/Pong-v5", steps);
    bench("ALE/Breakout-v5", steps);
    return failures ? 1 : 0;
  }
  if (argc < 2) {
    fprintf(stderr, "usage: atari_parity PLUGIN FIXTURE... | atari_parity --bench PLUGIN [STEPS]\n");
    return 64;
  }
  load(argv[1]);
  for (int i = 2; i < argc; i++) replay(argv[i]);
  contract();
  printf("%s\n", failures ? "atari parity: FAILED" : "atari parity: all checks passed");
  return failures ? 1 : 0;
}
