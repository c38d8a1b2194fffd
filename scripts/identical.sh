#!/usr/bin/env bash
# identical.sh — the "no behaviour changed" check for refactors.
#
#   scripts/identical.sh record BIN DIR   run the cases with BIN, keep their outputs in DIR
#   scripts/identical.sh compare A B      say, case by case, whether two recorded DIRs agree
#
# A case is a `--procs 1 --seed S` run (metrics.csv without its wall-clock column, train.csv's
# step-indexed columns are timing-dependent and left out), `eval --json` of its checkpoint
# (sampled and greedy) and the bytes of `export` (safetensors and npz). --procs 1 runs are
# reproducible, so two binaries that compute the same thing give the same bytes. About two
# minutes on 2 vCPUs.
set -euo pipefail

cases() {
  # name | run flags
  cat <<'EOF'
a3c|--env CartPole-v1 --t-max 60000
a3c-audit|--env CartPole-v1 --t-max 30000 --audit
a3c-fast|--env CartPole-v1 --t-max 30000 --rmsprop-sqrt fast
a3c-k4|--env CartPole-v1 --t-max 40000 --envs-per-worker 4
a3c-stale|--env CartPole-v1 --t-max 30000 --stale-updates 3
a3c-delay|--env CartPole-v1 --t-max 20000 --delay 250us
a2c|--env CartPole-v1 --t-max 40000 --algo a2c
a2c-lstm|--env CartPoleNoVel-v1 --t-max 30000 --algo a2c --net lstm
a3c-lstm|--env CartPoleNoVel-v1 --t-max 40000 --net lstm
qn|--env CartPole-v1 --t-max 40000 --algo qn
qn-k4|--env CartPole-v1 --t-max 40000 --algo qn --envs-per-worker 4
q1|--env CartPole-v1 --t-max 40000 --algo q1
q1-k4|--env CartPole-v1 --t-max 40000 --algo q1 --envs-per-worker 4
sarsa1|--env CartPole-v1 --t-max 40000 --algo sarsa1
pendulum|--env Pendulum-v1 --t-max 40000
pendulum-k4|--env Pendulum-v1 --t-max 40000 --envs-per-worker 4
pendulumnovel-lstm|--env PendulumNoVel-v1 --t-max 30000 --net lstm
acrobot|--env Acrobot-v1 --t-max 30000
breakout|--env MinAtar/Breakout-v1 --t-max 30000
breakout-lstm|--env MinAtar/Breakout-v1 --t-max 20000 --net lstm
asterix-k4|--env MinAtar/Asterix-v1 --t-max 20000 --envs-per-worker 4
EOF
}

record() {
  local bin=$1 dir=$2
  mkdir -p "$dir"
  # A binary with tuned settings per environment (docs/TUNED.md) runs the plain defaults, as
  # binaries from before them did.
  local plain=""
  if "$bin" run --help 2>/dev/null | grep -q -- --no-tuned; then plain="--no-tuned"; fi
  cases | while IFS='|' read -r name flags; do
    local out="$dir/$name"
    rm -rf "$out"
    # shellcheck disable=SC2086
    "$bin" run --procs 1 --seed 3 --quiet --target-return none --checkpoint-every 0 $plain $flags --out "$out" \
      </dev/null >/dev/null 2>"$dir/$name.err" || { echo "$name: run failed"; cat "$dir/$name.err"; continue; }
    # metrics.csv without the wall-clock column (its header names it wall_seconds).
    python3 - "$out/metrics.csv" >"$dir/$name.metrics" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
drop = [i for i, h in enumerate(rows[0]) if 'wall' in h or 'time' in h]
for r in rows:
    print(','.join(v for i, v in enumerate(r) if i not in drop))
PY
    # (a greedy policy can play a game without a time limit forever: bounded)
    timeout 60 "$bin" eval --checkpoint "$out/checkpoint.bin" --episodes 3 --seed 5 --json >"$dir/$name.eval" 2>&1 || true
    timeout 60 "$bin" eval --checkpoint "$out/checkpoint.bin" --episodes 3 --seed 5 --greedy --json >"$dir/$name.greedy" 2>&1 || true
    "$bin" export --checkpoint "$out/checkpoint.bin" --format safetensors --out "$dir/$name.safetensors" >/dev/null 2>&1 || true
    "$bin" export --checkpoint "$out/checkpoint.bin" --format npz --out "$dir/$name.npz" >/dev/null 2>&1 || true
    # the checkpoint path differs between recordings; eval's JSON names it
    sed -i 's#"checkpoint": *"[^"]*"#"checkpoint":""#' "$dir/$name.eval" "$dir/$name.greedy"
    echo "$name: recorded"
  done
}

compare() {
  local a=$1 b=$2 fails=0
  while IFS='|' read -r name _; do
    local bad=""
    for ext in metrics eval greedy safetensors npz; do
      if ! cmp -s "$a/$name.$ext" "$b/$name.$ext"; then bad="$bad $ext"; fi
    done
    if [ -n "$bad" ]; then echo "DIFFER  $name:$bad"; fails=$((fails + 1)); else echo "same    $name"; fi
  done < <(cases)
  [ "$fails" -eq 0 ] && echo "all identical" || { echo "$fails cases differ"; return 1; }
}

case "${1:-}" in
  record) record "$2" "$3" ;;
  compare) compare "$2" "$3" ;;
  *) echo "usage: $0 record BIN DIR | compare DIR_A DIR_B" >&2; exit 64 ;;
esac
