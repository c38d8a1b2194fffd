// options.hpp — the plugin's options ("key=value" strings, hogwild_env.h
// NOTES (i)) and their defaults: the protocol of Mnih et al. 2015 as
// Gymnasium's AtariPreprocessing builds it, with sticky actions off.
#pragma once

#include <string>

namespace hogwild_ale {

struct AtariOptions {
  /// ALE's repeat_action_probability ("sticky actions"). ALE's own default
  /// is 0.25 (Gymnasium's ALE/*-v5 keep it); the paper had none.
  float repeatActionProbability = 0.0f;
  /// All 18 joystick actions instead of the game's minimal set.
  bool fullActionSpace = false;
  /// Report the loss of a life (hw_env_step_info.life_lost), so that the
  /// runtime ends the learning episode there without resetting the game.
  bool episodicLife = true;
  /// At most this many no-op frames after each reset (at least 1 when > 0).
  int noopMax = 30;
  /// Where `<rom>.bin` files are; empty: `roms/` beside the plugin.
  std::string romDir;
};

/// Every key, for messages.
constexpr const char *kOptionKeys =
    "repeat_action_probability, full_action_space, episodic_life, noop_max, rom_dir";

/// Parses a NULL-terminated array of "key=value" strings (NULL: none) into
/// `out`, starting from the defaults. False, with one line in `why`, on an
/// unknown key, a repeated key or a bad value.
bool parseOptions(const char *const *options, AtariOptions &out, std::string &why);

/// One line saying how an environment with these options is built (the
/// hw_env_info.protocol string).
std::string protocolLine(const AtariOptions &options);

}  // namespace hogwild_ale
