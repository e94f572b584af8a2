#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Offline self-test of rtgate-verify, no TPM needed: mklog.py writes logs and
# computes what they replay to with hashlib; rtgate-verify --parse-only must
# print the same values, and refuse every malformed log with exit status 3.
# Where swtpm and tpm2-tools are installed, the checks against a TPM run too,
# on a private swtpm instance reached through a UNIX socket.
#
# Usage: test-rtgate-verify.sh [RTGATE_VERIFY]

set -u

srcdir=$(dirname "$0")
bin=${1:-$srcdir/rtgate-verify}
python=${PYTHON:-python3}
mklog="$srcdir/mklog.py"

tmp=$(mktemp -d) || exit 1
swtpm_pid=

cleanup() {
	[ -n "$swtpm_pid" ] && kill "$swtpm_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0
fail=0

result() {
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "PASS: $2"
	else
		fail=$((fail + 1))
		echo "FAIL: $2"
		sed 's/^/    /' "$tmp/out" "$tmp/err"
	fi
}

# run DESC WANT ARGS...: run rtgate-verify, check its exit status
run() {
	desc=$1
	want=$2
	shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "    exit status $rc, expected $want" >>"$tmp/err"
		return 1
	fi
	return 0
}

# replay DESC WANT MKLOG_ARGS -- VERIFY_ARGS: the printed values must be
# those mklog.py computed
replay() {
	desc=$1
	want=$2
	shift 2
	margs=
	while [ "$1" != -- ]; do
		margs="$margs $1"
		shift
	done
	shift
	# shellcheck disable=SC2086
	"$python" "$mklog" $margs "$tmp/log" >"$tmp/expected" || exit 2
	if run "$desc" "$want" -n -l "$tmp/log" "$@" &&
	   grep -E "^sha[0-9]+:" "$tmp/out" | cmp -s - "$tmp/expected"; then
		result ok "$desc"
	else
		echo "    expected:" >>"$tmp/err"
		cat "$tmp/expected" >>"$tmp/err"
		result fail "$desc"
	fi
}

# expect DESC WANT ARGS...: only the exit status matters (and a message on
# stderr for an error)
expect() {
	desc=$1
	want=$2
	shift 2
	if run "$desc" "$want" "$@" && { [ "$want" -ne 3 ] || [ -s "$tmp/err" ]; }; then
		result ok "$desc"
	else
		result fail "$desc"
	fi
}

s1=sha1:$(printf '11%.0s' $(seq 20))
s256=sha256:$(printf '22%.0s' $(seq 32))
s384=sha384:$(printf '33%.0s' $(seq 48))
s512=sha512:$(printf '44%.0s' $(seq 64))
zero256=sha256:$(printf '00%.0s' $(seq 32))

echo "rtgate-verify self-test ($bin)"

# Replays that must match
replay "two openings, PCR 15, four banks, zero start" 1 -p 15 -n 2 -- -p 15
replay "PCR taken from the log" 1 -p 7 -n 1 --
replay "PCR 18 with -s for every bank" 1 -p 18 -n 3 -s "$s1" -s "$s256" \
	-s "$s384" -s "$s512" -- -s "$s1" -s "$s256" -s "$s384" -s "$s512"
replay "PCR 18, sha256 bank only" 1 -p 18 -b sha256 -n 1 -s "$s256" -- \
	-s "$s256"
replay "banks in another order" 1 -p 0 -b sha384,sha1 -n 5 --
replay "-s with 0x prefix and upper case" 1 -p 17 -b sha256 -n 2 \
	-s "sha256:$(printf 'ab%.0s' $(seq 32))" -- \
	-s "SHA256:0x$(printf 'AB%.0s' $(seq 32))"
replay "100 openings" 1 -p 19 -b sha1,sha256 -n 100 -s "$s1" -s "$s256" -- \
	-s "$s1" -s "$s256"

# kexec loads recorded while the gate was armed count like openings
replay "an opening, a kexec load, an opening" 1 -p 15 -n 3 -x 2 -- -p 15
replay "a kexec load only" 1 -p 15 -b sha256 -n 1 -x 1 --
"$python" "$mklog" -p 15 -n 3 -x 1,3 "$tmp/kx" >/dev/null || exit 2
if run "counts openings and kexec loads apart" 1 -n -l "$tmp/kx" &&
   grep -qx "log: opened 1 time, 2 kexec loads, PCR 15" "$tmp/out"; then
	result ok "counts openings and kexec loads apart"
else
	result fail "counts openings and kexec loads apart"
fi

# Runtime code events before openings (a gate closed at boot): replayed
# like any event, not counted as openings, their digests printed
replay "openings after runtime code events" 1 -p 15 -n 2 --code 3 -- -p 15
replay "code, opening, kexec load, code, opening" 1 -p 18 -b sha256 -n 3 -x 2 \
	--code 1 -s "$s256" -- -s "$s256"
replay "a code event whose opening failed" 0 -p 15 -n 0 --code 2 --half --
"$python" "$mklog" -p 15 -n 2 --code 3 "$tmp/code" >/dev/null || exit 2
digest2=$(printf 'runtime code 1' | sha256sum | cut -d' ' -f1)
if run "prints the runtime code digests" 1 -n -l "$tmp/code" &&
   grep -qx "log: opened 2 times, PCR 15" "$tmp/out" &&
   grep -qx "runtime code (memory attributes table): 3 ranges, 24 KiB" "$tmp/out" &&
   grep -qx "  0x00001f669000-0x00001f66afff sha256:$digest2" "$tmp/out" &&
   [ "$(grep -c '^  0x' "$tmp/out")" -eq 3 ] &&
   ! grep -q "other digests" "$tmp/out"; then
	result ok "prints the runtime code digests"
else
	result fail "prints the runtime code digests"
fi

# Empty log: never opened, sha256 at its start value
replay "empty log, -p 15" 0 -n 0 -- -p 15
replay "empty log, PCR 18 with -s" 0 -n 0 -s "$s256" -- -s "$s256"
"$python" "$mklog" -n 0 "$tmp/empty" >/dev/null || exit 2
expect "empty log, PCR 18 without -s" 3 -n -l "$tmp/empty"
if run "unused -s warns" 0 -n -l "$tmp/empty" -p 1 -s "$s1" &&
   grep -q warning "$tmp/err" &&
   grep -qx "$zero256" "$tmp/out"; then
	result ok "unused -s warns"
else
	result fail "unused -s warns"
fi

# Start values and PCR choice
"$python" "$mklog" -p 18 "$tmp/log18" >/dev/null || exit 2
"$python" "$mklog" -p 15 "$tmp/log15" >/dev/null || exit 2
expect "PCR 18 log without -s" 3 -n -l "$tmp/log18"
expect "PCR 18 log, -s for one bank of four" 3 -n -l "$tmp/log18" -s "$s256"
expect "-p agrees with the log" 1 -n -l "$tmp/log15" -p 15
expect "-p disagrees with the log" 3 -n -l "$tmp/log15" -p 14

# Malformed logs
for defect in $("$python" "$mklog" --list-defects); do
	"$python" "$mklog" -p 15 -n 2 -d "$defect" "$tmp/bad" >/dev/null || exit 2
	case $defect in
	code-*) "$python" "$mklog" -p 15 -n 2 --code 2 -d "$defect" "$tmp/bad" \
		>/dev/null || exit 2 ;;
	esac
	expect "malformed: $defect" 3 -n -l "$tmp/bad"
done

# Truncated at every length: only record boundaries make a valid log
"$python" "$mklog" -p 15 -n 1 "$tmp/one" >/dev/null || exit 2
"$python" "$mklog" -p 15 -n 2 "$tmp/two" >/dev/null || exit 2
len1=$(wc -c <"$tmp/one")
len2=$(wc -c <"$tmp/two")
evlen=$((len2 - len1))
hdrlen=$((len1 - evlen))
n=1
bad=
while [ "$n" -lt "$len2" ]; do
	dd if="$tmp/two" of="$tmp/cut" bs=1 count="$n" 2>/dev/null
	case $n in
	"$hdrlen") want=0 ;;
	"$len1") want=1 ;;
	*) want=3 ;;
	esac
	"$bin" -n -l "$tmp/cut" -p 15 >/dev/null 2>&1
	rc=$?
	[ "$rc" -eq "$want" ] || bad="$bad $n:$rc"
	n=$((n + 1))
done
: >"$tmp/out"
if [ -z "$bad" ]; then
	: >"$tmp/err"
	result ok "truncated at each of $((len2 - 1)) lengths"
else
	echo "    length:status$bad" >"$tmp/err"
	result fail "truncated at each of $((len2 - 1)) lengths"
fi

# A D-RTM launch's log (-d): its events for the PCR replay first
replay "D-RTM log + gate log, PCR 18, zero start" 1 -p 18 -n 2 \
	--drtm "$tmp/drtm" -- -d "$tmp/drtm"
replay "D-RTM log + gate log, PCR 18, -s for every bank" 1 -p 18 -n 1 -k 3 \
	--drtm "$tmp/drtm" -s "$s1" -s "$s256" -s "$s384" -s "$s512" -- \
	-d "$tmp/drtm" -s "$s1" -s "$s256" -s "$s384" -s "$s512"
replay "D-RTM log, gate never opened" 0 -p 18 -n 0 -b sha1,sha256 \
	--drtm "$tmp/drtm" -- -d "$tmp/drtm" -p 18
replay "D-RTM log without events for the PCR" 1 -p 18 -n 1 -k 0 \
	--drtm "$tmp/drtm" -- -d "$tmp/drtm"
"$python" "$mklog" -p 18 -n 1 "$tmp/g18" >/dev/null || exit 2
expect "gate log alone, PCR 18, without -s" 3 -n -l "$tmp/g18"
for defect in $("$python" "$mklog" --list-drtm-defects); do
	"$python" "$mklog" -p 18 -n 1 --drtm "$tmp/bad" --drtm-defect "$defect" \
		"$tmp/g" >/dev/null || exit 2
	expect "malformed D-RTM log: $defect" 3 -n -l "$tmp/g" -d "$tmp/bad"
done
expect "no such D-RTM log" 3 -n -l "$tmp/g18" -d "$tmp/nonexistent"

# Usage
expect "-h" 0 -h
expect "no such log" 3 -n -l "$tmp/nonexistent"
expect "-p 24" 3 -n -l "$tmp/log15" -p 24
expect "-p -1" 3 -n -l "$tmp/log15" -p -1
expect "-p x" 3 -n -l "$tmp/log15" -p x
expect "-s with a short value" 3 -n -l "$tmp/log15" -s sha1:00
expect "-s with a bad digit" 3 -n -l "$tmp/log15" -s "sha1:$(printf 'g0%.0s' $(seq 20))"
expect "-s with an unknown bank" 3 -n -l "$tmp/log15" -s "md5:$(printf '00%.0s' $(seq 16))"
expect "-s twice for one bank" 3 -n -l "$tmp/log15" -s "$s1" -s "$s1"
expect "-s without a colon" 3 -n -l "$tmp/log15" -s sha1
expect "unknown option" 3 -n -l "$tmp/log15" -x
expect "stray argument" 3 -n -l "$tmp/log15" foo

# Against a TPM
start_swtpm() {
	mkdir "$tmp/tpm" || return 1
	swtpm socket --tpm2 --tpmstate dir="$tmp/tpm" \
		--server type=unixio,path="$tmp/tpm/sock" \
		--ctrl type=unixio,path="$tmp/tpm/sock.ctrl" \
		--flags not-need-init,startup-clear \
		--daemon --pid file="$tmp/tpm/pid" || return 1
	for _ in 1 2 3 4 5; do
		[ -s "$tmp/tpm/pid" ] && [ -S "$tmp/tpm/sock" ] && break
		sleep 1
	done
	swtpm_pid=$(cat "$tmp/tpm/pid") && [ -S "$tmp/tpm/sock" ]
}

# The checks against a TPM are part of the suite: without swtpm and
# tpm2-tools (make deps installs them) they fail, never skip unseen.
if ! command -v swtpm >/dev/null || ! command -v tpm2_pcrevent >/dev/null; then
	: >"$tmp/out"
	echo "    needs swtpm and tpm2-tools" >"$tmp/err"
	result fail "TPM: swtpm and tpm2-tools present"
elif ! start_swtpm; then
	: >"$tmp/out"
	echo "    swtpm did not start" >"$tmp/err"
	result fail "swtpm started"
else
	tcti="swtpm:path=$tmp/tpm/sock"
	"$python" "$mklog" -p 15 -b sha1,sha256 -n 2 "$tmp/tpm2" >/dev/null || exit 2
	"$python" "$mklog" -p 15 -b sha1,sha256 -n 1 "$tmp/tpm1" >/dev/null || exit 2
	"$python" "$mklog" -p 16 -b sha256 -n 1 "$tmp/tpm16" >/dev/null || exit 2
	# The measured event, as the kernel passes it to TPM2_PCR_Event
	printf '\356\042\073\217\017\000\000\000efi_rtgate:open' >"$tmp/event"

	expect "TPM: never opened" 0 -T "$tcti" -l "$tmp/empty" -p 15
	tpm2_pcrevent -T "$tcti" 15 "$tmp/event" >/dev/null &&
	tpm2_pcrevent -T "$tcti" 15 "$tmp/event" >/dev/null || exit 2
	expect "TPM: opened twice, log agrees" 1 -T "$tcti" -l "$tmp/tpm2"
	if grep -qx "opened 2 times since launch; PCR 15 matches log in sha1, sha256" \
	   "$tmp/out"; then
		result ok "TPM: report line"
	else
		result fail "TPM: report line"
	fi
	expect "TPM: log misses an opening" 2 -T "$tcti" -l "$tmp/tpm1"
	expect "TPM: empty log, PCR extended" 2 -T "$tcti" -l "$tmp/empty" -p 15
	tpm2_pcrevent -T "$tcti" 16 "$tmp/event" >/dev/null || exit 2
	expect "TPM: PCR 16 from -s" 1 -T "$tcti" -l "$tmp/tpm16" -s "$zero256"
	expect "TPM: PCR 16, wrong -s" 2 -T "$tcti" -l "$tmp/tpm16" -s "$s256"
	# PCR 16 as the D-RTM PCR: one launch event, then one opening
	"$python" "$mklog" -p 16 -b sha256 -n 1 -k 1 --drtm "$tmp/d16" \
		"$tmp/g16" >/dev/null || exit 2
	printf 'launch: PCR 16 event 0' >"$tmp/launch"
	tpm2_pcrreset -T "$tcti" 16 >/dev/null &&
	tpm2_pcrevent -T "$tcti" 16 "$tmp/launch" >/dev/null &&
	tpm2_pcrevent -T "$tcti" 16 "$tmp/event" >/dev/null || exit 2
	expect "TPM: D-RTM log + gate log" 1 -T "$tcti" -l "$tmp/g16" \
		-d "$tmp/d16" -s "$zero256"
	if grep -qx "D-RTM log: 1 event in PCR 16; opened 1 time since launch; PCR 16 matches log in sha256" \
	   "$tmp/out"; then
		result ok "TPM: report line with a D-RTM log"
	else
		result fail "TPM: report line with a D-RTM log"
	fi
	expect "TPM: gate log without the D-RTM log" 2 -T "$tcti" -l "$tmp/g16" \
		-s "$zero256"
	expect "TPM: no such TCTI socket" 3 -T "swtpm:path=$tmp/nonexistent" \
		-l "$tmp/tpm2"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
