# shellcheck shell=sh
# Scenario tpm12: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm12 efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0 ima_policy=critical_data
# bases: upstream lts
# TPM 1.2: SHA-1 computed by the kernel, TPM_Extend.
expect closed-at-boot 0 state
# TPM 1.2 sysfs: "PCR-15: 1A 2B ..."; printed as lower-case hex.
p15() {
	sed -n 's/^PCR-15: //p' /sys/class/tpm/tpm0/pcrs 2>/dev/null |
		tr -d ' ' | tr 'A-F' 'a-f'
}
before=$(p15)
check pcr15-readable test -n "$before"
expect open OK write_knob 1
expect open-state 1 state
# IMA's record of the opening (ima_policy=critical_data, here rather
# than in open15: IMA extends PCR 10 at each of open15's many
# openings): one ima-buf entry, event name efi_rtgate_open, whose
# buffer is the event data.
expect ima-records-the-opening 1 sh -c \
	"grep -c ' ima-buf sha[0-9]*:[0-9a-f]* efi_rtgate_open $OPEN_HEX\$' /sys/kernel/security/ima/ascii_runtime_measurements"
after=$(p15)
check sha1-pcr15-changed test -n "$after" -a "$before" != "$after"
emit_code_event
expect log-two-sha1-events 2 sh -c "tpm2_eventlog $LOG 2>/dev/null | grep -c 'AlgorithmId: sha1'"
expect log-code-then-open "code open" log_kinds
# tpm2-tools cannot read a TPM 1.2: replay the log here and compare
# with the PCR from sysfs (code and opening events, from the reset
# value).
expect sha1-log-replay-equals-pcr15 "2 $after" replay_sha1 15
