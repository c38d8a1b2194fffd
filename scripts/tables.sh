#!/bin/bash
# tables.sh — the README's algorithm tables, from real runs (`make tables`).
#
# Table 1: every algorithm with --procs 16 on CartPole-v1 for a fixed budget
#   (T_MAX steps, SEEDS seeds): steps and seconds until the last-100 mean first
#   reached the algorithm's threshold (475; 400 for q1 and sarsa1), and the
#   last-100 mean at the end of the budget, mean ± std over seeds.
# Table 2: the shape of Mnih et al.'s Table 2 — for 1, 2, 4, 8 and 16 workers,
#   steps and seconds to the threshold (runs stop there, within TABLE2_T_MAX
#   steps), and the wall-clock speedup over one worker.
#
# The last-100 mean is the summary's `mean_return_100`: training episodes for
# a3c/a2c, greedy test episodes for the value-based methods (metrics.csv's
# `kind` column). Needs only bash, awk and the built binary.
#
# Environment: BIN (default .build/release/hogwild-rl), OUT (default
# tables/), SEEDS (default "1 2 3"), T_MAX (default 3000000), ALGOS (default
# "a3c a2c qn q1 sarsa1"), PROCS_LIST (default "1 2 4 8 16"), TABLE2_T_MAX
# (default T_MAX; the value-based methods anneal their learning rate over
# T_max, so the budget is part of their settings).
set -u
BIN=${BIN:-.build/release/hogwild-rl}
OUT=${OUT:-tables}
SEEDS=${SEEDS:-1 2 3}
T_MAX=${T_MAX:-3000000}
TABLE2_T_MAX=${TABLE2_T_MAX:-$T_MAX}
ALGOS=${ALGOS:-a3c a2c qn q1 sarsa1}
PROCS_LIST=${PROCS_LIST:-1 2 4 8 16}
[ -x "$BIN" ] || { echo "error: $BIN not found; run 'make build' first" >&2; exit 1; }
mkdir -p "$OUT/runs" || exit 1

threshold() { case $1 in q1|sarsa1) echo 400 ;; *) echo 475 ;; esac; }

# A number from summary.json (one "key": value per line); "null" if absent.
field() { awk -v k="\"$2\":" '$1 == k { v = $2; sub(/,$/, "", v); print v; exit }' "$1/summary.json" 2>/dev/null; }

# Runs once unless the run's summary already exists (an interrupted
# `make tables` continues where it stopped).
run() { # dir, then run arguments
  local dir=$1; shift
  [ -s "$dir/summary.json" ] && return 0
  rm -rf "$dir"
  "$BIN" run "$@" --quiet --out "$dir" >/dev/null 2>"$dir.stderr" || {
    echo "warning: run failed: $* (see $dir.stderr)" >&2; return 1; }
}

# mean ± std of the numbers on stdin ("-" if none; std over n−1).
stats() {
  awk -v d="${1:-0}" '$1 != "null" && $1 != "" { x[n++] = $1 + 0 }
    END { if (n == 0) { print "–"; exit }
          for (i = 0; i < n; i++) s += x[i]; m = s / n
          for (i = 0; i < n; i++) q += (x[i] - m) ^ 2
          sd = n > 1 ? sqrt(q / (n - 1)) : 0
          if (d == 0) printf "%\047d ± %\047d\n", m, sd; else printf "%.*f ± %.*f\n", d, m, d, sd }'
}
# "steps seconds" when the last-100 mean of the scored episodes first reached
# the threshold in DIR/metrics.csv ("null null" if never): the supervisor's
# rule, replayed over the rows in the order it wrote them.
first_reach() { # dir, algo, threshold
  local kind=train
  case $2 in qn|q1|sarsa1) kind=test ;; esac
  awk -F, -v thr="$3" -v want="$kind" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "kind") kc = i; next }
    kc && $kc != want { next }
    { r = $5 + 0; if (n >= 100) s -= w[n % 100]; w[n % 100] = r; s += r; n++
      if (n >= 100 && s / 100 >= thr) { print $1, $2; found = 1; exit } }
    END { if (!found) print "null null" }' "$1/metrics.csv"
}
count_solved() { awk '$1 != "null" && $1 != "" { n++ } END { print n + 0 }'; }

# Table 1
t1="$OUT/table1.md"
{
  echo "| algorithm | procs | threshold | seeds reaching it | steps to threshold | seconds to threshold | last-100 mean at $T_MAX steps |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
} >"$t1"
for a in $ALGOS; do
  thr=$(threshold "$a"); steps=(); secs=(); finals=()
  for s in $SEEDS; do
    d="$OUT/runs/t1-$a-16-$s"
    echo "table 1: $a --procs 16 --seed $s" >&2
    run "$d" --algo "$a" --procs 16 --seed "$s" --t-max "$T_MAX" --target-return none
    read -r st sc < <(first_reach "$d" "$a" "$thr")
    steps+=("$st"); secs+=("$sc")
    finals+=("$(field "$d" mean_return_100)")
  done
  n=$(printf '%s\n' "${steps[@]}" | count_solved)
  printf '| %s | 16 | %s | %s of %s | %s | %s | %s |\n' "$a" "$thr" "$n" "$(echo $SEEDS | wc -w)" \
    "$(printf '%s\n' "${steps[@]}" | stats 0)" "$(printf '%s\n' "${secs[@]}" | stats 2)" \
    "$(printf '%s\n' "${finals[@]}" | stats 1)" >>"$t1"
done

# Table 2
t2="$OUT/table2.md"
{
  printf '| algorithm | threshold |'; for p in $PROCS_LIST; do printf ' %s worker%s |' "$p" "$([ "$p" = 1 ] || echo s)"; done; echo
  printf '|---|---:|'; for p in $PROCS_LIST; do printf -- '---:|'; done; echo
} >"$t2"
for a in $ALGOS; do
  thr=$(threshold "$a"); row_steps=""; row_secs=""; row_speed=""; base=""
  for p in $PROCS_LIST; do
    steps=(); secs=()
    for s in $SEEDS; do
      d="$OUT/runs/t2-$a-$p-$s"
      echo "table 2: $a --procs $p --seed $s" >&2
      run "$d" --algo "$a" --procs "$p" --seed "$s" --t-max "$TABLE2_T_MAX" --target-return "$thr"
      read -r st sc < <(first_reach "$d" "$a" "$thr")
      steps+=("$st"); secs+=("$sc")
    done
    n=$(printf '%s\n' "${steps[@]}" | count_solved); k=$(echo $SEEDS | wc -w)
    ms=$(printf '%s\n' "${secs[@]}" | awk '$1 != "null" { s += $1; n++ } END { if (n) printf "%.3f", s / n }')
    [ -z "$base" ] && base=$ms
    row_steps+=" $(printf '%s\n' "${steps[@]}" | stats 0 | sed 's/ ± .*//') ($n/$k) |"
    row_secs+=" $(printf '%s\n' "${secs[@]}" | stats 2) |"
    row_speed+=" $(awk -v b="$base" -v m="$ms" 'BEGIN { if (b != "" && m > 0) printf "%.2f×", b / m; else print "–" }') |"
  done
  echo "| $a: steps to threshold (seeds solved) | $thr |$row_steps" >>"$t2"
  echo "| $a: seconds to threshold | |$row_secs" >>"$t2"
  echo "| $a: speedup in seconds over 1 worker | |$row_speed" >>"$t2"
done

echo "## Table 1 (CartPole-v1, --procs 16, seeds: $SEEDS)"; cat "$t1"; echo
echo "## Table 2 (CartPole-v1, seeds: $SEEDS; runs stop at the threshold)"; cat "$t2"
