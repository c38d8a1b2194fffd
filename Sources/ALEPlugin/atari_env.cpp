// atari_env.cpp — see atari_env.hpp. The corner cases follow Gymnasium
// 1.x's AtariPreprocessing exactly:
//  - a step grabs the grayscale screen after its 3rd frame into obs_buffer[1]
//    and after its 4th into obs_buffer[0], then pools in place
//    (obs_buffer[0] = max of both) and resizes obs_buffer[0];
//  - a step whose game ends at frame t stops there, before that frame's grab:
//    ending at frame 1 or 2 leaves both buffers as the last step left them
//    (so the observation repeats the previous one); ending at frame 4 pools
//    the previous step's pooled image with the new 3rd-frame screen;
//  - reset grabs the screen into obs_buffer[0] and zeroes obs_buffer[1];
//  - the stack starts as four copies of the reset frame (Gymnasium 1.x's
//    FrameStackObservation pads with the reset observation).
#include "atari_env.hpp"

#include <algorithm>
#include <cstring>

namespace hogwild_ale {

uint64_t NoopGenerator::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int NoopGenerator::draw(int max) {
  // Rejection keeps the draw uniform: only whole multiples of `max` count.
  uint64_t n = static_cast<uint64_t>(max);
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = next(); while (x >= limit);
  return 1 + static_cast<int>(x % n);
}

AtariEnvironment::AtariEnvironment(const AtariOptions &options)
    : options_(options),
      pooled_(static_cast<size_t>(kScreenHeight) * kScreenWidth, 0),
      previous_(static_cast<size_t>(kScreenHeight) * kScreenWidth, 0),
      resize_(kScreenWidth, kScreenHeight, kFrameSize, kFrameSize),
      frames_(kObservationBytes, 0),
      bytes_(kObservationBytes, 0) {}

std::unique_ptr<AtariEnvironment> AtariEnvironment::make(const Game &game, const AtariOptions &options,
                                                         uint64_t seed, std::string &why) {
  std::unique_ptr<AtariEnvironment> env(new AtariEnvironment(options));
  ale::ALEInterface &ale = env->ale_;
  // ALE seeds its generator (sticky actions) from random_seed when the ROM
  // loads; -1 would mean "the time of day", so keep 31 bits.
  ale.setInt("random_seed", static_cast<int>(seed & 0x7FFFFFFFu));
  ale.setFloat("repeat_action_probability", options.repeatActionProbability);
  ale.setInt("frame_skip", 1);
  ale.setInt("max_num_frames_per_episode", 0);  // the runtime applies the limit
  ale.loadROM(romPath(options.romDir, game));
  const ale::ALEScreen &screen = ale.getScreen();
  if (static_cast<int>(screen.height()) != kScreenHeight || static_cast<int>(screen.width()) != kScreenWidth) {
    why = std::string(game.name) + ": the screen is " + std::to_string(screen.width()) + "x" +
          std::to_string(screen.height()) + ", not 160x210";
    return nullptr;
  }
  env->actions_ = options.fullActionSpace ? ale.getLegalActionSet() : ale.getMinimalActionSet();
  env->noops_.seed(seed ^ 0x6A09E667F3BCC909ull);
  return env;
}

void AtariEnvironment::reset(uint64_t seed, uint8_t *observation) {
  ale_.reset_game();
  noops_.seed(seed);
  int noops = options_.noopMax > 0 ? noops_.draw(options_.noopMax) : 0;
  for (int i = 0; i < noops; i++) {
    ale_.act(actions_[0]);  // action 0 is NOOP in the minimal and the full set
    if (ale_.game_over(false)) ale_.reset_game();
  }
  lives_ = ale_.lives();
  ale_.getScreenGrayscale(pooled_);
  std::fill(previous_.begin(), previous_.end(), 0);
  newest_ = 0;
  pushPooledFrame();
  for (int i = 1; i < kStackDepth; i++) {
    std::memcpy(frames_.data() + i * kFrameBytes, frames_.data(), kFrameBytes);
  }
  writeStack(observation);
}

StepResult AtariEnvironment::step(int action, uint8_t *observation) {
  StepResult result;
  ale::Action a = actions_[action];
  for (int t = 0; t < kFrameSkip; t++) {
    result.reward += ale_.act(a);
    result.terminated = ale_.game_over(false);
    if (result.terminated) break;
    if (t == kFrameSkip - 2) {
      ale_.getScreenGrayscale(previous_);
    } else if (t == kFrameSkip - 1) {
      ale_.getScreenGrayscale(pooled_);
    }
  }
  int lives = ale_.lives();
  result.lifeLost = options_.episodicLife && lives < lives_;
  lives_ = lives;
  newest_ = (newest_ + 1) % kStackDepth;
  pushPooledFrame();
  writeStack(observation);
  return result;
}

// Pools in place (as np.maximum(b0, b1, out=b0)) and resizes into the
// stack's newest slot.
void AtariEnvironment::pushPooledFrame() {
  for (size_t i = 0; i < pooled_.size(); i++) pooled_[i] = std::max(pooled_[i], previous_[i]);
  resize_.apply(pooled_.data(), frames_.data() + newest_ * kFrameBytes);
}

void AtariEnvironment::writeStack(uint8_t *observation) const {
  for (int i = 0; i < kStackDepth; i++) {
    int slot = (newest_ + 1 + i) % kStackDepth;  // oldest first
    std::memcpy(observation + i * kFrameBytes, frames_.data() + slot * kFrameBytes, kFrameBytes);
  }
}

}  // namespace hogwild_ale
