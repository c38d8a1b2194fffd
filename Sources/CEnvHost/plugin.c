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
  /* Extension 1 (optional; describe_ext and create_ext come together). */
  hw_env_describe_ext_fn describe_ext;
  hw_env_create_ext_fn create_ext;
  hw_env_reset_u8_fn reset_u8;
  hw_env_step_u8_fn step_u8;
  hw_env_name_at_fn name_at;
};

struct hw_plugin_env {
  hw_env_reset_fn reset;
  hw_env_step_fn step;
  hw_env_reset_u8_fn reset_u8;
  hw_env_step_u8_fn step_u8;
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
  p->describe_ext = (hw_env_describe_ext_fn)dlsym(p->library, "hw_env_describe_ext");
  p->create_ext = (hw_env_create_ext_fn)dlsym(p->library, "hw_env_create_ext");
  p->reset_u8 = (hw_env_reset_u8_fn)dlsym(p->library, "hw_env_reset_u8");
  p->step_u8 = (hw_env_step_u8_fn)dlsym(p->library, "hw_env_step_u8");
  p->name_at = (hw_env_name_at_fn)dlsym(p->library, "hw_env_name_at");
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
  STAGE_NAMES,
  STAGE_DONE,
};

static const char *stage_call(int stage, int extended) {
  switch (stage) {
  case STAGE_LOAD: return "while loading (dlopen, its constructors)";
  case STAGE_DESCRIBE: return extended ? "in hw_env_describe_ext" : "in hw_env_describe";
  case STAGE_SHAPE: return "in hw_env_observation_shape";
  case STAGE_CREATE: return extended ? "in hw_env_create_ext" : "in hw_env_create";
  case STAGE_RESET: return "in hw_env_reset";
  case STAGE_DESTROY: return "in hw_env_destroy";
  case STAGE_NAMES: return "in hw_env_name_at or hw_env_describe_ext";
  default: return "after its checks";
  }
}

/* What the child hands back. Lives in a MAP_SHARED anonymous mapping. */
typedef struct {
  volatile int stage;
  volatile int extended; /* the stage's call is extension 1's */
  int refused; /* 1: `message` says why */
  char message[HW_PLUGIN_MESSAGE];
  hw_plugin_facts facts;
  float low[HW_ENV_MAX_BOX];
  float high[HW_ENV_MAX_BOX];
  /* hw_plugin_list's answer. */
  size_t count;
  hw_plugin_facts list[HW_PLUGIN_MAX_NAMES];
} probe_area;

/* hw_env_info as this header knows it, with room behind it: a plugin built
 * against a later extension may fill fields this build does not know. */
typedef union {
  hw_env_info info;
  char room[4096];
} padded_info;

#define CANARY_FLOATS 16u
#define CANARY_BITS 0x7FC0DEADu /* a quiet NaN no environment writes by accident */
#define CANARY_BYTES 64u

static int refuse(probe_area *a, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  vsnprintf(a->message, sizeof a->message, format, ap);
  va_end(ap);
  a->refused = 1;
  return 1;
}

static int is_printable(const char *text, size_t max) {
  size_t n = strnlen(text, max + 1);
  if (n > max) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c < 0x20 || c > 0x7E) return 0;
  }
  return 1;
}

/* The plugin's refusal message as one printable line (it owes us that, but
 * nothing from outside is trusted). */
static void clean_message(char *message, size_t size) {
  message[size - 1] = 0;
  for (char *c = message; *c; c++) {
    if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7E) *c = '?';
  }
}

/* Describes `name` under `options` into `f` (and a box's bounds into a's),
 * checking what the spec and info say; non-zero after refuse(). */
static int describe_into(struct hw_plugin *p, const char *name, const char *const *options, probe_area *a,
                         hw_plugin_facts *f) {
  hw_env_spec spec;
  memset(&spec, 0, sizeof spec);
  padded_info info;
  memset(&info, 0, sizeof info);
  a->stage = STAGE_DESCRIBE;
  if (p->describe_ext != NULL) {
    if (p->create_ext == NULL)
      return refuse(a, "it exports hw_env_describe_ext but not hw_env_create_ext (extension 1 needs both)");
    a->extended = 1;
    char message[HW_ENV_MESSAGE];
    memset(message, 0, sizeof message);
    int rc = p->describe_ext(name, options, &spec, &info.info, message, sizeof message);
    if (rc != 0) {
      clean_message(message, sizeof message);
      if (message[0]) return refuse(a, "%s", message);
      if (name) return refuse(a, "hw_env_describe_ext(\"%s\") returned %d without a message", name, rc);
      return refuse(a, "hw_env_describe_ext(NULL) returned %d without a message", rc);
    }
  } else {
    if (options != NULL && options[0] != NULL)
      return refuse(a, "it takes no options (%s): it does not export hw_env_describe_ext (include/hogwild_env.h, "
                       "extension 1)", options[0]);
    int rc = p->describe(name, &spec);
    if (rc != 0) {
      if (name) return refuse(a, "hw_env_describe(\"%s\") returned %d: the plugin has no environment of that name", name, rc);
      return refuse(a, "hw_env_describe(NULL) returned %d: the plugin names no default environment", rc);
    }
  }
  if (spec.abi_version != HW_ENV_ABI_VERSION)
    return refuse(a, "its spec says ABI version %u; this hogwild-rl speaks version %u (rebuild it against this "
                     "include/hogwild_env.h)", spec.abi_version, HW_ENV_ABI_VERSION);
  if (spec.name == NULL) return refuse(a, "its spec has no name (hw_env_spec.name is NULL)");
  size_t len = strnlen(spec.name, HW_ENV_MAX_NAME + 1);
  if (len == 0 || len > HW_ENV_MAX_NAME)
    return refuse(a, "its spec's name must be 1 to %u bytes long", HW_ENV_MAX_NAME);
  memset(f, 0, sizeof *f);
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
  if (!a->extended) return 0;
  /* Extension 1: the info. */
  hw_env_info *i = &info.info;
  f->extended = 1;
  if (i->ext_version == 0)
    return refuse(a, "%s: hw_env_info.ext_version is 0 (a plugin stores HW_ENV_EXT_VERSION there)", f->name);
  if (i->observation_type != HW_ENV_FLOAT32 && i->observation_type != HW_ENV_UINT8)
    return refuse(a, "%s: observation_type %u is neither HW_ENV_FLOAT32 (0) nor HW_ENV_UINT8 (1)", f->name,
                  i->observation_type);
  if (i->observation_type == HW_ENV_UINT8 && (p->reset_u8 == NULL || p->step_u8 == NULL))
    return refuse(a, "%s: its observations are HW_ENV_UINT8, but it does not export %s", f->name,
                  p->reset_u8 == NULL ? "hw_env_reset_u8" : "hw_env_step_u8");
  if (i->observation_rank > HW_ENV_MAX_RANK)
    return refuse(a, "%s: observation_rank %u is out of range (0 to %u)", f->name, i->observation_rank, HW_ENV_MAX_RANK);
  f->observation_type = i->observation_type;
  f->flags = i->flags & (HW_ENV_REPORTS_LIFE_LOSS | HW_ENV_SHAPES_REWARD);
  f->shape_rank = i->observation_rank;
  for (uint32_t d = 0; d < i->observation_rank; d++) f->shape[d] = i->observation_shape[d];
  if (i->protocol != NULL) {
    if (!is_printable(i->protocol, HW_ENV_MAX_PROTOCOL))
      return refuse(a, "%s: its protocol line must be printable ASCII of at most %u bytes", f->name, HW_ENV_MAX_PROTOCOL);
    snprintf(f->protocol, sizeof f->protocol, "%s", i->protocol);
  }
  return 0;
}

/* The child's work; returns non-zero after refuse(). */
static int probe_in_child(const char *path, const char *name, const char *const *options, probe_area *a) {
  struct hw_plugin p;
  a->stage = STAGE_LOAD;
  if (open_library(path, &p, a->message, sizeof a->message) != 0) {
    a->refused = 1;
    return 1;
  }
  hw_plugin_facts *f = &a->facts;
  if (describe_into(&p, name, options, a, f) != 0) return 1;
  /* The default environment must also be reachable by its name: workers,
   * resumed runs and checkpoints name it explicitly. */
  if (name == NULL) {
    hw_plugin_facts again;
    if (describe_into(&p, f->name, options, a, &again) != 0) {
      a->refused = 0;
      return refuse(a, "describing the default environment names \"%s\", but describing \"%s\" fails", f->name, f->name);
    }
  }
  if (!f->extended && p.observation_shape) {
    a->stage = STAGE_SHAPE;
    int rank = p.observation_shape(f->name, f->shape, HW_PLUGIN_MAX_RANK);
    if (rank < 0 || rank > (int)HW_PLUGIN_MAX_RANK)
      return refuse(a, "%s: hw_env_observation_shape returned %d (0 to %u dimensions)", f->name, rank, HW_PLUGIN_MAX_RANK);
    f->shape_rank = (uint32_t)rank;
  }
  a->stage = STAGE_CREATE;
  void *env;
  if (f->extended) {
    char message[HW_ENV_MESSAGE];
    memset(message, 0, sizeof message);
    env = p.create_ext(f->name, options, 1, message, sizeof message);
    if (env == NULL) {
      clean_message(message, sizeof message);
      if (message[0]) return refuse(a, "%s", message);
      return refuse(a, "%s: hw_env_create_ext(\"%s\", …, 1) returned NULL without a message", f->name, f->name);
    }
  } else {
    env = p.create(f->name, 1);
    if (env == NULL) return refuse(a, "%s: hw_env_create(\"%s\", 1) returned NULL", f->name, f->name);
  }
  size_t n = f->observation_size;
  a->stage = STAGE_RESET;
  if (f->observation_type == HW_ENV_UINT8) {
    uint8_t *bytes = malloc(n + CANARY_BYTES);
    if (bytes == NULL) return refuse(a, "%s: no memory for a %zu-byte observation", f->name, n);
    memset(bytes, 0xA5, n + CANARY_BYTES);
    p.reset_u8(env, 1, bytes);
    for (size_t i = n; i < n + CANARY_BYTES; i++) {
      if (bytes[i] != 0xA5)
        return refuse(a, "%s: hw_env_reset_u8 wrote past the end of its %zu-byte observation", f->name, n);
    }
    free(bytes);
  } else {
    uint32_t *buffer = malloc((n + CANARY_FLOATS) * sizeof(float));
    if (buffer == NULL) return refuse(a, "%s: no memory for a %zu-float observation", f->name, n);
    for (size_t i = 0; i < n + CANARY_FLOATS; i++) buffer[i] = CANARY_BITS;
    p.reset(env, 1, (float *)buffer);
    for (size_t i = n; i < n + CANARY_FLOATS; i++) {
      if (buffer[i] != CANARY_BITS)
        return refuse(a, "%s: hw_env_reset wrote past the end of its %zu-float observation", f->name, n);
    }
    free(buffer);
  }
  a->stage = STAGE_DESTROY;
  p.destroy(env);
  a->stage = STAGE_DONE;
  return 0;
}

/* hw_plugin_list's child: every name, described. */
static int list_in_child(const char *path, const char *const *options, size_t capacity, probe_area *a) {
  struct hw_plugin p;
  a->stage = STAGE_LOAD;
  if (open_library(path, &p, a->message, sizeof a->message) != 0) {
    a->refused = 1;
    return 1;
  }
  if (p.name_at == NULL || p.describe_ext == NULL) {
    if (describe_into(&p, NULL, options, a, &a->list[0]) != 0) return 1;
    a->count = 1;
    a->stage = STAGE_DONE;
    return 0;
  }
  a->stage = STAGE_NAMES;
  a->extended = 1;
  for (uint32_t i = 0; a->count < capacity; i++) {
    const char *name = p.name_at(options, i);
    if (name == NULL) break;
    if (!is_printable(name, HW_ENV_MAX_NAME) || name[0] == 0) continue;
    char copy[HW_ENV_MAX_NAME + 1];
    snprintf(copy, sizeof copy, "%s", name);
    if (describe_into(&p, copy, options, a, &a->list[a->count]) != 0) {
      /* describe has the last word (e.g. a ROM with the wrong MD5): skip it. */
      a->refused = 0;
      a->message[0] = 0;
      a->stage = STAGE_NAMES;
      continue;
    }
    a->stage = STAGE_NAMES;
    a->count++;
  }
  a->stage = STAGE_DONE;
  return 0;
}

/* Runs `job` in a forked child against a fresh shared area; 0 with the area
 * (the caller unmaps it), or non-zero with `message`. */
typedef int (*probe_job)(probe_area *a, const void *context);

static int run_in_child(probe_job job, const void *context, uint64_t timeout_ns, probe_area **out, char *message,
                        size_t message_size) {
  probe_area *a = mmap(NULL, sizeof(probe_area), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (a == MAP_FAILED) {
    int e = errno;
    say(message, message_size, "cannot map memory for the probe: %s", strerror(e));
    return e;
  }
  /* A fresh anonymous mapping is zero-filled. */
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
    _exit(job(a, context) == 0 ? 0 : 3);
  }
  int kind = HW_CHILD_RUNNING, code = 0;
  uint64_t deadline = hw_monotonic_ns() + timeout_ns;
  for (;;) {
    rc = hw_wait_child(pid, 1, &kind, &code);
    if (rc != 0 || kind != HW_CHILD_RUNNING) break;
    if (hw_monotonic_ns() > deadline) {
      kill(pid, SIGKILL);
      hw_wait_child(pid, 0, &kind, &code);
      say(message, message_size, "it did not finish %s within %.0f s", stage_call(a->stage, a->extended),
          (double)timeout_ns / 1e9);
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
    say(message, message_size, "it crashed %s (signal %d, %s)", stage_call(a->stage, a->extended), code,
        strsignal(code));
    result = EFAULT;
  } else if (a->refused) {
    a->message[sizeof a->message - 1] = 0;
    say(message, message_size, "%s", a->message);
    result = EINVAL;
  } else if (code != 0 || a->stage != STAGE_DONE) {
    say(message, message_size, "it ended the process %s (exit status %d)", stage_call(a->stage, a->extended), code);
    result = EFAULT;
  }
  if (result != 0) {
    munmap(a, sizeof *a);
    return result;
  }
  *out = a;
  return 0;
}

typedef struct {
  const char *path;
  const char *name;
  const char *const *options;
  size_t capacity;
} probe_context;

static int probe_job_fn(probe_area *a, const void *context) {
  const probe_context *c = context;
  return probe_in_child(c->path, c->name, c->options, a);
}

static int list_job_fn(probe_area *a, const void *context) {
  const probe_context *c = context;
  return list_in_child(c->path, c->options, c->capacity, a);
}

/* The number of options, or -1 past HW_ENV_MAX_OPTIONS or with one too long. */
static int check_options(char *const *options, char *message, size_t message_size) {
  if (options == NULL) return 0;
  int n = 0;
  for (; options[n] != NULL; n++) {
    if (n >= (int)HW_ENV_MAX_OPTIONS) {
      say(message, message_size, "more than %u options", HW_ENV_MAX_OPTIONS);
      return -1;
    }
    if (strnlen(options[n], HW_ENV_MAX_OPTION + 1) > HW_ENV_MAX_OPTION) {
      say(message, message_size, "an option is longer than %u bytes", HW_ENV_MAX_OPTION);
      return -1;
    }
  }
  return n;
}

int hw_plugin_probe(const char *path, const char *name, char *const *options, uint64_t timeout_ns,
                    hw_plugin_facts *facts, float *low, float *high, size_t bound_capacity, char *message,
                    size_t message_size) {
  if (check_options(options, message, message_size) < 0) return EINVAL;
  probe_context context = {path, name, (const char *const *)options, 0};
  probe_area *a = NULL;
  int rc = run_in_child(probe_job_fn, &context, timeout_ns, &a, message, message_size);
  if (rc != 0) return rc;
  *facts = a->facts;
  facts->name[sizeof facts->name - 1] = 0;
  facts->protocol[sizeof facts->protocol - 1] = 0;
  if (facts->action_kind == HW_ENV_BOX) {
    size_t n = facts->action_count < bound_capacity ? facts->action_count : bound_capacity;
    memcpy(low, a->low, n * sizeof(float));
    memcpy(high, a->high, n * sizeof(float));
  }
  munmap(a, sizeof *a);
  return 0;
}

int hw_plugin_list(const char *path, char *const *options, uint64_t timeout_ns, hw_plugin_facts *facts,
                   size_t capacity, size_t *count, char *message, size_t message_size) {
  if (check_options(options, message, message_size) < 0) return EINVAL;
  if (capacity > HW_PLUGIN_MAX_NAMES) capacity = HW_PLUGIN_MAX_NAMES;
  probe_context context = {path, NULL, (const char *const *)options, capacity};
  probe_area *a = NULL;
  int rc = run_in_child(list_job_fn, &context, timeout_ns, &a, message, message_size);
  if (rc != 0) return rc;
  size_t n = a->count < capacity ? a->count : capacity;
  for (size_t i = 0; i < n; i++) {
    facts[i] = a->list[i];
    facts[i].name[sizeof facts[i].name - 1] = 0;
    facts[i].protocol[sizeof facts[i].protocol - 1] = 0;
  }
  *count = n;
  munmap(a, sizeof *a);
  return 0;
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

int hw_plugin_create(hw_plugin *p, const char *name, char *const *options, uint64_t seed, hw_plugin_env **out,
                     char *message, size_t message_size) {
  if (message != NULL && message_size > 0) message[0] = 0;
  if (p->create_ext == NULL && options != NULL && options[0] != NULL) {
    say(message, message_size, "it takes no options: it does not export hw_env_create_ext");
    return EINVAL;
  }
  struct hw_plugin_env *e = malloc(sizeof *e);
  if (e == NULL) return ENOMEM;
  if (p->describe_ext != NULL && p->create_ext != NULL) {
    char buffer[HW_ENV_MESSAGE];
    memset(buffer, 0, sizeof buffer);
    e->env = p->create_ext(name, (const char *const *)options, seed, buffer, sizeof buffer);
    if (e->env == NULL) {
      clean_message(buffer, sizeof buffer);
      say(message, message_size, "%s", buffer);
    }
  } else {
    e->env = p->create(name, seed);
  }
  if (e->env == NULL) {
    free(e);
    return EINVAL;
  }
  e->reset = p->reset;
  e->step = p->step;
  e->reset_u8 = p->reset_u8;
  e->step_u8 = p->step_u8;
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

void hw_plugin_reset_u8(hw_plugin_env *e, uint64_t seed, uint8_t *observation) {
  e->reset_u8(e->env, seed, observation);
}

void hw_plugin_step_u8(hw_plugin_env *e, const float *action, uint8_t *observation, hw_env_step_info *info) {
  memset(info, 0, sizeof *info);
  e->step_u8(e->env, action, observation, info);
}

void hw_plugin_destroy(hw_plugin_env *e) {
  if (e == NULL) return;
  e->destroy(e->env);
  free(e);
}
