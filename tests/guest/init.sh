#!/bin/sh
# /init of the test initramfs. Runs the scenario named by rtgate_test= on
# the kernel command line and reports on the second serial port (ttyS1):
#   RESULT PASS|FAIL|SKIP <name> [detail]
#   KSFT <kselftest TAP line>
#   DONE
# The host (scripts/check.sh) counts these lines.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export TPM2TOOLS_TCTI=device:/dev/tpmrm0
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# What udev would add: the kselftest runner writes to /dev/stdout.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t tmpfs tmpfs /tmp
mount -t securityfs securityfs /sys/kernel/security

OUT=/dev/ttyS1
EFI=/sys/firmware/efi
KNOB=$EFI/runtime_enable
REASON=$EFI/runtime_gate_reason
VARS=$EFI/efivars
LOG=/sys/kernel/security/efi_rtgate/binary_measurements
# The D-RTM event log of a Secure Launch (base sl)
SLLOG=/sys/kernel/security/slaunch/eventlog
BANKS="sha1 sha256 sha384 sha512"

scenario=$(sed -n 's/.*rtgate_test=\([^ ]*\).*/\1/p' /proc/cmdline)

emit() { echo "$*" > $OUT; }
pass() { emit "RESULT PASS $scenario.$*"; }
fail() { emit "RESULT FAIL $scenario.$*"; }
# check NAME CMD...: PASS when CMD succeeds
check() {
	n=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then
		pass "$n"
	else
		fail "$n $(tr '\n' ' ' </tmp/check.out | cut -c1-200)"
	fi
}
# expect NAME WANT CMD...: PASS when CMD prints exactly WANT; an empty
# WANT (a value that could not be read) is a FAIL, never a match
expect() {
	n=$1 want=$2
	shift 2
	got=$("$@" 2>&1)
	if [ -z "$want" ]; then
		fail "$n nothing to compare with (got '$(echo "$got" | tr '\n' ' ' | cut -c1-200)')"
	elif [ "$got" = "$want" ]; then
		pass "$n"
	else
		fail "$n want '$want' got '$(echo "$got" | tr '\n' ' ' | cut -c1-200)'"
	fi
}
state() { cat $KNOB; }
# fault_write NAME ERRNO: writing 1 must fail with ERRNO; report the time
fault_write() {
	# shellcheck disable=SC2046 # "ns outcome": two words
	set -- "$1" "$2" $(rtgate-io time-write $KNOB 1)
	emit "INFO $scenario $1: $4 after $(($3 / 1000000)) ms"
	if [ "$4" = "$2" ]; then
		pass "$1"
	else
		fail "$1 want '$2' got '$4'"
	fi
}
write_knob() { rtgate-io write $KNOB "$1"; }
mount_vars() { mount -t efivarfs efivarfs $VARS; }
remount_vars() { umount $VARS 2>/dev/null; mount_vars; }
# shellcheck disable=SC2012 # variable names are plain words
nvars() { ls $VARS 2>/dev/null | wc -l; }
# shellcheck disable=SC2012
first_var() { ls $VARS/Boot0000-* 2>/dev/null | head -n 1; }
# Every efivarfs variable with its attributes and value, one per line
vars_dump() {
	for f in $(ls $VARS | sort); do
		echo "$f $(od -An -v -tx1 "$VARS/$f" | tr -d ' \n')"
	done
}
# Types of the setup_data entries the EFI stub handed over (0xb: the
# variable snapshot, SETUP_EFI_VARS)
setup_data_types() { cat /sys/kernel/boot_params/setup_data/*/type 2>/dev/null; }
has_snapshot_entry() { setup_data_types | grep -qx 0xb; }
no_snapshot_entry() { ! has_snapshot_entry; }
# While closed, variable reads come from the EFI stub's snapshot: the
# variables are listed and readable, no read is refused, a write is.
snapshot_reads() {
	check vars-snapshot-taken dmesg_has "variable snapshot: [0-9]* variables, [0-9]* bytes"
	check efivarfs-lists-while-closed test "$(nvars)" -gt 0
	expect variable-readable-while-closed OK read_first_var
	check efibootmgr-lists-boot0000-while-closed sh -c 'efibootmgr -v > /tmp/ebm.closed && grep -q Boot0000 /tmp/ebm.closed'
	expect mokutil-sb-state-while-closed "SecureBoot $1" sh -c 'mokutil --sb-state 2>&1 | head -n 1'
	check no-read-refused sh -c '! dmesg | grep "refused Get" | grep -v kunit_try_catch'
}
read_first_var() {
	v=$(first_var)
	[ -n "$v" ] || { echo NOVAR; return; }
	rtgate-io read "$v"
}
# pcr_hex BANK PCR: the PCR value as lower-case hex, nothing else
pcr_hex() {
	tpm2_pcrread "$1:$2" 2>/dev/null | sed -n "s/.*$2 *: *0x\([0-9A-Fa-f]*\).*/\1/p" |
		tr 'A-F' 'a-f'
}
# eventlog_hex BANK PCR: the replayed PCR value printed by tpm2_eventlog
eventlog_hex() {
	tpm2_eventlog $LOG 2>/dev/null | awk -v bank="$1" -v pcr="$2" '
		/^pcrs:/ { inpcrs = 1; next }
		inpcrs && $1 == bank ":" { inbank = 1; next }
		inpcrs && inbank && $1 ~ /:$/ && $1 != pcr { if ($1 !~ /^[0-9]+$/) inbank = 0 }
		inpcrs && inbank && $1 == pcr && $2 == ":" { v = $3; sub(/^0x/, "", v); print tolower(v); exit }'
}
# The data of the gate's tagged events (0x8F3B22EE, then the data size),
# as hex: "efi_rtgate:code" and its NUL (then the runtime code table),
# "efi_rtgate:open", "efi_rtgate:kexec"
CODE_HEX=6566695f7274676174653a636f646500
OPEN_HEX=6566695f7274676174653a6f70656e
KEXEC_HEX=6566695f7274676174653a6b65786563
# log_kinds: the kinds of the log's events in order, "code open ..."
log_kinds() {
	log_event_data | awk -v c=$CODE_HEX -v o=$OPEN_HEX -v k=$KEXEC_HEX '
		{ t = substr($2, 17)
		  if (index(t, c) == 1) k_ = "code"
		  else if (t == o) k_ = "open"
		  else if (t == k) k_ = "kexec"
		  else k_ = "other"
		  s = s (s == "" ? "" : " ") k_ }
		END { print s }'
}
# code_event: the first runtime code event of the log, hex
code_event() {
	log_event_data | awk -v c=$CODE_HEX 'index(substr($2, 17), c) == 1 { print $2; exit }'
}
# log_events: the openings and kexec loads in the log (tpm2-tools parses
# it), not counting the runtime code events that precede openings
log_events() {
	n=$(tpm2_eventlog $LOG 2>/dev/null | grep -c "EventType: EV_EVENT_TAG")
	c=$(log_kinds | tr ' ' '\n' | grep -c '^code$')
	echo $((n - c))
}
# log_records ALG: each event of the log as "PCR DIGEST DATA", DIGEST its
# digest in the bank with TCG algorithm id ALG (4 sha1, 11 sha256; "-"
# if it has none) and DATA the whole event, as hex, read without
# tpm2-tools. The log is crypto-agile: a Spec ID Event03 header (a
# TCG_PCR_EVENT whose event names each bank and its digest size), then
# TCG_PCR_EVENT2 events. Fails when the log does not parse to its end.
log_records() {
	od -An -v -tu1 "$LOG" | awk -v alg="$1" '
	function u16(o) { return b[o] + 256 * b[o + 1] }
	function u32(o) { return u16(o) + 65536 * u16(o + 2) }
	function hex(o, len,   s, i) {
		s = ""
		for (i = 0; i < len; i++)
			s = s sprintf("%02x", b[o + i])
		return s
	}
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	END {
		# PCRIndex, EventType, SHA-1 digest, EventSize, then the event:
		# signature, platformClass, 4 bytes of version, numberOfAlgorithms.
		if (n < 60 || hex(32, 16) != "53706563204944204576656e74303300")
			exit 1
		nalg = u32(56)
		for (i = 0; i < nalg; i++)
			size[u16(60 + 4 * i)] = u16(62 + 4 * i)
		o = 32 + u32(28)
		while (o + 12 <= n) {
			p = u32(o)
			cnt = u32(o + 8)
			if (cnt > nalg)
				exit 1
			o += 12
			d = "-"
			for (i = 0; i < cnt; i++) {
				a = u16(o)
				if (!(a in size))
					exit 1
				if (a == alg)
					d = hex(o + 2, size[a])
				o += 2 + size[a]
			}
			if (o + 4 > n || o + 4 + u32(o) > n)
				exit 1
			print p, d, hex(o + 4, u32(o))
			o += 4 + u32(o)
		}
		if (o != n)
			exit 1
	}'
}
# log_digests ALG PCR: the digests (hex, one a line) the event log records
# for PCR in the bank with TCG algorithm id ALG
log_digests() {
	log_records "$1" > /tmp/records || return 1
	awk -v pcr="$2" '$1 == pcr && $2 != "-" { print $2 }' /tmp/records
}
# log_event_data: each event of the log as "PCR DATA"
log_event_data() { log_records 0 | awk '{ print $1, $3 }'; }
# replay_sha1 PCR: "EVENTS VALUE", the SHA-1 bank of PCR replayed from the
# log with sha1sum: from 20 zero bytes, value = SHA1(value || digest)
replay_sha1() {
	log_digests 4 "$1" > /tmp/digests || { echo "the log does not parse"; return 1; }
	v=0000000000000000000000000000000000000000
	n=0
	while read -r d; do
		v=$(printf '%s%s' "$v" "$d" | xxd -r -p | sha1sum | cut -d' ' -f1)
		n=$((n + 1))
	done < /tmp/digests
	echo "$n $v"
}
dmesg_has() { dmesg | grep -q "$1"; }

# ima_arch_rules: the rules of IMA's architecture policy in the policy
# IMA loaded at boot (read back through securityfs); x86 adds them only
# when IMA sees Secure Boot on. "measure func=KEXEC_KERNEL_CHECK" is one
# of them on 6.12 and 7.x, and nothing else adds it without ima_policy=.
ima_arch_rules() {
	grep -c '^measure func=KEXEC_KERNEL_CHECK' /sys/kernel/security/ima/policy
}
# sleep_in STATE: write STATE (mem, freeze) to /sys/power/state; the host
# (scripts/vm-waker.py) wakes the machine through QEMU. Fails when the
# kernel refuses the sleep.
SLEEPS=0
sleep_in() {
	SLEEPS=$((SLEEPS + 1))
	emit "REQUEST wake $SLEEPS $1"
	r=0
	echo "$1" > /sys/power/state || r=1
	emit "WOKE $SLEEPS"
	return $r
}
# ones_hex BANK: a PCR of BANK with every bit set, the value PCRs 17-22
# take at TPM2_Startup (TCG PC Client PTP)
ones_hex() {
	n=$(pcr_hex "$1" 0 | wc -c)
	# Nothing when the TPM does not answer (no newline either: n is 0).
	[ "$n" -gt 1 ] || return 0
	head -c $((n - 1)) /dev/zero | tr '\0' f
}
# ones_opts: rtgate-verify's options starting every bank from all ones
ones_opts() { for b in $BANKS; do printf ' -s %s:%s' "$b" "$(ones_hex "$b")"; done; }
# create_entry: a boot entry on the EFI system partition of /dev/vda
# (open15's second disk, written by scripts/mkgpt.py).
create_entry() {
	efibootmgr -c -d /dev/vda -p 1 -L rtgate-test -l '\EFI\rtgate\test.efi'
}
create_refused() { ! create_entry > /tmp/ebm.create 2>&1; }
create_logged() { create_entry > /tmp/ebm.created; }
refused_setvars() { dmesg | grep -c "refused SetVariable() from efibootmgr\["; }

# keyring_count NAME: keys in the system keyring NAME (.platform,
# .blacklist) as /proc/keys shows it: "keyring .platform: 1" or "empty".
keyring_count() {
	n=$(sed -n "s/.* keyring  *\.$1: //p" /proc/keys | head -n 1)
	case $n in
	empty) echo 0 ;;
	*) echo "$n" ;;
	esac
}

# keys_of TYPE: the keys of TYPE that /proc/keys shows (its type column
# is cut to 9 characters: asymmetri for the certificates loaded from db
# into .platform, blacklist for the hashes from dbx), by description,
# sorted, on one line
keys_of() {
	awk -v t="$1" '$8 == t { for (i = 9; i <= NF; i++) printf "%s ", $i; print "" }' /proc/keys |
		sort | tr '\n' '|'
}
# emit_keyrings: the counts and the keys, compared by the host with
# another boot.
emit_keyrings() {
	emit "KEYRING platform $(keyring_count platform)"
	emit "KEYRING blacklist $(keyring_count blacklist)"
	emit "KEYS asymmetri $(keys_of asymmetri)"
	emit "KEYS blacklist $(keys_of blacklist)"
}

# siglist_count FILE: X.509 certificates in an EFI_SIGNATURE_LIST
# variable read through efivarfs (4 bytes of attributes first).
siglist_count() {
	od -An -v -tu1 "$1" | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	function le32(o) { return b[o] + 256 * (b[o + 1] + 256 * (b[o + 2] + 256 * b[o + 3])) }
	END {
		# EFI_CERT_X509_GUID a5c059a1-94e4-4aa7-87b5-ab155c2bf072
		x509 = "161,89,192,165,228,148,167,74,135,181,171,21,92,43,240,114,"
		o = 4; c = 0
		while (o + 28 <= n) {
			g = ""
			for (i = 0; i < 16; i++) g = g b[o + i] ","
			ls = le32(o + 16); hs = le32(o + 20); ss = le32(o + 24)
			if (ls < 28 || ss == 0) { print "bad"; exit }
			if (g == x509) c += (ls - 28 - hs) / ss
			o += ls
		}
		print c
	}'
}

# platform_keys_are_db: the .platform keyring holds one key per X.509
# certificate in the db variable as efivarfs reads it now.
platform_keys_are_db() {
	expect platform-keys-are-firmware-db \
		"$(siglist_count $VARS/db-d719b2cb-3d3a-4596-a3bc-dad00e67656f)" \
		keyring_count platform
}
# The kernel's efivarfs kselftest, once: its first result counts. The
# runner's own timeout needs /usr/bin/timeout (not in the initramfs), and
# a test_multiple_* case that fails leaves jobs blocked on its FIFOs
# holding the runner's output open: it gets 60 s, and what is left then
# is killed so that the scenario goes on.
efivarfs_selftest() {
	timeout -s KILL 60 /kselftest/run_kselftest.sh -t efivarfs:efivarfs.sh \
		> /tmp/efivarfs.out 2>&1
	rc=$?
	emit "INFO efivarfs selftest: exit $rc, $(grep -c '\[PASS\]' /tmp/efivarfs.out) [PASS], $(grep -c '\[FAIL\]' /tmp/efivarfs.out) [FAIL]"
	if ! grep -qE '^ok [0-9]+ selftests: efivarfs: efivarfs.sh$' /tmp/efivarfs.out; then
		grep -E '^# +\[FAIL\]|^# running' /tmp/efivarfs.out | tail -n 4 | tr '\n' ' ' > /tmp/efivarfs.why
		emit "INFO efivarfs selftest: $(cut -c1-300 /tmp/efivarfs.why)"
		killall -9 efivarfs.sh run_kselftest.s runner.sh cat 2>/dev/null
		rm -f /tmp/efivarfs_pipe*
		for v in $VARS/*-210be57c-9849-4fc7-a635-e6382d1aec27; do
			[ -e "$v" ] && chattr -i "$v" 2>/dev/null && rm -f "$v"
		done
	fi
	check efivarfs-selftest-after-open grep -qE '^ok [0-9]+ selftests: efivarfs: efivarfs.sh$' /tmp/efivarfs.out
}
ksft() {
	# ksft ENV...: run the kselftest with the given environment through
	# the kselftest runner, as upstream CI does. The runner nests the
	# test's TAP under "# "; its own line says how the program ended.
	env "$@" /kselftest/run_kselftest.sh -t efi_rtgate:runtime_enable_test \
		> /tmp/ksft.out 2>&1
	rc=$?
	sed -n 's/^# \(\(not \)\{0,1\}ok [0-9]\{1,\} .*\)$/\1/p' /tmp/ksft.out > /tmp/ksft.tap
	while IFS= read -r l; do emit "KSFT $scenario $l"; done < /tmp/ksft.tap
	if grep -q '^ok [0-9]* selftests: efi_rtgate: runtime_enable_test' /tmp/ksft.out; then
		emit "KSFT $scenario ksft exit 0"
	else
		emit "KSFT $scenario ksft exit 1 (runner exit $rc: $(grep 'selftests: efi_rtgate' /tmp/ksft.out | tr '\n' ' '))"
	fi
}
# pcr_after_one_opening [START]: the sha256 value of the gate's PCR after
# one opening from zero (or from START, hex): the runtime code event the
# log records, then the documented event's digest (Documentation/admin-guide)
pcr_after_one_opening() {
	v=${1:-$(printf '%064d' 0)}
	c=$(code_event)
	if [ -n "$c" ]; then
		d=$(printf '%s' "$c" | xxd -r -p | sha256sum | cut -d' ' -f1)
		v=$(printf '%s%s' "$v" "$d" | xxd -r -p | sha256sum | cut -d' ' -f1)
	fi
	printf '%s%s' "$v" dff99395105638792169ebb118d0f5fbfef7900dceefdccb3c50a7af30f9bfe2 |
		xxd -r -p | sha256sum | cut -d' ' -f1
}
# emit_code_event: report the runtime code event for the host, which
# recomputes the PCR with it and compares the digests across boots
emit_code_event() { emit "CODE-EVENT $(code_event)"; }
# kill_tpm: have the host kill swtpm and wait until the TPM stops answering
kill_tpm() {
	emit "REQUEST kill-tpm"
	i=0
	while tpm2_pcrread sha256:0 >/dev/null 2>&1 && [ $i -lt 60 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	check tpm-gone sh -c '! tpm2_pcrread sha256:0'
}
# open_at_boot REASON: open from boot for REASON, runtime services work
open_at_boot() {
	mount_vars
	expect open-at-boot 1 state
	expect "reason-$1" "$1" cat $REASON
	check boot-message dmesg_has "runtime services open at boot (reason: $1)"
	check efivarfs-lists test "$(nvars)" -gt 0
	expect variable-readable OK read_first_var
	check efibootmgr-lists-boot0000 sh -c 'efibootmgr | grep -q Boot0000'
}
# All banks of PCR $1 differ between snapshot files $2 and $3
all_banks_changed() {
	for b in $BANKS; do
		before=$(sed -n "s/^$b //p" "$2")
		after=$(sed -n "s/^$b //p" "$3")
		if [ -z "$before" ] || [ -z "$after" ] || [ "$before" = "$after" ]; then
			echo "$b: '$before' -> '$after'"
			return 1
		fi
	done
}
snapshot() { for b in $BANKS; do echo "$b $(pcr_hex "$b" "$1")"; done > "$2"; }
# same_pcrs FILE FILE: two snapshots hold a value for every bank, and the
# same ones (two unreadable TPMs do not compare equal)
same_pcrs() {
	for b in $BANKS; do
		x=$(sed -n "s/^$b //p" "$1")
		y=$(sed -n "s/^$b //p" "$2")
		if [ -z "$x" ] || [ "$x" != "$y" ]; then
			echo "$b: '$x' -> '$y'"
			return 1
		fi
	done
}
replay_matches() {
	for b in $BANKS; do
		t=$(pcr_hex "$b" "$1")
		l=$(eventlog_hex "$b" "$1")
		if [ -z "$t" ] || [ "$t" != "$l" ]; then
			echo "$b: tpm '$t' log '$l'"
			return 1
		fi
	done
}

# Firmware leaves terminal escapes on the port: start on a fresh line.
emit ""
[ -e $KNOB ] || [ "$scenario" = bench ] || fail "runtime_enable-present"
[ -e /dev/tpmrm0 ] || [ -e /dev/tpm0 ] || emit "INFO no TPM device"

case $scenario in
open15)
	# efi_rtgate=on efi_rtgate_pcr=15, TPM 2.0: closed, then opened with
	# a measurement into PCR 15.
	mount_vars
	expect closed-at-boot 0 state
	expect reason-cmdline cmdline cat $REASON
	check boot-message dmesg_has "runtime services closed at boot (reason: cmdline)"
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
	;;
rebind)
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
	;;
tpmgone)
	# The TPM disappears mid-run: the host kills swtpm on request.
	expect closed-at-boot 0 state
	check tpm-works tpm2_pcrread sha256:15
	kill_tpm
	# shellcheck disable=SC2046 # "ns outcome": two words
	set -- $(rtgate-io time-write $KNOB 1)
	emit "INFO $scenario open-after-tpm-gone: $2 after $(($1 / 1000000)) ms"
	check open-fails-EIO-or-ENODEV sh -c "[ $2 = EIO ] || [ $2 = ENODEV ]"
	expect still-closed 0 state
	expect log-empty 0 sh -c "wc -c < $LOG"
	;;
kexec)
	# efi_rtgate=on, PCR 15: loading a kexec image while the gate is armed
	# is measured like an opening; with the TPM gone the load fails and
	# nothing is logged. The image is this kernel (mkinitramfs.sh).
	expect closed-at-boot 0 state
	snapshot 15 /tmp/before
	check kexec-file-load kexec -s -l /boot/bzImage --append="efi_rtgate=off"
	check kexec-load kexec -l /boot/bzImage --append="efi_rtgate=off"
	expect still-closed-after-loads 0 state
	check load-message dmesg_has "kexec image load by kexec\[[0-9]*\] measured into PCR 15"
	expect log-two-events 2 log_events
	expect log-kexec-only "kexec kexec" log_kinds
	snapshot 15 /tmp/after
	check pcr15-changed-all-banks all_banks_changed 15 /tmp/before /tmp/after
	check log-replays-to-pcr15 replay_matches 15
	expect verify-counts-kexec-loads 1 sh -c 'rtgate-verify -p 15 >/tmp/v.out 2>&1; echo $?'
	check verify-says-two-kexec-loads grep -q "opened 0 times, 2 kexec loads since launch; PCR 15 matches log" /tmp/v.out
	check kexec-unload kexec -u
	expect unload-not-measured 2 log_events
	kill_tpm
	# The load fails for the TPM (ENODEV or EIO), not for anything else.
	check load-fails-without-tpm sh -c '! kexec -s -l /boot/bzImage --append=efi_rtgate=off 2>/tmp/k.err &&
		grep -qE "No such device|Input/output error" /tmp/k.err'
	check refusal-message dmesg_has "kexec load refused: its measurement into PCR 15 failed"
	expect log-unchanged 2 log_events
	;;
hibernate)
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
		# With CONFIG_TCG_TPM2_HMAC the TPM driver compares the TPM's null
		# seed with the one it saw at boot; the TPM reset of the new boot
		# changed it, and the driver then refuses the TPM ("NULL Seed name
		# comparison failed"). The gate must stay closed with its log.
		r=$(write_knob 1)
		if [ "$r" = OK ]; then
			pass reopen
			expect log-two-events 2 log_events
			check pcr15-reopening-measured-from-reset test "$(pcr_hex sha256 15)" = "$(pcr_after_one_opening)"
		elif [ "$r" = ENODEV ] && dmesg_has "NULL Seed name comparison failed"; then
			emit "INFO $scenario reopen: ENODEV, the TPM driver refused the TPM after its reset (HMAC null seed)"
			pass reopen-refused-by-tpm-driver
			expect still-closed-after-refusal 0 state
			expect log-unchanged-after-refusal 1 log_events
		else
			fail "reopen got '$r'"
		fi
	else
		fail "hibernated $(cat /tmp/h.err)"
	fi
	;;
hibernate_resume)
	# Reached only if the second boot did not restore the image.
	fail "image-restored the second boot started afresh"
	;;
locality)
	# efi_rtgate=on with the default PCR 18: the TPM driver runs at
	# locality 0, so the TPM refuses the extension (TPM_RC_LOCALITY).
	mount_vars
	expect closed-at-boot 0 state
	snapshot 18 /tmp/pcr.before
	fault_write open-refused-EIO EIO
	expect still-closed 0 state
	check tpm-rc-logged dmesg_has "extending PCR 18 failed (2311)"
	snapshot 18 /tmp/pcr.after
	check pcr18-unchanged same_pcrs /tmp/pcr.before /tmp/pcr.after
	expect log-empty 0 sh -c "wc -c < $LOG"
	# Still closed: variables still come from the snapshot.
	check variables-still-from-snapshot test "$(nvars)" -gt 0
	check snapshot-kept-after-failed-opening sh -c '! dmesg | grep -q "variable snapshot freed"'
	check fuzz-1200-writes rtgate-io fuzz $KNOB 1200 7 5
	expect still-closed-after-fuzz 0 state
	expect log-empty-after-fuzz 0 sh -c "wc -c < $LOG"
	ksft EFI_RTGATE_EXPECT_OPEN=EIO
	;;
notpm)
	# No TPM device at all: opening fails with ENODEV and changes nothing.
	expect closed-at-boot 0 state
	check no-tpm-device sh -c '! ls /dev/tpm0'
	fault_write open-refused-ENODEV ENODEV
	expect still-closed 0 state
	expect log-empty 0 sh -c "wc -c < $LOG"
	ksft EFI_RTGATE_EXPECT_OPEN=ENODEV
	;;
vtpm)
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
	;;
slaunch)
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
	;;
slsuspend)
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
	;;
memmap)
	# efi=debug: the console holds the EFI memory map, from which the
	# host takes the runtime code ranges to trace (scripts/fwtrace.py).
	expect closed-at-boot 0 state
	;;
trace_closed)
	# Under QEMU's execution trace of the firmware's runtime code: closed
	# at boot, then opened; reads after opening must run firmware.
	expect closed-at-boot 0 state
	check physical-mode-message dmesg_has "SetVirtualAddressMap() not called"
	mount_vars
	# Reads served from the snapshot run no firmware: the host's trace
	# counts blocks until the opening.
	snapshot_reads disabled
	expect open OK write_knob 1
	emit_code_event
	remount_vars
	check efivarfs-lists-after-opening test "$(nvars)" -gt 0
	expect variable-readable-after-opening OK read_first_var
	check efibootmgr-lists-boot0000 sh -c 'efibootmgr | grep -q Boot0000'
	;;
trace_off)
	# The same under efi_rtgate=off: firmware runs from boot, in virtual
	# mode after SetVirtualAddressMap().
	open_at_boot cmdline
	check no-physical-mode-message sh -c '! dmesg | grep -q "SetVirtualAddressMap() not called"'
	;;
secboot)
	# Secure-Boot-enabled OVMF with enrolled keys, the kernel signed for
	# it. Closed at boot: the kernel keeps the Secure Boot state the EFI
	# stub read before ExitBootServices(), it does not read it as off.
	sbvar=$VARS/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c
	expect closed-at-boot 0 state
	check secure-boot-enabled dmesg_has "Secure boot enabled"
	check no-secure-boot-disabled sh -c '! dmesg | grep -q "Secure boot disabled"'
	check no-secureboot-fallback sh -c '! dmesg | grep -q "Secure Boot state unreadable"'
	# IMA took its architecture policy, which x86 gives only under Secure
	# Boot, at boot while closed.
	expect ima-arch-policy-loaded-while-closed 1 ima_arch_rules
	# The firmware is not asked meanwhile: reads come from the snapshot.
	mount_vars
	snapshot_reads enabled
	expect secure-boot-on-while-closed 01 sh -c "od -An -tx1 $sbvar | awk '{ print \$5 }'"
	# After a measured opening, the firmware's own variable agrees.
	expect open OK write_knob 1
	emit_code_event
	remount_vars
	# efivarfs: 4 bytes of attributes, then the value.
	expect firmware-says-secure-boot-on 01 sh -c "od -An -tx1 $sbvar | awk '{ print \$5 }'"
	# The keys loaded at boot while closed (from the snapshot) are the
	# certificates in the firmware's own db, read now that it answers;
	# the host compares both keyrings with the open boot (secbootoff).
	emit_keyrings
	check platform-keys-loaded-while-closed test "$(keyring_count platform)" -ge 1
	platform_keys_are_db
	;;
secbootoff)
	# The same machine and kernel with efi_rtgate=off: the keys the
	# kernel loads when firmware answers from boot.
	open_at_boot cmdline
	expect ima-arch-policy-loaded 1 ima_arch_rules
	emit_keyrings
	platform_keys_are_db
	;;
off)
	# efi_rtgate=off: runtime services work from boot.
	open_at_boot cmdline
	# The EFI stub took no variable snapshot (the gate cannot close).
	check boot-params-readable test -f /sys/kernel/boot_params/data
	check no-snapshot-with-off no_snapshot_entry
	expect log-empty 0 sh -c "wc -c < $LOG"
	# Never armed: a kexec load is not measured.
	check kexec-file-load kexec -s -l /boot/bzImage --append="efi_rtgate=off"
	expect kexec-load-not-measured 0 sh -c "wc -c < $LOG"
	;;
auto)
	# Default auto in QEMU: no TXT launch, so the gate stays open.
	open_at_boot none
	ksft
	;;
ssdt)
	# efivar_ssdt= while closed must not hang the boot: reaching DONE is
	# the proof (the host fails the VM otherwise).
	expect closed-at-boot 0 state
	# The SSDT scan walked the variable snapshot to its end (no
	# RTGATESSDT variable): no refusal, no firmware. Without a snapshot
	# it is refused and gives up instead of looping (KUnit refusal_hooks
	# shows the refusal).
	check vars-snapshot-taken dmesg_has "variable snapshot: [0-9]* variables"
	check ssdt-scan-not-refused sh -c '! dmesg | grep "refused GetNextVariableName() from swapper"'
	;;
tpm12)
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
	;;
bench)
	# make bench: raw timings, reported as "BENCH <name> <value>".
	b() { emit "BENCH $*"; }
	# A read figure: $batches batches of $reads reads each
	batches=10 reads=200
	# batch FILE: ns for one batch of reads of FILE, or nothing
	batch() {
		t=$(rtgate-io time-read "$1" "$reads")
		case $t in
		'' | *[!0-9]*) return 1 ;;
		esac
		echo "$t"
	}
	# cost NAME TIMES...: ns for all the reads, as $batches times the
	# fastest batch. The host (and the emulation's other vCPU) can stall
	# the guest for seconds; the fastest batch is the cost of the reads
	# themselves. Every batch is reported as INFO.
	cost() {
		n=$1
		shift
		emit "INFO bench $n batches of $reads reads (ns): $*"
		if [ "$#" -ne "$batches" ]; then
			echo "failed:$#-batches"
			return
		fi
		best=$1
		for t; do [ "$t" -lt "$best" ] && best=$t; done
		echo $((best * batches))
	}
	# timed_open NAME: time one closed-to-open write of the knob as
	# BENCH NAME; rtgate-io prints "ns outcome", and only a successful
	# opening is a valid time
	timed_open() {
		# shellcheck disable=SC2046
		set -- "$1" $(rtgate-io time-write $KNOB 1)
		[ "${3:-}" = OK ] || set -- "$1" "failed:${3:-none}"
		b "$1" "$2"
	}
	# each BODY: run BODY (a command) $batches times
	each() {
		_n=0
		while [ "$_n" -lt "$batches" ]; do
			"$@"
			_n=$((_n + 1))
		done
	}
	mode=$(sed -n 's/.*rtgate_bench=\([^ ]*\).*/\1/p' /proc/cmdline)
	case $mode in
	boot)
		# The kernel's own time when it ran /init (the timestamp of its
		# "Run /init" line, in microseconds), in ns, in shell arithmetic
		# (64-bit): busybox awk's printf %d converts to a C int and wraps
		# above 2.147 s. /proc/uptime, read by /init, has two decimals.
		# Only a timestamp of seconds and six decimals is taken.
		t=$(dmesg | sed -n 's/^\[ *\([0-9][0-9]*\)\.\([0-9]\{6\}\)\] Run \/init as init process$/\1 \2/p')
		# shellcheck disable=SC2086 # $t: seconds, microseconds
		set -- $t
		if [ "$#" -eq 2 ]; then
			# no leading zero: the shell would read it as octal
			us=$(echo "$2" | sed 's/^0*//')
			b init_ns "$(($1 * 1000000000 + ${us:-0} * 1000))"
		else
			b init_ns "unparsed-run-init:$t"
		fi
		;;
	read)
		mount_vars
		v=$(first_var)
		rtgate-io time-read "$v" 50 >/dev/null	# warm up
		all=
		read_batch() { all="$all $(batch "$v")"; }
		each read_batch
		# shellcheck disable=SC2086 # $all: the batches
		b read_ns "$(cost read $all)"
		;;
	gate)
		mount_vars
		remount_vars
		# Closed: refused calls. efivarfs lists nothing while closed,
		# so time GetVariable through a file opened after opening. The
		# first opening also hashes the runtime code: its time is
		# reported beside a later opening's (enable_ns, below).
		timed_open first_enable_ns
		remount_vars
		v=$(first_var)
		rtgate-io time-read "$v" 50 >/dev/null	# warm up, open
		write_knob 0 >/dev/null
		rtgate-io time-read "$v" 50 >/dev/null	# and closed
		# Refused and allowed batches alternate (each opening is
		# measured), so that a slow stretch of the host falls on both.
		ref= alw=
		both_batches() {
			[ "$(write_knob 0)" = OK ] && ref="$ref $(batch "$v")"
			[ "$(write_knob 1)" = OK ] && alw="$alw $(batch "$v")"
		}
		each both_batches
		write_knob 0 >/dev/null
		# shellcheck disable=SC2086 # the batches
		b refused_ns "$(cost refused $ref)"
		# shellcheck disable=SC2086
		b allowed_ns "$(cost allowed $alw)"
		timed_open enable_ns
		# "ns exit-status": only a successful extend is a valid time
		# shellcheck disable=SC2046
		set -- $(rtgate-io time-cmd tpm2_pcrextend 15:sha256=0000000000000000000000000000000000000000000000000000000000000001)
		[ "${2:-}" = 0 ] || set -- "failed:${2:-none}"
		b pcrextend_ns "$1"
		;;
	esac
	;;
demo)
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
	;;
*)
	fail "unknown-scenario '$scenario'"
	;;
esac

dmesg > /tmp/dmesg.txt
# Splats (/etc/splat.ere, from tests/splat.ere; the host reads the console
# with the same patterns).
if [ ! -s /tmp/dmesg.txt ]; then
	fail "kernel-log-clean no kernel log to read"
elif grep -qE -f /etc/splat.ere /tmp/dmesg.txt; then
	fail "kernel-log-clean $(grep -m1 -E -f /etc/splat.ere /tmp/dmesg.txt | cut -c1-160)"
else
	pass kernel-log-clean
fi
emit DONE
sync
poweroff -f
