# hogwild-rl — two commands set up and use the project: `make run`, `make test`.
SWIFT   ?= swift
PREFIX  ?= /usr/local
CONFIG  ?= release
BIN     := .build/$(CONFIG)/hogwild-rl
# Builds target this machine's CPU (AVX2/AVX-512); `make PORTABLE=1 …` builds
# for any x86-64 (see Package.swift).
ifeq ($(PORTABLE),1)
export HOGWILD_PORTABLE := 1
endif
SWIFTFLAGS ?=

.PHONY: build run test bench soak sanitize tables study interop install clean lint \
        atari atari-check atari-bench atari-fixture mpi mpi-bench study-mpi

build:
	$(SWIFT) build -c $(CONFIG) $(SWIFTFLAGS)

# Builds, then trains CartPole-v1 with the defaults (stops once solved).
run: build
	$(BIN) run

# Builds and runs every test. Tests that need several processes drive the
# built executable as a subprocess (HOGWILD_BIN).
test: build
	$(SWIFT) build -c $(CONFIG) --build-tests $(SWIFTFLAGS)
	HOGWILD_BIN=$(CURDIR)/$(BIN) $(SWIFT) test -c $(CONFIG) --skip-build $(SWIFTFLAGS)

# Throughput, apply kernels, memory, allocations, time-to-solve (see
# BENCHMARKS.md); prints a table and writes bench.json. Under 5 minutes on
# 2 vCPUs; `make bench BENCH_ARGS=--quick` is a ~20 s smoke run.
BENCH_ARGS ?=
bench: build
	HOGWILD_BIN=$(CURDIR)/$(BIN) .build/$(CONFIG)/hogwild-bench $(BENCH_ARGS)

# The README's algorithm tables (every algorithm at --procs 16, and the
# paper's Table 2 shape over 1–16 workers) from real runs into tables/;
# an interrupted run continues where it stopped. About 20 minutes on 2 vCPUs.
tables: build
	BIN=$(BIN) ./scripts/tables.sh

# The sweeps behind docs/STUDY.md (staleness against delay and workers, lost
# updates by update mode, learning against controlled staleness, A3C against
# A2C) into study/; copies the figures it embeds into docs/study/. An
# interrupted run continues where it stopped. About 3 minutes on 2 vCPUs.
study: build
	BIN=$(BIN) ./scripts/study.sh

# hogwild-rl against the real Python ecosystem (not part of make test; needs
# PyPI): makes a throwaway venv in .build-interop/venv (gymnasium, numpy,
# stable-baselines3 with torch, safetensors, tensorboard, minatar), trains
# gym:CartPole-v1, gym:Acrobot-v1 and gym:MinAtar/Breakout-v1 through the
# bridge, the C plugin CartPole against the built-in, measures SB3 A2C and
# hogwild-bench section 9, and exports CartPole, Acrobot, Pendulum and
# MinAtar policies that examples/policy.py runs in the real gymnasium and
# examples/torch_policy.py loads into PyTorch (docs/EXPORT.md); logs in
# interop/. About 12 minutes on 2 quiet vCPUs, 28 measured on a shared one
# (plus the venv the first time). `make interop INTEROP=policy` runs one
# section (bridge, minatar, sb3, bench, policy).
INTEROP ?=
interop: build
	BIN=$(BIN) BENCH=.build/$(CONFIG)/hogwild-bench ./scripts/interop.sh $(INTEROP)

# The Atari 2600 plugin (docs/ATARI.md; not part of make test): builds the ALE
# from the pinned ale-py 0.12.1 source distribution (PyPI, cmake, zlib1g-dev)
# in .build-atari/ and installs libhogwild_ale.so and the ROMs in hogwild-ale/
# beside the binary (the real folder, not the .build/$(CONFIG) symlink, so
# that SwiftPM can still make that link). 4-6 minutes cold, 1 s warm.
# atari-check replays Gymnasium's fixtures through the plugin (must match
# exactly); atari-bench measures steps/s; atari-fixture re-records the
# fixtures with the real gymnasium (needs PyPI).
ATARI_DIR = $$($(SWIFT) build -c $(CONFIG) $(SWIFTFLAGS) --show-bin-path)/hogwild-ale
atari:
	./scripts/build_atari.sh "$(ATARI_DIR)"

atari-check: atari
	./scripts/atari_check.sh "$(ATARI_DIR)"

atari-bench: atari
	./scripts/atari_check.sh "$(ATARI_DIR)" --bench

atari-fixture:
	./scripts/make_atari_fixture.sh

# Several nodes on MPI (docs/DISTRIBUTED.md; not needed by make run or make
# test): builds hogwild-comm, the communicator `run --distributed` spawns on
# each node, with mpicc (Open MPI or MPICH), next to the hogwild-rl binary.
# Installs nothing: without MPI it names the Debian packages and fails.
# mpi-bench measures sync time against θ size for P = 2, 3, 4 on loopback.
MPI_DIR = $$($(SWIFT) build -c $(CONFIG) $(SWIFTFLAGS) --show-bin-path)
mpi:
	./scripts/build_mpi.sh "$(MPI_DIR)"

mpi-bench: mpi
	./scripts/mpi_bench.sh "$(MPI_DIR)/hogwild-comm"

# The learning comparisons of docs/DISTRIBUTED.md (sum against mean,
# --sync-every 10/50/200 ms, 2 ranks against one machine; CartPole-v1 and
# MinAtar Breakout) into study/distributed/. About 25 minutes on 2 vCPUs.
study-mpi: build mpi
	BIN=$(BIN) ./scripts/study_distributed.sh

# Sustained faults: random worker kills, supervisor stops, a supervisor crash
# and resume (about 2 minutes; not part of make test). See RELIABILITY.md.
soak: build
	HOGWILD_BIN=$(CURDIR)/$(BIN) ./scripts/soak.sh

# The unit tests under AddressSanitizer, with UndefinedBehaviorSanitizer on
# the C target (debug build in .build-sanitize, rebuilt from scratch: SwiftPM
# 6.3 fails incremental builds made with extra flags). Swift on Linux has no
# UBSan of its own (its checked arithmetic and bounds already trap), and the
# Hogwild! race on θ is deliberate, so there is no ThreadSanitizer target (it
# would report exactly that race). Subprocess training tests are skipped: a
# debug ASan build trains ~50x slower. Leak reports are off: workers never
# free what lives until they _exit.
sanitize:
	rm -rf .build-sanitize
	$(SWIFT) build -c debug --build-tests --scratch-path .build-sanitize --sanitize=address \
	  -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined
	ASAN_OPTIONS=detect_leaks=0 .build-sanitize/debug/hogwild-rlPackageTests.xctest \
	  --testing-library swift-testing --skip CLITests --skip aSingleWorkerLearnsCartPole

# Installs the binary; and, when `make atari` built them, the Atari plugin
# and its ROMs in $(PREFIX)/lib/hogwild-rl/hogwild-ale/, where the installed
# binary looks for them (docs/ATARI.md).
install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/hogwild-rl
	@ale="$(ATARI_DIR)"; \
	if [ -f "$$ale/libhogwild_ale.so" ]; then \
	  dest=$(DESTDIR)$(PREFIX)/lib/hogwild-rl/hogwild-ale; \
	  install -d "$$dest/roms" && install -m 0755 "$$ale/libhogwild_ale.so" "$$dest/" \
	    && install -m 0644 "$$ale"/roms/*.bin "$$dest/roms/" \
	    && echo "installed the Atari plugin and its ROMs in $$dest"; \
	else echo "(no Atari plugin to install: 'make atari' builds it)"; fi

# What ARCHITECTURE.md promises, checked by grep: raw pointers stay in the
# segment module (and TinyNN's kernel files); each C module is imported by
# its one Swift module only (CHogwild by HogwildSegment, CHogwildSys by
# HogwildSys, CEnvHost by EnvSources, CTunedSettings by HogwildCLI; and by that module's tests); the leaf modules Formats and Plot
# import no module of the project.
lint:
	@bad=$$(grep -rln 'UnsafeMutableRawPointer\|UnsafeRawPointer\|assumingMemoryBound\|bindMemory' Sources \
	  | grep -v '^Sources/HogwildSegment/' | grep -v '^Sources/TinyNN/\(Conv\|LSTM\|Batch\)\{0,1\}Kernels.swift$$' ); \
	if [ -n "$$bad" ]; then echo "raw pointers outside HogwildSegment: $$bad"; exit 1; fi
	@for pair in CHogwild:HogwildSegment CHogwildSys:HogwildSys CEnvHost:EnvSources CTunedSettings:HogwildCLI; do \
	  c=$${pair%%:*}; home=$${pair##*:}; \
	  bad=$$(grep -rlE "^(@[A-Za-z_]+ )*import $$c\$$" Sources Tests --include='*.swift' | grep -v "^Sources/$$home/\|^Tests/$${home}Tests/"); \
	  if [ -n "$$bad" ]; then echo "import $$c outside $$home:" $$bad; exit 1; fi; \
	done
	@mods=$$(ls Sources | tr '\n' '|' | sed 's/|$$//'); \
	bad=$$(grep -rlE "^(@[A-Za-z_]+ )*import ($$mods)\$$" Sources/Formats Sources/Plot); \
	if [ -n "$$bad" ]; then echo "a leaf module imports the project:" $$bad; exit 1; fi
	@echo "lint ok"

# Removes build products, and first (with the binary still there) every
# /dev/shm hogwild segment no live process holds: `hogwild-rl clean`.
clean:
	-@if [ -x $(BIN) ]; then $(BIN) clean; fi
	rm -rf .build
