// atari_env.hpp — one ALE game behind the paper's preprocessing, step for
// step as Gymnasium's AtariPreprocessing(frame_skip=4, screen_size=84,
// grayscale) + FrameStackObservation(4) on ALE/<Game>-v5 with frameskip=1.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ale/ale_interface.hpp"
#include "area_resize.hpp"
#include "games.hpp"
#include "options.hpp"

namespace hogwild_ale {

constexpr int kScreenHeight = 210, kScreenWidth = 160;
constexpr int kFrameSize = 84;
constexpr int kStackDepth = 4;
constexpr int kFrameSkip = 4;
constexpr size_t kFrameBytes = static_cast<size_t>(kFrameSize) * kFrameSize;
constexpr size_t kObservationBytes = kStackDepth * kFrameBytes;
/// 108,000 frames (30 minutes of play) at 4 frames a step.
constexpr uint32_t kMaxEpisodeSteps = 27000;

/// splitmix64: the no-op counts' generator (its own, seeded by the runtime's
/// seeds; Gymnasium draws them from the env's numpy generator instead).
class NoopGenerator {
 public:
  void seed(uint64_t s) { state_ = s; }
  /// Uniform on 1 … max (as numpy's integers(1, max + 1)); max ≥ 1.
  int draw(int max);

 private:
  uint64_t next();
  uint64_t state_ = 0;
};

/// What one agent step did.
struct StepResult {
  double reward = 0;      // the game score gained over the repeated frames
  bool terminated = false;
  bool lifeLost = false;  // the life counter went down (only if episodic_life)
};

class AtariEnvironment {
 public:
  /// Loads `game`'s ROM from `options.romDir` into a new emulator seeded
  /// from `seed`; nullptr with one line in `why` on failure.
  static std::unique_ptr<AtariEnvironment> make(const Game &game, const AtariOptions &options,
                                                uint64_t seed, std::string &why);

  int actionCount() const { return static_cast<int>(actions_.size()); }

  /// reset_game, then 1…noop_max no-op frames drawn from `seed`; writes the
  /// stack of four copies of the first frame.
  void reset(uint64_t seed, uint8_t *observation);

  /// `action` (0 ≤ action < actionCount()) for four frames (fewer if the game
  /// ends), then the pooled, resized frame pushed onto the stack.
  StepResult step(int action, uint8_t *observation);

  /// Scratch for the float32 (ABI version 1) path.
  std::vector<uint8_t> &bytes() { return bytes_; }

 private:
  explicit AtariEnvironment(const AtariOptions &options);
  void pushPooledFrame();
  void writeStack(uint8_t *observation) const;

  AtariOptions options_;
  ale::ALEInterface ale_;
  ale::ActionVect actions_;
  NoopGenerator noops_;
  int lives_ = 0;
  // AtariPreprocessing's obs_buffer: [0] holds the last frame's screen and,
  // after pooling, the max of both; [1] the screen of the frame before.
  std::vector<unsigned char> pooled_, previous_;
  AreaResize resize_;
  // The frame stack as a ring: newest_ is the index of the newest frame.
  std::vector<uint8_t> frames_;
  int newest_ = 0;
  std::vector<uint8_t> bytes_;
};

}  // namespace hogwild_ale
