# shellcheck shell=sh
# Scenario rebind: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0
# bases: upstream lts
# The TPM driver arrives late: no chip, then the chip appears.
crb=$(readlink -f /sys/class/tpm/tpm0/device/driver)
dev=$(readlink -f /sys/class/tpm/tpm0/device)
dev=${dev##*/}
check crb-bound test -n "$dev" -a -e "$crb/unbind"
echo "$dev" > "$crb/unbind"
check chip-gone sh -c '! ls /dev/tpm0'
fault_write open-without-chip-ENODEV ENODEV
expect still-closed 0 state
echo "$dev" > "$crb/bind"
# The driver's new chip: tpm0 again, or the next number while someone
# (IMA) still holds a reference to the old chip.
chip=$(ls /sys/class/tpm 2>/dev/null | head -n 1)
emit "INFO $scenario chip after the new probe: ${chip:-none}"
check chip-back test -e "/dev/${chip:-tpm0}"
n=${chip#tpm}
export TPM2TOOLS_TCTI="device:/dev/tpmrm${n:-0}"
expect open-after-probe OK write_knob 1
expect open-state 1 state
expect one-event 1 log_events
check replay-equals-pcr15 replay_matches 15
