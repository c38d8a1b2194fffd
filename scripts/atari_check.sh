#!/bin/bash
# make atari-check / make atari-bench: the ALE plugin that `make atari`
# installed in DEST, checked and measured from outside, as the runtime loads
# it (scripts/atari_parity.c, plain C, dlopen).
#   scripts/atari_check.sh DEST           parity with the Gymnasium fixtures
#                                         (Tests/CLITests/Fixtures/atari_*.txt)
#                                         and the rest of the ABI contract
#   scripts/atari_check.sh DEST --bench   agent steps/s of Pong and Breakout
#                                         through the plugin, and the split
#                                         emulator / preprocessing
#                                         (scripts/atari_split_bench.cpp)
# Exit status 0 if every check passed, 1 if not, 64 on bad usage.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:?usage: scripts/atari_check.sh DEST [--bench]}
WORK=${ATARI_WORK:-$ROOT/.build-atari}
PLUGIN=$DEST/libhogwild_ale.so
[ -f "$PLUGIN" ] || { echo "atari-check: no $PLUGIN (run make atari)" >&2; exit 1; }
mkdir -p "$WORK"
CHECKER=$WORK/atari_parity
if [ ! -x "$CHECKER" ] || [ "$ROOT/scripts/atari_parity.c" -nt "$CHECKER" ] || [ "$ROOT/include/hogwild_env.h" -nt "$CHECKER" ]; then
  cc -std=c11 -O2 -Wall -Wextra -I "$ROOT/include" "$ROOT/scripts/atari_parity.c" -o "$CHECKER" -ldl -lm
fi
case "${2:-}" in
  "")
    exec "$CHECKER" "$PLUGIN" "$ROOT"/Tests/CLITests/Fixtures/atari_*.txt ;;
  --bench)
    echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), family $(lscpu | sed -n 's/^CPU family: *//p') model" \
      "$(lscpu | sed -n 's/^Model: *//p') ($(nproc) vCPUs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "$CHECKER" --bench "$PLUGIN" "${ATARI_BENCH_STEPS:-20000}"
    SPLIT=$WORK/atari_split_bench
    SRC=$WORK/src/ale_py-0.12.1
    if [ ! -x "$SPLIT" ] || [ "$ROOT/scripts/atari_split_bench.cpp" -nt "$SPLIT" ] \
      || [ "$ROOT/Sources/ALEPlugin/area_resize.cpp" -nt "$SPLIT" ]; then
      echo "(compiling the split benchmark against libale.a: about 30 s)"
      g++ -std=c++17 -O3 -ffp-contract=off -fno-math-errno -isystem "$SRC/src" -isystem "$WORK/ale-build/src/ale" \
        -I "$ROOT/Sources/ALEPlugin" "$ROOT/scripts/atari_split_bench.cpp" "$ROOT/Sources/ALEPlugin/area_resize.cpp" \
        "$WORK/ale-build/src/ale/libale.a" "$(gcc -print-file-name=libz.a)" -lpthread -flto=2 -o "$SPLIT"
    fi
    "$SPLIT" "$DEST/roms" "${ATARI_BENCH_STEPS:-20000}" ;;
  *)
    echo "usage: scripts/atari_check.sh DEST [--bench]" >&2; exit 64 ;;
esac
