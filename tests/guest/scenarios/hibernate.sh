# shellcheck shell=sh
# Scenario hibernate: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0 no_console_suspend
# bases: upstream lts
# Boot 1 of 2: open with a measurement, then hibernate to /dev/vda.
# scripts/check.sh boots the same machine (variables, TPM state, disk)
# again with resume=; the restored image goes on below, reporting to
# that second VM.
expect closed-at-boot 0 state
# A sleep transition held open from user space: opening /dev/snapshot
# (the uswsusp interface) sends PM_HIBERNATION_PREPARE for reading and
# PM_RESTORE_PREPARE for writing; closing it, the matching POST.
# Meanwhile opening the gate fails with EBUSY and measures nothing.
snapshot 15 /tmp/pcr.boot
for mode in hibernation restore; do
	if [ $mode = hibernation ]; then exec 3</dev/snapshot; else exec 3>/dev/snapshot; fi
	expect open-during-$mode-transition-EBUSY EBUSY write_knob 1
	exec 3<&-
	check ebusy-message-$mode dmesg_has "rtgate-io\[[0-9]*\]: the system is entering or leaving a sleep state: the gate stays closed"
done
expect closed-after-transitions 0 state
expect log-empty-after-transitions 0 sh -c "wc -c < $LOG"
snapshot 15 /tmp/pcr.transitions
check pcr15-unchanged-by-refusals same_pcrs /tmp/pcr.boot /tmp/pcr.transitions
check swap-on sh -c 'mkswap /dev/vda && swapon /dev/vda'
expect open OK write_knob 1
expect log-one-event 1 log_events
check pcr15-one-opening-from-zero test "$(pcr_hex sha256 15)" = "$(pcr_after_one_opening)"
emit DONE
if echo disk > /sys/power/state 2>/tmp/h.err; then
	# The restored image, after the TPM was reset by the new boot.
	pass resumed-from-image
	expect closed-after-resume 0 state
	check closed-for-hibernation-message dmesg_has "runtime services closed for hibernation"
	expect log-keeps-event 1 log_events
	expect pcr15-reset "$(printf '%064d' 0)" pcr_hex sha256 15
	expect verify-log-and-pcr-disagree 2 sh -c 'rtgate-verify -p 15 >/dev/null 2>&1; echo $?'
	# The new boot restarted the TPM (TPM2_Startup(CLEAR)): with
	# CONFIG_TCG_TPM2_HMAC the driver derived its null key again at
	# resume (series patch "tpm: Derive the null key again ...") instead
	# of refusing the TPM at its first use. The reopening is measured
	# anew, into a PCR 15 that started from zero.
	check tpm-null-key-derived-again dmesg_has "TPM restarted: null key derived again"
	check no-null-seed-refusal sh -c '! dmesg | grep -q "NULL Seed name comparison failed"'
	expect reopen OK write_knob 1
	expect log-two-events 2 log_events
	check pcr15-reopening-measured-from-reset test "$(pcr_hex sha256 15)" = "$(pcr_after_one_opening)"
	check tpm-usable-from-user-space tpm2_pcrread sha256:0
else
	fail "hibernated $(cat /tmp/h.err)"
fi
