// games.hpp — the games of ale-py 0.12.1 that Gymnasium registers as
// ALE/<Game>-v5, with their ROM file names and MD5 digests.
#pragma once

#include <cstddef>
#include <string>

namespace hogwild_ale {

/// One ALE/<Game>-v5 environment: its Gymnasium id, the ROM's snake_case
/// id (the file is `<rom>.bin`) and the ROM's expected MD5.
struct Game {
  const char *name;
  const char *rom;
  const char *md5;
};

/// Every v5 game, sorted by name.
extern const Game kGames[];
extern const std::size_t kGameCount;

/// The game named `name` (e.g. "ALE/Pong-v5"), or nullptr.
const Game *findGame(const char *name);

/// The default environment when none is named.
constexpr const char *kDefaultGame = "ALE/Pong-v5";

/// `<rom_dir>/<rom>.bin`.
std::string romPath(const std::string &romDir, const Game &game);

}  // namespace hogwild_ale
