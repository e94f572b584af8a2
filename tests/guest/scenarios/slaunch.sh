# shellcheck shell=sh
# Scenario slaunch: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2tis slaunch_emulate kunit.enable=0
# bases: sl
# Base sl, no efi_rtgate argument: the emulated Secure Launch
# (slaunch_emulate, tests/slaunch) reports a TXT launch and moves the
# TPM driver to locality 2 on a TIS TPM, where PCR 18 can be extended.
# The emulation cannot reset PCRs 17-22 as a launch does: they start
# at the TPM's power-on value, all ones (TCG PC Client PTP).
ones=$(ones_opts)
mount_vars
expect closed-at-boot 0 state
expect reason-secure-launch secure-launch cat $REASON
check boot-message dmesg_has "runtime services closed at boot (reason: secure-launch)"
check no-locality-warning sh -c '! dmesg | grep -q "needs TPM locality 2"'
check emulated-launch dmesg_has "EMULATED Secure Launch"
# securityfs files report size 0: count the bytes read.
check drtm-log-present test "$(wc -c < $SLLOG)" -gt 0
expect pcr19-at-power-on-value "$(printf 'f%.0s' $(seq 64))" pcr_hex sha256 19
# The EFI stub took the variable snapshot before the launch.
check vars-snapshot-taken dmesg_has "variable snapshot: [0-9]* variables"
check efivarfs-lists-while-closed test "$(nvars)" -gt 0
# shellcheck disable=SC2086 # $ones: options
expect verify-before-open 0 sh -c "rtgate-verify -d $SLLOG $ones >/tmp/v.out 2>&1; echo \$?"
emit "INFO $scenario verify-before-open: $(tr '\n' ' ' </tmp/v.out)"
snapshot 18 /tmp/pcr.before
expect open OK write_knob 1
expect open-state 1 state
snapshot 18 /tmp/pcr.after
check pcr18-changed-every-bank all_banks_changed 18 /tmp/pcr.before /tmp/pcr.after
# The host recomputes these from the command line and the documented
# event.
emit "CMDLINE $(tr -d '\n' </proc/cmdline | od -An -v -tx1 | tr -d ' \n')"
while read -r b v; do emit "PCR 18 $b $v"; done < /tmp/pcr.before
while read -r b v; do emit "PCR-AFTER-ONE-OPENING 18 $b $v"; done < /tmp/pcr.after
emit_code_event
remount_vars
check efivarfs-lists-after-open test "$(nvars)" -gt 0
expect eventlog-one-event 1 log_events
# One verifier, both logs: the launch's events for PCR 18, then the
# gate's, replay to the PCR in every bank.
# shellcheck disable=SC2086
expect verify-drtm-and-gate-logs 1 sh -c "rtgate-verify -d $SLLOG $ones >/tmp/v.out 2>&1; echo \$?"
emit "INFO $scenario verify: $(tr '\n' ' ' </tmp/v.out)"
check verify-reports-both-logs grep -q "D-RTM log: 1 event in PCR 18; opened 1 time since launch; PCR 18 matches log in sha1, sha256, sha384, sha512" /tmp/v.out
# The gate's log alone does not explain PCR 18 after a launch.
# shellcheck disable=SC2086
expect verify-gate-log-alone-mismatch 2 sh -c "rtgate-verify $ones >/dev/null 2>&1; echo \$?"
# Remote attestation: a quote of PCR 18 in every bank, signed by an
# AK under the EK, checked by tpm2_checkquote, then compared with the
# replay of both logs.
mkdir -p /tmp/q
nonce=$(head -c 16 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
sel=sha1:18+sha256:18+sha384:18+sha512:18
check quote-made sh -c "cd /tmp/q &&
	tpm2_createek -c ek.ctx -G rsa -u ek.pub &&
	tpm2_createak -C ek.ctx -c ak.ctx -G rsa -g sha256 -s rsassa \
		-u ak.pub -f pem -n ak.name &&
	tpm2_quote -c ak.ctx -l $sel -q $nonce -m quote.msg \
		-s quote.sig -o quote.pcrs -g sha256"
check checkquote sh -c "cd /tmp/q && tpm2_checkquote -u ak.pub -m quote.msg \
	-s quote.sig -f quote.pcrs -g sha256 -q $nonce > checked.yaml"
# shellcheck disable=SC2086
rtgate-verify -n -d $SLLOG $ones 2>&1 | grep '^sha' > /tmp/q/replayed
awk '/^ *sha[0-9]+:$/ { b = $1; next }
     b && $1 == "18:" { v = tolower($2); sub(/^0x/, "", v); print b v }' \
	/tmp/q/checked.yaml > /tmp/q/quoted
check quoted-pcr18-equals-replay-of-both-logs sh -c \
	'[ "$(wc -l < /tmp/q/quoted)" -eq 4 ] && cmp /tmp/q/quoted /tmp/q/replayed'
check checkquote-refuses-other-nonce sh -c "cd /tmp/q && ! tpm2_checkquote -u ak.pub \
	-m quote.msg -s quote.sig -f quote.pcrs -g sha256 -q 00$nonce"
check checkquote-refuses-other-pcrs sh -c "cd /tmp/q &&
	cp quote.pcrs bad.pcrs && printf '\\377' | dd of=bad.pcrs bs=1 seek=140 conv=notrunc 2>/dev/null &&
	! cmp -s quote.pcrs bad.pcrs &&
	! tpm2_checkquote -u ak.pub -m quote.msg -s quote.sig -f bad.pcrs -g sha256 -q $nonce"
expect close OK write_knob 0
ksft EFI_RTGATE_EXPECT_OPEN=ok
