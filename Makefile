# EFI runtime gate: build the series into a kernel, boot it on OVMF + swtpm,
# and test it. `make help` lists the targets.

REPO      := $(CURDIR)
BUILD     ?= $(REPO)/build
BASE      ?= upstream
BASES     ?= upstream lts sl
DEBUG     ?=
KSRC      ?=
SETUP_ONLY ?=
BASE_CACHE ?=
# make check builds the kernels of DEBUG_BASES with configs/debug.config
# (lockdep, KASAN, atomic-sleep, debug objects): one base runs every
# scenario under the debug options without a fourth kernel to build.
# DEBUG=1 does it on every base (and for make kernel).
DEBUG_BASES ?= lts
FRAGMENTS := $(REPO)/configs/rtgate.config $(if $(DEBUG),$(REPO)/configs/debug.config)
FLAVOR    := $(if $(DEBUG),-debug)

export KSRC FRAGMENTS FLAVOR SETUP_ONLY BASE_CACHE

# With KSRC=, only that tree is tested (under the name of BASE).
CHECK_BASES := $(if $(KSRC),$(BASE),$(BASES))
CHECK_DEBUG := $(if $(DEBUG),$(CHECK_BASES),$(DEBUG_BASES))

.PHONY: help deps kernel check demo series series-import series-export series-check lint bench kunit distro-check \
	fresh-check clean

help:
	@echo 'Targets:'
	@echo '  deps          install missing Debian packages (as root) or print the apt command'
	@echo '  kernel        build build/$$BASE/bzImage (and build/bzImage); BASE=upstream|lts|sl'
	@echo '  check         KUnit, kselftest and VM scenarios on every base ($(BASES); $(DEBUG_BASES) with debug options)'
	@echo '  demo          boot the VM and walk through the story'
	@echo '  series        git format-patch series with cover letter in build/series/ (BASE=)'
	@echo '  series-import  the series as commits in build/$$BASE/git, branch rtgate: edit it with git'
	@echo '  series-export  write that branch back: series/patches/ and the files at kernel paths (upstream),'
	@echo '                 backport/lts/ (lts)'
	@echo '  series-check  build after every patch with the gate on and off (BASE=)'
	@echo '  lint          checkpatch --strict, kernel-doc, W=1 and sparse (BASE=)'
	@echo '  bench         measured ratios (not part of check)'
	@echo '  kunit         kunit.py run --kunitconfig=drivers/firmware/efi/.kunitconfig (BASE=)'
	@echo '  distro-check  Debian amd64 config (and +UV) with the gate: options stick, no warnings'
	@echo '  fresh-check   every target above, set-up only, on an empty BUILD as on a fresh clone'
	@echo '  clean         remove build/'
	@echo 'Variables: BASE=upstream|lts|sl  KSRC=/path/to/tree  DEBUG=1  DEBUG_BASES=lts  SCENARIOS=a|b  BUILD=dir'
	@echo '           SETUP_ONLY=1 (stop after directories and downloads)'

deps:
	@$(REPO)/scripts/deps.sh

kernel: deps
	@$(REPO)/scripts/build-kernel.sh $(REPO) $(BUILD) $(BASE) $(FRAGMENTS)

check: deps
	@FRAGMENTS=$(REPO)/configs/rtgate.config FLAVOR= DEBUG_BASES="$(CHECK_DEBUG)" \
		$(REPO)/scripts/check.sh $(REPO) $(BUILD) $(CHECK_BASES)

demo: deps
	@$(REPO)/scripts/demo.sh $(REPO) $(BUILD) $(BASE)

series: deps
	@$(REPO)/scripts/series.sh $(REPO) $(BUILD) $(BASE)

series-import: deps
	@STALE_BACKPORTS=1 $(REPO)/scripts/series.sh $(REPO) $(BUILD) $(BASE)

series-export:
	@$(REPO)/scripts/series-export.sh $(REPO) $(BUILD) $(BASE)

series-check: deps
	@$(REPO)/scripts/series-check.sh $(REPO) $(BUILD) $(BASE)

lint: deps
	@$(REPO)/scripts/lint.sh $(REPO) $(BUILD) $(BASE)

bench: deps
	@$(REPO)/scripts/bench.sh $(REPO) $(BUILD) $(BASE)

kunit: deps
	@$(REPO)/scripts/kunit.sh $(REPO) $(BUILD) $(BASE)

distro-check: deps
	@$(REPO)/scripts/distro-check.sh $(REPO) $(BUILD)

fresh-check: deps
	@$(REPO)/scripts/fresh-check.sh $(REPO) $(BUILD)

clean:
	rm -rf $(BUILD)
