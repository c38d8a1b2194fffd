/*
 * xoshiro.h — the generator hogwild-rl's built-in environments draw their
 * initial states from (xoshiro256** seeded through SplitMix64), for plugins
 * that want `hw_env_reset(env, seed, …)` to start exactly the episode the
 * built-in environment starts from `Xoshiro256(seed: seed)`.
 * Header-only, C11. Blackman & Vigna 2018; Steele, Lea & Flood 2014.
 */
#ifndef HOGWILD_EXAMPLE_XOSHIRO_H
#define HOGWILD_EXAMPLE_XOSHIRO_H

#include <stdint.h>

typedef struct { uint64_t s[4]; } xoshiro256;

static inline uint64_t splitmix64_next(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static inline xoshiro256 xoshiro256_seeded(uint64_t seed) {
  xoshiro256 g;
  for (int i = 0; i < 4; i++) g.s[i] = splitmix64_next(&seed);
  return g;
}

static inline uint64_t xoshiro256_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t xoshiro256_next(xoshiro256 *g) {
  uint64_t *s = g->s;
  uint64_t result = xoshiro256_rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = xoshiro256_rotl(s[3], 45);
  return result;
}

/* A double uniform in [low, high), from 53 random bits. */
static inline double xoshiro256_uniform(xoshiro256 *g, double low, double high) {
  return low + (high - low) * ((double)(xoshiro256_next(g) >> 11) * 0x1.0p-53);
}

#endif
