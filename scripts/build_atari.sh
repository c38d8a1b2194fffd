#!/bin/bash
# make atari: builds the ALE environment plugin (Sources/ALEPlugin) against
# the Arcade Learning Environment of the ale-py 0.12.1 source distribution,
# and installs it with that distribution's ROMs:
#   DEST/libhogwild_ale.so  DEST/roms/*.bin
# where DEST is the hogwild-rl binary's folder + /hogwild-ale (the Makefile
# passes it). Work files in $ATARI_WORK (.build-atari/): a throwaway venv
# (pip and scikit-build-core, only to fetch the sdist), the sdist (its sha256
# pinned below and checked on every run), its sources, the CMake build of
# libale.a, the plugin. Every stage is skipped when its product is up to date,
# so a second run takes about a second. Cold: 4-6 minutes on 2 vCPUs.
# Usage: scripts/build_atari.sh DEST. Exit status 0, 1 on failure.
set -euo pipefail

ALE_VERSION=0.12.1
SDIST=ale_py-$ALE_VERSION.tar.gz
SDIST_SHA256=c503d574c5983e1063b451201ccb779d935919c0f6bf116fb0f4f8aa4c86d249

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:?usage: scripts/build_atari.sh DEST (the folder that gets libhogwild_ale.so and roms/)}
WORK=${ATARI_WORK:-$ROOT/.build-atari}
JOBS=${ATARI_JOBS:-2}
say() { echo "atari: $*"; }
die() { echo "atari: $*" >&2; exit 1; }

# (a) What Debian must provide: one line naming the packages if any is missing.
missing=()
command -v cmake > /dev/null || missing+=(cmake)
command -v g++ > /dev/null || missing+=(g++)
zlib_a=$(gcc -print-file-name=libz.a 2> /dev/null || echo libz.a)
{ [ -f /usr/include/zlib.h ] && [ -f "$zlib_a" ]; } || missing+=(zlib1g-dev)
python3 -c 'import venv, ensurepip' 2> /dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "atari: missing build tools; run: apt-get install ${missing[*]}" >&2
  exit 1
fi
mkdir -p "$WORK"

# (b) The source distribution, fetched once through pip, checked every time.
if [ ! -f "$WORK/dist/$SDIST" ]; then
  if [ ! -x "$WORK/venv/bin/python" ] || ! "$WORK/venv/bin/python" -c 'import scikit_build_core' 2> /dev/null; then
    say "venv $WORK/venv (scikit-build-core, to let pip fetch the sdist)"
    rm -rf "$WORK/venv"
    python3 -m venv "$WORK/venv" && "$WORK/venv/bin/python" -m pip install -q scikit-build-core \
      || die "cannot make the venv $WORK/venv"
  fi
  say "fetching the ale-py $ALE_VERSION source distribution from PyPI"
  "$WORK/venv/bin/python" -m pip download -q --no-deps --no-build-isolation --no-binary :all: \
    "ale-py==$ALE_VERSION" -d "$WORK/dist" || die "pip could not fetch ale-py==$ALE_VERSION"
fi
actual=$(sha256sum "$WORK/dist/$SDIST" | cut -d' ' -f1)
if [ "$actual" != "$SDIST_SHA256" ]; then
  rm -f "$WORK/dist/$SDIST"
  die "$SDIST has sha256 $actual, not the pinned $SDIST_SHA256 (removed; nothing built)"
fi
say "$SDIST sha256 ok"

# (c) libale.a with CMake (C++ library only: no Python module, no SDL).
SRC=$WORK/src/ale_py-$ALE_VERSION
LIBALE=$WORK/ale-build/src/ale/libale.a
if [ ! -f "$SRC/.extracted" ]; then
  rm -rf "$WORK/src" && mkdir -p "$WORK/src"
  tar -xzf "$WORK/dist/$SDIST" -C "$WORK/src" && touch "$SRC/.extracted"
fi
BUILT=$WORK/ale-build/.built
if [ ! -f "$LIBALE" ] || [ ! -f "$BUILT" ] || [ "$SRC/.extracted" -nt "$BUILT" ]; then
  say "building libale.a with CMake (-j$JOBS; about 2-3 minutes on 2 vCPUs; log in $WORK/ale-build/build.log)"
  mkdir -p "$WORK/ale-build"
  started=$(date +%s)
  (cmake -S "$SRC" -B "$WORK/ale-build" -DCMAKE_BUILD_TYPE=Release -DBUILD_CPP_LIB=ON -DBUILD_PYTHON_LIB=OFF \
      -DSDL_SUPPORT=OFF > "$WORK/ale-build/configure.log" 2>&1 \
    && cmake --build "$WORK/ale-build" -j"$JOBS" > "$WORK/ale-build/build.log" 2>&1) \
    || die "the ALE build failed (see $WORK/ale-build/configure.log and build.log)"
  touch "$BUILT"
  say "libale.a built in $(($(date +%s) - started)) s"
fi

# (d) The plugin: C++17, -O3, position-independent, libale.a and zlib linked
# in, only the hw_env_* symbols exported (exports.map). libale.a holds GCC
# link-time-optimization objects (ALE's CMake turns IPO on), hence -flto at
# the link. -ffp-contract=off keeps the area resize's float arithmetic
# exactly OpenCV's (no fused multiply-adds).
PLUGIN=$WORK/libhogwild_ale.so
stale=0
[ -f "$PLUGIN" ] || stale=1
for f in "$ROOT"/Sources/ALEPlugin/* "$ROOT/include/hogwild_env.h" "$LIBALE" "$0"; do
  [ "$f" -nt "$PLUGIN" ] && stale=1
done
if [ $stale = 1 ]; then
  say "compiling and linking libhogwild_ale.so (about a minute: link-time optimization of the ALE)"
  started=$(date +%s)
  g++ -std=c++17 -O3 -fPIC -ffp-contract=off -fno-math-errno -fvisibility=hidden -fvisibility-inlines-hidden \
    -Wall -Wextra -I "$ROOT/include" -isystem "$SRC/src" -isystem "$WORK/ale-build/src/ale" \
    -shared -o "$PLUGIN.tmp" "$ROOT"/Sources/ALEPlugin/*.cpp "$LIBALE" \
    "$zlib_a" -lpthread -flto="$JOBS" \
    -Wl,--version-script="$ROOT/Sources/ALEPlugin/exports.map" -Wl,--no-undefined \
    || die "compiling the plugin failed"
  mv "$PLUGIN.tmp" "$PLUGIN"
  say "plugin linked in $(($(date +%s) - started)) s"
fi
exported=$(nm -D --defined-only "$PLUGIN" | awk '{print $3}' | sort | tr '\n' ' ')
expected="hw_env_create hw_env_create_ext hw_env_describe hw_env_describe_ext hw_env_destroy hw_env_name_at hw_env_reset hw_env_reset_u8 hw_env_step hw_env_step_u8 "
[ "$exported" = "$expected" ] || die "libhogwild_ale.so exports [$exported], not the ten hw_env_* entry points"

# (e) Install beside the binary: the plugin and the distribution's ROMs.
mkdir -p "$DEST/roms"
cmp -s "$PLUGIN" "$DEST/libhogwild_ale.so" || install -m 0755 "$PLUGIN" "$DEST/libhogwild_ale.so"
roms=0
for rom in "$SRC"/src/ale/python/roms/*.bin; do
  cmp -s "$rom" "$DEST/roms/${rom##*/}" || install -m 0644 "$rom" "$DEST/roms/${rom##*/}"
  roms=$((roms + 1))
done
say "installed $DEST/libhogwild_ale.so and $roms ROMs in $DEST/roms"
