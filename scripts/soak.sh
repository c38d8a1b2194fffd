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
#  3. Signals during startup: runs with a 17 MB θ to fill get SIGTERM or
#     SIGHUP 0-40 ms after they start (before, during and after the segment
#     and files are made): none may leave a segment or a .tmp file, and each
#     that made its directory must have written summary.json. Then the same
#     with SIGKILL (which cannot be waited for): `clean` must remove every
#     segment they left, readable or not.
#  4. A reader that goes away: `run 2>&1 | head -n 1` must exit 0 (pipefail),
#     write summary.json and remove its segment.
# Needs only bash and coreutils. Prints a summary; exit status 0 = passed.
set -uo pipefail
BIN=${HOGWILD_BIN:-.build/release/hogwild-rl}
SECONDS_WANTED=${SOAK_SECONDS:-60}
tmp=$(mktemp -d /tmp/hogwild-soak.XXXXXX)
seg="/hogwild-soak.$$"
fails=0
cleanup() { pkill -KILL -f -- "--segment $seg" 2>/dev/null; rm -f "/dev/shm${seg}" "/dev/shm${seg}".*; rm -rf "$tmp"; }
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

echo "soak 3: stop signals during startup"
startups=${SOAK_STARTUPS:-30}
leaked=0; tmpfiles=0; unwritten=0; clean_stops=0
for i in $(seq "$startups"); do
  # TERM and HUP: a background job of a non-interactive shell starts with
  # SIGINT ignored, so an INT before the handlers exist would be lost.
  sig=$([ $((i % 2)) -eq 0 ] && echo TERM || echo HUP)
  "$BIN" run --procs 2 --t-max 1000000000 --hidden 2048,2048 --quiet --segment "$seg.s$i" --out "$tmp/s$i" \
    >/dev/null 2>&1 &
  p=$!
  sleep "0.0$(( (i * 7) % 40 / 10 ))$(( (i * 7) % 10 ))"
  kill -"$sig" "$p" 2>/dev/null; wait "$p" 2>/dev/null
  [ -e "/dev/shm$seg.s$i" ] && { leaked=$((leaked + 1)); rm -f "/dev/shm$seg.s$i"; }
  ls "$tmp/s$i" 2>/dev/null | grep -q '\.tmp$' && tmpfiles=$((tmpfiles + 1))
  if [ -d "$tmp/s$i" ]; then
    if [ -f "$tmp/s$i/summary.json" ]; then clean_stops=$((clean_stops + 1)); else unwritten=$((unwritten + 1)); fi
  fi
done
echo "  $startups runs stopped 0-40 ms after start: $clean_stops stopped cleanly, the rest before making anything;"
echo "  segments left $leaked, .tmp files left $tmpfiles, directories without summary.json $unwritten"
[ "$leaked" -eq 0 ] || fail "$leaked segments left by a stop signal during startup"
[ "$tmpfiles" -eq 0 ] || fail "$tmpfiles .tmp files left"
[ "$unwritten" -eq 0 ] || fail "$unwritten run directories without summary.json"
kills=${SOAK_STARTUP_KILLS:-10}
for i in $(seq "$kills"); do
  "$BIN" run --procs 2 --t-max 1000000000 --hidden 2048,2048 --quiet --segment "$seg.k$i" --out "$tmp/k$i" \
    >/dev/null 2>&1 &
  p=$!
  sleep "0.0$(( (i * 9) % 40 / 10 ))$(( (i * 9) % 10 ))"
  kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
done
sleep 0.5
before_clean=$(ls /dev/shm | grep -c "^${seg#/}\.k" || true)
for i in $(seq "$kills"); do "$BIN" clean "$seg.k$i" >/dev/null 2>&1; done
after_clean=$(ls /dev/shm | grep -c "^${seg#/}\.k" || true)
echo "  $kills runs SIGKILLed 0-40 ms after start: $before_clean segments left, $after_clean after clean"
[ "$after_clean" -eq 0 ] || { fail "clean left $after_clean SIGKILLed startup segments"; rm -f /dev/shm${seg}.k*; }

echo "soak 4: a reader that goes away (run 2>&1 | head -n 1)"
pipes=${SOAK_PIPES:-5}
broken=0
for i in $(seq "$pipes"); do
  ( set -o pipefail; "$BIN" run --procs 2 --t-max 2M --segment "$seg.p$i" --out "$tmp/p$i" 2>&1 | head -n 1 >/dev/null ); rc=$?
  if [ "$rc" -ne 0 ] || [ ! -f "$tmp/p$i/summary.json" ] || [ -e "/dev/shm$seg.p$i" ]; then
    broken=$((broken + 1)); echo "  run $i: exit $rc"; rm -f "/dev/shm$seg.p$i"
  fi
done
echo "  $pipes runs: $((pipes - broken)) exited 0 with summary.json and no segment left"
[ "$broken" -eq 0 ] || fail "$broken runs died or leaked when their reader went away"

[ $fails -eq 0 ] && echo "soak passed" || echo "soak FAILED ($fails)"
[ $fails -eq 0 ]
