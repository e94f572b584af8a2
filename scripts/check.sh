#!/bin/sh
# Run every test for the given bases: build the kernel, boot each VM
# scenario, parse KUnit (KTAP), kselftest (TAP) and scenario results, and
# print one closing line "N passed, N failed, N skipped".
# Usage: check.sh REPO BUILD BASE... (FRAGMENTS, FLAVOR from the environment)
set -u
repo=$1 build=$2
shift 2
passed=0 failed=0 skipped=0
mkdir -p "$build"
summary=$build/check-summary.txt
: > "$summary"

record() {	# record PASS|FAIL|SKIP NAME [DETAIL]
	st=$1
	shift
	printf '%s %s\n' "$st" "$*" >> "$summary"
	case $st in
	PASS) passed=$((passed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)); printf 'FAIL %s\n' "$*" ;;
	esac
}

# name tpm "kernel args"
scenarios='open15 tpm2 efi_rtgate=on efi_rtgate_pcr=15
locality tpm2 efi_rtgate=on kunit.enable=0
notpm none efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0
off tpm2 efi_rtgate=off kunit.enable=0
auto tpm2 kunit.enable=0
ssdt tpm2 efi_rtgate=on efivar_ssdt=RTGATESSDT kunit.enable=0
tpm12 tpm12 efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0
rebind tpm2 efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0
tpmgone tpm2 efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0
vtpm none efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0'
[ -n "${SCENARIOS:-}" ] && scenarios=$(echo "$scenarios" | grep -E "^(${SCENARIOS}) ")

for base in "$@"; do
	b=$build/$base
	mkdir -p "$b"
	log=$b/build.log
	echo "== $base: kernel"
	if ! "$repo/scripts/build-kernel.sh" "$repo" "$build" "$base" $FRAGMENTS >"$log" 2>&1; then
		tail -n 30 "$log"
		record FAIL "$base.build see $log"
		continue
	fi
	record PASS "$base.build"
	tree=${KSRC:-$b/linux}
	if ! "$repo/scripts/mkinitramfs.sh" "$repo" "$tree" "$b" >"$b/initramfs.log" 2>&1; then
		tail -n 30 "$b/initramfs.log"
		record FAIL "$base.initramfs see $b/initramfs.log"
		continue
	fi
	vmdir=$b/vm${FLAVOR:-}
	# Two lanes of VMs at a time (each VM runs on one host thread): open15,
	# the longest, in one lane, the other scenarios in the other.
	for lane in a b; do
		echo "$scenarios" | while read -r name tpm args; do
			case $lane in
			a) [ "$name" = open15 ] || continue ;;
			b) [ "$name" != open15 ] || continue ;;
			esac
			echo "== $base: VM $name ($tpm: $args)"
			"$repo/scripts/vm.sh" "$b/bzImage${FLAVOR:-}" "$b/initramfs.cpio.gz" \
				"$vmdir" "$name" "$tpm" "rtgate_test=$name $args"
		done &
	done
	wait
	for name in $(echo "$scenarios" | cut -d' ' -f1); do
		res=$vmdir/$name.results
		if ! grep -q '^DONE' "$res" 2>/dev/null; then
			record FAIL "$base.$name.vm-completed see $vmdir/$name.console"
		fi
		tr -d '\r' < "$res" > "$res.txt" 2>/dev/null
		res=$res.txt
		grep '^RESULT ' "$res" 2>/dev/null | while read -r _ st rest; do
			printf '%s %s\n' "$st" "$base.$rest"
		done > "$vmdir/$name.counted"
		# kselftest TAP: ok / not ok / # SKIP per test
		grep '^KSFT ' "$res" 2>/dev/null | sed 's/^KSFT [^ ]* //' |
			awk -v p="$base.$name.ksft." '
			/^ok [0-9]+ .*# SKIP/ { sub(/^ok [0-9]+ /, ""); print "SKIP " p $0; next }
			/^ok [0-9]+ / { sub(/^ok [0-9]+ /, ""); print "PASS " p $0; next }
			/^not ok [0-9]+ / { sub(/^not ok [0-9]+ /, ""); print "FAIL " p $0; next }
			/^ksft exit [1-9]/ { print "FAIL " p "exit-status " $3 }' >> "$vmdir/$name.counted"
		if grep -q '^KSFT ' "$res" 2>/dev/null &&
		   ! grep -qE '^KSFT [^ ]+ (ok|not ok) ' "$res"; then
			echo "FAIL $base.$name.ksft.ran-no-test" >> "$vmdir/$name.counted"
		fi
		while read -r st rest; do
			record "$st" "$rest"
		done < "$vmdir/$name.counted"
	done
	# Known answer: the PCR after one opening, recomputed here from the
	# documented event (tag 0x8F3B22EE, "efi_rtgate:open").
	if echo "$scenarios" | grep -q '^open15 '; then
		tr -d '\r' < "$vmdir/open15.results" | python3 -c '
import hashlib, struct, sys
event = struct.pack("<II", 0x8F3B22EE, 15) + b"efi_rtgate:open"
before, after = {}, {}
for line in sys.stdin:
    f = line.split()
    if len(f) == 4 and f[0] == "PCR" and f[1] == "15":
        before[f[2]] = f[3]
    elif len(f) == 4 and f[0] == "PCR-AFTER-ONE-OPENING":
        after[f[2]] = f[3]
for bank in ("sha1", "sha256", "sha384", "sha512"):
    name = "open15.pcr15-matches-documented-event-" + bank
    if bank not in before or bank not in after:
        print("FAIL", name, "no PCR values from the guest")
        continue
    digest = hashlib.new(bank, event).digest()
    want = hashlib.new(bank, bytes.fromhex(before[bank]) + digest).hexdigest()
    print("PASS" if want == after[bank] else "FAIL", name,
          "" if want == after[bank] else "want %s got %s" % (want, after[bank]))
' | while read -r st rest; do
			record "$st" "$base.$rest"
		done
	fi
	# KUnit ran at boot in the open15 VM: parse its KTAP.
	if echo "$scenarios" | grep -q '^open15 '; then
		ktap=$vmdir/open15.kunit
		if python3 "$tree/tools/testing/kunit/kunit.py" parse \
			"$vmdir/open15.console" > "$ktap" 2>&1; then :; fi
		# Test and parameter lines are "[PASSED] name"; suite lines are
		# framed with "=" and not counted.
		sed 's/\x1b\[[0-9;]*m//g; s/^\[[0-9:]*\] //' "$ktap" |
		sed -n 's/^\[\(PASSED\|FAILED\|SKIPPED\|CRASHED\)\] \(.*\)$/\1 \2/p' |
		while read -r st name; do
			name=$(printf '%s' "$name" | tr ' ' '_')
			case $st in
			PASSED) printf 'PASS %s\n' "$base.kunit.$name" ;;
			SKIPPED) printf 'SKIP %s\n' "$base.kunit.$name" ;;
			*) printf 'FAIL %s\n' "$base.kunit.$name" ;;
			esac
		done > "$vmdir/kunit.counted"
		grep -q "Testing complete" "$ktap" ||
			echo "FAIL $base.kunit.parse see $ktap" >> "$vmdir/kunit.counted"
		grep -q . "$vmdir/kunit.counted" ||
			echo "FAIL $base.kunit.ran-no-test see $ktap" > "$vmdir/kunit.counted"
		while read -r st rest; do
			record "$st" "$rest"
		done < "$vmdir/kunit.counted"
	fi
done

echo "results: $summary"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
