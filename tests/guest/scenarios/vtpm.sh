# shellcheck shell=sh
# Scenario vtpm: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: none efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0
# bases: upstream lts
# A vTPM proxy chip as the only TPM, served by swtpm in the guest:
# whoever created it answers for it, so opening fails with ENODEV and
# the chip's PCR is not extended.
mkdir -p /tmp/vt && chmod 0777 /tmp/vt
swtpm chardev --vtpm-proxy --tpm2 --tpmstate dir=/tmp/vt --runas 0 \
	--seccomp action=none --daemon \
	>/tmp/vtpm.out 2>&1
i=0
while [ ! -e /dev/tpmrm0 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
emit "INFO vtpm: $(tr '\n' ' ' </tmp/vtpm.out)"
expect closed-at-boot 0 state
expect tpm0-is-virtual /sys/devices/virtual/tpm/tpm0 readlink -f /sys/class/tpm/tpm0
snapshot 15 /tmp/pcr.before
check vtpm-pcr15-readable test -n "$(pcr_hex sha256 15)"
fault_write open-refused-ENODEV ENODEV
expect still-closed 0 state
expect log-empty 0 sh -c "wc -c < $LOG"
snapshot 15 /tmp/pcr.after
check vtpm-pcr15-unchanged same_pcrs /tmp/pcr.before /tmp/pcr.after
