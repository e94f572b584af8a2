# shellcheck shell=sh
# Scenario trace_off: sourced by /init (tests/guest/init.sh) after lib.sh.
# Run by fwtrace (scripts/check.sh) under the execution trace, tpm2:
# efi_rtgate=off efi=debug nokaslr.
# The same under efi_rtgate=off: firmware runs from boot, in virtual
# mode after SetVirtualAddressMap().
open_at_boot cmdline
check no-physical-mode-message sh -c '! dmesg | grep -q "SetVirtualAddressMap() not called"'
