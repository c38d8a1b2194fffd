#!/bin/bash
# make mpi-bench: the cost of one sync against θ's size and the number of
# ranks, on this machine's loopback (BENCHMARKS.md, "Several nodes"). For P
# = 2, 3, 4 ranks, `hogwild-comm bench` times 60 syncs of a θ of 4,675 floats
# (the CartPole MLP), 132,308 (MinAtar's conv net) and 678,000 (the Atari net
# of Mnih et al. 2016) — delta, MPI_Allreduce, merge — and prints the median
# and 90th percentile of the slowest rank. Loopback ranks share the cores
# and the memory bus: these are not network figures (see BENCHMARKS.md for
# the arithmetic on 10 GbE).
# Usage: scripts/mpi_bench.sh PATH/TO/hogwild-comm [RANKS…]. $MPIRUN_OPTIONS
# replaces the Open MPI options below (MPICH's mpiexec needs none).
set -eu
COMM=${1:?usage: scripts/mpi_bench.sh PATH/TO/hogwild-comm [RANKS…]}
shift
RANKS=${*:-2 3 4}
[ -x "$COMM" ] || { echo "error: $COMM not found; run 'make mpi'" >&2; exit 1; }
command -v mpirun > /dev/null || { echo "error: no mpirun; apt-get install openmpi-bin libopenmpi-dev" >&2; exit 1; }
if [ -z "${MPIRUN_OPTIONS+x}" ]; then
  MPIRUN_OPTIONS="--oversubscribe --bind-to none --mca btl self,tcp --mca mpi_yield_when_idle 1"
  [ "$(id -u)" = 0 ] && MPIRUN_OPTIONS="--allow-run-as-root $MPIRUN_OPTIONS"
fi
echo "$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for p in $RANKS; do
  # shellcheck disable=SC2086
  mpirun $MPIRUN_OPTIONS -np "$p" "$COMM" bench 4675 132308 678000
done
