# shellcheck shell=sh
# Scenario off: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 efi_rtgate=off kunit.enable=0
# bases: upstream lts
# efi_rtgate=off: runtime services work from boot.
open_at_boot cmdline
# The EFI stub took no variable snapshot (the gate cannot close).
check boot-params-readable test -f /sys/kernel/boot_params/data
check no-snapshot-with-off no_snapshot_entry
expect log-empty 0 sh -c "wc -c < $LOG"
# Never armed: a kexec load is not measured.
check kexec-file-load kexec -s -l /boot/bzImage --append="efi_rtgate=off"
expect kexec-load-not-measured 0 sh -c "wc -c < $LOG"
