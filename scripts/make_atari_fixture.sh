#!/bin/bash
# make atari-fixture: records the ALE plugin's parity fixtures
# (Tests/CLITests/Fixtures/atari_pong.txt, atari_breakout.txt) from the real
# Gymnasium stack, in a throwaway venv (.build-atari/fixture-venv: gymnasium,
# the ale-py 0.12.1 wheel, opencv-python-headless, numpy). Needs PyPI; not
# part of any build or test. See scripts/make_atari_fixture.py.
# Usage: scripts/make_atari_fixture.sh [OUT_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/Tests/CLITests/Fixtures}
VENV=${ATARI_WORK:-$ROOT/.build-atari}/fixture-venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import gymnasium, ale_py, cv2, numpy' 2> /dev/null; then
  echo "atari-fixture: venv $VENV (gymnasium, ale-py==0.12.1, opencv-python-headless, numpy)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q gymnasium "ale-py==0.12.1" opencv-python-headless numpy
fi
"$VENV/bin/python" "$ROOT/scripts/make_atari_fixture.py" "$OUT"
