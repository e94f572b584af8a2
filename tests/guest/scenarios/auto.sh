# shellcheck shell=sh
# Scenario auto: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 kunit.enable=0
# bases: upstream lts
# Default auto in QEMU: no TXT launch, so the gate stays open.
open_at_boot none
ksft
