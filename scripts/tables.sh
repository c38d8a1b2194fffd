#!/bin/bash
# tables.sh — the README's algorithm tables, from real runs (`make tables`).
#
# Table 1: every algorithm with --procs 16 on CartPole-v1 for a fixed budget
#   (T_MAX steps, SEEDS seeds): steps and seconds until the last-100 mean first
#   reached the algorithm's threshold (475; 400 for q1 and sarsa1), and the
#   last-100 mean at the end of the budget, mean ± std over seeds.
# Table 2: the shape of Mnih et al.'s Table 2 — for 1, 2, 4, 8 and 16 workers,
#   steps and seconds to the threshold (runs stop there, within T_MAX steps),
#   and the wall-clock speedup over one worker.
#
# The runs are `hogwild-rl sweep`s (which run, resume, and find each run's
# first crossing of the threshold — training episodes for a3c/a2c, greedy
# test episodes for the value-based methods); this script only arranges their
# results.csv into the two tables. Needs bash, awk and the built binary.
#
# Environment: BIN (default .build/release/hogwild-rl), OUT (default
# tables/), SEEDS (default "1 2 3"), T_MAX (default 3000000; the value-based
# methods anneal their learning rate over T_max, so the budget is part of
# their settings), PROCS_LIST (default "1 2 4 8 16").
set -u
BIN=${BIN:-.build/release/hogwild-rl}
OUT=${OUT:-tables}
SEEDS=${SEEDS:-1 2 3}
T_MAX=${T_MAX:-3000000}
PROCS_LIST=${PROCS_LIST:-1 2 4 8 16}
[ -x "$BIN" ] || { echo "error: $BIN not found; run 'make build' first" >&2; exit 1; }
mkdir -p "$OUT" || exit 1
commas() { echo "$*" | tr ' ' ','; }
NSEEDS=$(echo $SEEDS | wc -w)

# Both thresholds' algorithms, each group one sweep per table.
SETS=("475 a3c,a2c,qn" "400 q1,sarsa1")
for g in "${SETS[@]}"; do
  read -r thr algos <<<"$g"
  "$BIN" sweep --env CartPole-v1 --algo "$algos" --procs 16 --seeds "$(commas $SEEDS)" --t-max "$T_MAX" \
    --target-return "$thr" --out "$OUT/table1-$thr" >&2 || exit $?
  "$BIN" sweep --env CartPole-v1 --algo "$algos" --procs "$(commas $PROCS_LIST)" --seeds "$(commas $SEEDS)" \
    --t-max "$T_MAX" --target-return "$thr" --stop-at-target --out "$OUT/table2-$thr" >&2 || exit $?
done

# The values of column COL for algorithm A and procs P in results.csv FILE,
# one per line ("" where the run never reached the threshold).
values() { # file, algo, procs, column
  awk -F, -v a="$2" -v p="$3" -v col="$4" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["algo"] == a && $c["procs"] == p { print $c[col] }' "$1"
}
# mean ± std of the non-empty numbers on stdin ("–" if none; std over n−1).
stats() {
  awk -v d="${1:-0}" '$1 != "" { x[n++] = $1 + 0 }
    END { if (n == 0) { print "–"; exit }
          for (i = 0; i < n; i++) s += x[i]; m = s / n
          for (i = 0; i < n; i++) q += (x[i] - m) ^ 2
          sd = n > 1 ? sqrt(q / (n - 1)) : 0
          printf "%.*f ± %.*f\n", d, m, d, sd }'
}
reached() { awk '$1 != "" { n++ } END { print n + 0 }'; }
mean() { awk '$1 != "" { s += $1; n++ } END { if (n) printf "%.4f", s / n }'; }

t1="$OUT/table1.md"
{
  echo "| algorithm | procs | threshold | seeds reaching it | steps to threshold | seconds to threshold | last-100 mean at $T_MAX steps |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for g in "${SETS[@]}"; do
    read -r thr algos <<<"$g"
    f="$OUT/table1-$thr/results.csv"
    for a in ${algos//,/ }; do
      printf '| %s | 16 | %s | %s of %s | %s | %s | %s |\n' "$a" "$thr" \
        "$(values "$f" "$a" 16 steps_to_threshold | reached)" "$NSEEDS" \
        "$(values "$f" "$a" 16 steps_to_threshold | stats 0)" \
        "$(values "$f" "$a" 16 seconds_to_threshold | stats 2)" \
        "$(values "$f" "$a" 16 final_mean_return_100 | stats 1)"
    done
  done
} >"$t1"

t2="$OUT/table2.md"
{
  printf '| algorithm | threshold |'; for p in $PROCS_LIST; do printf ' %s worker%s |' "$p" "$([ "$p" = 1 ] || echo s)"; done; echo
  printf '|---|---:|'; for p in $PROCS_LIST; do printf -- '---:|'; done; echo
  for g in "${SETS[@]}"; do
    read -r thr algos <<<"$g"
    f="$OUT/table2-$thr/results.csv"
    for a in ${algos//,/ }; do
      row_steps=""; row_secs=""; row_speed=""; base=""
      for p in $PROCS_LIST; do
        ms=$(values "$f" "$a" "$p" seconds_to_threshold | mean)
        [ -z "$base" ] && base=$ms
        row_steps+=" $(values "$f" "$a" "$p" steps_to_threshold | stats 0 | sed 's/ ± .*//') ($(values "$f" "$a" "$p" steps_to_threshold | reached)/$NSEEDS) |"
        row_secs+=" $(values "$f" "$a" "$p" seconds_to_threshold | stats 2) |"
        row_speed+=" $(awk -v b="$base" -v m="$ms" 'BEGIN { if (b != "" && m > 0) printf "%.2f×", b / m; else print "–" }') |"
      done
      echo "| $a: steps to threshold (seeds solved) | $thr |$row_steps"
      echo "| $a: seconds to threshold | |$row_secs"
      echo "| $a: speedup in seconds over 1 worker | |$row_speed"
    done
  done
} >"$t2"

echo "## Table 1 (CartPole-v1, --procs 16, seeds: $SEEDS)"; cat "$t1"; echo
echo "## Table 2 (CartPole-v1, seeds: $SEEDS; runs stop at the threshold)"; cat "$t2"
