# shellcheck shell=sh
# Scenario trace_closed: sourced by /init (tests/guest/init.sh) after lib.sh.
# Run by fwtrace (scripts/check.sh) under the execution trace, tpm2:
# efi_rtgate=on efi_rtgate_pcr=15 efi=debug nokaslr.
# Under QEMU's execution trace of the firmware's runtime code: closed
# at boot, then opened; reads after opening must run firmware.
expect closed-at-boot 0 state
check physical-mode-message dmesg_has "SetVirtualAddressMap() not called"
mount_vars
# Reads served from the snapshot run no firmware: the host's trace
# counts blocks until the opening.
# The host says which firmware it booted (rtgate_fw=secboot: Secure Boot
# on, scripts/check.sh's fwtrace secboot).
sb=disabled
grep -qw rtgate_fw=secboot /proc/cmdline && sb=enabled
snapshot_reads $sb
expect open OK write_knob 1
emit_code_event
remount_vars
check efivarfs-lists-after-opening test "$(nvars)" -gt 0
expect variable-readable-after-opening OK read_first_var
check efibootmgr-lists-boot0000 sh -c 'efibootmgr | grep -q Boot0000'
