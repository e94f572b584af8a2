# shellcheck shell=sh
# Scenario memmap: sourced by /init (tests/guest/init.sh) after lib.sh.
# Run by fwtrace (scripts/check.sh), no TPM: efi_rtgate=on efi=debug nokaslr.
# efi=debug: the console holds the EFI memory map, from which the
# host takes the runtime code ranges to trace (scripts/fwtrace.py).
expect closed-at-boot 0 state
