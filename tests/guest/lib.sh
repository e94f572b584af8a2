# shellcheck shell=sh disable=SC2034 # variables the scenario files use
# The helpers every scenario uses: sourced by /init (tests/guest/init.sh)
# before the scenario file (tests/guest/scenarios/NAME.sh).

# What the scenarios read and write.
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
# var_hex NAME-VENDOR: an efivarfs variable as hex, attributes first;
# nothing if it does not exist
var_hex() { od -An -v -tx1 "$VARS/$1" 2>/dev/null | tr -d ' \n'; }
# Every efivarfs variable with its attributes and value, one per line
vars_dump() {
	for f in $(ls $VARS | sort); do
		echo "$f $(var_hex "$f")"
	done
}
# What the EFI stub did with a file of kept writes (RtGateApplied without
# its attributes, as hex: the file's status, then each entry's)
applied_status() { var_hex RtGateApplied-29b18b67-47a7-48e1-9c85-e58aba96382f | cut -c9-; }
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
