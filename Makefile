# blankslate — build, test, demo. Every target installs what it needs first
# (testvm/install-deps.sh, idempotent; it needs root and Debian 12).

GO       ?= go
BIN      := bin/blankslate
# The same source built with the fault-injection hook, for the VM power-cut
# scenarios only (cmd/blankslate/faultinject.go); never installed.
FAULT_BIN := bin/blankslate-faultinject
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo dev)
VM_WORK  ?= /var/tmp/blankslate-vm
# VMs booted at once (each takes one core under emulation).
VM_PARALLEL ?= 2
# Where the Debian userland's tarball is kept between runs (testvm/userland.go).
USERLAND_CACHE ?= /var/tmp/blankslate-userland-cache
# The static build: Debian's libzfs archives, no libc NSS or resolver at run time.
STATIC_TAGS    := static netgo osusergo
STATIC_LDFLAGS := -s -w -linkmode external -extldflags "-static" -X main.version=$(VERSION)

.PHONY: all deps build build-faultinject install dracut-check userland-test test unit-test vm-test soak nix-check bench bench-tools bench-report demo clean

all: build

deps:
	bash testvm/install-deps.sh

# The linker warns that getpwnam, getaddrinfo and dlopen in the static archives
# need the shared glibc at run time; blankslate never reaches those paths.
build: deps
	mkdir -p bin
	CGO_ENABLED=1 $(GO) build -trimpath -tags '$(STATIC_TAGS)' -ldflags '$(STATIC_LDFLAGS)' \
		-o $(BIN) ./cmd/blankslate 2>bin/build.log || { cat bin/build.log >&2; exit 1; }
	@file $(BIN) | grep -q 'statically linked' || { echo "$(BIN) is not statically linked" >&2; exit 1; }
	@! strings $(BIN) | grep -i -e 'blankslate_fault' -e 'blankslate_test' -e 'fault injection' || \
		{ echo "$(BIN) carries a test hook" >&2; exit 1; }
	@ls -l $(BIN) | awk '{print "built $(BIN):", $$5, "bytes, static, no test hook"}'

# make install: the binary, the units and the dracut module where Debian and Fedora
# look for them. PREFIX places the binary and the units (systemd also reads
# /usr/local/lib/systemd/system); the dracut module always goes to
# /usr/lib/dracut/modules.d, the one place dracut reads modules from, and is told
# where the binary and the units went. DESTDIR stages the whole tree (packaging, tests).
# The units are not enabled here: dracut enables the initrd ones in the image
# (`dracut --add blankslate`), the administrator enables blankslate-audit.service
# (docs/dracut.md).
PREFIX       ?= /usr
BINDIR       ?= $(PREFIX)/bin
UNITDIR      ?= $(PREFIX)/lib/systemd/system
DRACUTMODDIR ?= /usr/lib/dracut/modules.d
INITRD_UNITS := systemd/blankslate-rollback.service systemd/blankslate-persist.service
install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/blankslate
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DRACUTMODDIR)/90blankslate
	install -m 0644 $(INITRD_UNITS) $(DESTDIR)$(UNITDIR)/
	install -D -m 0644 systemd/machine-id-commit.conf \
		$(DESTDIR)$(UNITDIR)/systemd-machine-id-commit.service.d/blankslate.conf
	sed 's|^ExecStart=/bin/blankslate |ExecStart=$(BINDIR)/blankslate |' systemd/blankslate-audit.service \
		>$(DESTDIR)$(UNITDIR)/blankslate-audit.service
	@grep -q '^ExecStart=$(BINDIR)/blankslate audit$$' $(DESTDIR)$(UNITDIR)/blankslate-audit.service || \
		{ echo "install: blankslate-audit.service has no ExecStart=/bin/blankslate line to point at $(BINDIR)" >&2; exit 1; }
	sed -e 's|^blankslate_default_binary=.*|blankslate_default_binary=$(BINDIR)/blankslate|' \
		-e 's|^blankslate_default_unitdir=.*|blankslate_default_unitdir=$(UNITDIR)|' \
		dracut/90blankslate/module-setup.sh >$(DESTDIR)$(DRACUTMODDIR)/90blankslate/module-setup.sh
	chmod 0755 $(DESTDIR)$(DRACUTMODDIR)/90blankslate/module-setup.sh

# The install tree, and an initrd made by this host's dracut with `--add blankslate`
# from that tree: the binary, the configuration and the enabled units in the image
# (dracut/test-install.sh says what it checks). Needs root (dracut) and the 6.12 guest
# kernel's modules; both come with make deps.
dracut-check: build
	bash dracut/test-install.sh

build-faultinject: deps
	mkdir -p bin
	CGO_ENABLED=1 $(GO) build -trimpath -tags '$(STATIC_TAGS) faultinject' -ldflags '$(STATIC_LDFLAGS)' \
		-o $(FAULT_BIN) ./cmd/blankslate 2>bin/build-faultinject.log || { cat bin/build-faultinject.log >&2; exit 1; }

unit-test: deps
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting" >&2; exit 1; }
	$(GO) vet ./...
	$(GO) vet -tags vm ./testvm/
	$(GO) vet -tags vm,userland ./testvm/
	$(GO) vet -tags vm,bench ./testvm/
	$(GO) vet -tags faultinject ./cmd/blankslate/
	$(GO) vet -tags zfsguest ./internal/zfs/libzfs/
	$(GO) test -race -count=1 ./...
	cd bench/report && $(GO) vet ./... && $(GO) test -count=1 ./...

# 200 runs of `blankslate roots` while signals arrive in make test (each takes
# about a second under emulation); make soak runs the full 1,000.
SIGNALS_ROOTS_RUNS ?= 200
# The Debian userland (userland-test below) runs here too, beside the others.
vm-test: build build-faultinject
	BLANKSLATE_BIN=$(CURDIR)/$(BIN) BLANKSLATE_FAULT_BIN=$(CURDIR)/$(FAULT_BIN) BLANKSLATE_VM_WORK=$(VM_WORK) \
		BLANKSLATE_SIGNALS_ROOTS_RUNS=$(SIGNALS_ROOTS_RUNS) BLANKSLATE_USERLAND_CACHE=$(USERLAND_CACHE) \
		$(GO) test -tags vm,userland -count=1 -v -timeout 75m -parallel $(VM_PARALLEL) ./testvm/ $(if $(RUN),-run '$(RUN)')

# A Debian 12 userland (mmdebstrap, cached in USERLAND_CACHE keyed by its package
# list) as the blank root, its initrd made by its own dracut with the 90blankslate
# module, booted three times (testvm/userland_vm_test.go). About 8 minutes with
# the userland cached, 12 without; make vm-test (and so make test) runs it beside
# the other scenarios, this target runs it alone (docs/dracut.md).
userland-test: build
	BLANKSLATE_BIN=$(CURDIR)/$(BIN) BLANKSLATE_VM_WORK=$(VM_WORK) BLANKSLATE_USERLAND_CACHE=$(USERLAND_CACHE) \
		$(GO) test -tags vm,userland -count=1 -v -timeout 90m -run 'TestDebianUserland' ./testvm/

# The full counts of the reliability tests (docs/RELIABILITY.md): 20 power cuts
# of each kind (rollback, keep and audit, persist), 50 boots of one disk
# through the systemd initrd, and 1,000 runs of `blankslate roots` while
# signals arrive. `make test` runs the same tests with a few of each.
# Seeds are printed; BLANKSLATE_CUT_SEED= or BLANKSLATE_SOAK_SEED= replays one.
SOAK_CUTS  ?= 20
SOAK_BOOTS ?= 50
soak: build build-faultinject
	BLANKSLATE_BIN=$(CURDIR)/$(BIN) BLANKSLATE_FAULT_BIN=$(CURDIR)/$(FAULT_BIN) BLANKSLATE_VM_WORK=$(VM_WORK) \
		BLANKSLATE_CUTS=$(SOAK_CUTS) BLANKSLATE_SOAK_BOOTS=$(SOAK_BOOTS) \
		$(GO) test -tags vm -count=1 -v -timeout 240m -parallel $(VM_PARALLEL) \
		-run '$(if $(RUN),$(RUN),TestPowerCutsConverge|TestSoakBootsConverge|TestRecoveryPowerCut|TestListingsSurviveSignals)' ./testvm/

# Every .nix file must parse; the module's evaluation test runs against nixpkgs' lib
# when NIXPKGS_LIB points at one, else against the stand-in in nix/tests/lib; the
# package build runs nix/package.nix's own phases with Debian's Go against a tree
# shaped like nixpkgs' zfs outputs, and proves that a missing Requires.private fails it;
# package.nix's vendorHash is recomputed from its source and must match.
nix-check: deps
	bash nix/tests/parse-all.sh
	bash nix/tests/vendor-hash.sh --check
	bash nix/tests/run-eval.sh $(NIXPKGS_LIB)
	bash nix/tests/package-build.sh --self-test $(NIXPKGS_LIB)

test: unit-test nix-check dracut-check vm-test

clean:
	rm -rf bin $(VM_WORK)

# Benchmarks on real ZFS in the VM (bench/results.md says what each measures).
# The guest's helpers are C, static: bstool (timing, peak RSS, writing the dirty
# root fast), floor (the least a rollback can do, against libzfs_core's archive)
# and zinit (libzfs_init alone, linked as the blankslate binary links libzfs).
BENCH_TOOLS_CFLAGS := -O2 -Wall -Wextra -static
# zinit links libzfs with the libraries the static binary links, read from the
# one place that lists them (a cgo directive cannot read a Make variable).
ZFS_STATIC_LIBS := $(shell sed -n 's,^// \#cgo LDFLAGS: ,,p' internal/zfs/libzfs/link_static.go)
bench-tools: deps
	mkdir -p bin
	cc $(BENCH_TOOLS_CFLAGS) -o bin/bstool bench/tools/bstool.c
	cc $(BENCH_TOOLS_CFLAGS) $$(pkg-config --cflags libzfs_core) -o bin/floor bench/tools/floor.c \
		-lzfs_core -lnvpair -ltirpc -pthread
	@test -n "$(ZFS_STATIC_LIBS)" || { echo "bench-tools: no #cgo LDFLAGS line in internal/zfs/libzfs/link_static.go" >&2; exit 1; }
	cc $(BENCH_TOOLS_CFLAGS) -D_GNU_SOURCE $$(pkg-config --cflags libzfs) -o bin/zinit bench/tools/zinit.c \
		internal/zfs/libzfs/udev_static.c $(ZFS_STATIC_LIBS)

# make bench: every part in the VM (the rollback matrix, persist against entries,
# persist in the systemd initrd against mount units, the initrd critical path,
# sizes), then the report. BENCH_RUNS runs of each contender in every case; all
# of it takes about seven hours under emulation on a two-core machine
# (bench/results.md gives each part's time). BENCH_PARTS, BENCH_CASES,
# BENCH_PERSIST, BENCH_UNITS, BENCH_CHAIN_CASES narrow it (testvm/bench_test.go);
# a part's budget in seconds (BENCH_BUDGET_*) starts no further run once spent,
# the runs left out noted in bench/results.md; BENCH_MERGE=1 keeps the runs of
# the parts left out from the bench/results.json there, and those of the cases a
# part re-run leaves out, so that the parts can be run at different times. make bench-report remakes the tables and plots from
# bench/results.json without a VM.
export BENCH_RUNS ?= 5
export BENCH_CASES ?= none,50M,1G,20k,100k,s10,s100
export BENCH_PERSIST ?= 5,100,1000,10000
export BENCH_UNITS ?= 5,100,1000,10000
export BENCH_CHAIN_CASES ?= none,50M,20k
export BENCH_PARTS ?= rollback,persist,units,chain,size
# The results file; with BENCH_MERGE=1 two runs of different parts (from two
# checkouts, each with its own VM_WORK) can share one, one VM on each core.
BENCH_JSON ?= $(CURDIR)/bench/results.json
bench: build bench-tools
	mkdir -p bench
	BLANKSLATE_BIN=$(CURDIR)/$(BIN) BLANKSLATE_BENCH_TOOLS=$(CURDIR)/bin BLANKSLATE_VM_WORK=$(VM_WORK) \
		BLANKSLATE_BENCH_JSON=$(abspath $(BENCH_JSON)) \
		$(GO) test -tags vm,bench -count=1 -v -timeout 600m -run TestBench ./testvm/
	$(MAKE) bench-report

# The tables and plots are written beside the results file they are made from,
# so a run from a second checkout (BENCH_JSON naming main's file) reports there.
bench-report:
	cd bench/report && $(GO) run . -in $(abspath $(BENCH_JSON)) -out $(dir $(abspath $(BENCH_JSON)))

# The main job, narrated: the seed's disk, a real systemd initrd with blankslate,
# two boots under qemu (a few minutes under emulation).
demo: build
	$(GO) run ./testvm/demo --binary $(BIN) --work /var/tmp/blankslate-demo
