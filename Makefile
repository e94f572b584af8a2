# EFI runtime gate: build the series into a kernel, boot it on OVMF + swtpm,
# and test it. `make help` lists the targets.

REPO      := $(CURDIR)
BUILD     ?= $(REPO)/build
BASE      ?= upstream
BASES     ?= upstream lts
DEBUG     ?=
KSRC      ?=
FRAGMENTS := $(REPO)/configs/rtgate.config $(if $(DEBUG),$(REPO)/configs/debug.config)
FLAVOR    := $(if $(DEBUG),-debug)

export KSRC FRAGMENTS FLAVOR

# With KSRC=, only that tree is tested (under the name of BASE).
CHECK_BASES := $(if $(KSRC),$(BASE),$(BASES))

.PHONY: help deps kernel check demo series series-check lint bench clean

help:
	@echo 'Targets:'
	@echo '  deps          install missing Debian packages (as root) or print the apt command'
	@echo '  kernel        build build/$$BASE/bzImage (and build/bzImage); BASE=upstream|lts'
	@echo '  check         KUnit, kselftest and VM scenarios on every base ($(BASES))'
	@echo '  demo          boot the VM and walk through the story'
	@echo '  series        git format-patch series with cover letter in build/series/ (BASE=)'
	@echo '  series-check  build after every patch with the gate on and off (BASE=)'
	@echo '  lint          checkpatch --strict, kernel-doc, W=1 and sparse (BASE=)'
	@echo '  bench         measured ratios (not part of check)'
	@echo '  clean         remove build/'
	@echo 'Variables: BASE=upstream|lts  KSRC=/path/to/tree  DEBUG=1  SCENARIOS=a|b  BUILD=dir'

deps:
	@$(REPO)/scripts/deps.sh

kernel: deps
	@$(REPO)/scripts/build-kernel.sh $(REPO) $(BUILD) $(BASE) $(FRAGMENTS)

check: deps
	@$(REPO)/scripts/check.sh $(REPO) $(BUILD) $(CHECK_BASES)

demo: deps
	@$(REPO)/scripts/demo.sh $(REPO) $(BUILD) $(BASE)

series: deps
	@$(REPO)/scripts/series.sh $(REPO) $(BUILD) $(BASE)

series-check: deps
	@$(REPO)/scripts/series-check.sh $(REPO) $(BUILD) $(BASE)

lint: deps
	@$(REPO)/scripts/lint.sh $(REPO) $(BUILD) $(BASE)

bench: deps
	@$(REPO)/scripts/bench.sh $(REPO) $(BUILD) $(BASE)

clean:
	rm -rf $(BUILD)
