# shellcheck shell=sh
# Scenario tpmgone: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0
# bases: upstream lts
# The TPM disappears mid-run: the host kills swtpm on request.
expect closed-at-boot 0 state
check tpm-works tpm2_pcrread sha256:15
kill_tpm
# shellcheck disable=SC2046 # "ns outcome": two words
set -- $(rtgate-io time-write $KNOB 1)
emit "INFO $scenario open-after-tpm-gone: $2 after $(($1 / 1000000)) ms"
check open-fails-EIO-or-ENODEV sh -c "[ $2 = EIO ] || [ $2 = ENODEV ]"
expect still-closed 0 state
expect log-empty 0 sh -c "wc -c < $LOG"
