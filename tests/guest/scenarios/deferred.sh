# shellcheck shell=sh
# Scenario deferred: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 efi_rtgate=off
# bases: upstream
# Variable writes made while closed, kept and applied by the next boot's
# EFI stub. One machine (variable store, TPM, a disk with an ESP) boots
# several times, as scripts/check.sh deferred_vms describes; the step of
# each boot is the file rtgate.step on the ESP, which the host writes.
# Every boot but the first starts from a Boot#### entry on the ESP, as a
# distribution's machine does: the kernel is \EFI\Linux\linux.efi.
ESP=/esp
# The vendor of the variables this scenario writes
TV=52746761-7465-4553-5000-0000000000cc
mkdir -p $ESP
mount -t vfat /dev/vda1 $ESP || fail "esp-mounted"
mount_vars
step=$(cat $ESP/rtgate.step 2>/dev/null)
emit "INFO deferred step '$step', command line: $(cat /proc/cmdline)"
scenario=deferred_$(echo "$step" | tr - _)

# boot_opts ENTRY: the command line of a boot entry (load options, UCS-2)
boot_opts() {
	echo "console=ttyS0 rdinit=/init panic=-1 initrd=\\EFI\\Linux\\initrd.img rtgate_test=deferred efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0 efi=debug nokaslr rtgate_entry=$1"
}
# entry LABEL: the number (XXXX) of the boot entry with LABEL
entry() { efibootmgr | sed -n "s/^Boot\([0-9A-F]\{4\}\)\*\{0,1\} $1\$/\1/p; s/^Boot\([0-9A-F]\{4\}\)\*\{0,1\} $1	.*/\1/p" | head -n 1; }
# var NAME: the value of variable NAME-$TV as hex, attributes first
var() { var_hex "$1-$TV"; }
# setvar NAME HEX: write NAME-$TV (NV|BS|RT) through efivarfs
setvar() { printf "\\007\\000\\000\\000$(echo "$2" | sed 's/../\\x&/g')" > "$VARS/$1-$TV"; }
# sha of the file the ESP holds for the next boot, or "none"
esp_file() { if [ -s $ESP/efi-rtgate.var ]; then sha256sum < $ESP/efi-rtgate.var | cut -d' ' -f1; else echo none; fi; }
vartofile_sha() { tail -c +5 "$VARS/VarToFile-b2ac5fc9-92b7-4acd-aeac-11e818c3130c" | sha256sum | cut -d' ' -f1; }
persist() { rtgate-persist -e $ESP; }
# applied_and_open N REFUSED STATUS: a closed boot whose stub applied a
# file of N kept writes, REFUSED of them refused by firmware (STATUS:
# RtGateApplied as hex), and emptied it; then a measured opening, so that
# reads come from firmware
applied_and_open() {
	expect closed-at-boot 0 state
	check stub-applied-file dmesg_has "the EFI stub applied efi-rtgate.var: $1 kept variable writes, $2 refused by firmware"
	expect applied-status "$3" applied_status
	expect esp-file-removed none esp_file
	expect open OK write_knob 1
	remount_vars
}
DBX=d719b2cb-3d3a-4596-a3bc-dad00e67656f
# moknew_sha: the SHA-256 of MokNew's value (mokutil --import)
moknew_sha() { var_hex MokNew-605dab50-e046-4300-abb6-3dd810dd8b23 | cut -c9- | sha256sum | cut -d' ' -f1; }

case $step in
setup)
	# An open machine installs the kernel: two boot entries on the ESP,
	# "rtgate" first; a variable for the closed boot to delete.
	expect open-at-boot 1 state
	check create-main efibootmgr -q -c -d /dev/vda -p 1 -L rtgate \
		-l '\EFI\Linux\linux.efi' -u "$(boot_opts main)"
	check create-next efibootmgr -q -c -d /dev/vda -p 1 -L rtgate-next \
		-l '\EFI\Linux\linux.efi' -u "$(boot_opts next)"
	main=$(entry rtgate) next=$(entry rtgate-next)
	check order-main-first efibootmgr -q -o "$main,$next"
	check custom-var-created setvar RtGateOld 6f6c64
	emit "INFO entries main $main next $next"
	;;
write)
	# Closed, booted from the ESP: writes are kept for the next boot.
	expect closed-at-boot 0 state
	expect booted-main-entry 1 sh -c 'grep -c "rtgate_entry=main" /proc/cmdline'
	check deferral-on dmesg_has "variable writes while closed are kept for the next boot's stub (file efi-rtgate.var on the ESP"
	snapshot 15 /tmp/pcr.boot
	main=$(entry rtgate) next=$(entry rtgate-next)
	check efibootmgr-create efibootmgr -q -c -d /dev/vda -p 1 -L rtgate-closed \
		-l '\EFI\Linux\linux.efi' -u "$(boot_opts closed)"
	closed=$(entry rtgate-closed)
	check created-entry-listed test -n "$closed"
	check efibootmgr-bootnext efibootmgr -q -n "$next"
	expect bootnext-read-back "BootNext: $next" sh -c 'efibootmgr | grep "^BootNext"'
	check efibootmgr-order efibootmgr -q -o "$main,$closed,$next"
	expect order-read-back "BootOrder: $main,$closed,$next" sh -c 'efibootmgr | grep "^BootOrder"'
	check custom-var-write setvar RtGateNew 6e6577
	expect custom-var-read-back 070000006e6577 var RtGateNew
	check custom-var-delete sh -c "chattr -i $VARS/RtGateOld-$TV 2>/dev/null; rm $VARS/RtGateOld-$TV"
	check custom-var-gone test ! -e "$VARS/RtGateOld-$TV"
	mokutil --generate-hash=rtgate > /tmp/mok.hash 2>/tmp/mok.err
	check mokutil-import mokutil --import $ESP/mok.der --hash-file /tmp/mok.hash
	check mokutil-import-read-back sh -c "mokutil --list-new | grep -q 'CN=rtgate-mok'"
	check persisted persist
	expect persisted-is-vartofile "$(vartofile_sha)" esp_file
	snapshot 15 /tmp/pcr.after
	check pcr15-unchanged-by-kept-writes same_pcrs /tmp/pcr.boot /tmp/pcr.after
	expect log-empty 0 sh -c "wc -c < $LOG"
	expect still-closed 0 state
	check no-refusal sh -c '! dmesg | grep -q "refused SetVariable"'
	emit "ENTRIES main $main next $next closed $closed"
	emit "MOKNEW $(moknew_sha)"
	;;
next|again)
	# The stub applied the file and reset; the firmware then booted
	# the entry BootNext named.
	expect booted-bootnext-entry 1 sh -c 'grep -c "rtgate_entry=next" /proc/cmdline'
	expect closed-at-boot 0 state
	napplied=$(dmesg | sed -n 's/.*the EFI stub applied efi-rtgate.var: \([0-9]*\) kept variable writes, 0 refused by firmware$/\1/p')
	check stub-applied-logged test -n "$napplied"
	emit "APPLIED ${napplied:-none}"
	# The file's status, then each entry's: all EFI_SUCCESS
	expect applied-status "$(printf "%0$(((${napplied:-0} + 1) * 16))d" 0)" applied_status
	expect esp-file-removed none esp_file
	check esp-file-left-empty test -e $ESP/efi-rtgate.var
	# Read what firmware holds, after a measured opening.
	expect open OK write_knob 1
	expect log-one-opening 1 log_events
	remount_vars
	main=$(entry rtgate) next=$(entry rtgate-next) closed=$(entry rtgate-closed)
	check created-entry-in-firmware test -n "$closed"
	# The firmware appends the boot options it adds itself at each boot.
	check order-in-firmware sh -c "efibootmgr | grep -q '^BootOrder: $main,$closed,$next\(,\|\$\)'"
	expect bootnext-consumed-by-firmware 0 sh -c 'efibootmgr | grep -c "^BootNext"'
	expect custom-var-in-firmware 070000006e6577 var RtGateNew
	check deleted-var-gone-in-firmware test ! -e "$VARS/RtGateOld-$TV"
	check moknew-in-firmware sh -c "mokutil --list-new | grep -q 'CN=rtgate-mok'"
	emit "ENTRIES main $main next $next closed $closed"
	emit "MOKNEW $(moknew_sha)"
	;;
trace)
	# Under QEMU's execution trace (the host judges it): writes kept
	# and persisted while closed, then a measured opening.
	expect closed-at-boot 0 state
	main=$(entry rtgate) next=$(entry rtgate-next) closed=$(entry rtgate-closed)
	check trace-write setvar RtGateTrace 7472616365
	check trace-order efibootmgr -q -o "$main,$closed,$next"
	check persisted persist
	expect open OK write_knob 1
	check opening-applied-kept-writes dmesg_has "kept variable writes applied through firmware: 2 applied, 0 failed"
	;;
late)
	# The stub removed the file the last boot's opening applied and
	# recorded, without applying it again.
	check stub-removed-applied-file dmesg_has "the EFI stub removed efi-rtgate.var: an opening had applied it"
	expect trace-var-from-opening 070000007472616365 var RtGateTrace
	check done-record-consumed test ! -e "$VARS/RtGateDone-29b18b67-47a7-48e1-9c85-e58aba96382f"
	# A write kept for the next boot, no BootNext this time.
	expect closed-at-boot 0 state
	check late-write setvar RtGateLate 6c617465
	check persisted persist
	expect persisted-is-vartofile "$(vartofile_sha)" esp_file
	;;
applied)
	# The stub applied the file at this boot, without a reset: its
	# event is in this boot's firmware log (the host replays PCR 9).
	check stub-applied-logged dmesg_has "the EFI stub applied efi-rtgate.var: 1 kept variable writes, 0 refused by firmware"
	expect applied-status "$(printf '%032d' 0)" applied_status
	expect late-var-in-snapshot 070000006c617465 var RtGateLate
	expect esp-file-removed none esp_file
	expect open OK write_knob 1
	remount_vars
	expect late-var-in-firmware 070000006c617465 var RtGateLate
	emit "PCR9 $(pcr_hex sha256 9)"
	base64 -w 0 /sys/kernel/security/tpm0/binary_bios_measurements > /tmp/fwlog.b64
	emit "FWLOG $(cat /tmp/fwlog.b64)"
	;;
sb-write)
	# Secure Boot firmware, in user mode with the test key as KEK: two
	# authenticated appends to dbx made while closed (the host signed
	# one with that key, one with a key the firmware does not know).
	# Both are kept verbatim; reads keep the old dbx until firmware
	# has checked them.
	expect closed-at-boot 0 state
	check secure-boot-enabled dmesg_has "Secure boot enabled"
	before=$(var_hex "dbx-$DBX")
	chattr -i "$VARS/dbx-$DBX" 2>/dev/null
	check dbx-append-signed-kept sh -c "cat $ESP/dbx-good.var > $VARS/dbx-$DBX"
	check dbx-append-unknown-key-kept sh -c "cat $ESP/dbx-bad.var > $VARS/dbx-$DBX"
	expect dbx-read-unchanged-until-applied "$before" var_hex "dbx-$DBX"
	check persisted persist
	expect persisted-is-vartofile "$(vartofile_sha)" esp_file
	expect still-closed 0 state
	;;
sb-next)
	# The stub applied both; firmware took the signed one and refused
	# the other (EFI_SECURITY_VIOLATION, 0x800000000000001a).
	applied_and_open 2 1 "$(printf '%032d' 0)1a00000000000080"
	h=$(var_hex "dbx-$DBX")
	check dbx-holds-signed-hash sh -c "echo $h | grep -q $(cat $ESP/dbx-good.sha)"
	check dbx-lacks-unknown-key-hash sh -c "! echo $h | grep -q $(cat $ESP/dbx-bad.sha)"
	;;
completed)
	# Power was lost while the last boot's stub applied a file of 32
	# writes (the host killed that VM and saw part of the file in the
	# firmware's store): this boot's stub applied all of it.
	applied_and_open 32 0 "$(printf '%0528d' 0)"
	# RtGateKNN: 256 bytes of the byte NN (scripts/varfile.py many)
	i=0 right=0 wrong=
	while [ "$i" -lt 32 ]; do
		n=$(printf '%02d' "$i")
		want=07000000$(printf '%0512d' 0 | sed "s/00/$(printf '%02x' "$i")/g")
		if [ "$(var "RtGateK$n")" = "$want" ]; then
			right=$((right + 1))
		else
			wrong="$wrong RtGateK$n"
		fi
		i=$((i + 1))
	done
	expect all-32-in-firmware 32 echo "$right${wrong:+, not:$wrong}"
	;;
reject-*)
	# The host left a file the stub must reject as a whole.
	why=${step#reject-}
	case $why in
	crc) msg="CRC-32 mismatch" ;;
	foreign) msg="written on another machine" ;;
	bsonly) msg="malformed" ;;
	truncated) msg="truncated" ;;
	esac
	check rejected-logged dmesg_has "the EFI stub rejected efi-rtgate.var ($msg): nothing applied, the file is kept"
	check probe-var-not-written test ! -e "$VARS/RtGateProbe-$TV"
	expect custom-var-unchanged 070000006e6577 var RtGateNew
	check file-kept test -s $ESP/efi-rtgate.var
	;;
*)
	fail "unknown-step '$step'"
	;;
esac
umount $ESP
