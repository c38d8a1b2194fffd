#!/bin/bash
# study_distributed.sh — the sweeps behind docs/DISTRIBUTED.md's learning
# comparisons (`make study-mpi`; needs `make mpi` and mpirun): 2 ranks on
# loopback, each with --procs 1, against one machine with --procs 2 (the
# same workers and step budget), for --sync sum and mean and --sync-every
# 10, 50 and 200 ms, on CartPole-v1 and MinAtar/Breakout-v1; and the RMSProp
# statistics averaged at every sync against kept per node. Each sweep goes
# to study/distributed/<name> (results.csv, report.md, returns.svg,
# staleness.svg — within a node — and staleness_across_nodes.svg); the
# figures DISTRIBUTED.md embeds are copied to docs/study/. A sweep skips runs
# that already finished, so an interrupted study continues where it stopped.
# About 25 minutes on 2 vCPUs (CartPole 4, Breakout 20).
#
# Environment: BIN (default .build/release/hogwild-rl), OUT (default
# study/distributed), SEEDS (default 3), DOCS (default docs/study; empty:
# copy nothing), MPIRUN_OPTIONS (default: 2 ranks on 2 shared cores with
# Open MPI; MPICH's mpiexec wants "-n 2"), ONLY (cartpole, breakout or
# rmsprop: one part).
set -eu
BIN=${BIN:-.build/release/hogwild-rl}
OUT=${OUT:-study/distributed}
SEEDS=${SEEDS:-3}
DOCS=${DOCS-docs/study}
ONLY=${ONLY:-}
[ -x "$BIN" ] || { echo "error: $BIN not found; run 'make build' first" >&2; exit 1; }
[ -x "$(dirname "$BIN")/hogwild-comm" ] || { echo "error: no hogwild-comm beside $BIN; run 'make mpi' first" >&2; exit 1; }
command -v mpirun > /dev/null || { echo "error: no mpirun; apt-get install openmpi-bin libopenmpi-dev" >&2; exit 1; }
if [ -z "${MPIRUN_OPTIONS:-}" ]; then
  MPIRUN_OPTIONS="-np 2 --oversubscribe --bind-to none --mca btl self,tcp --mca mpi_yield_when_idle 1"
  [ "$(id -u)" = 0 ] && MPIRUN_OPTIONS="--allow-run-as-root $MPIRUN_OPTIONS"
fi
mkdir -p "$OUT"

sweep() { # name, then sweep arguments
  local name=$1; shift
  local t0=$SECONDS
  echo "== $name: hogwild-rl sweep $* --seeds $SEEDS --out $OUT/$name"
  "$BIN" sweep "$@" --seeds "$SEEDS" --out "$OUT/$name" > "$OUT/$name.log" 2>&1 || {
    echo "warning: sweep $name exited $? (see $OUT/$name.log)" >&2; }
  echo "   $((SECONDS - t0)) s"
}
part() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }

if part cartpole; then
  sweep cartpole --mpirun "$MPIRUN_OPTIONS" --env CartPole-v1 --procs 1 --sync sum,mean \
    --sync-every 10ms,50ms,200ms --t-max 1500000
  sweep cartpole-one-machine --env CartPole-v1 --procs 2 --t-max 1500000
fi
if part rmsprop; then
  sweep cartpole-rmsprop-local --mpirun "$MPIRUN_OPTIONS" --env CartPole-v1 --procs 1 --sync sum,mean \
    --sync-every 50ms --sync-rmsprop local --t-max 1500000
fi
if part breakout; then
  sweep breakout --mpirun "$MPIRUN_OPTIONS" --env MinAtar/Breakout-v1 --procs 1 --sync sum,mean \
    --sync-every 10ms,50ms,200ms --t-max 2000000 --target-return none
  sweep breakout-one-machine --env MinAtar/Breakout-v1 --procs 2 --t-max 2000000 --target-return none
fi

if [ -n "$DOCS" ]; then
  mkdir -p "$DOCS"
  for f in cartpole/returns cartpole/staleness_across_nodes breakout/returns \
           breakout/staleness_across_nodes; do
    if [ -s "$OUT/$f.svg" ]; then cp "$OUT/$f.svg" "$DOCS/distributed-${f%%/*}-${f##*/}.svg"; fi
  done
  echo "figures copied to $DOCS/"
fi
echo "reports: $OUT/*/report.md (results.csv beside each)"
