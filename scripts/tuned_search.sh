#!/usr/bin/env bash
# tuned_search.sh — the searches behind tuned/settings.json (docs/TUNED.md).
#
#   scripts/tuned_search.sh BIN DIR [FILTER]   run every case whose name matches FILTER (grep -E),
#                                             keep each run in DIR/<case>/, print one line per run
#
# Each case is one `run --no-tuned --procs 2 --seed S` with its flags; a run already in DIR (its
# summary.json exists) is not run again, so an interrupted search continues. The printed line:
# case, seed, T at the end, the last-100 mean at the end, the best last-100 mean seen, and the
# first T at which the last-100 mean reached the env's solved threshold (- if never or none).
set -uo pipefail
bin=$1 dir=$2 filter=${3:-.}
mkdir -p "$dir"

cases() {
  # name | seeds | flags (every run: --no-tuned --procs 2 --target-return none unless given)
  cat <<'CASES'
cartpole-default|1 2|--env CartPole-v1 --t-max 1M
cartpole-lr1e-3|1 2|--env CartPole-v1 --t-max 1M --lr 0.001
acrobot-default|1 2|--env Acrobot-v1 --t-max 1M
acrobot-vf0.01|1 2|--env Acrobot-v1 --t-max 1M --vf-coef 0.01
acrobot-gamma0.95|1 2|--env Acrobot-v1 --t-max 1M --gamma 0.95
mountaincar-default|1 2|--env MountainCar-v0 --t-max 2M
mountaincar-vf0.01-ent0.01|1 2|--env MountainCar-v0 --t-max 2M --vf-coef 0.01 --ent-coef 0.01
mountaincar-gamma0.999-ent0.01|1 2|--env MountainCar-v0 --t-max 2M --gamma 0.999 --ent-coef 0.01
pendulum-default|1 2|--env Pendulum-v1 --t-max 5M
pendulum-g0.9-n5-lr1e-3-linear|1 2|--env Pendulum-v1 --t-max 5M --gamma 0.9 --n-steps 5 --lr 0.001 --lr-schedule linear
cartpolenovel-default|1 2|--env CartPoleNoVel-v1 --t-max 5M
cartpolenovel-lstm|1 2|--env CartPoleNoVel-v1 --t-max 10M --target-return 475 --net lstm --hidden 64 --gamma 0.95 --gae-lambda 0.95 --rms-eps 0.01 --lr 0.003 --lr-schedule linear
pendulumnovel-mlp-pendulum|1 2|--env PendulumNoVel-v1 --t-max 6M --gamma 0.9 --n-steps 5 --lr 0.001 --lr-schedule linear
pendulumnovel-lstm-pendulum|1 2|--env PendulumNoVel-v1 --t-max 6M --net lstm --gamma 0.9 --n-steps 5 --lr 0.001 --lr-schedule linear
CASES
  # MinAtar: the defaults against a 10x entropy bonus (2M steps for Breakout-v1, 1M for the rest:
  # the searches had to fit the time the machine had). Seaquest-v0 is Seaquest-v1 (both take all six
  # actions: the same environment), so its runs are Seaquest-v1's.
  echo "minatar-Breakout-v1-default|1 2|--env MinAtar/Breakout-v1 --t-max 2M"
  echo "minatar-Breakout-v1-ent0.01|1 2|--env MinAtar/Breakout-v1 --t-max 2M --ent-coef 0.01"
  for id in Asterix-v1 Freeway-v1 Seaquest-v1 SpaceInvaders-v1 Breakout-v0 Asterix-v0 Freeway-v0 SpaceInvaders-v0; do
    echo "minatar-$id-default|1 2|--env MinAtar/$id --t-max 1M"
    echo "minatar-$id-ent0.01|1 2|--env MinAtar/$id --t-max 1M --ent-coef 0.01"
  done
}

report() {
  python3 - "$1" "$2" <<'PY'
import csv, json, sys
run, name = sys.argv[1], sys.argv[2]
s = json.load(open(run + "/summary.json"))
c = json.load(open(run + "/config.json"))
thr = c.get("env_spec", {}).get("reward_threshold")
window, best = [], None
for r in csv.DictReader(open(run + "/metrics.csv")):
    if r.get("kind", "train") != "train":
        continue
    window.append(float(r["return"]))
    window = window[-100:]
    if len(window) == 100:
        m = sum(window) / 100
        best = m if best is None or m > best else best
fmt = lambda v: "-" if v is None else ("%.1f" % v)
print("%-44s seed %-2s T %9d  end %8s  best %8s  solved_at %s  (%.0f s)" % (
    name, c["seed"], s["steps"], fmt(s["mean_return_100"]), fmt(best),
    s["solved_at_step"] if s["solved_at_step"] is not None else "-", s["wall_seconds"]))
PY
}

cases | grep -E "^($filter)" | while IFS='|' read -r name seeds flags; do
  for seed in $seeds; do
    out="$dir/$name/s$seed"
    # (a run stopped by a signal is run again)
    if [ ! -f "$out/summary.json" ] || grep -q '"exit_reason": "signal"' "$out/summary.json"; then
      rm -rf "$out"
      mkdir -p "$dir/$name"
      extra="--target-return none"
      case " $flags " in *" --target-return "*) extra="" ;; esac
      # shellcheck disable=SC2086
      "$bin" run --no-tuned --procs 2 --seed "$seed" --quiet --checkpoint-every 0 $extra $flags --out "$out" \
        </dev/null >/dev/null 2>"$dir/$name/s$seed.err" || { echo "$name seed $seed: run failed"; cat "$dir/$name/s$seed.err"; continue; }
    fi
    report "$out" "$name"
  done
done
