# shellcheck shell=sh
# Scenario auto: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 kunit.enable=0
# bases: upstream lts
# Default auto in QEMU: no TXT launch, so the gate stays open.
open_at_boot none
# A gate found open: the kselftest may close it (EFI_RTGATE_FINAL=0), and
# its openings, of PCR 18 at the TPM driver's locality 0, are refused
# with EIO and leave it closed (open_refused from an open gate).
ksft EFI_RTGATE_EXPECT_OPEN=EIO EFI_RTGATE_FINAL=0
expect closed-by-the-kselftest 0 state
expect log-empty-after-refusals 0 sh -c "wc -c < $LOG"
