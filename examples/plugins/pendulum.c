/*
 * pendulum.c — Gymnasium's Pendulum-v1 as a hogwild-rl environment plugin
 * (include/hogwild_env.h), a continuous-action example: one torque in
 * [−2, 2], observation (cos θ, sin θ, θ̇), no terminal state, 200 steps.
 *
 *   cc -std=c11 -O2 -ffp-contract=off -shared -fPIC -I include examples/plugins/pendulum.c -o libpendulum.so -lm
 *   hogwild-rl run --env plugin:./libpendulum.so --gamma 0.9 --n-steps 5 --lr 0.001 --lr-schedule linear --t-max 6M
 *
 * Like cartpole.c it repeats the built-in environment's arithmetic in the
 * same order, down to squaring with pow() as Python's ** does (glibc's pow
 * differs from x*x about once in 1,200; a compiler turns pow(x, 2) into x*x,
 * hence the call through a volatile pointer) and the torque terms in float32
 * as NumPy computes them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hogwild_env.h"
#include "xoshiro.h"

#define PI 3.14159265358979323846 /* the double nearest π, as Double.pi */

typedef struct {
  double theta, theta_dot;
} pendulum;

static const float max_torque = 2.0f;
static const float action_low[1] = {-2.0f}, action_high[1] = {2.0f};
static const double max_speed = 8.0, dt = 0.05, gravity = 10.0, mass = 1.0, length = 1.0;

static double (*volatile square_pow)(double, double) = pow;
static float (*volatile square_powf)(float, float) = powf;

int hw_env_describe(const char *name, hw_env_spec *out) {
  if (name != NULL && strcmp(name, "Pendulum-v1") != 0) return 1;
  memset(out, 0, sizeof *out);
  out->abi_version = HW_ENV_ABI_VERSION;
  out->name = "Pendulum-v1";
  out->observation_size = 3;
  out->action_kind = HW_ENV_BOX;
  out->action_count = 1;
  out->action_low = action_low;
  out->action_high = action_high;
  out->max_episode_steps = 200;
  out->reward_threshold = NAN; /* Gymnasium gives Pendulum none */
  return 0;
}

void *hw_env_create(const char *name, uint64_t seed) {
  (void)name;
  (void)seed;
  return calloc(1, sizeof(pendulum));
}

static void observe(const pendulum *p, float *observation) {
  observation[0] = (float)cos(p->theta);
  observation[1] = (float)sin(p->theta);
  observation[2] = (float)p->theta_dot;
}

void hw_env_reset(void *env, uint64_t seed, float *observation) {
  pendulum *p = env;
  xoshiro256 g = xoshiro256_seeded(seed);
  p->theta = xoshiro256_uniform(&g, -PI, PI);
  p->theta_dot = xoshiro256_uniform(&g, -1, 1);
  observe(p, observation);
}

/* Python's float %: the sign of the divisor. */
static double floor_mod(double a, double b) {
  double r = fmod(a, b);
  if (r == 0) return copysign(0, b);
  return (r < 0) != (b < 0) ? r + b : r;
}

static double clamp(double x, double low, double high) { return x < low ? low : (x > high ? high : x); }

void hw_env_step(void *env, const float *action, float *observation, double *reward, int *terminated,
                 int *truncated) {
  pendulum *p = env;
  float raw = action[0];
  float u = raw < -max_torque ? -max_torque : (raw > max_torque ? max_torque : raw);
  double angle = floor_mod(p->theta + PI, 2 * PI) - PI;
  double control_cost = (double)(0.001f * square_powf(u, 2.0f));
  double cost = square_pow(angle, 2.0) + 0.1 * square_pow(p->theta_dot, 2.0) + control_cost;
  double gravity_term = 3 * gravity / (2 * length) * sin(p->theta);
  double torque_term = (double)((float)(3.0 / (mass * length * length)) * u);
  double theta_dot = p->theta_dot + (gravity_term + torque_term) * dt;
  theta_dot = clamp(theta_dot, -max_speed, max_speed);
  p->theta = p->theta + theta_dot * dt; /* semi-implicit: the new velocity moves the angle */
  p->theta_dot = theta_dot;
  *reward = -cost;
  *terminated = 0;
  *truncated = 0;
  observe(p, observation);
}

void hw_env_destroy(void *env) { free(env); }
