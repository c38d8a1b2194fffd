#!/usr/bin/env bash
# make soak: hogwild-rl under sustained faults (not part of make test).
#
#  1. 16 workers on CartPole-v1 for about SOAK_SECONDS (default 60) while a
#     random running worker is SIGKILLed every 200 ms and the supervisor gets
#     a SIGSTOP/SIGCONT pair every 5 s. The run must end on its own with
#     exit 0, worker_restarts must equal the number of kills, and no process
#     or /dev/shm entry may be left.
#  2. The same run with the supervisor SIGKILLed mid-run: every worker must be
#     gone within a second, `clean` removes the orphan, and `run --resume`
#     continues from the last periodic checkpoint.
# Needs only bash and coreutils. Prints a summary; exit status 0 = passed.
set -uo pipefail
BIN=${HOGWILD_BIN:-.build/release/hogwild-rl}
SECONDS_WANTED=${SOAK_SECONDS:-60}
tmp=$(mktemp -d /tmp/hogwild-soak.XXXXXX)
seg="/hogwild-soak.$$"
fails=0
cleanup() { pkill -KILL -f -- "--segment $seg" 2>/dev/null; rm -f "/dev/shm${seg}"; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
field() { sed -n "s/^  \"$2\": \"\{0,1\}\([^,\"]*\)\"\{0,1\},\{0,1\}$/\1/p" "$1/summary.json"; }
# Worker pids as the segment records them (for the crash case, where the
# supervisor is gone); while it lives, its children are the workers.
worker_pids() { "$BIN" dump --json "$seg" 2>/dev/null | sed -n 's/^      "pid": \([0-9]*\),$/\1/p'; }
# Running or stopped, as opposed to gone or a zombie. (No forks: with 16 busy
# workers on 2 cores, every fork in this loop costs milliseconds.)
running() { local _p _c s; read -r _p _c s _ 2>/dev/null <"/proc/$1/stat" && [ "$s" != Z ] && [ "$s" != X ]; }

# Calibrate T_max to about SOAK_SECONDS of training at this machine's speed.
"$BIN" run --procs 16 --t-max 6M --quiet --out "$tmp/cal" >/dev/null || { echo "calibration run failed"; exit 1; }
sps=$(field "$tmp/cal" steps_per_second)
tmax=$(( ${sps%.*} * SECONDS_WANTED * 8 / 10 ))
echo "soak 1: 16 workers, T_max $tmax (~${SECONDS_WANTED} s at ${sps%.*} steps/s), a worker SIGKILLed every 200 ms"

"$BIN" run --procs 16 --t-max "$tmax" --quiet --max-restarts 100000 --segment "$seg" --out "$tmp/soak" \
  >"$tmp/soak.out" 2>"$tmp/soak.err" &
sup=$!
for _ in $(seq 50); do [ -e "/dev/shm${seg}" ] && break; sleep 0.1; done
kills=0; stops=0; start=$SECONDS
while kill -0 "$sup" 2>/dev/null; do
  sleep 0.2
  mapfile -t pids < <(pgrep -P "$sup")
  [ ${#pids[@]} -gt 0 ] || continue
  victim=${pids[$((RANDOM % ${#pids[@]}))]}
  if running "$victim" && kill -KILL "$victim" 2>/dev/null; then kills=$((kills + 1)); fi
  if [ $stops -lt $(( (SECONDS - start) / 5 )) ]; then
    kill -STOP "$sup" 2>/dev/null; sleep 0.3; kill -CONT "$sup" 2>/dev/null; stops=$((stops + 1))
  fi
  [ $(( SECONDS - start )) -gt $(( SECONDS_WANTED * 3 )) ] && { fail "run still going after $(( SECONDS_WANTED * 3 )) s"; kill -INT "$sup"; }
done
wait "$sup"; rc=$?
elapsed=$(( SECONDS - start ))
restarts=$(field "$tmp/soak" worker_restarts)
mean=$(field "$tmp/soak" mean_return_100)
echo "  exit $rc after ${elapsed} s; kills $kills; worker_restarts $restarts; supervisor stopped $stops times; final mean100 $mean"
[ "$rc" -eq 0 ] || fail "soak run exited $rc: $(tail -2 "$tmp/soak.err")"
[ "$restarts" = "$kills" ] || fail "worker_restarts $restarts != kills $kills"
[ -e "/dev/shm${seg}" ] && fail "segment left behind"
left=$(ps -eo pid,ppid,stat | awk -v p="$sup" '$2 == p')
[ -z "$left" ] || fail "processes left: $left"

echo "soak 2: supervisor SIGKILLed mid-run, then clean and --resume"
"$BIN" run --procs 16 --t-max 1000000000 --quiet --checkpoint-every 1s --segment "$seg" --out "$tmp/crash" \
  >/dev/null 2>"$tmp/crash.err" &
sup=$!
sleep 4
mapfile -t pids < <(worker_pids)
kill -KILL "$sup"; wait "$sup" 2>/dev/null
sleep 1
alive=0; for p in "${pids[@]}"; do running "$p" && alive=$((alive + 1)); done
echo "  workers still running 1 s after the supervisor's SIGKILL: $alive of ${#pids[@]}"
[ "$alive" -eq 0 ] || fail "$alive workers outlived the supervisor"
"$BIN" dump --list | grep -q "$seg" || fail "dump --list does not show the orphan"
"$BIN" clean >/dev/null
[ -e "/dev/shm${seg}" ] && fail "clean did not remove the orphan"
[ -f "$tmp/crash/checkpoint.bin" ] || fail "no periodic checkpoint before the crash"
rows1=$(wc -l <"$tmp/crash/metrics.csv")
"$BIN" run --resume "$tmp/crash" --t-max 2000000000 --target-return 475 --quiet >/dev/null 2>"$tmp/resume.err"; rc=$?
rows2=$(wc -l <"$tmp/crash/metrics.csv")
echo "  resume: exit $rc, metrics rows $rows1 -> $rows2, exit_reason $(field "$tmp/crash" exit_reason), mean100 $(field "$tmp/crash" mean_return_100)"
[ "$rc" -eq 0 ] || fail "resume exited $rc: $(tail -1 "$tmp/resume.err")"
[ "$rows2" -gt "$rows1" ] || fail "resume appended no rows"

[ $fails -eq 0 ] && echo "soak passed" || echo "soak FAILED ($fails)"
[ $fails -eq 0 ]
