#!/usr/bin/env bash
# make bench: end-to-end A3C throughput and time-to-solve on CartPole-v1.
# Prints a table; writes bench.json. Figures are medians over repeats
# (timings on a shared 2-vCPU machine vary by ±30%).
set -euo pipefail
BIN=${HOGWILD_BIN:-.build/release/hogwild-rl}
REPEATS=${REPEATS:-3}
SEEDS=${SEEDS:-5}
TMAX=${TMAX:-2000000}
tmp=$(mktemp -d /tmp/hogwild-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

field() { sed -n "s/^  \"$2\": \([^,]*\),\{0,1\}$/\1/p" "$1/summary.json"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
minmax() { sort -g | awk 'NR==1{lo=$1} {hi=$1} END {printf "%s-%s", lo, hi}'; }

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "command: $BIN run --procs N --t-max $TMAX --quiet   (throughput, $REPEATS repeats)"
printf "%-34s %14s %20s\n" "figure" "median" "min-max"
json="{"
for procs in 1 2 16; do
  for r in $(seq "$REPEATS"); do
    "$BIN" run --procs "$procs" --t-max "$TMAX" --seed "$r" --quiet --out "$tmp/t$procs.$r" >/dev/null
    field "$tmp/t$procs.$r" steps_per_second
  done >"$tmp/sps$procs"
  m=$(median <"$tmp/sps$procs"); mm=$(minmax <"$tmp/sps$procs")
  printf "%-34s %14.0f %20s\n" "env steps/s, --procs $procs" "$m" "$mm"
  json+="\"steps_per_second_procs_$procs\": $m, "
done
for procs in 2 16; do
  : >"$tmp/sec$procs"; : >"$tmp/steps$procs"
  for s in $(seq "$SEEDS"); do
    "$BIN" run --procs "$procs" --seed "$s" --quiet --out "$tmp/s$procs.$s" >/dev/null
    field "$tmp/s$procs.$s" solved_at_seconds >>"$tmp/sec$procs"
    field "$tmp/s$procs.$s" solved_at_step >>"$tmp/steps$procs"
  done
  ms=$(median <"$tmp/sec$procs"); mst=$(median <"$tmp/steps$procs")
  printf "%-34s %14.2f %20s\n" "seconds to solve, --procs $procs" "$ms" "$(awk '{printf "%.2f\n", $1}' "$tmp/sec$procs" | minmax)"
  printf "%-34s %14s %20s\n" "steps to solve, --procs $procs" "$mst" "$(minmax <"$tmp/steps$procs")"
  json+="\"seconds_to_solve_procs_$procs\": $ms, \"steps_to_solve_procs_$procs\": $mst, "
done
json="${json%, }}"
echo "$json" >bench.json
echo "(solve: default run, seeds 1-$SEEDS, mean of last 100 episodes >= 475; written to bench.json)"
