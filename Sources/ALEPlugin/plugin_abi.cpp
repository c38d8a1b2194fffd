// plugin_abi.cpp — the hw_env_* entry points of libhogwild_ale.so
// (include/hogwild_env.h: ABI version 1 and extension 1) over
// AtariEnvironment. Nothing throws across this boundary: failures become
// a refusal with one line (describe, create) or, for a caller's broken
// promise (an action out of range), one line on stderr and abort().
#include "hogwild_env.h"

#include <dlfcn.h>
#include <limits.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "ale/common/Log.hpp"
#include "ale/emucore/MD5.hxx"
#include "ale/games/Roms.hpp"
#include "atari_env.hpp"
#include "games.hpp"
#include "options.hpp"

#define HW_EXPORT extern "C" __attribute__((visibility("default")))

using namespace hogwild_ale;

namespace {

void say(char *message, size_t size, const std::string &text) {
  if (message == nullptr || size == 0) return;
  size_t n = std::min(text.size(), size - 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    message[i] = (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
  }
  message[n] = 0;
}

// `roms/` beside this library (where `make atari` installs them).
std::string defaultRomDir() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&defaultRomDir), &info) == 0 || info.dli_fname == nullptr) return "roms";
  char resolved[PATH_MAX];
  std::string path = realpath(info.dli_fname, resolved) ? resolved : info.dli_fname;
  size_t slash = path.rfind('/');
  return (slash == std::string::npos ? std::string(".") : path.substr(0, slash)) + "/roms";
}

bool romPresent(const std::string &romDir, const Game &game) {
  struct stat st;
  return stat(romPath(romDir, game).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The game (named, or the default) with its options, its ROM checked.
struct Resolved {
  const Game *game = nullptr;
  AtariOptions options;
};

bool checkRom(const Game &game, const std::string &romDir, std::string &why) {
  std::string path = romPath(romDir, game);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = std::string(game.name) + ": its ROM " + game.rom + ".bin is not in " + romDir +
          " (`make atari` installs ale-py 0.12.1's ROMs there; the option rom_dir=DIR names another folder)";
    return false;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty() || bytes.size() > (1u << 20)) {
    why = std::string(game.name) + ": " + path + " is not an Atari 2600 ROM (" + std::to_string(bytes.size()) + " bytes)";
    return false;
  }
  std::string md5 = ale::stella::MD5(bytes.data(), static_cast<uint32_t>(bytes.size()));
  if (md5 != game.md5) {
    why = std::string(game.name) + ": " + path + " has MD5 " + md5 + ", not the " + game.md5 + " of ale-py 0.12.1's ROM";
    return false;
  }
  return true;
}

bool resolve(const char *name, const char *const *options, Resolved &out, std::string &why) {
  if (!parseOptions(options, out.options, why)) return false;
  if (out.options.romDir.empty()) out.options.romDir = defaultRomDir();
  const std::string &dir = out.options.romDir;
  if (name == nullptr) {
    const Game *fallback = findGame(kDefaultGame);
    if (!romPresent(dir, *fallback)) {
      fallback = nullptr;
      for (size_t i = 0; i < kGameCount && fallback == nullptr; i++) {
        if (romPresent(dir, kGames[i])) fallback = &kGames[i];
      }
    }
    if (fallback == nullptr) {
      why = "no ROMs in " + dir + " (`make atari` installs ale-py 0.12.1's ROMs there; the option rom_dir=DIR names another folder)";
      return false;
    }
    out.game = fallback;
  } else {
    out.game = findGame(name);
    if (out.game == nullptr) {
      why = std::string("no environment named \"") + name +
            "\": the ALE plugin has ALE/<Game>-v5 for ale-py 0.12.1's games, e.g. ALE/Pong-v5 "
            "(`hogwild-rl envs` lists those whose ROM is present)";
      return false;
    }
  }
  return checkRom(*out.game, dir, why);
}

// Protocol lines live as long as the library (hogwild_env.h NOTES (n)).
const char *internProtocol(const std::string &line) {
  static std::mutex lock;
  static std::set<std::string> *lines = new std::set<std::string>();
  std::lock_guard<std::mutex> guard(lock);
  return lines->insert(line).first->c_str();
}

AtariEnvironment *environment(void *env) { return static_cast<AtariEnvironment *>(env); }

int actionIndex(AtariEnvironment *env, const float *action) {
  float a = action[0];
  if (!(a >= 0.0f) || a >= static_cast<float>(env->actionCount()) || a != std::floor(a)) {
    std::fprintf(stderr, "libhogwild_ale: action %g is not an index of Discrete(%d)\n", static_cast<double>(a),
                 env->actionCount());
    std::abort();
  }
  return static_cast<int>(a);
}

}  // namespace

// ---- extension 1 -----------------------------------------------------------

HW_EXPORT int hw_env_describe_ext(const char *name, const char *const *options, hw_env_spec *spec,
                                  hw_env_info *info, char *message, size_t message_size) {
  try {
    ale::Logger::setMode(ale::Logger::Error);
    Resolved r;
    std::string why;
    if (!resolve(name, options, r, why)) {
      say(message, message_size, why);
      return 1;
    }
    std::unique_ptr<ale::RomSettings> settings(ale::buildRomRLWrapper(romPath(r.options.romDir, *r.game), r.game->md5));
    if (!settings) {
      say(message, message_size, std::string(r.game->name) + ": this ALE build does not know the game");
      return 1;
    }
    size_t actions = r.options.fullActionSpace ? settings->getAllActions().size() : settings->getMinimalActionSet().size();
    std::memset(spec, 0, sizeof *spec);
    spec->abi_version = HW_ENV_ABI_VERSION;
    spec->name = r.game->name;
    spec->observation_size = static_cast<uint32_t>(kObservationBytes);
    spec->action_kind = HW_ENV_DISCRETE;
    spec->action_count = static_cast<uint32_t>(actions);
    spec->max_episode_steps = kMaxEpisodeSteps;
    spec->reward_threshold = NAN;
    if (info != nullptr) {
      std::memset(info, 0, sizeof *info);
      info->ext_version = HW_ENV_EXT_VERSION;
      info->observation_type = HW_ENV_UINT8;
      info->observation_rank = 3;
      info->observation_shape[0] = kStackDepth;
      info->observation_shape[1] = kFrameSize;
      info->observation_shape[2] = kFrameSize;
      info->flags = HW_ENV_SHAPES_REWARD | (r.options.episodicLife ? HW_ENV_REPORTS_LIFE_LOSS : 0u);
      info->protocol = internProtocol(protocolLine(r.options));
    }
    return 0;
  } catch (const std::exception &e) {
    say(message, message_size, std::string("the ALE failed: ") + e.what());
    return 1;
  }
}

HW_EXPORT void *hw_env_create_ext(const char *name, const char *const *options, uint64_t seed, char *message,
                                  size_t message_size) {
  try {
    ale::Logger::setMode(ale::Logger::Error);
    Resolved r;
    std::string why;
    if (!resolve(name, options, r, why)) {
      say(message, message_size, why);
      return nullptr;
    }
    std::unique_ptr<AtariEnvironment> env = AtariEnvironment::make(*r.game, r.options, seed, why);
    if (!env) {
      say(message, message_size, why);
      return nullptr;
    }
    return env.release();
  } catch (const std::exception &e) {
    say(message, message_size, std::string("the ALE failed: ") + e.what());
    return nullptr;
  }
}

HW_EXPORT void hw_env_reset_u8(void *env, uint64_t seed, uint8_t *observation) {
  environment(env)->reset(seed, observation);
}

HW_EXPORT void hw_env_step_u8(void *env, const float *action, uint8_t *observation, hw_env_step_info *info) {
  AtariEnvironment *e = environment(env);
  StepResult r = e->step(actionIndex(e, action), observation);
  info->reward = r.reward;
  info->learning_reward = std::min(1.0, std::max(-1.0, r.reward));
  info->terminated = r.terminated ? 1 : 0;
  info->truncated = 0;
  info->life_lost = r.lifeLost ? 1 : 0;
  info->reserved = 0;
}

HW_EXPORT const char *hw_env_name_at(const char *const *options, uint32_t index) {
  AtariOptions o;
  std::string why;
  if (!parseOptions(options, o, why)) return nullptr;
  if (o.romDir.empty()) o.romDir = defaultRomDir();
  uint32_t seen = 0;
  for (size_t i = 0; i < kGameCount; i++) {
    if (!romPresent(o.romDir, kGames[i])) continue;
    if (seen++ == index) return kGames[i].name;
  }
  return nullptr;
}

// ---- ABI version 1: the same environments, observations widened to float ----

HW_EXPORT int hw_env_describe(const char *name, hw_env_spec *out) {
  return hw_env_describe_ext(name, nullptr, out, nullptr, nullptr, 0);
}

HW_EXPORT void *hw_env_create(const char *name, uint64_t seed) {
  return hw_env_create_ext(name, nullptr, seed, nullptr, 0);
}

HW_EXPORT void hw_env_reset(void *env, uint64_t seed, float *observation) {
  AtariEnvironment *e = environment(env);
  std::vector<uint8_t> &bytes = e->bytes();
  e->reset(seed, bytes.data());
  for (size_t i = 0; i < bytes.size(); i++) observation[i] = bytes[i];
}

HW_EXPORT void hw_env_step(void *env, const float *action, float *observation, double *reward, int *terminated,
                           int *truncated) {
  AtariEnvironment *e = environment(env);
  std::vector<uint8_t> &bytes = e->bytes();
  StepResult r = e->step(actionIndex(e, action), bytes.data());
  for (size_t i = 0; i < bytes.size(); i++) observation[i] = bytes[i];
  *reward = r.reward;
  *terminated = r.terminated ? 1 : 0;
  *truncated = 0;
}

HW_EXPORT void hw_env_destroy(void *env) { delete environment(env); }
