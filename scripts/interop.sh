#!/bin/bash
# make interop: hogwild-rl against the real Python ecosystem, in a throwaway
# venv (not part of make test; needs PyPI). Sections, all by default:
#   bridge  gym:CartPole-v1 solved (last-100 >= 475) and gym:Acrobot-v1 >= -100
#           with the README's built-in settings; the C plugin CartPole solves
#           like the built-in (same seeds, same settings)
#   minatar the real MinAtar (minatar 1.0.15, whose Gymnasium ids exist only after
#           minatar.gym.register_envs()): gym:MinAtar/Breakout-v1 trains through the bridge, and a
#           built-in MinAtar/Breakout-v1 policy, exported, scores in the real game with
#           examples/policy.py --eval as `hogwild-rl eval` says (within noise)
#   sb3     Stable-Baselines3 A2C's steps/s on gymnasium's CartPole-v1
#   bench   hogwild-bench section 9 (plugin and bridge costs) in the same run
#   policy  CartPole-v1, Acrobot-v1, Pendulum-v1 trained with the README's settings, and
#           CartPoleNoVel-v1 with --net lstm (docs/RECURRENT.md's settings, 3M steps), exported
#           (safetensors and npz), and run for 100 episodes in the real gymnasium env by
#           examples/policy.py: mean returns must match `hogwild-rl eval`'s within noise;
#           scripts/check_tfevents.py on the run directory if that script exists; every export
#           (MLP, conv, LSTM on both torsos, Gaussian) loads strictly into PyTorch through
#           examples/torch_policy.py and plain nn modules (scripts/check_torch_layout.py)
# Usage: scripts/interop.sh [SECTION ...]; output and logs in $OUT (interop/).
# Exit status: 0 if every check passed, 1 if one failed, 64 on bad usage.
set -u
BIN=${BIN:-.build/release/hogwild-rl}
BENCH=${BENCH:-.build/release/hogwild-bench}
VENV=${VENV:-.build-interop/venv}
OUT=${OUT:-interop}
PY="$VENV/bin/python"
SECTIONS=${*:-bridge minatar sb3 bench policy}
for s in $SECTIONS; do
  case $s in bridge|minatar|sb3|bench|policy) ;; *) echo "interop: unknown section '$s' (bridge, minatar, sb3, bench, policy)" >&2; exit 64 ;; esac
done
[ -x "$BIN" ] || { echo "interop: $BIN not built (run make build)" >&2; exit 1; }
mkdir -p "$OUT"
FAILED=0
pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; FAILED=1; }
field() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); print(v[sys.argv[2]] if v.get(sys.argv[2]) is not None else "none")' "$1" "$2"; }

make_venv() {
  if [ ! -x "$PY" ] || ! "$PY" -c 'import gymnasium, stable_baselines3, safetensors, tensorboard, minatar' 2>/dev/null; then
    echo "== venv: $VENV (gymnasium, numpy, stable-baselines3, safetensors, tensorboard, minatar; a few minutes the first time)"
    python3 -m venv "$VENV" && "$PY" -m pip install -q --upgrade pip \
      && "$PY" -m pip install -q gymnasium numpy stable-baselines3 safetensors tensorboard minatar \
      || { echo "interop: cannot make $VENV" >&2; exit 1; }
  fi
  "$PY" -c 'import gymnasium, numpy, safetensors; print("venv:", "gymnasium", gymnasium.__version__, "numpy", numpy.__version__, "safetensors", safetensors.__version__)'
}

# train NAME EXTRA-ARGS...: one run into $OUT/NAME, summary.json kept.
train() {
  local name=$1; shift
  rm -rf "${OUT:?}/$name"
  "$BIN" run "$@" --quiet --out "$OUT/$name" > "$OUT/$name.log" 2>&1 || { fail "$name: run exited $? (see $OUT/$name.log)"; return 1; }
}

bridge() {
  echo "== bridge: real gymnasium environments through --env gym:ID"
  for seed in 1 2 3; do
    train gym-cartpole-s$seed --env gym:CartPole-v1 --python "$PY" --procs 2 --seed $seed || continue
    local m s w; m=$(field "$OUT/gym-cartpole-s$seed/summary.json" mean_return_100)
    s=$(field "$OUT/gym-cartpole-s$seed/summary.json" solved_at_step)
    w=$(field "$OUT/gym-cartpole-s$seed/summary.json" steps_per_second)
    if [ "$s" != none ]; then pass "gym:CartPole-v1 --procs 2 --seed $seed: solved at step $s, last-100 $m, $w steps/s"
    else fail "gym:CartPole-v1 --procs 2 --seed $seed: not solved, last-100 $m"; fi
  done
  for seed in 1 2 3; do
    train gym-acrobot-s$seed --env gym:Acrobot-v1 --python "$PY" --procs 16 --t-max 2M --target-return none \
      --vf-coef 0.01 --seed $seed || continue
    local m; m=$(field "$OUT/gym-acrobot-s$seed/summary.json" mean_return_100)
    if python3 -c "import sys; sys.exit(0 if float('$m') >= -100 else 1)"; then
      pass "gym:Acrobot-v1 --procs 16 --t-max 2M --vf-coef 0.01 --seed $seed: last-100 $m (>= -100)"
    else fail "gym:Acrobot-v1 --seed $seed: last-100 $m (< -100)"; fi
  done
  echo "== plugin: examples/plugins/cartpole.c against the built-in CartPole-v1 (defaults, --procs 2)"
  cc -std=c11 -O2 -ffp-contract=off -shared -fPIC -I include examples/plugins/cartpole.c -o "$OUT/libcartpole.so" -lm \
    || { fail "cannot build examples/plugins/cartpole.c"; return; }
  for seed in 1 2 3; do
    train builtin-s$seed --env CartPole-v1 --procs 2 --seed $seed || continue
    train plugin-s$seed --env "plugin:$OUT/libcartpole.so" --procs 2 --seed $seed || continue
    local b p
    b=$(field "$OUT/builtin-s$seed/summary.json" solved_at_step); p=$(field "$OUT/plugin-s$seed/summary.json" solved_at_step)
    if [ "$p" != none ]; then pass "plugin CartPole --seed $seed: solved at step $p (built-in: $b)"
    else fail "plugin CartPole --seed $seed: not solved (built-in: $b)"; fi
  done
}

minatar() {
  echo "== minatar: the real MinAtar through Gymnasium"
  "$PY" -c 'import minatar' 2>/dev/null || { fail "minatar is not installed in $VENV"; return; }
  train gym-breakout --env gym:MinAtar/Breakout-v1 --python "$PY" --procs 2 --t-max 30000 --target-return none --seed 1 \
    || return
  local steps shape
  steps=$(field "$OUT/gym-breakout/summary.json" steps)
  shape=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["env_spec"]["observation_shape"])' "$OUT/gym-breakout/config.json")
  if [ "$steps" -ge 30000 ] && [ "$shape" = "[10, 10, 4]" ]; then
    pass "gym:MinAtar/Breakout-v1: $steps steps through the bridge, observations $shape (conv net)"
  else fail "gym:MinAtar/Breakout-v1: $steps steps, observations $shape"; fi
  # A built-in Breakout policy in the real game: policy.py's make_env registers MinAtar's ids.
  train minatar-Breakout --env MinAtar/Breakout-v1 --procs 2 --t-max 300000 --target-return none --seed 1 || return
  "$BIN" export --checkpoint "$OUT/minatar-Breakout/checkpoint.bin" --format safetensors --out "$OUT/minatar-Breakout.safetensors" \
    || { fail "MinAtar/Breakout-v1: export exited $?"; return; }
  "$BIN" eval --checkpoint "$OUT/minatar-Breakout/checkpoint.bin" --episodes 100 --seed 1 --json > "$OUT/minatar-Breakout.eval.json" \
    || { fail "MinAtar/Breakout-v1: hogwild-rl eval exited $?"; return; }
  "$PY" examples/policy.py "$OUT/minatar-Breakout.safetensors" --eval MinAtar/Breakout-v1 --episodes 100 --seed 1 \
    > "$OUT/minatar-Breakout.policy.json" || { fail "MinAtar/Breakout-v1: policy.py --eval exited $?"; return; }
  compare "MinAtar/Breakout-v1 sampled (300k steps; the real minatar)" "$OUT/minatar-Breakout.eval.json" \
    "$OUT/minatar-Breakout.policy.json" || FAILED=1
}

sb3() {
  echo "== sb3: Stable-Baselines3 A2C on gymnasium CartPole-v1 (CPU)"
  "$PY" scripts/sb3_a2c_rate.py 50000 | tee "$OUT/sb3.jsonl" || fail "sb3_a2c_rate.py failed"
}

bench() {
  echo "== bench: hogwild-bench section 9 with $PY"
  "$BENCH" --sections 9 --python "$PY" --json "$OUT/bench9.json" || fail "hogwild-bench section 9 failed"
}

# compare LABEL HW.json PY.json: the two mean returns over the same number of episodes agree
# within noise: |m_py - m_hw| <= 3·sqrt(s_py²/n + s_hw²/n) + 0.02·|m_hw| + 1 (3 standard errors
# of the difference — the initial states come from different generators — plus a small margin
# for policies whose returns do not vary, e.g. CartPole's 500).
compare() {
  python3 - "$@" <<'PY'
import json, math, sys
label, hw, py = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
n = min(hw["episodes"], py["episodes"])
se = math.sqrt(hw["std_return"] ** 2 / hw["episodes"] + py["std_return"] ** 2 / py["episodes"])
limit = 3 * se + 0.02 * abs(hw["mean_return"]) + 1
d = py["mean_return"] - hw["mean_return"]
ok = abs(d) <= limit
median = lambda r: sorted(r)[len(r) // 2]
print(f"{'PASS' if ok else 'FAIL'}  {label}: policy.py {py['mean_return']:.2f} ± {py['std_return']:.2f}, "
      f"hogwild-rl eval {hw['mean_return']:.2f} ± {hw['std_return']:.2f} ({n} episodes each); "
      f"|difference| {abs(d):.2f} {'<=' if ok else '>'} {limit:.2f}; "
      f"medians {median(py['returns']):.2f} / {median(hw['returns']):.2f}")
sys.exit(0 if ok else 1)
PY
}

# torch_layout LABEL FILE: the export loads into plain PyTorch modules (torch comes with
# stable-baselines3) and they compute policy.py's outputs.
torch_layout() {
  if ! "$PY" -c 'import torch' 2>/dev/null; then echo "SKIP  $1: torch not in the venv (layout check skipped)"; return; fi
  "$PY" scripts/check_torch_layout.py "$2" && pass "$1: PyTorch layouts (strict load_state_dict)" \
    || fail "$1: the export does not load into PyTorch modules as documented"
}

policy() {
  echo "== policy: export, then examples/policy.py in the real gymnasium environment"
  # The conv net's layout (nn.Conv2d [out, in, kh, kw], PyTorch's flatten order) on a short run.
  train policy-Breakout --env MinAtar/Breakout-v1 --procs 2 --t-max 20000 --target-return none --seed 1 \
    && "$BIN" export --checkpoint "$OUT/policy-Breakout/checkpoint.bin" --format safetensors --out "$OUT/policy-Breakout.safetensors" \
    && torch_layout "MinAtar/Breakout-v1 (conv, 20k steps)" "$OUT/policy-Breakout.safetensors"
  # The recurrent network's (nn.LSTM) on the conv torso, stepped over a sequence.
  train policy-Breakout-lstm --env MinAtar/Breakout-v1 --net lstm --procs 2 --t-max 20000 --target-return none --seed 1 \
    && "$BIN" export --checkpoint "$OUT/policy-Breakout-lstm/checkpoint.bin" --format safetensors \
         --out "$OUT/policy-Breakout-lstm.safetensors" \
    && torch_layout "MinAtar/Breakout-v1 (lstm, conv torso, 20k steps)" "$OUT/policy-Breakout-lstm.safetensors"
  local tb=""
  "$BIN" run --help 2>&1 | grep -q -- --tensorboard && tb=--tensorboard
  local env name
  for env in CartPole-v1 Acrobot-v1 Pendulum-v1 CartPoleNoVel-v1; do
    name=policy-${env%-v*}
    case $env in
      CartPole-v1) train $name --env $env --procs 2 --seed 1 $tb || continue ;;
      Acrobot-v1) train $name --env $env --procs 16 --t-max 2M --target-return none --vf-coef 0.01 --seed 1 $tb || continue ;;
      Pendulum-v1) train $name --env $env --procs 16 --t-max 6M --target-return none --gamma 0.9 --n-steps 5 \
                     --lr 0.001 --lr-schedule linear --seed 1 $tb || continue ;;
      # The recurrent policy (policy.py resets its LSTM state at each episode's start; gymnasium's
      # CartPole-v1 with the velocities removed).
      CartPoleNoVel-v1) train $name --env $env --net lstm --hidden 64 --lr 0.003 --lr-schedule linear --procs 2 \
                          --t-max 3M --target-return none --seed 1 $tb || continue ;;
    esac
    local last; last=$(field "$OUT/$name/summary.json" mean_return_100)
    [ "$last" = none ] || last=$(printf '%.2f' "$last")
    echo "$env: trained to T $(field "$OUT/$name/summary.json" steps), last-100 $last"
    local fmt ok=1
    for fmt in safetensors npz; do
      "$BIN" export --checkpoint "$OUT/$name/checkpoint.bin" --format $fmt --out "$OUT/$name.$fmt" \
        || { fail "$env: export --format $fmt exited $?"; ok=0; }
    done
    [ $ok = 1 ] || continue
    # The files read by the real packages: safetensors' own loader and np.load give exactly
    # the tensors policy.py's reader gives.
    if "$PY" - "$OUT/$name.safetensors" "$OUT/$name.npz" <<'PY'
import sys, numpy as np
from safetensors.numpy import load_file
sys.path.insert(0, "examples")
from policy import read_file
st, npz = load_file(sys.argv[1]), np.load(sys.argv[2])
for path, ref in ((sys.argv[1], st), (sys.argv[2], {k: npz[k] for k in npz.files if k != "__metadata__"})):
    meta, tensors = read_file(path)
    mine = {n: np.asarray(v, dtype=np.float32).reshape(s) for n, s, v in tensors}
    assert set(mine) == set(ref), (path, sorted(mine), sorted(ref))
    for k in mine:
        assert ref[k].dtype == np.float32 and ref[k].shape == mine[k].shape and np.array_equal(ref[k], mine[k]), (path, k)
print(f"       {len(st)} tensors, identical through safetensors.numpy.load_file, np.load and policy.py")
PY
    then pass "$env: safetensors and npz read by the real packages"
    else fail "$env: the real packages read the export differently"; fi
    torch_layout "$env" "$OUT/$name.safetensors"
    local mode flag file
    for mode in sampled greedy; do
      # Both sample unless --greedy.
      if [ $mode = greedy ]; then flag=--greedy; file=$OUT/$name.npz; else flag=; file=$OUT/$name.safetensors; fi
      "$BIN" eval --checkpoint "$OUT/$name/checkpoint.bin" --episodes 100 --seed 1 $flag --json > "$OUT/$name.eval-$mode.json" \
        || { fail "$env: hogwild-rl eval exited $?"; continue; }
      "$PY" examples/policy.py "$file" --eval $env --episodes 100 --seed 1 $flag > "$OUT/$name.policy-$mode.json" \
        || { fail "$env: policy.py --eval exited $?"; continue; }
      if compare "$env $mode (${file##*.})" "$OUT/$name.eval-$mode.json" "$OUT/$name.policy-$mode.json"; then :; else FAILED=1; fi
    done
    if [ -f scripts/check_tfevents.py ]; then
      "$PY" scripts/check_tfevents.py "$OUT/$name" && pass "$env: check_tfevents.py" || fail "$env: check_tfevents.py"
    else
      echo "SKIP  $env: scripts/check_tfevents.py not in this tree (TensorBoard check skipped)"
    fi
  done
}

lscpu | grep 'Model name' | sed 's/  */ /g'
make_venv
for s in $SECTIONS; do $s; done
if [ -f "$OUT/sb3.jsonl" ] && [ -f "$OUT/gym-cartpole-s1/summary.json" ]; then
  python3 - "$OUT" <<'PY'
import json, sys, glob
out = sys.argv[1]
sb3 = max(json.loads(l)["steps_per_second"] for l in open(f"{out}/sb3.jsonl") if l.strip())
for name in ("gym-cartpole", "builtin"):
    rates = [json.load(open(p))["steps_per_second"] for p in sorted(glob.glob(f"{out}/{name}-s*/summary.json"))]
    if rates:
        m = sorted(rates)[len(rates) // 2]
        print(f"ratio  hogwild-rl {name} --procs 2 median {m:,.0f} steps/s = {m / sb3:.1f}x SB3 A2C's best ({sb3:,.0f} steps/s)")
PY
fi
[ $FAILED -eq 0 ] && echo "interop: all checks passed" || echo "interop: some checks FAILED"
exit $FAILED
