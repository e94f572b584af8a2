# shellcheck shell=sh
# Scenario ssdt: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 efi_rtgate=on efivar_ssdt=RTGATESSDT kunit.enable=0
# bases: upstream lts
# efivar_ssdt= while closed must not hang the boot: reaching DONE is
# the proof (the host fails the VM otherwise).
expect closed-at-boot 0 state
# The SSDT scan walked the variable snapshot to its end (no
# RTGATESSDT variable): no refusal, no firmware. Without a snapshot
# it is refused and gives up instead of looping (KUnit refusal_hooks
# shows the refusal).
check vars-snapshot-taken dmesg_has "variable snapshot: [0-9]* variables"
check ssdt-scan-not-refused sh -c '! dmesg | grep "refused GetNextVariableName() from swapper"'
