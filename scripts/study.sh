#!/bin/bash
# study.sh — the sweeps behind docs/STUDY.md (`make study`).
#
# Three `hogwild-rl sweep` grids on CartPole-v1 into study/ (each sweep's
# results.csv, report.md and figures in its own folder), then copies the
# figures docs/STUDY.md embeds into docs/study/. A sweep skips runs that
# already finished, so an interrupted `make study` continues where it stopped;
# `rm -rf study` for fresh runs. About 3 minutes on 2 vCPUs (measured 2 min 58 s).
#
# Environment: BIN (default .build/release/hogwild-rl), OUT (default study),
# SEEDS (default 3), DOCS (default docs/study; empty: copy nothing).
set -eu
BIN=${BIN:-.build/release/hogwild-rl}
OUT=${OUT:-study}
SEEDS=${SEEDS:-3}
DOCS=${DOCS-docs/study}
[ -x "$BIN" ] || { echo "error: $BIN not found; run 'make build' first" >&2; exit 1; }
mkdir -p "$OUT"

sweep() { # name, then sweep arguments
  local name=$1; shift
  local t0=$SECONDS
  echo "== $name: hogwild-rl sweep $* --seeds $SEEDS --out $OUT/$name"
  "$BIN" sweep "$@" --seeds "$SEEDS" --out "$OUT/$name" >"$OUT/$name.log" 2>&1 || {
    echo "warning: sweep $name exited $? (see $OUT/$name.log)" >&2; }
  echo "   $((SECONDS - t0)) s"
}

# 1. Staleness against delay and workers, and A3C against A2C.
sweep delay --env CartPole-v1 --algo a3c,a2c --procs 2,8 --delay 0,1ms --t-max 500000
# 2. Lost-update fraction by update mode.
sweep audit --env CartPole-v1 --algo a3c --procs 2,16 --update hogwild,atomic,locked --audit --t-max 500000
# 3. Returns and time to solve against controlled staleness K.
sweep stale --env CartPole-v1 --algo a3c --procs 2 --stale-updates 0,4,16,64,256 --t-max 2000000

if [ -n "$DOCS" ]; then
  mkdir -p "$DOCS"
  for f in delay/staleness delay/returns delay/time_to_threshold stale/returns; do
    if [ -s "$OUT/$f.svg" ]; then cp "$OUT/$f.svg" "$DOCS/${f%%/*}-${f##*/}.svg"; fi
  done
  echo "figures copied to $DOCS/"
fi
echo "reports: $OUT/delay/report.md $OUT/audit/report.md $OUT/stale/report.md (results.csv beside each)"
