#!/bin/sh
# Run every test for the given bases: build the kernel, boot each VM
# scenario, parse KUnit (KTAP), kselftest (TAP) and scenario results, and
# print one closing line "N passed, N failed, N skipped".
# Usage: check.sh REPO BUILD BASE... (FRAGMENTS from the environment; the
# bases named in DEBUG_BASES are built with configs/debug.config too)
# SETUP_ONLY=1 stops after the set-up (directories, kernel bases).
set -u
repo=$1 build=$2
shift 2
passed=0 failed=0 skipped=0
mkdir -p "$build"
summary=$build/check-summary.txt
: > "$summary"

# record PASS|FAIL|SKIP NAME [DETAIL]: count one result and write it to
# $summary. Call it in this shell only, never on the right of a pipe (the
# count would be lost with the subshell). Any other status is a FAIL. A
# detail of several lines (an error's output) is written on one line.
record() {
	st=$1
	shift
	set -- "$(printf '%s' "$*" | tr '\n' ' ')"
	case $st in
	PASS) passed=$((passed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	*) set -- "$@" "(status '$st')"
	   st=FAIL
	   failed=$((failed + 1)) ;;
	esac
	[ "$st" = FAIL ] && printf 'FAIL %s\n' "$*"
	printf '%s %s\n' "$st" "$*" >> "$summary"
}
# record_file FILE: record each "STATUS NAME [DETAIL]" line of FILE
record_file() {
	while read -r st rest; do
		record "$st" "$rest"
	done < "$1"
}

# scenario_list BASE: "NAME TPM ARGS" for each scenario make check boots
# on BASE: tests/guest/scenarios/NAME.sh with a "# check: TPM ARGS" line
# and BASE on its "# bases:" line (SCENARIOS= keeps those it matches).
scenario_list() {
	for f in "$repo"/tests/guest/scenarios/*.sh; do
		sed -n 's/^# bases: //p' "$f" | grep -qw "$1" || continue
		c=$(sed -n 's/^# check: //p' "$f")
		[ -n "$c" ] || continue
		echo "$(basename "$f" .sh) $c"
	done | grep -E "^(${SCENARIOS:-[^ ]+}) "
}
# The firmware execution trace (bases upstream and lts): three VMs.
want_fwtrace=1
if [ -n "${SCENARIOS:-}" ]; then
	echo fwtrace | grep -qE "^(${SCENARIOS})$" || want_fwtrace=
	# A misspelt SCENARIOS= must not pass by running nothing.
	[ -n "$(for base in "$@"; do scenario_list "$base"; done)$want_fwtrace" ] || {
		echo "check: no scenario matches SCENARIOS=$SCENARIOS" >&2
		exit 1
	}
fi
# count_vm BASE VMDIR NAME: record the outcome of one VM from its results
# file (RESULT, KSFT and DONE lines).
count_vm() {
	base=$1 vmdir=$2 name=$3
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
	record_file "$vmdir/$name.counted"
	# The kernel log as the host's console file got it: also what the
	# kernel printed after DONE, while writing a hibernation image or
	# restoring one, and what the guest's ring buffer no longer holds.
	# The EFI stub's own lines (before the kernel) are not splats: its
	# "WARNING:" is a firmware refusal a scenario may expect.
	con=$vmdir/$name.console
	if [ ! -s "$con" ]; then
		record FAIL "$base.$name.console-clean no console output in $con"
	elif tr -d '\r' < "$con" | grep -av '^EFI stub: ' |
	     grep -aE -f "$repo/tests/splat.ere" > "$vmdir/$name.splats"; then
		record FAIL "$base.$name.console-clean $(head -n 1 "$vmdir/$name.splats" | cut -c1-160)"
	else
		record PASS "$base.$name.console-clean"
	fi
}

# hibernate_vms BASE BDIR VMDIR ARGS: hibernate in one VM, resume the
# same machine (variables, TPM state, disk) in a second one.
hibernate_vms() {
	base=$1 b=$2 vmdir=$3 args=$4
	keep=$vmdir/hibernate.machine
	rm -rf "$keep"
	echo "== $base: VMs hibernate, then hibernate_resume ($args)"
	VM_KEEP=$keep "$repo/scripts/vm.sh" "$b/bzImage${FLAVOR:-}" \
		"$b/initramfs.cpio.gz" "$vmdir" hibernate tpm2 \
		"rtgate_test=hibernate $args"
	VM_KEEP=$keep "$repo/scripts/vm.sh" "$b/bzImage${FLAVOR:-}" \
		"$b/initramfs.cpio.gz" "$vmdir" hibernate_resume tpm2 \
		"rtgate_test=hibernate_resume $args resume=/dev/vda"
	rm -rf "$keep"
}

# The deferred scenario's machine: its SMBIOS system UUID, and another
# machine's for a file that is not its own.
DEFER_UUID=52746761-7465-4553-5000-0000000000aa
OTHER_UUID=52746761-7465-4553-5000-0000000000bb

# make_esp, esp_put, esp_get, esp_step: the ESP of a machine kept in a
# directory
. "$repo/scripts/esp.sh"

# deferred_machine NAME WHAT: a new machine directory $keep for the VMs
# NAME_*, their results cleared, $counted for the host's own checks
deferred_machine() {
	keep=$vmdir/$1.machine
	counted=$vmdir/$1.counted
	rm -rf "$keep" "$vmdir/$1"_*.results
	mkdir -p "$keep"
	: > "$counted"
	echo "== $base: VMs $1_* ($2)"
}

# deferred_vms BASE BDIR VMDIR ARGS: one machine with an ESP boots from it
# again and again (tests/guest/scenarios/deferred.sh): an open boot that
# installs two boot entries (deferred_setup); a closed one from the ESP
# that writes variables, kept in a file on the ESP (deferred_write); the
# next, whose stub applies the file and resets for BootNext
# (deferred_apply); the boot of the entry BootNext named (deferred_next);
# four files the stub must reject (deferred_reject_*); a closed boot
# under QEMU's execution trace that keeps writes and opens
# (deferred_trace); the next, whose stub removes the file that opening
# applied, and which keeps a write (deferred_late); the next, whose stub
# applies it without a reset (deferred_applied); the first file again,
# as after a power loss before the stub removed it (deferred_again_apply,
# deferred_again); a power loss in the middle of applying a file
# (deferred_killed), and the boot that applies it whole
# (deferred_completed).
deferred_vms() {
	base=$1 b=$2 vmdir=$3 args=$4
	deferred_machine deferred "one machine booting from its ESP"
	if ! make_esp "$keep" "$b/bzImage${FLAVOR:-}" "$b/initramfs.cpio.gz" \
			> "$vmdir/deferred.esp.log" 2>&1; then
		echo "FAIL $base.deferred.esp-built see $vmdir/deferred.esp.log" >> "$counted"
		return
	fi
	vm() {
		VM_KEEP=$keep VM_UUID=${uuid:-$DEFER_UUID} "$repo/scripts/vm.sh" \
			"$b/bzImage${FLAVOR:-}" "$b/initramfs.cpio.gz" "$vmdir" "$@"
		tr -d '\r' < "$vmdir/$1.results" > "$vmdir/$1.results.txt" 2>/dev/null
	}
	# con_has NAME TEST PATTERN: the console of VM NAME shows PATTERN
	con_has() {
		if tr -d '\r' < "$vmdir/$1.console" 2>/dev/null | grep -q "$3"; then
			echo "PASS $base.$1.$2" >> "$counted"
		else
			echo "FAIL $base.$1.$2 no '$3' in $vmdir/$1.console" >> "$counted"
		fi
	}
	esp_step "$keep" setup
	vm deferred_setup tpm2 "rtgate_test=deferred $args"
	esp_step "$keep" write
	VM_BOOT_ESP=1 vm deferred_write tpm2 ""
	esp_get "$keep" efi-rtgate.var "$vmdir/deferred.file"
	python3 "$repo/scripts/varfile.py" check "$base.deferred_write" \
		"$vmdir/deferred.file" "$DEFER_UUID" "$vmdir/deferred_write.results.txt" \
		> "$vmdir/deferred.file.check" 2>&1 ||
		echo "FAIL $base.deferred_write.varfile-check-ran" >> "$counted"
	grep -E '^(PASS|FAIL) ' "$vmdir/deferred.file.check" >> "$counted"
	entries=$(sed -n 's/^INFO .*\.entries //p' "$vmdir/deferred.file.check")
	# The stub applies the file, then resets for BootNext: QEMU exits
	# (-no-reboot) before the kernel runs.
	esp_step "$keep" next
	VM_BOOT_ESP=1 vm deferred_apply tpm2 ""
	con_has deferred_apply stub-applied-entries "EFI runtime gate: ${entries:-?} kept variable writes applied"
	con_has deferred_apply stub-resets-for-bootnext "EFI runtime gate: BootNext or OsIndications applied: resetting"
	# The firmware boots the entry BootNext named, once.
	VM_BOOT_ESP=1 vm deferred_next tpm2 ""
	next=$(sed -n 's/^ENTRIES .* next \([0-9A-F]*\) .*/\1/p' "$vmdir/deferred_write.results.txt")
	con_has deferred_next firmware-boots-bootnext-entry "Boot${next:-none} \"rtgate-next\""
	n=$(sed -n 's/^APPLIED //p' "$vmdir/deferred_next.results.txt")
	if [ -n "$entries" ] && [ "$n" = "$entries" ]; then
		echo "PASS $base.deferred_next.applied-as-many-as-the-file-holds $n" >> "$counted"
	else
		echo "FAIL $base.deferred_next.applied-as-many-as-the-file-holds applied '$n', file '$entries'" >> "$counted"
	fi
	m1=$(sed -n 's/^MOKNEW //p' "$vmdir/deferred_write.results.txt")
	m2=$(sed -n 's/^MOKNEW //p' "$vmdir/deferred_next.results.txt")
	if [ -n "$m1" ] && [ "$m1" = "$m2" ]; then
		echo "PASS $base.deferred_next.moknew-as-written-while-closed" >> "$counted"
	else
		echo "FAIL $base.deferred_next.moknew-as-written-while-closed '$m1' '$m2'" >> "$counted"
	fi
	# Files the stub rejects whole, keeping them
	for kind in crc foreign bsonly truncated; do
		f=$vmdir/deferred.$kind
		python3 "$repo/scripts/varfile.py" bad "$kind" "$DEFER_UUID" "$f" &&
			esp_put "$keep" "$f" efi-rtgate.var && esp_step "$keep" "reject-$kind" ||
			echo "FAIL $base.deferred_reject_$kind.file-placed" >> "$counted"
		uuid=
		[ "$kind" != foreign ] || uuid=$OTHER_UUID
		VM_BOOT_ESP=1 vm "deferred_reject_$kind" tpm2 ""
		uuid=
		esp_get "$keep" efi-rtgate.var "$f.after"
		if cmp -s "$f" "$f.after"; then
			echo "PASS $base.deferred_reject_$kind.file-kept-unchanged" >> "$counted"
		else
			echo "FAIL $base.deferred_reject_$kind.file-kept-unchanged" >> "$counted"
		fi
	done
	# QEMU's execution trace of the firmware's runtime code (as fwtrace
	# below, the ranges from deferred_write's memory map: the entries
	# boot with efi=debug nokaslr) in a closed boot from the ESP that
	# keeps writes and persists them, then opens: no firmware block runs
	# from start_kernel to the opening.
	obj=$b/obj${FLAVOR:-}
	esp_step "$keep" trace
	if ranges=$(python3 "$repo/scripts/fwtrace.py" ranges \
			"$vmdir/deferred_write.console" "$obj/System.map" 2>"$vmdir/deferred.fwtrace.err") &&
	   filter=$(python3 "$repo/scripts/fwtrace.py" filter "$obj/System.map" \
			2>>"$vmdir/deferred.fwtrace.err"); then
		EXEC_TRACE=$ranges EXEC_TRACE_FILTER=$filter VM_BOOT_ESP=1 \
			vm deferred_trace tpm2 ""
		python3 "$repo/scripts/fwtrace.py" judge-closed "$base.deferred_trace.fwtrace" \
			"$vmdir/deferred_write.console" "$obj/System.map" \
			"$vmdir/deferred_trace.console" "$vmdir/deferred_trace.exec" \
			>> "$counted" 2>>"$vmdir/deferred.fwtrace.err" ||
			echo "FAIL $base.deferred_trace.fwtrace.judge see $vmdir/deferred.fwtrace.err" >> "$counted"
	else
		echo "FAIL $base.deferred_trace.fwtrace.ranges $(tail -n 1 "$vmdir/deferred.fwtrace.err")" >> "$counted"
	fi
	# The traced boot's opening applied its writes and recorded the
	# file: the next boot's stub removes it, applying nothing; that boot
	# keeps a write, which the boot after applies without a reset, its
	# event in that boot's firmware log.
	esp_step "$keep" late
	VM_BOOT_ESP=1 vm deferred_late tpm2 ""
	esp_get "$keep" efi-rtgate.var "$vmdir/deferred.late.file"
	esp_step "$keep" applied
	VM_BOOT_ESP=1 vm deferred_applied tpm2 ""
	python3 "$repo/scripts/varfile.py" fwlog "$base.deferred_applied" \
		"$vmdir/deferred.late.file" "$vmdir/deferred_applied.results.txt" >> "$counted" 2>&1 ||
		echo "FAIL $base.deferred_applied.fwlog-check-ran" >> "$counted"
	# The applied file once more, as if power was lost before the stub
	# removed it: applying it again changes nothing.
	esp_put "$keep" "$vmdir/deferred.file" efi-rtgate.var && esp_step "$keep" again ||
		echo "FAIL $base.deferred_again.file-placed" >> "$counted"
	VM_BOOT_ESP=1 vm deferred_again_apply tpm2 ""
	con_has deferred_again_apply stub-applied-entries-again "EFI runtime gate: ${entries:-?} kept variable writes applied"
	VM_BOOT_ESP=1 vm deferred_again tpm2 ""
	# A power loss in the middle of applying: a file of 32 writes, and
	# QEMU killed as soon as the stub says it applied the fourth. The
	# file stays; the firmware's store (its flash image, read here)
	# holds some of the writes, not all; the next boot applies the file
	# whole (deferred_completed).
	many=$vmdir/deferred.many
	python3 "$repo/scripts/varfile.py" many 32 "$DEFER_UUID" "$many" &&
		esp_put "$keep" "$many" efi-rtgate.var && esp_step "$keep" completed ||
		echo "FAIL $base.deferred_killed.file-placed" >> "$counted"
	VM_KILL_ON="applied kept write 4 of 32" VM_BOOT_ESP=1 vm deferred_killed tpm2 ""
	con_has deferred_killed stub-applying "applied kept write 4 of 32"
	if tr -d '\r' < "$vmdir/deferred_killed.console" | grep -q "kept variable writes applied" ||
	   grep -q '^DONE' "$vmdir/deferred_killed.results.txt"; then
		echo "FAIL $base.deferred_killed.killed-before-the-end" >> "$counted"
	else
		echo "PASS $base.deferred_killed.killed-before-the-end" >> "$counted"
	fi
	esp_get "$keep" efi-rtgate.var "$many.after"
	if cmp -s "$many" "$many.after"; then
		echo "PASS $base.deferred_killed.file-kept" >> "$counted"
	else
		echo "FAIL $base.deferred_killed.file-kept" >> "$counted"
	fi
	n=$(python3 "$repo/scripts/varfile.py" store "$keep/vars.fd" 32 2>&1)
	case $n in
	[4-9] | [12][0-9] | 3[01])
		echo "PASS $base.deferred_killed.store-holds-part $n of 32" >> "$counted" ;;
	*)
		echo "FAIL $base.deferred_killed.store-holds-part '$n' of 32" >> "$counted" ;;
	esac
	VM_BOOT_ESP=1 vm deferred_completed tpm2 ""
	con_has deferred_completed stub-applied-whole-file "EFI runtime gate: 32 kept variable writes applied"
	n=$(python3 "$repo/scripts/varfile.py" store "$keep/vars.fd" 32 2>&1)
	if [ "$n" = 32 ]; then
		echo "PASS $base.deferred_completed.store-holds-all" >> "$counted"
	else
		echo "FAIL $base.deferred_completed.store-holds-all '$n' of 32" >> "$counted"
	fi
	rm -rf "$keep"
}

# deferred_sb_vms BASE BDIR VMDIR ARGS: a machine with Secure Boot
# firmware in user mode (the test key Debian's OVMF ships as PK and KEK),
# the kernel signed with that key on its ESP: an open boot installs the
# boot entries (deferred_sb_setup); a closed one from the ESP keeps two
# authenticated appends to dbx, one signed with that key, one with a key
# the firmware does not know (deferred_sb_write), verbatim in the file
# (host); the next boot's stub applies both, the firmware takes only the
# first (deferred_sb_next).
deferred_sb_vms() {
	base=$1 b=$2 vmdir=$3 args=$4
	deferred_machine deferred_sb "Secure Boot firmware, booting from its ESP"
	sign_kernel "$b" "$vmdir" deferred_sb_setup || return
	if ! { openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=rtgate-unknown -days 1 \
			-keyout "$keep/unknown.key" -out "$keep/unknown.pem" &&
		python3 "$repo/scripts/varfile.py" dbx "$vmdir/secboot.key" \
			/usr/share/ovmf/PkKek-1-snakeoil.pem rtgate-dbx-signed "$keep/good.auth" \
			> "$keep/dbx-good.sha" &&
		python3 "$repo/scripts/varfile.py" dbx "$keep/unknown.key" "$keep/unknown.pem" \
			rtgate-dbx-unknown "$keep/bad.auth" > "$keep/dbx-bad.sha" &&
		printf '\147\000\000\000' > "$keep/attr" &&
		cat "$keep/attr" "$keep/good.auth" > "$keep/dbx-good.var" &&
		cat "$keep/attr" "$keep/bad.auth" > "$keep/dbx-bad.var" &&
		make_esp "$keep" "$vmdir/bzImage${FLAVOR:-}.signed" "$b/initramfs.cpio.gz" &&
		esp_put "$keep" "$keep/dbx-good.var" dbx-good.var &&
		esp_put "$keep" "$keep/dbx-bad.var" dbx-bad.var &&
		esp_put "$keep" "$keep/dbx-good.sha" dbx-good.sha &&
		esp_put "$keep" "$keep/dbx-bad.sha" dbx-bad.sha; } > "$vmdir/deferred_sb.esp.log" 2>&1; then
		echo "FAIL $base.deferred_sb.esp-built see $vmdir/deferred_sb.esp.log" >> "$counted"
		return
	fi
	sbvm() {
		VM_KEEP=$keep VM_UUID=$DEFER_UUID sb_vm "$vmdir" "$b/initramfs.cpio.gz" "$vmdir" "$@"
	}
	esp_step "$keep" setup
	sbvm deferred_sb_setup tpm2 "rtgate_test=deferred $args"
	esp_step "$keep" sb-write
	VM_BOOT_ESP=1 sbvm deferred_sb_write tpm2 ""
	esp_get "$keep" efi-rtgate.var "$vmdir/deferred_sb.file"
	python3 "$repo/scripts/varfile.py" verbatim "$base.deferred_sb_write" \
		"$vmdir/deferred_sb.file" "$DEFER_UUID" "$keep/good.auth" "$keep/bad.auth" \
		>> "$counted" 2>&1 ||
		echo "FAIL $base.deferred_sb_write.verbatim-check-ran" >> "$counted"
	esp_step "$keep" sb-next
	VM_BOOT_ESP=1 sbvm deferred_sb_next tpm2 ""
	rm -rf "$keep"
}

# sign_kernel BDIR VMDIR NAME: sign the kernel with the test key Debian's
# OVMF ships (VMDIR/bzImage.signed); on failure, NAME's results say so.
sign_kernel() {
	b=$1 vmdir=$2 name=$3
	key=$vmdir/secboot.key
	signed=$vmdir/bzImage${FLAVOR:-}.signed
	rm -f "$signed"
	if ! openssl pkey -in /usr/share/ovmf/PkKek-1-snakeoil.key -passin pass:snakeoil \
			-out "$key" 2>"$vmdir/$name.sign.log" ||
	   ! sbsign --key "$key" --cert /usr/share/ovmf/PkKek-1-snakeoil.pem \
			--output "$signed" "$b/bzImage${FLAVOR:-}" >>"$vmdir/$name.sign.log" 2>&1; then
		echo "RESULT FAIL $name.sign-kernel see $vmdir/$name.sign.log" > "$vmdir/$name.results"
		return 1
	fi
}
# sb_vm VMDIR ARGS...: vm.sh's arguments after the kernel, on
# Secure-Boot-enabled firmware that enrolls the test key, with the signed
# kernel
sb_vm() {
	vmdir=$1
	shift
	OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd \
	OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd VM_SECURE_BOOT=1 \
		"$repo/scripts/vm.sh" "$vmdir/bzImage${FLAVOR:-}.signed" "$@"
}

# secboot_vm BASE BDIR VMDIR NAME ARGS: boot the kernel, signed with the
# test key Debian's OVMF ships, on Secure-Boot-enabled firmware that
# enrolls it.
secboot_vm() {
	base=$1 b=$2 vmdir=$3 name=$4 args=$5
	echo "== $base: VM $name (Secure Boot, signed kernel: $args)"
	sign_kernel "$b" "$vmdir" "$name" || return
	sb_vm "$vmdir" "$b/initramfs.cpio.gz" "$vmdir" "$name" tpm2 "rtgate_test=$name $args"
}

# same_keyrings BASE VMDIR: the keys loaded from UEFI variables at boot
# are the same in the boot closed by the gate (secboot) as in the open
# boot of the same machine (secbootoff): as many in each keyring (KEYRING
# lines), and the same keys by description (KEYS lines: the certificates
# from db, the hashes from dbx; neither may be empty).
same_keyrings() {
	base=$1 vmdir=$2
	for what in "KEYRING platform" "KEYRING blacklist" "KEYS asymmetri" "KEYS blacklist"; do
		closed=$(sed -n "s/^$what //p" "$vmdir/secboot.results.txt" 2>/dev/null)
		open=$(sed -n "s/^$what //p" "$vmdir/secbootoff.results.txt" 2>/dev/null)
		test=$(echo "$what" | sed 's/^KEYRING \(.*\)/\1-count/; s/^KEYS \(.*\)/\1-keys/')
		if [ -n "$closed" ] && [ "$closed" = "$open" ]; then
			record PASS "$base.secboot.$test-as-in-open-boot $(echo "$closed" | cut -c1-120)"
		else
			record FAIL "$base.secboot.$test-as-in-open-boot closed '$closed' open '$open'"
		fi
	done
}

# fwtrace BASE BDIR VMDIR [secboot]: QEMU's execution trace of the
# firmware's runtime code in a boot closed by the gate and one with
# efi_rtgate=off; with "secboot", on the Secure-Boot-enabled firmware with
# the signed kernel (its own runtime code, so its own memory map VM), the
# VMs' files and results named sb_*.
fwtrace() {
	base=$1 b=$2 vmdir=$3 fw=${4:-}
	obj=$b/obj${FLAVOR:-}
	vm=plain_vm p='' label=$base fwarg=''
	if [ "$fw" = secboot ]; then
		vm=sb_vm p=sb_ label=$base.secboot-firmware fwarg=rtgate_fw=secboot
		sign_kernel "$b" "$vmdir" "${p}memmap" || { count_vm "$label" "$vmdir" "${p}memmap"; return; }
	fi
	echo "== $label: VM ${p}memmap (the runtime code ranges to trace)"
	$vm "$vmdir" "$b/initramfs.cpio.gz" "$vmdir" \
		"${p}memmap" none "rtgate_test=memmap efi_rtgate=on efi=debug nokaslr kunit.enable=0"
	count_vm "$label" "$vmdir" "${p}memmap"
	if ! ranges=$(python3 "$repo/scripts/fwtrace.py" ranges \
			"$vmdir/${p}memmap.console" "$obj/System.map" 2>"$vmdir/fwtrace.err"); then
		record FAIL "$label.fwtrace.ranges $(cat "$vmdir/fwtrace.err")"
		return
	fi
	if ! filter=$(python3 "$repo/scripts/fwtrace.py" filter "$obj/System.map" \
			2>"$vmdir/fwtrace.err"); then
		record FAIL "$label.fwtrace.filter $(cat "$vmdir/fwtrace.err")"
		return
	fi
	echo "== $label: VMs ${p}trace_closed, ${p}trace_off under an execution trace of $ranges"
	traced=
	for t in "trace_closed efi_rtgate=on efi_rtgate_pcr=15" "trace_off efi_rtgate=off"; do
		# shellcheck disable=SC2086 # $t: name and arguments
		set -- $t
		n=$1
		shift
		EXEC_TRACE=$ranges EXEC_TRACE_FILTER=$filter $vm "$vmdir" \
			"$b/initramfs.cpio.gz" "$vmdir" "$p$n" tpm2 \
			"rtgate_test=$n $* $fwarg efi=debug nokaslr kunit.enable=0" &
		traced="$traced $!"
	done
	# Not a plain wait: the kernel builder runs in the background too.
	# shellcheck disable=SC2086 # one PID a word
	wait $traced
	count_vm "$label" "$vmdir" "${p}trace_closed"
	count_vm "$label" "$vmdir" "${p}trace_off"
	python3 "$repo/scripts/fwtrace.py" judge "$label.fwtrace" \
		"$vmdir/${p}memmap.console" "$obj/System.map" \
		"$vmdir/${p}trace_closed.console" "$vmdir/${p}trace_closed.exec" \
		"$vmdir/${p}trace_off.console" "$vmdir/${p}trace_off.exec" \
		> "$vmdir/${p}fwtrace.counted" 2>"$vmdir/fwtrace.err" ||
		echo "FAIL $label.fwtrace.judge $(tail -n 1 "$vmdir/fwtrace.err")" >> "$vmdir/${p}fwtrace.counted"
	cat "$vmdir/fwtrace.err"
	record_file "$vmdir/${p}fwtrace.counted"
}
# plain_vm VMDIR ARGS...: vm.sh's arguments after the kernel, on the
# plain firmware (FLAVOR's kernel of the base the caller set in $b)
plain_vm() {
	shift
	"$repo/scripts/vm.sh" "$b/bzImage${FLAVOR:-}" "$@"
}

# next_vm QUEUE: take the first line of QUEUE (the workers share it;
# a directory is the lock); fails when QUEUE is empty
next_vm() {
	until mkdir "$1.lock" 2>/dev/null; do sleep 0.2; done
	line=$(head -n 1 "$1")
	sed -i 1d "$1"
	rmdir "$1.lock"
	[ -n "$line" ] && echo "$line"
}

vm_timeout=${VM_TIMEOUT:-}

# base_env BASE: the fragments ($frags), FLAVOR, VM_TIMEOUT and whether
# the execution trace runs ($run_fwtrace) for BASE; $scenarios, the VMs
# it boots. Returns 1 when SCENARIOS= leaves nothing to run on it.
base_env() {
	scenarios=$(scenario_list "$1")
	# A debug kernel (KASAN, lockdep) runs open15's hundreds of openings
	# several times slower: each VM gets 480 s rather than vm.sh's 240 s.
	frags=$FRAGMENTS FLAVOR='' VM_TIMEOUT=$vm_timeout
	case " ${DEBUG_BASES:-} " in
	*" $1 "*)
		frags="$frags $repo/configs/debug.config" FLAVOR=-debug
		VM_TIMEOUT=${vm_timeout:-480} ;;
	esac
	export FLAVOR VM_TIMEOUT
	[ -n "$VM_TIMEOUT" ] || unset VM_TIMEOUT
	# Not on sl: its emulated launch has no firmware of its own to trace.
	run_fwtrace=$want_fwtrace
	[ "$1" = sl ] && run_fwtrace=
	[ -n "$scenarios$run_fwtrace" ]
}

# The kernels are built one at a time, in the background and at the
# lowest priority, while the VMs of the base before run: a build takes
# the CPU time the VMs leave (they wait for the TPM, for timers, for each
# other), and the VMs keep theirs. BUILD/BASE/check-build.status says
# when a base's kernel is ready (0) or failed.
for base in "$@"; do
	rm -f "$build/$base/check-build.status"
done
(
	for base in "$@"; do
		base_env "$base" || continue
		b=$build/$base
		mkdir -p "$b"
		# shellcheck disable=SC2086 # one word per fragment
		nice -n 19 "$repo/scripts/build-kernel.sh" "$repo" "$build" "$base" $frags \
			>"$b/build.log" 2>&1
		echo $? > "$b/check-build.status.tmp"
		mv "$b/check-build.status.tmp" "$b/check-build.status"
	done
) &
builder=$!

for base in "$@"; do
	# SCENARIOS= may leave nothing to run on this base.
	base_env "$base" || continue
	b=$build/$base
	vmdir=$b/vm${FLAVOR:-}
	mkdir -p "$b" "$vmdir"
	log=$b/build.log
	echo "== $base: kernel$FLAVOR"
	while [ ! -f "$b/check-build.status" ] && kill -0 "$builder" 2>/dev/null; do
		sleep 2
	done
	if [ "$(cat "$b/check-build.status" 2>/dev/null)" != 0 ]; then
		tail -n 30 "$log"
		record FAIL "$base.build see $log"
		continue
	fi
	# make fresh-check: build-kernel.sh stopped after its set-up.
	[ -n "${SETUP_ONLY:-}" ] && continue
	record PASS "$base.build"
	tree=${KSRC:-$b/linux}
	if ! "$repo/scripts/mkinitramfs.sh" "$repo" "$tree" "$b" "$b/bzImage${FLAVOR:-}" \
			>"$b/initramfs.log" 2>&1; then
		tail -n 30 "$b/initramfs.log"
		record FAIL "$base.initramfs see $b/initramfs.log"
		continue
	fi
	# Two VMs at a time (each VM runs on one host thread), from one queue,
	# longest first (open15, then the two-boot hibernate), so that neither
	# worker is left with a long VM at the end. A VM's outcome is judged
	# below from its results file (DONE and RESULT lines).
	queue=$vmdir/queue
	{
		echo "$scenarios" | grep '^open15 '
		echo "$scenarios" | grep '^deferred '
		echo "$scenarios" | grep '^hibernate '
		echo "$scenarios" | grep -v '^\(open15\|hibernate\|deferred\) '
	} | grep . > "$queue"
	rm -rf "$queue.lock"
	workers=
	for _ in 1 2; do
		while next=$(next_vm "$queue"); do
			# shellcheck disable=SC2086 # name, TPM, arguments
			set -- $next
			name=$1 tpm=$2
			shift 2
			args=$*
			case $name in
			hibernate)
				hibernate_vms "$base" "$b" "$vmdir" "$args"
				continue ;;
			deferred)
				deferred_vms "$base" "$b" "$vmdir" "$args"
				deferred_sb_vms "$base" "$b" "$vmdir" "$args"
				continue ;;
			secboot|secbootoff)
				secboot_vm "$base" "$b" "$vmdir" "$name" "$args"
				continue ;;
			esac
			echo "== $base: VM $name ($tpm: $args)"
			# open15 creates a boot entry on a disk of its own.
			esp=
			[ "$name" != open15 ] || esp=1
			# slsuspend sleeps (suspend to idle, then to RAM).
			sleep=
			[ "$name" != slsuspend ] || sleep=1
			VM_SLEEP=$sleep VM_ESP=$esp "$repo/scripts/vm.sh" "$b/bzImage${FLAVOR:-}" "$b/initramfs.cpio.gz" \
				"$vmdir" "$name" "$tpm" "rtgate_test=$name $args"
		done &
		workers="$workers $!"
	done
	# Not a plain wait: the kernel builder runs in the background too.
	# shellcheck disable=SC2086 # one PID a word
	wait $workers
	for name in $(echo "$scenarios" | cut -d' ' -f1); do
		if [ "$name" = deferred ]; then
			for n in setup write next reject_crc reject_foreign \
				 reject_bsonly reject_truncated trace late applied again \
				 completed sb_setup sb_write sb_next; do
				count_vm "$base" "$vmdir" "deferred_$n"
			done
			record_file "$vmdir/deferred.counted"
			record_file "$vmdir/deferred_sb.counted"
			continue
		fi
		count_vm "$base" "$vmdir" "$name"
		[ "$name" != hibernate ] || count_vm "$base" "$vmdir" hibernate_resume
	done
	if echo "$scenarios" | grep -q '^secboot ' &&
	   echo "$scenarios" | grep -q '^secbootoff '; then
		same_keyrings "$base" "$vmdir"
	fi
	# Known answers: the PCR after one opening, recomputed here from the
	# documented event; after the emulated Secure Launch, PCR 18 before
	# it from the command line the launch measured.
	# (A here-document, not a pipe: record_file must run in this shell.)
	while read -r sc pcr test opt; do
		echo "$scenarios" | grep -q "^$sc " || continue
		out=$vmdir/$sc.known-answer
		# shellcheck disable=SC2086 # $opt: no option or one
		tr -d '\r' < "$vmdir/$sc.results" 2>/dev/null |
			python3 "$repo/scripts/known-answer.py" "$base.$sc.$test" "$pcr" $opt > "$out" ||
			echo "FAIL $base.$sc.known-answer-script exited non-zero" >> "$out"
		record_file "$out"
	done <<-EOF
	open15 15 pcr15-matches-documented-event
	slaunch 18 pcr18-launch-then-documented-event --launch-cmdline
	EOF
	# The runtime code digests taken at boot: equal across two boots of
	# the same firmware (open15, tpm12: OVMF_CODE_4M.fd), different on
	# another build (secboot: OVMF_CODE_4M.secboot.fd).
	# ($b is this base's build directory: not a loop variable here.)
	while read -r sc1 sc2 want test; do
		echo "$scenarios" | grep -q "^$sc1 " || continue
		echo "$scenarios" | grep -q "^$sc2 " || continue
		out=$vmdir/code-digests.$sc2
		python3 "$repo/scripts/code-digests.py" "$base.$test" "$want" \
			"$vmdir/$sc1.results.txt" "$vmdir/$sc2.results.txt" \
			> "$out" 2> "$vmdir/code-digests.$sc2.log" ||
			echo "FAIL $base.$test script exited non-zero" >> "$out"
		record_file "$out"
	done <<-EOF
	open15 tpm12 same code-digests-equal-across-boots
	open15 secboot differ code-digests-differ-on-other-firmware
	EOF
	# KUnit ran at boot in the open15 VM: parse its KTAP.
	if echo "$scenarios" | grep -q '^open15 '; then
		ktap=$vmdir/open15.kunit
		# kunit.py exits non-zero when a test failed; those are counted
		# test by test below. A non-zero exit with no failed test is a
		# failure of its own.
		# Only KTAP lines go to the parser: a driver's message printed
		# between two of them (the debug kernel's mouse probe, once) made
		# kunit.py report two nameless crashed tests.
		tr -d '\r' < "$vmdir/open15.console" |
			grep -E '^\[ *[0-9]+\.[0-9]+\] +(K?TAP version |[0-9]+\.\.[0-9]+|ok |not ok |# )' \
			> "$vmdir/open15.ktap"
		python3 "$tree/tools/testing/kunit/kunit.py" parse \
			"$vmdir/open15.ktap" > "$ktap" 2>&1
		parse_rc=$?
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
		[ "$parse_rc" -eq 0 ] || grep -q '^FAIL ' "$vmdir/kunit.counted" ||
			echo "FAIL $base.kunit.parse-exit-status $parse_rc see $ktap" >> "$vmdir/kunit.counted"
		record_file "$vmdir/kunit.counted"
	fi
	[ -z "$run_fwtrace" ] || fwtrace "$base" "$b" "$vmdir"
	# The same on the Secure-Boot-enabled firmware, on upstream.
	[ -z "$run_fwtrace" ] || [ "$base" != upstream ] || fwtrace "$base" "$b" "$vmdir" secboot
done
wait "$builder"
if [ -n "${SETUP_ONLY:-}" ]; then
	[ "$failed" -eq 0 ] || exit 1
	echo "check: set-up done (SETUP_ONLY)"
	exit 0
fi

# Every SKIP is one the list of expected skips names: a check that
# stops running (a PASS become a SKIP) fails the run.
grep '^SKIP ' "$summary" | cut -d' ' -f2 > "$build/check-skips.txt"
while read -r name; do
	known=
	while read -r pat; do
		case $pat in ''|'#'*) continue ;; esac
		# shellcheck disable=SC2254 # the pattern is a shell pattern
		case $name in $pat) known=1; break ;; esac
	done < "$repo/tests/expected-skips"
	[ -n "$known" ] || record FAIL "check.unexpected-skip $name (not in tests/expected-skips)"
done < "$build/check-skips.txt"

# Every result is counted exactly once: the closing counts must equal the
# PASS/FAIL/SKIP lines of the summary (a result recorded in a subshell
# would be in the file but not in the counts).
np=$(grep -c '^PASS ' "$summary")
nf=$(grep -c '^FAIL ' "$summary")
ns=$(grep -c '^SKIP ' "$summary")
nl=$(wc -l < "$summary")
if [ "$np" -ne "$passed" ] || [ "$nf" -ne "$failed" ] ||
   [ "$ns" -ne "$skipped" ] || [ "$nl" -ne $((np + nf + ns)) ]; then
	record FAIL "check.counts-match-summary counted $passed/$failed/$skipped (pass/fail/skip), $summary has $np/$nf/$ns in $nl lines"
fi

echo "results: $summary"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
