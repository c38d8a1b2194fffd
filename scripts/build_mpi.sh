#!/bin/bash
# make mpi: builds hogwild-comm, the per-node communicator of
# `run --distributed` (Sources/hogwild-comm, include/hogwild.h NOTES (i)),
# with the MPI compiler wrapper found on PATH (Open MPI or MPICH), and
# installs it as DEST/hogwild-comm, where DEST is the hogwild-rl binary's
# folder (the Makefile passes it). Installs nothing else: without mpicc and
# mpi.h it prints one line naming the Debian packages and exits 1.
# Usage: scripts/build_mpi.sh DEST. $MPICC overrides the wrapper.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:?usage: scripts/build_mpi.sh DEST (the hogwild-rl binary folder)}
MPICC=${MPICC:-mpicc}
missing="make mpi: no MPI found ($MPICC with mpi.h); install one: apt-get install openmpi-bin libopenmpi-dev (or mpich libmpich-dev)"

command -v "$MPICC" > /dev/null 2>&1 || { echo "$missing" >&2; exit 1; }
printf '#include <mpi.h>\nint main(void) { return MPI_VERSION > 0 ? 0 : 1; }\n' \
  | "$MPICC" -x c -fsyntax-only - > /dev/null 2>&1 || { echo "$missing" >&2; exit 1; }

mkdir -p "$DEST"
cd "$ROOT"
"$MPICC" -std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE -I include -I Sources/CHogwild/include \
  -o "$DEST/hogwild-comm.tmp" Sources/hogwild-comm/*.c Sources/CHogwild/shm.c Sources/CHogwild/lock.c -lpthread
mv -f "$DEST/hogwild-comm.tmp" "$DEST/hogwild-comm"
if "$MPICC" --showme:version > /dev/null 2>&1; then
  impl=$("$MPICC" --showme:version 2>&1 | sed 's/^[^:]*: //; s/ (Language.*//')
else
  impl=$("$MPICC" -v 2>&1 | head -1)
fi
echo "mpi: built $DEST/hogwild-comm ($impl)"
