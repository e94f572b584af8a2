# shellcheck shell=sh
# Scenario demo: sourced by /init (tests/guest/init.sh) after lib.sh.
# Run by make demo (scripts/demo.sh): efi_rtgate=on efi_rtgate_pcr=15.
# make demo: the story for a person, one step at a time.
say() { emit "SAY $*"; }
run() {
	say "# $*"
	sh -c "$*" 2>&1 | while IFS= read -r l; do say "  $l"; done
}
say "== Booted with: efi_rtgate=on efi_rtgate_pcr=15 (QEMU, OVMF, swtpm TPM 2.0)"
run "dmesg | grep efi_rtgate: | sed 's/^\[[^]]*\] //'"
run "cat $KNOB $REASON"
mount_vars
say "== While closed, the firmware is never called:"
run "ls $VARS | wc -l"
run "efibootmgr"
run "tpm2_pcrread sha256:15"
say "== Root opens the gate: the kernel extends PCR 15 first, then opens."
run "echo 1 > $KNOB; cat $KNOB"
run "dmesg | grep 'efi_rtgate: runtime services opened' | sed 's/^\[[^]]*\] //'"
run "tpm2_pcrread sha256:15"
remount_vars
say "== Runtime services work again (efivarfs remounted):"
run "efibootmgr | head -n 4"
say "== The event log replays to the PCR:"
run "tpm2_eventlog $LOG | sed -n '/EV_EVENT_TAG/,\$p' | head -n 20"
run "rtgate-verify -p 15; echo exit status \$?"
say "== Closing again refuses calls:"
run "echo 0 > $KNOB; cat $KNOB; cat $(first_var) >/dev/null"
