# shellcheck shell=sh
# Scenario slsuspend: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2tis slaunch_emulate kunit.enable=0 no_console_suspend
# bases: sl
# Base sl: opened with a measurement into PCR 18 after the emulated
# launch, then suspend to idle and suspend to RAM, each woken by the
# host through QEMU. Suspend to idle keeps the TPM's PCRs: the gate stays
# open. Across suspend to RAM the TPM resumes (TPM2_Startup(STATE))
# with PCRs 0-15 kept and PCRs 17-22 reset: the gate must come back
# closed, not open with a PCR that no longer records the opening.
ones=$(ones_opts)
expect closed-at-boot 0 state
expect reason-secure-launch secure-launch cat $REASON
expect open OK write_knob 1
expect log-one-event 1 log_events
snapshot 18 /tmp/pcr18.open
snapshot 0 /tmp/pcr0.open
check s2idle sleep_in freeze
check s2idle-entered dmesg_has "PM: suspend entry (s2idle)"
expect open-after-s2idle 1 state
snapshot 18 /tmp/pcr18.s2idle
check pcr18-kept-in-s2idle same_pcrs /tmp/pcr18.open /tmp/pcr18.s2idle
check not-closed-for-s2idle sh -c '! dmesg | grep -q "runtime services closed for suspend"'
expect s3-available deep sh -c 'echo deep > /sys/power/mem_sleep &&
	sed -n "s/.*\[\(.*\)\].*/\1/p" /sys/power/mem_sleep'
check s3 sleep_in mem
check s3-entered dmesg_has "PM: suspend entry (deep)"
check s3-woken dmesg_has "ACPI: PM: Waking up from system sleep state S3"
check closed-for-suspend-message dmesg_has "runtime services closed for suspend"
expect closed-after-s3 0 state
# The TPM resumed: PCR 0 kept, PCR 18 back to its reset value.
snapshot 0 /tmp/pcr0.s3
check pcr0-kept-across-s3 same_pcrs /tmp/pcr0.open /tmp/pcr0.s3
expect pcr18-reset-by-s3 "$(ones_hex sha256)" pcr_hex sha256 18
snapshot 18 /tmp/pcr18.s3
expect log-keeps-event 1 log_events
# The log records an opening that PCR 18 no longer shows.
# shellcheck disable=SC2086 # $ones: options
expect verify-log-and-pcr-disagree 2 sh -c "rtgate-verify -d $SLLOG $ones >/dev/null 2>&1; echo \$?"
# Reopening measures again, from the reset value.
r=$(write_knob 1)
emit "INFO $scenario reopen after suspend to RAM: $r"
if [ "$r" = OK ]; then
	pass reopen
	expect log-two-events 2 log_events
	snapshot 18 /tmp/pcr18.reopened
	check pcr18-changed-every-bank all_banks_changed 18 /tmp/pcr18.s3 /tmp/pcr18.reopened
	expect pcr18-reopening-measured-from-reset \
		"$(pcr_after_one_opening "$(ones_hex sha256)")" pcr_hex sha256 18
else
	fail "reopen got '$r'"
fi
