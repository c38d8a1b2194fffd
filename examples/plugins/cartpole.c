/*
 * cartpole.c — Gymnasium's CartPole-v1 as a hogwild-rl environment plugin
 * (include/hogwild_env.h), a discrete-action example.
 *
 *   cc -std=c11 -O2 -ffp-contract=off -shared -fPIC -I include examples/plugins/cartpole.c -o libcartpole.so -lm
 *   hogwild-rl run --env plugin:./libcartpole.so --procs 2
 *
 * It computes exactly what the built-in CartPole-v1 computes, in the same
 * order (so no fused multiply-adds: -ffp-contract=off), and draws the initial
 * state from the same generator, so `hw_env_reset(env, s, …)` starts the
 * episode the built-in environment starts from Xoshiro256(seed: s): the test
 * suite compares the two trajectories bit for bit. The 500-step time limit is
 * the runtime's (max_episode_steps); the plugin never truncates.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hogwild_env.h"
#include "xoshiro.h"

#define PI 3.14159265358979323846 /* the double nearest π, as Double.pi */

typedef struct {
  double x, x_dot, theta, theta_dot;
  int past_termination; /* stepping on after termination earns 0, as in Gymnasium */
} cartpole;

static const double gravity = 9.8, mass_cart = 1.0, mass_pole = 0.1, length = 0.5, force_mag = 10.0, tau = 0.02;
static const double theta_threshold = 12 * 2 * PI / 360, x_threshold = 2.4;

int hw_env_describe(const char *name, hw_env_spec *out) {
  if (name != NULL && strcmp(name, "CartPole-v1") != 0) return 1;
  memset(out, 0, sizeof *out);
  out->abi_version = HW_ENV_ABI_VERSION;
  out->name = "CartPole-v1";
  out->observation_size = 4;
  out->action_kind = HW_ENV_DISCRETE;
  out->action_count = 2;
  out->max_episode_steps = 500;
  out->reward_threshold = 475.0;
  return 0;
}

void *hw_env_create(const char *name, uint64_t seed) {
  (void)name;
  (void)seed; /* every episode's randomness comes from hw_env_reset's seed */
  return calloc(1, sizeof(cartpole));
}

static void observe(const cartpole *c, float *observation) {
  observation[0] = (float)c->x;
  observation[1] = (float)c->x_dot;
  observation[2] = (float)c->theta;
  observation[3] = (float)c->theta_dot;
}

void hw_env_reset(void *env, uint64_t seed, float *observation) {
  cartpole *c = env;
  xoshiro256 g = xoshiro256_seeded(seed);
  c->x = xoshiro256_uniform(&g, -0.05, 0.05);
  c->x_dot = xoshiro256_uniform(&g, -0.05, 0.05);
  c->theta = xoshiro256_uniform(&g, -0.05, 0.05);
  c->theta_dot = xoshiro256_uniform(&g, -0.05, 0.05);
  c->past_termination = 0;
  observe(c, observation);
}

void hw_env_step(void *env, const float *action, float *observation, double *reward, int *terminated,
                 int *truncated) {
  cartpole *c = env;
  const double total_mass = mass_pole + mass_cart, pole_mass_length = mass_pole * length;
  double force = action[0] >= 0.5f ? force_mag : -force_mag;
  double cos_theta = cos(c->theta), sin_theta = sin(c->theta);
  double temp = (force + pole_mass_length * (c->theta_dot * c->theta_dot) * sin_theta) / total_mass;
  double theta_acc = (gravity * sin_theta - cos_theta * temp)
    / (length * (4.0 / 3.0 - mass_pole * (cos_theta * cos_theta) / total_mass));
  double x_acc = temp - pole_mass_length * theta_acc * cos_theta / total_mass;
  /* Explicit Euler: every update reads the old values. */
  double x = c->x + tau * c->x_dot;
  double x_dot = c->x_dot + tau * x_acc;
  double theta = c->theta + tau * c->theta_dot;
  double theta_dot = c->theta_dot + tau * theta_acc;
  c->x = x;
  c->x_dot = x_dot;
  c->theta = theta;
  c->theta_dot = theta_dot;
  int done = x < -x_threshold || x > x_threshold || theta < -theta_threshold || theta > theta_threshold;
  *reward = c->past_termination ? 0.0 : 1.0;
  if (done) c->past_termination = 1;
  *terminated = done;
  *truncated = 0;
  observe(c, observation);
}

void hw_env_destroy(void *env) { free(env); }
