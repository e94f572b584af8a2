# shellcheck shell=sh
# Scenario notpm: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: none efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0
# bases: upstream lts
# No TPM device at all: opening fails with ENODEV and changes nothing.
expect closed-at-boot 0 state
check no-tpm-device sh -c '! ls /dev/tpm0'
fault_write open-refused-ENODEV ENODEV
expect still-closed 0 state
expect log-empty 0 sh -c "wc -c < $LOG"
ksft EFI_RTGATE_EXPECT_OPEN=ENODEV
