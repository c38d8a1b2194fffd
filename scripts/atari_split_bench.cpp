// atari_split_bench.cpp — where an ALE plugin step's time goes (`make
// atari-bench`): the emulator's 4 frames (ALEInterface::act) against the
// preprocessing (two grayscale screen grabs, the max of both, the 84x84
// area resize and the stack copy), on one core, for Pong and Breakout with
// random actions, in CPU time. Built against libale.a and the plugin's own
// sources.
//
//   atari_split_bench ROM_DIR [STEPS]
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ale/ale_interface.hpp"
#include "area_resize.hpp"

// CPU time of this thread: on a shared machine the process is not always
// running, and time per CPU second is the per-core cost.
static double cpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

static void run(const std::string &romDir, const char *rom, int steps) {
  ale::Logger::setMode(ale::Logger::Error);
  ale::ALEInterface ale;
  ale.setInt("random_seed", 1);
  ale.setFloat("repeat_action_probability", 0.0f);
  ale.loadROM(romDir + "/" + rom + ".bin");
  ale::ActionVect actions = ale.getMinimalActionSet();
  std::vector<unsigned char> pooled(210 * 160), previous(210 * 160);
  std::vector<uint8_t> stack(4 * 84 * 84);
  hogwild_ale::AreaResize resize(160, 210, 84, 84);
  uint64_t x = 12345;
  double emulator = 0, preprocessing = 0, grabs = 0, resizing = 0;
  ale.reset_game();
  for (int t = 0; t < steps; t++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    ale::Action a = actions[(x >> 33) % actions.size()];
    double t0 = cpuSeconds();
    bool over = false;
    for (int f = 0; f < 4 && !over; f++) {
      ale.act(a);
      over = ale.game_over(false);
    }
    double t1 = cpuSeconds();
    ale.getScreenGrayscale(previous);
    ale.getScreenGrayscale(pooled);
    double tg = cpuSeconds();
    for (size_t i = 0; i < pooled.size(); i++) pooled[i] = std::max(pooled[i], previous[i]);
    std::memmove(stack.data(), stack.data() + 84 * 84, 3 * 84 * 84);
    double tr = cpuSeconds();
    resize.apply(pooled.data(), stack.data() + 3 * 84 * 84);
    double t2 = cpuSeconds();
    emulator += t1 - t0;
    preprocessing += t2 - t1;
    grabs += tg - t1;
    resizing += t2 - tr;
    if (over) ale.reset_game();
  }
  double e = emulator, p = preprocessing;
  std::printf("%-10s %d agent steps: emulator %.1f us/step, preprocessing %.1f us/step (%.0f%%: screen grabs %.1f, "
              "resize %.1f); %.0f agent steps per CPU second\n",
              rom, steps, 1e6 * e / steps, 1e6 * p / steps, 100 * p / (e + p), 1e6 * grabs / steps,
              1e6 * resizing / steps, steps / (e + p));
}

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: atari_split_bench ROM_DIR [STEPS]\n");
    return 64;
  }
  int steps = argc > 2 ? std::atoi(argv[2]) : 20000;
  run(argv[1], "pong", steps > 0 ? steps : 20000);
  run(argv[1], "breakout", steps > 0 ? steps : 20000);
  return 0;
}
