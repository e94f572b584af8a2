# shellcheck shell=sh
# Scenario open15: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 efi_rtgate=on efi_rtgate_pcr=15
# bases: upstream lts
# efi_rtgate=on efi_rtgate_pcr=15, TPM 2.0: closed, then opened with
# a measurement into PCR 15.
mount_vars
expect closed-at-boot 0 state
expect reason-cmdline cmdline cat $REASON
check boot-message dmesg_has "runtime services closed at boot (reason: cmdline)"
# The KUnit suites ran at boot with the gate closed (each state case
# checks on exit that the machine's gate is as it was; KTAP below) and
# left the machine's log empty.
check kunit-ran dmesg_has "KTAP version"
expect log-empty-after-kunit 0 sh -c "wc -c < $LOG"
# No call was refused while booting (the x86 dummy variable is not
# deleted with the gate closed).
check no-refusal-at-boot sh -c '! dmesg | grep "refused .* from swapper"'
snapshot_reads disabled
check snapshot-in-setup-data has_snapshot_entry
# Secure Boot is off in this firmware: IMA has no architecture policy
# (the secboot scenario's check sees it present).
expect ima-arch-policy-none-without-secure-boot 0 ima_arch_rules
vars_dump > /tmp/vars.closed
# A write through efibootmgr (BootNext) is refused, the refusal
# logged with the gate named.
check efibootmgr-write-refused sh -c '! efibootmgr -n 0000'
check write-refusal-names-gate dmesg_has "refused SetVariable() from efibootmgr\[.*runtime services are closed"
# A new boot entry (efibootmgr -c) is refused as well: efibootmgr
# exits non-zero with the errno, the kernel log names the gate.
n0=$(refused_setvars)
check efibootmgr-create-refused create_refused
emit "INFO efibootmgr -c while closed: $(tr '\n' ' ' < /tmp/ebm.create | cut -c1-200)"
check create-refusal-names-gate test "$(refused_setvars)" -gt "$n0"
# Booted with QEMU's -kernel (a read-only file system, no system UUID):
# no next boot could apply kept writes, and the log says so.
check write-refusal-says-why dmesg_has "variable writes are refused while closed: the kernel was not loaded from a writable file system that the next boot's stub reads"
check no-vartofile-published test ! -e "$VARS/VarToFile-b2ac5fc9-92b7-4acd-aeac-11e818c3130c"
expect log-empty-before-open 0 sh -c "wc -c < $LOG"
expect verify-never-opened 0 sh -c 'rtgate-verify -p 15 >/dev/null; echo $?'
snapshot 15 /tmp/pcr.before
expect open OK write_knob 1
expect open-state 1 state
snapshot 15 /tmp/pcr.after
check pcr15-changed-every-bank all_banks_changed 15 /tmp/pcr.before /tmp/pcr.after
# The host recomputes these from the documented event.
while read -r b v; do emit "PCR 15 $b $v"; done < /tmp/pcr.before
while read -r b v; do emit "PCR-AFTER-ONE-OPENING 15 $b $v"; done < /tmp/pcr.after
emit_code_event
expect log-code-then-open "code open" log_kinds
check code-ranges-found-at-boot dmesg_has "runtime code: [0-9]* ranges, [0-9]* KiB from the memory attributes table, hashed at the first opening"
expect open-again-no-extension OK write_knob 1
snapshot 15 /tmp/pcr.again
check open-again-pcr-unchanged same_pcrs /tmp/pcr.after /tmp/pcr.again
remount_vars
check efivarfs-lists-after-open test "$(nvars)" -gt 0
expect variable-readable-after-open OK read_first_var
check efibootmgr-lists-boot0000 sh -c 'efibootmgr | grep -q Boot0000'
# Firmware now answers: the same variables and values as the
# snapshot served, the same efibootmgr listing, and the refused
# write changed nothing.
check snapshot-freed-on-opening dmesg_has "variable snapshot freed: reads go to firmware"
vars_dump > /tmp/vars.open
check variables-closed-equal-firmware cmp /tmp/vars.closed /tmp/vars.open
check efibootmgr-closed-equals-firmware sh -c 'efibootmgr -v > /tmp/ebm.open && cmp /tmp/ebm.closed /tmp/ebm.open'
check refused-writes-not-in-store sh -c '! grep -qE "BootNext|rtgate-test" /tmp/ebm.open'
# A boot entry created after opening is in the firmware's store with
# the partition's GUID, and goes away again.
check efibootmgr-create-after-open create_logged
check created-entry-listed sh -c 'efibootmgr -v | grep "rtgate-test" | grep -qi "HD(1,GPT,52746761-7465-4553-5000-000000000002"'
num=$(sed -n 's/^Boot\([0-9A-Fa-f]\{4\}\)\* rtgate-test.*/\1/p' /tmp/ebm.created)
check created-entry-deleted sh -c "test -n '$num' && efibootmgr -b '$num' -B > /dev/null && ! efibootmgr | grep -q rtgate-test"
# A write after opening is seen by the next read.
check efibootmgr-write-after-open efibootmgr -n 0000
check write-after-open-visible sh -c 'efibootmgr | grep -q "BootNext: 0000"'
check bootnext-delete-after-open sh -c "rm $VARS/BootNext-8be4df61-93ca-11d2-aa0d-00e098032b8c && ! efibootmgr | grep -q BootNext"
# The kernel's own efivarfs selftest, through the kselftest runner,
# against firmware (not skipped: "ok N ... efivarfs.sh" alone).
efivarfs_selftest
check eventlog-parses tpm2_eventlog $LOG
expect eventlog-one-event 1 log_events
check eventlog-replay-equals-pcr15 replay_matches 15
# Remote attestation with the log as the verifier gets it: a quote of
# PCR 15 checked by tpm2_checkquote against the gate's event log.
mkdir -p /tmp/q
cat $LOG > /tmp/q/gate.log
hlen=$((32 + $(od -An -tu4 -j28 -N4 /tmp/q/gate.log)))
head -c "$hlen" /tmp/q/gate.log > /tmp/q/header-only.log
nonce=$(head -c 16 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
check quote-pcr15 sh -c "cd /tmp/q &&
	tpm2_createek -c ek.ctx -G rsa -u ek.pub &&
	tpm2_createak -C ek.ctx -c ak.ctx -G rsa -g sha256 -s rsassa \
		-u ak.pub -f pem -n ak.name &&
	tpm2_quote -c ak.ctx -l sha1:15+sha256:15 -q $nonce -m quote.msg \
		-s quote.sig -o quote.pcrs -g sha256"
check checkquote-with-gate-eventlog sh -c "cd /tmp/q && tpm2_checkquote -u ak.pub \
	-m quote.msg -s quote.sig -f quote.pcrs -g sha256 -q $nonce -e gate.log"
check checkquote-refuses-log-without-the-opening sh -c "cd /tmp/q && ! tpm2_checkquote \
	-u ak.pub -m quote.msg -s quote.sig -f quote.pcrs -g sha256 -q $nonce \
	-e header-only.log"
expect verify-opened 1 sh -c 'rtgate-verify -p 15 >/dev/null; echo $?'
expect close OK write_knob 0
expect closed-state 0 state
expect variable-refused-while-closed EACCES read_first_var
check efibootmgr-refused-after-close sh -c 'efibootmgr 2>&1 | grep -q "Boot0000.*Permission denied"'
# A thaw resyncs efivarfs with the variable store (7.x): while closed
# every size read is refused, which must not empty the mount.
# (6.12 cannot freeze efivarfs: EOPNOTSUPP, counted as skipped.)
n_before=$(nvars)
check efivarfs-has-entries test "$n_before" -gt 0
if fsfreeze --freeze $VARS 2>/tmp/freeze.err; then
	check efivarfs-thaw fsfreeze --unfreeze $VARS
	expect efivarfs-keeps-entries-on-thaw-while-closed "$n_before" nvars
elif grep -q "not supported" /tmp/freeze.err; then
	emit "RESULT SKIP $scenario.efivarfs-keeps-entries-on-thaw-while-closed $(cat /tmp/freeze.err)"
else
	fail "efivarfs-freeze $(cat /tmp/freeze.err)"
fi
expect reopen OK write_knob on
expect eventlog-two-events 2 log_events
expect log-code-then-open-twice "code open code open" log_kinds
check eventlog-replay-after-reopen replay_matches 15
expect variable-readable-after-reopen OK read_first_var
ksft EFI_RTGATE_EXPECT_OPEN=ok EFI_RTGATE_FINAL=1
check eventlog-replay-after-kselftest replay_matches 15
expect verify-after-kselftest 1 sh -c 'rtgate-verify -p 15 >/dev/null; echo $?'
# 64 openers at once on a closed gate: all succeed, one extension.
expect close-for-race OK write_knob 0
n0=$(log_events)
snapshot 15 /tmp/pcr.race0
expect race-64-writers "64 OK" rtgate-io race $KNOB 64
expect race-one-new-event $((n0 + 1)) log_events
snapshot 15 /tmp/pcr.race1
check race-pcr-changed-once all_banks_changed 15 /tmp/pcr.race0 /tmp/pcr.race1
check race-replay-equals-pcr15 replay_matches 15
# 500 open/close toggles while 4 readers loop over efivarfs.
expect close-before-toggles OK write_knob 0
rm -f /tmp/stop /tmp/readers.*
for r in 1 2 3 4; do
	(while [ ! -e /tmp/stop ]; do
		for v in "$VARS"/*; do rtgate-io read "$v"; done
	done > /tmp/readers.$r 2>&1) &
done
check toggle-500-with-readers rtgate-io toggle $KNOB 500
touch /tmp/stop
wait
check readers-ran test "$(cat /tmp/readers.* | wc -l)" -gt 100
# grep exits 1 when every line matched; 2 (no files) must not pass.
check readers-only-OK-or-EACCES sh -c 'grep -hv "^OK$\|^EACCES$" /tmp/readers.*; [ $? -eq 1 ]'
expect toggle-events $((n0 + 501)) log_events
check toggle-replay-equals-pcr15 replay_matches 15
tpm2_pcrextend 15:sha256=0000000000000000000000000000000000000000000000000000000000000001 >/dev/null 2>&1
expect verify-detects-foreign-extend 2 sh -c 'rtgate-verify -p 15 >/dev/null; echo $?'
