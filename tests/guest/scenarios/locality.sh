# shellcheck shell=sh
# Scenario locality: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 efi_rtgate=on kunit.enable=0
# bases: upstream lts
# efi_rtgate=on with the default PCR 18: the TPM driver runs at
# locality 0, so the TPM refuses the extension (TPM_RC_LOCALITY).
mount_vars
expect closed-at-boot 0 state
snapshot 18 /tmp/pcr.before
fault_write open-refused-EIO EIO
expect still-closed 0 state
check tpm-rc-logged dmesg_has "extending PCR 18 failed (2311)"
snapshot 18 /tmp/pcr.after
check pcr18-unchanged same_pcrs /tmp/pcr.before /tmp/pcr.after
expect log-empty 0 sh -c "wc -c < $LOG"
# Still closed: variables still come from the snapshot.
check variables-still-from-snapshot test "$(nvars)" -gt 0
check snapshot-kept-after-failed-opening sh -c '! dmesg | grep -q "variable snapshot freed"'
check fuzz-1200-writes rtgate-io fuzz $KNOB 1200 7 5
expect still-closed-after-fuzz 0 state
expect log-empty-after-fuzz 0 sh -c "wc -c < $LOG"
ksft EFI_RTGATE_EXPECT_OPEN=EIO
