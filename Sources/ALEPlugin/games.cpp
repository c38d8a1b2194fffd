// games.cpp — the table of games. Derived once from ale-py 0.12.1's
// roms/md5.json, less the four games its registration skips for want of a
// single-player mode (combat, joust, maze_craze, warlords); names as its
// rom_id_to_name makes them (str.title() without underscores).
#include "games.hpp"

#include <cstring>

namespace hogwild_ale {

const Game kGames[] = {
    {"ALE/Adventure-v5", "adventure", "4b27f5397c442d25f0c418ccdacf1926"},
    {"ALE/AirRaid-v5", "air_raid", "35be55426c1fec32dfb503b4f0651572"},
    {"ALE/Alien-v5", "alien", "f1a0a23e6464d954e3a9579c4ccd01c8"},
    {"ALE/Amidar-v5", "amidar", "acb7750b4d0c4bd34969802a7deb2990"},
    {"ALE/Assault-v5", "assault", "de78b3a064d374390ac0710f95edde92"},
    {"ALE/Asterix-v5", "asterix", "89a68746eff7f266bbf08de2483abe55"},
    {"ALE/Asteroids-v5", "asteroids", "ccbd36746ed4525821a8083b0d6d2c2c"},
    {"ALE/Atlantis-v5", "atlantis", "9ad36e699ef6f45d9eb6c4cf90475c9f"},
    {"ALE/Atlantis2-v5", "atlantis2", "826481f6fc53ea47c9f272f7050eedf7"},
    {"ALE/Backgammon-v5", "backgammon", "8556b42aa05f94bc29ff39c39b11bff4"},
    {"ALE/BankHeist-v5", "bank_heist", "00ce0bdd43aed84a983bef38fe7f5ee3"},
    {"ALE/BasicMath-v5", "basic_math", "819aeeb9a2e11deb54e6de334f843894"},
    {"ALE/BattleZone-v5", "battle_zone", "41f252a66c6301f1e8ab3612c19bc5d4"},
    {"ALE/BeamRider-v5", "beam_rider", "79ab4123a83dc11d468fb2108ea09e2e"},
    {"ALE/Berzerk-v5", "berzerk", "136f75c4dd02c29283752b7e5799f978"},
    {"ALE/Blackjack-v5", "blackjack", "0a981c03204ac2b278ba392674682560"},
    {"ALE/Bowling-v5", "bowling", "c9b7afad3bfd922e006a6bfc1d4f3fe7"},
    {"ALE/Boxing-v5", "boxing", "c3ef5c4653212088eda54dc91d787870"},
    {"ALE/Breakout-v5", "breakout", "f34f08e5eb96e500e851a80be3277a56"},
    {"ALE/Carnival-v5", "carnival", "028024fb8e5e5f18ea586652f9799c96"},
    {"ALE/Casino-v5", "casino", "b816296311019ab69a21cb9e9e235d12"},
    {"ALE/Centipede-v5", "centipede", "91c2098e88a6b13f977af8c003e0bca5"},
    {"ALE/ChopperCommand-v5", "chopper_command", "c1cb228470a87beb5f36e90ac745da26"},
    {"ALE/CrazyClimber-v5", "crazy_climber", "55ef7b65066428367844342ed59f956c"},
    {"ALE/Crossbow-v5", "crossbow", "8cd26dcf249456fe4aeb8db42d49df74"},
    {"ALE/Darkchambers-v5", "darkchambers", "106855474c69d08c8ffa308d47337269"},
    {"ALE/Defender-v5", "defender", "0f643c34e40e3f1daafd9c524d3ffe64"},
    {"ALE/DemonAttack-v5", "demon_attack", "f0e0addc07971561ab80d9abe1b8d333"},
    {"ALE/DonkeyKong-v5", "donkey_kong", "36b20c427975760cb9cf4a47e41369e4"},
    {"ALE/DoubleDunk-v5", "double_dunk", "368d88a6c071caba60b4f778615aae94"},
    {"ALE/Earthworld-v5", "earthworld", "5aea9974b975a6a844e6df10d2b861c4"},
    {"ALE/ElevatorAction-v5", "elevator_action", "71f8bacfbdca019113f3f0801849057e"},
    {"ALE/Enduro-v5", "enduro", "94b92a882f6dbaa6993a46e2dcc58402"},
    {"ALE/Entombed-v5", "entombed", "6b683be69f92958abe0e2a9945157ad5"},
    {"ALE/Et-v5", "et", "615a3bf251a38eb6638cdc7ffbde5480"},
    {"ALE/FishingDerby-v5", "fishing_derby", "b8865f05676e64f3bec72b9defdacfa7"},
    {"ALE/FlagCapture-v5", "flag_capture", "30512e0e83903fc05541d2f6a6a62654"},
    {"ALE/Freeway-v5", "freeway", "8e0ab801b1705a740b476b7f588c6d16"},
    {"ALE/Frogger-v5", "frogger", "081e2c114c9c20b61acf25fc95c71bf4"},
    {"ALE/Frostbite-v5", "frostbite", "4ca73eb959299471788f0b685c3ba0b5"},
    {"ALE/Galaxian-v5", "galaxian", "211774f4c5739042618be8ff67351177"},
    {"ALE/Gopher-v5", "gopher", "c16c79aad6272baffb8aae9a7fff0864"},
    {"ALE/Gravitar-v5", "gravitar", "8ac18076d01a6b63acf6e2cab4968940"},
    {"ALE/Hangman-v5", "hangman", "f16c709df0a6c52f47ff52b9d95b7d8d"},
    {"ALE/HauntedHouse-v5", "haunted_house", "f0a6e99f5875891246c3dbecbf2d2cea"},
    {"ALE/Hero-v5", "hero", "fca4a5be1251927027f2c24774a02160"},
    {"ALE/HumanCannonball-v5", "human_cannonball", "7972e5101fa548b952d852db24ad6060"},
    {"ALE/IceHockey-v5", "ice_hockey", "a4c08c4994eb9d24fb78be1793e82e26"},
    {"ALE/Jamesbond-v5", "jamesbond", "e51030251e440cffaab1ac63438b44ae"},
    {"ALE/JourneyEscape-v5", "journey_escape", "718ae62c70af4e5fd8e932fee216948a"},
    {"ALE/Kaboom-v5", "kaboom", "5428cdfada281c569c74c7308c7f2c26"},
    {"ALE/Kangaroo-v5", "kangaroo", "4326edb70ff20d0ee5ba58fa5cb09d60"},
    {"ALE/KeystoneKapers-v5", "keystone_kapers", "6c1f3f2e359dbf55df462ccbcdd2f6bf"},
    {"ALE/KingKong-v5", "king_kong", "0dd4c69b5f9a7ae96a7a08329496779a"},
    {"ALE/Klax-v5", "klax", "eed9eaf1a0b6a2b9bc4c8032cb43e3fb"},
    {"ALE/Koolaid-v5", "koolaid", "534e23210dd1993c828d944c6ac4d9fb"},
    {"ALE/Krull-v5", "krull", "4baada22435320d185c95b7dd2bcdb24"},
    {"ALE/KungFuMaster-v5", "kung_fu_master", "5b92a93b23523ff16e2789b820e2a4c5"},
    {"ALE/LaserGates-v5", "laser_gates", "8e4cd60d93fcde8065c1a2b972a26377"},
    {"ALE/LostLuggage-v5", "lost_luggage", "2d76c5d1aad506442b9e9fb67765e051"},
    {"ALE/MarioBros-v5", "mario_bros", "e908611d99890733be31733a979c62d8"},
    {"ALE/MiniatureGolf-v5", "miniature_golf", "df62a658496ac98a3aa4a6ee5719c251"},
    {"ALE/MontezumaRevenge-v5", "montezuma_revenge", "3347a6dd59049b15a38394aa2dafa585"},
    {"ALE/MrDo-v5", "mr_do", "aa7bb54d2c189a31bb1fa20099e42859"},
    {"ALE/MsPacman-v5", "ms_pacman", "87e79cd41ce136fd4f72cc6e2c161bee"},
    {"ALE/NameThisGame-v5", "name_this_game", "36306070f0c90a72461551a7a4f3a209"},
    {"ALE/Othello-v5", "othello", "113cd09c9771ac278544b7e90efe7df2"},
    {"ALE/Pacman-v5", "pacman", "fc2233fc116faef0d3c31541717ca2db"},
    {"ALE/Phoenix-v5", "phoenix", "7e52a95074a66640fcfde124fffd491a"},
    {"ALE/Pitfall-v5", "pitfall", "3e90cf23106f2e08b2781e41299de556"},
    {"ALE/Pitfall2-v5", "pitfall2", "6d842c96d5a01967be9680080dd5be54"},
    {"ALE/Pong-v5", "pong", "60e0ea3cbe0913d39803477945e9e5ec"},
    {"ALE/Pooyan-v5", "pooyan", "4799a40b6e889370b7ee55c17ba65141"},
    {"ALE/PrivateEye-v5", "private_eye", "ef3a4f64b6494ba770862768caf04b86"},
    {"ALE/Qbert-v5", "qbert", "484b0076816a104875e00467d431c2d2"},
    {"ALE/Riverraid-v5", "riverraid", "393948436d1f4cc3192410bb918f9724"},
    {"ALE/RoadRunner-v5", "road_runner", "ce5cc62608be2cd3ed8abd844efb8919"},
    {"ALE/Robotank-v5", "robotank", "4f618c2429138e0280969193ed6c107e"},
    {"ALE/Seaquest-v5", "seaquest", "240bfbac5163af4df5ae713985386f92"},
    {"ALE/SirLancelot-v5", "sir_lancelot", "dd0cbe5351551a538414fb9e37fc56e8"},
    {"ALE/Skiing-v5", "skiing", "b76fbadc8ffb1f83e2ca08b6fb4d6c9f"},
    {"ALE/Solaris-v5", "solaris", "e72eb8d4410152bdcb69e7fba327b420"},
    {"ALE/SpaceInvaders-v5", "space_invaders", "72ffbef6504b75e69ee1045af9075f66"},
    {"ALE/SpaceWar-v5", "space_war", "b702641d698c60bcdc922dbd8c9dd49c"},
    {"ALE/StarGunner-v5", "star_gunner", "a3c1c70024d7aabb41381adbfb6d3b25"},
    {"ALE/Superman-v5", "superman", "a9531c763077464307086ec9a1fd057d"},
    {"ALE/Surround-v5", "surround", "4d7517ae69f95cfbc053be01312b7dba"},
    {"ALE/Tennis-v5", "tennis", "42cdd6a9e42a3639e190722b8ea3fc51"},
    {"ALE/Tetris-v5", "tetris", "b0e1ee07fbc73493eac5651a52f90f00"},
    {"ALE/TicTacToe3D-v5", "tic_tac_toe_3d", "0db4f4150fecf77e4ce72ca4d04c052f"},
    {"ALE/TimePilot-v5", "time_pilot", "fc2104dd2dadf9a6176c1c1c8f87ced9"},
    {"ALE/Trondead-v5", "trondead", "fb27afe896e7c928089307b32e5642ee"},
    {"ALE/Turmoil-v5", "turmoil", "7a5463545dfb2dcfdafa6074b2f2c15e"},
    {"ALE/Tutankham-v5", "tutankham", "085322bae40d904f53bdcc56df0593fc"},
    {"ALE/UpNDown-v5", "up_n_down", "a499d720e7ee35c62424de882a3351b6"},
    {"ALE/Venture-v5", "venture", "3e899eba0ca8cd2972da1ae5479b4f0d"},
    {"ALE/VideoCheckers-v5", "video_checkers", "539d26b6e9df0da8e7465f0f5ad863b7"},
    {"ALE/VideoChess-v5", "video_chess", "f0b7db930ca0e548c41a97160b9f6275"},
    {"ALE/VideoCube-v5", "video_cube", "3f540a30fdee0b20aed7288e4a5ea528"},
    {"ALE/VideoPinball-v5", "video_pinball", "107cc025334211e6d29da0b6be46aec7"},
    {"ALE/WizardOfWor-v5", "wizard_of_wor", "7e8aa18bc9502eb57daaf5e7c1e94da7"},
    {"ALE/WordZapper-v5", "word_zapper", "ec3beb6d8b5689e867bafb5d5f507491"},
    {"ALE/YarsRevenge-v5", "yars_revenge", "c5930d0e8cdae3e037349bfa08e871be"},
    {"ALE/Zaxxon-v5", "zaxxon", "eea0da9b987d661264cce69a7c13c3bd"},
};

const std::size_t kGameCount = sizeof kGames / sizeof kGames[0];

const Game *findGame(const char *name) {
  if (name == nullptr) return nullptr;
  for (std::size_t i = 0; i < kGameCount; i++) {
    if (std::strcmp(kGames[i].name, name) == 0) return &kGames[i];
  }
  return nullptr;
}

std::string romPath(const std::string &romDir, const Game &game) {
  std::string path = romDir;
  if (!path.empty() && path.back() != '/') path += '/';
  return path + game.rom + ".bin";
}

}  // namespace hogwild_ale
