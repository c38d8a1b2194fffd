/*
 * plugin.c — loading environment plugins (include/hogwild_env.h).
 *
 * Two ways in:
 *  - hw_plugin_probe runs the plugin in a forked child that only describes
 *    it, creates one environment, resets it and destroys it, and reports the
 *    facts through a shared anonymous mapping. The caller (the supervisor,
 *    before anything of a run exists) thereby never runs plugin code itself:
 *    a crash, a hang, a thread started at load time, or a stray write stays in
 *    the child and becomes one line saying which call failed.
 *  - hw_plugin_open / hw_plugin_create … are for the process that steps the
 *    environments (a worker after fork, or `eval` and `replay`).
 */
#include "hogwild_sys.h"
#include "hogwild_env_host.h"
#include "../../include/hogwild_env.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct hw_plugin {
  void *library;
  hw_env_describe_fn describe;
  hw_env_create_fn create;
  hw_env_reset_fn reset;
  hw_env_step_fn step;
  hw_env_destroy_fn destroy;
  hw_env_observation_shape_fn observation_shape; /* optional: may be NULL */
};

struct hw_plugin_env {
  hw_env_reset_fn reset;
  hw_env_step_fn step;
  hw_env_destroy_fn destroy;
  void *env;
};

static void say(char *message, size_t size, const char *format, ...) {
  if (message == NULL || size == 0) return;
  va_list ap;
  va_start(ap, format);
  vsnprintf(message, size, format, ap);
  va_end(ap);
}

/* dlopen + dlsym of every entry point; 0, or EINVAL with `message` set. */
static int open_library(const char *path, struct hw_plugin *p, char *message, size_t size) {
  memset(p, 0, sizeof *p);
  dlerror();
  p->library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (p->library == NULL) {
    const char *why = dlerror();
    say(message, size, "cannot load it: %s", why ? why : "unknown dlopen error");
    return EINVAL;
  }
  /* POSIX guarantees that a function pointer survives a trip through void *. */
  static const char *const names[] = {"hw_env_describe", "hw_env_create", "hw_env_reset",
                                      "hw_env_step", "hw_env_destroy"};
  void *found[5];
  for (int i = 0; i < 5; i++) {
    found[i] = dlsym(p->library, names[i]);
    if (found[i] == NULL) {
      say(message, size,
          "it does not export %s (a plugin exports hw_env_describe, hw_env_create, hw_env_reset, "
          "hw_env_step and hw_env_destroy; see include/hogwild_env.h)",
          names[i]);
      dlclose(p->library);
      p->library = NULL;
      return EINVAL;
    }
  }
  p->describe = (hw_env_describe_fn)found[0];
  p->create = (hw_env_create_fn)found[1];
  p->reset = (hw_env_reset_fn)found[2];
  p->step = (hw_env_step_fn)found[3];
  p->destroy = (hw_env_destroy_fn)found[4];
  p->observation_shape = (hw_env_observation_shape_fn)dlsym(p->library, "hw_env_observation_shape");
  return 0;
}

/* ---- the probe --------------------------------------------------------- */

enum {
  STAGE_LOAD = 1,
  STAGE_DESCRIBE,
  STAGE_SHAPE,
  STAGE_CREATE,
  STAGE_RESET,
  STAGE_DESTROY,
  STAGE_DONE,
};

static const char *stage_call(int stage) {
  switch (stage) {
  case STAGE_LOAD: return "while loading (dlopen, its constructors)";
  case STAGE_DESCRIBE: return "in hw_env_describe";
  case STAGE_SHAPE: return "in hw_env_observation_shape";
  case STAGE_CREATE: return "in hw_env_create";
  case STAGE_RESET: return "in hw_env_reset";
  case STAGE_DESTROY: return "in hw_env_destroy";
  default: return "after its checks";
  }
}

/* What the child hands back. Lives in a MAP_SHARED anonymous mapping. */
typedef struct {
  volatile int stage;
  int refused; /* 1: `message` says why */
  char message[HW_PLUGIN_MESSAGE];
  hw_plugin_facts facts;
  float low[HW_ENV_MAX_BOX];
  float high[HW_ENV_MAX_BOX];
} probe_area;

#define CANARY_FLOATS 16u
#define CANARY_BITS 0x7FC0DEADu /* a quiet NaN no environment writes by accident */

static int refuse(probe_area *a, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  vsnprintf(a->message, sizeof a->message, format, ap);
  va_end(ap);
  a->refused = 1;
  return 1;
}

/* The child's work; returns non-zero after refuse(). */
static int probe_in_child(const char *path, const char *name, probe_area *a) {
  struct hw_plugin p;
  a->stage = STAGE_LOAD;
  if (open_library(path, &p, a->message, sizeof a->message) != 0) {
    a->refused = 1;
    return 1;
  }
  hw_env_spec spec;
  memset(&spec, 0, sizeof spec);
  a->stage = STAGE_DESCRIBE;
  int rc = p.describe(name, &spec);
  if (rc != 0) {
    if (name) return refuse(a, "hw_env_describe(\"%s\") returned %d: the plugin has no environment of that name", name, rc);
    return refuse(a, "hw_env_describe(NULL) returned %d: the plugin names no default environment", rc);
  }
  if (spec.abi_version != HW_ENV_ABI_VERSION)
    return refuse(a, "its spec says ABI version %u; this hogwild-rl speaks version %u (rebuild it against this "
                     "include/hogwild_env.h)", spec.abi_version, HW_ENV_ABI_VERSION);
  if (spec.name == NULL) return refuse(a, "its spec has no name (hw_env_spec.name is NULL)");
  size_t len = strnlen(spec.name, HW_ENV_MAX_NAME + 1);
  if (len == 0 || len > HW_ENV_MAX_NAME)
    return refuse(a, "its spec's name must be 1 to %u bytes long", HW_ENV_MAX_NAME);
  hw_plugin_facts *f = &a->facts;
  memcpy(f->name, spec.name, len);
  f->name[len] = 0;
  f->abi_version = spec.abi_version;
  f->observation_size = spec.observation_size;
  f->action_kind = spec.action_kind;
  f->action_count = spec.action_count;
  f->max_episode_steps = spec.max_episode_steps;
  f->reward_threshold = spec.reward_threshold;
  if (spec.observation_size == 0 || spec.observation_size > HW_ENV_MAX_OBSERVATION)
    return refuse(a, "%s: observation_size %u is out of range (1 to %u)", f->name, spec.observation_size,
                  HW_ENV_MAX_OBSERVATION);
  if (spec.action_kind == HW_ENV_DISCRETE) {
    if (spec.action_count == 0 || spec.action_count > HW_ENV_MAX_DISCRETE)
      return refuse(a, "%s: action_count %u is out of range for a discrete space (1 to %u)", f->name,
                    spec.action_count, HW_ENV_MAX_DISCRETE);
  } else if (spec.action_kind == HW_ENV_BOX) {
    if (spec.action_count == 0 || spec.action_count > HW_ENV_MAX_BOX)
      return refuse(a, "%s: action_count %u is out of range for a box (1 to %u dimensions)", f->name,
                    spec.action_count, HW_ENV_MAX_BOX);
    if (spec.action_low == NULL || spec.action_high == NULL)
      return refuse(a, "%s: a box action space needs action_low and action_high (%s is NULL)", f->name,
                    spec.action_low == NULL ? "action_low" : "action_high");
    memcpy(a->low, spec.action_low, spec.action_count * sizeof(float));
    memcpy(a->high, spec.action_high, spec.action_count * sizeof(float));
  } else {
    return refuse(a, "%s: action_kind %u is neither HW_ENV_DISCRETE (0) nor HW_ENV_BOX (1)", f->name, spec.action_kind);
  }
  /* The default environment must also be reachable by its name: workers,
   * resumed runs and checkpoints name it explicitly. */
  if (name == NULL) {
    hw_env_spec again;
    memset(&again, 0, sizeof again);
    if (p.describe(f->name, &again) != 0)
      return refuse(a, "hw_env_describe(NULL) names \"%s\", but hw_env_describe(\"%s\") fails", f->name, f->name);
  }
  if (p.observation_shape) {
    a->stage = STAGE_SHAPE;
    int rank = p.observation_shape(f->name, f->shape, HW_PLUGIN_MAX_RANK);
    if (rank < 0 || rank > (int)HW_PLUGIN_MAX_RANK)
      return refuse(a, "%s: hw_env_observation_shape returned %d (0 to %u dimensions)", f->name, rank, HW_PLUGIN_MAX_RANK);
    f->shape_rank = (uint32_t)rank;
  }
  a->stage = STAGE_CREATE;
  void *env = p.create(f->name, 1);
  if (env == NULL) return refuse(a, "%s: hw_env_create(\"%s\", 1) returned NULL", f->name, f->name);
  size_t n = spec.observation_size;
  uint32_t *buffer = malloc((n + CANARY_FLOATS) * sizeof(float));
  if (buffer == NULL) return refuse(a, "%s: no memory for a %zu-float observation", f->name, n);
  for (size_t i = 0; i < n + CANARY_FLOATS; i++) buffer[i] = CANARY_BITS;
  a->stage = STAGE_RESET;
  p.reset(env, 1, (float *)buffer);
  for (size_t i = n; i < n + CANARY_FLOATS; i++) {
    if (buffer[i] != CANARY_BITS)
      return refuse(a, "%s: hw_env_reset wrote past the end of its %zu-float observation", f->name, n);
  }
  a->stage = STAGE_DESTROY;
  p.destroy(env);
  free(buffer);
  a->stage = STAGE_DONE;
  return 0;
}

int hw_plugin_probe(const char *path, const char *name, uint64_t timeout_ns, hw_plugin_facts *facts,
                    float *low, float *high, size_t bound_capacity, char *message, size_t message_size) {
  probe_area *a = mmap(NULL, sizeof(probe_area), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (a == MAP_FAILED) {
    say(message, message_size, "cannot map memory for the probe: %s", strerror(errno));
    return errno;
  }
  memset(a, 0, sizeof *a);
  pid_t parent = getpid();
  pid_t pid = 0;
  int rc = hw_fork(&pid);
  if (rc != 0) {
    say(message, message_size, "cannot fork the probe: %s", strerror(rc));
    munmap(a, sizeof *a);
    return rc;
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(70);
    signal(SIGINT, SIG_DFL);
    /* A crash in the plugin is an answer, reported in one line by the parent:
       the Swift runtime's backtracer (inherited handlers) would print pages. */
    static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) signal(faults[i], SIG_DFL);
    _exit(probe_in_child(path, name, a) == 0 ? 0 : 3);
  }
  int kind = HW_CHILD_RUNNING, code = 0;
  uint64_t deadline = hw_monotonic_ns() + timeout_ns;
  for (;;) {
    rc = hw_wait_child(pid, 1, &kind, &code);
    if (rc != 0 || kind != HW_CHILD_RUNNING) break;
    if (hw_monotonic_ns() > deadline) {
      kill(pid, SIGKILL);
      hw_wait_child(pid, 0, &kind, &code);
      say(message, message_size, "it did not finish %s within %.0f s", stage_call(a->stage), (double)timeout_ns / 1e9);
      munmap(a, sizeof *a);
      return ETIMEDOUT;
    }
    hw_sleep_ns(1000000);
  }
  int result = 0;
  if (rc != 0) {
    say(message, message_size, "lost the probe process: %s", strerror(rc));
    result = rc;
  } else if (kind == HW_CHILD_SIGNALED) {
    say(message, message_size, "it crashed %s (signal %d, %s)", stage_call(a->stage), code, strsignal(code));
    result = EFAULT;
  } else if (a->refused) {
    say(message, message_size, "%s", a->message);
    result = EINVAL;
  } else if (code != 0 || a->stage != STAGE_DONE) {
    say(message, message_size, "it ended the process %s (exit status %d)", stage_call(a->stage), code);
    result = EFAULT;
  } else {
    *facts = a->facts;
    if (facts->action_kind == HW_ENV_BOX) {
      size_t n = facts->action_count < bound_capacity ? facts->action_count : bound_capacity;
      memcpy(low, a->low, n * sizeof(float));
      memcpy(high, a->high, n * sizeof(float));
    }
  }
  munmap(a, sizeof *a);
  return result;
}

/* ---- in-process use ---------------------------------------------------- */

int hw_plugin_open(const char *path, hw_plugin **out, char *message, size_t message_size) {
  struct hw_plugin *p = malloc(sizeof *p);
  if (p == NULL) return ENOMEM;
  int rc = open_library(path, p, message, message_size);
  if (rc != 0) {
    free(p);
    return rc;
  }
  *out = p;
  return 0;
}

int hw_plugin_create(hw_plugin *p, const char *name, uint64_t seed, hw_plugin_env **out) {
  struct hw_plugin_env *e = malloc(sizeof *e);
  if (e == NULL) return ENOMEM;
  e->env = p->create(name, seed);
  if (e->env == NULL) {
    free(e);
    return EINVAL;
  }
  e->reset = p->reset;
  e->step = p->step;
  e->destroy = p->destroy;
  *out = e;
  return 0;
}

void hw_plugin_reset(hw_plugin_env *e, uint64_t seed, float *observation) {
  e->reset(e->env, seed, observation);
}

void hw_plugin_step(hw_plugin_env *e, const float *action, float *observation, double *reward,
                    int *terminated, int *truncated) {
  *terminated = 0;
  *truncated = 0;
  e->step(e->env, action, observation, reward, terminated, truncated);
}

void hw_plugin_destroy(hw_plugin_env *e) {
  if (e == NULL) return;
  e->destroy(e->env);
  free(e);
}
