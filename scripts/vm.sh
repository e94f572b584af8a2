#!/bin/sh
# Boot the test kernel once in QEMU (q35, OVMF, optional swtpm) and collect
# the serial console (ttyS0) and the guest's results channel (ttyS1).
# Usage: vm.sh KERNEL INITRD OUTDIR NAME TPM "KERNEL ARGS"
#   TPM: tpm2 (swtpm TPM 2.0, tpm-crb), tpm2tis (swtpm TPM 2.0, tpm-tis:
#   localities 0-4, as the emulated Secure Launch needs), tpm12 (swtpm
#   TPM 1.2, tpm-tis), none
# Writes OUTDIR/NAME.console, OUTDIR/NAME.results, OUTDIR/NAME.swtpm.log
# (and OUTDIR/NAME.exec with EXEC_TRACE, OUTDIR/NAME.waker.log with
# VM_SLEEP, below).
set -eu
kernel=$1 initrd=$2 out=$3 name=$4 tpm=$5 args=$6
ovmf_code=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
ovmf_vars=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
timeout=${VM_TIMEOUT:-240}

die() { echo "vm: $*" >&2; exit 1; }
for f in "$kernel" "$initrd" "$ovmf_code" "$ovmf_vars"; do
	[ -f "$f" ] || die "missing $f"
done
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing"

mkdir -p "$out"
rm -f "$out/$name.console" "$out/$name.results"
tmp=$(mktemp -d /tmp/rtgate-vm.XXXXXX)
swtpm_pid=
watcher=
waker=
killer=
# Each kill may find its process gone: under set -e a failed kill would
# end the cleanup before swtpm is stopped.
cleanup() {
	for p in $watcher $waker $killer; do
		kill "$p" 2>/dev/null || :
	done
	if [ -n "$swtpm_pid" ] && kill "$swtpm_pid" 2>/dev/null; then
		# Gone before the next boot of the same machine starts its
		# own on the same state (QEMU killed by VM_KILL_ON left it
		# serving).
		i=0
		while kill -0 "$swtpm_pid" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# VM_KEEP=DIR: keep the variable store, the TPM state and a 256 MiB disk
# (virtio, /dev/vda in the guest, sparse) in DIR, so that a second boot continues
# the first one's machine (hibernation and resume).
# A DIR/esp.img there (scripts/check.sh deferred_vms) is that disk instead.
keep=$tmp
disk=
if [ -n "${VM_KEEP:-}" ]; then
	keep=$VM_KEEP
	mkdir -p "$keep"
	img=$keep/disk.img
	[ -f "$keep/esp.img" ] && img=$keep/esp.img
	[ -f "$img" ] || truncate -s 256M "$img"
	disk="-drive if=virtio,format=raw,file=$img"
fi
# VM_BOOT_ESP=1: no -kernel: the firmware boots its Boot#### entries (the
# kernel on the ESP of VM_KEEP's esp.img, its arguments in the entry).
# VM_UUID: the SMBIOS system UUID the firmware reports.
if [ -n "${VM_BOOT_ESP:-}" ]; then
	set --
else
	set -- -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 rdinit=/init panic=-1 $args"
fi
[ -z "${VM_UUID:-}" ] || set -- "$@" -uuid "$VM_UUID"
# VM_ESP=1: a second virtio disk (/dev/vda without VM_KEEP) with a GUID
# partition table and one EFI system partition, for efibootmgr -c.
if [ -n "${VM_ESP:-}" ]; then
	python3 "$(dirname "$0")/mkgpt.py" "$tmp/esp.img" 8 || die "mkgpt.py failed"
	disk="$disk -drive if=virtio,format=raw,file=$tmp/esp.img"
fi
[ -f "$keep/vars.fd" ] || cp "$ovmf_vars" "$keep/vars.fd"
tpmargs=
case $tpm in
tpm2|tpm2tis|tpm12)
	command -v swtpm >/dev/null || die "swtpm missing"
	mkdir -p "$keep/state"
	v=--tpm2
	dev=tpm-crb
	if [ "$tpm" = tpm12 ]; then
		v=
		dev=tpm-tis
	elif [ "$tpm" = tpm2tis ]; then
		dev=tpm-tis
	fi
	# shellcheck disable=SC2086
	swtpm socket $v --tpmstate dir="$keep/state" \
		--ctrl type=unixio,path="$tmp/swtpm.sock" \
		--log file="$out/$name.swtpm.log",level=${SWTPM_LOGLEVEL:-1} \
		--flags startup-clear --pid file="$tmp/swtpm.pid" --daemon ||
		die "swtpm failed to start"
	swtpm_pid=$(cat "$tmp/swtpm.pid")
	tpmargs="-chardev socket,id=chrtpm,path=$tmp/swtpm.sock
		 -tpmdev emulator,id=tpm0,chardev=chrtpm
		 -device $dev,tpmdev=tpm0"
	;;
none)
	;;
*)
	die "unknown TPM type '$tpm'"
	;;
esac

# TCG by default: OVMF executing from pflash is not reliable under nested
# KVM on the machines this runs on. KVM=1 tries it anyway.
# The guest may ask for the TPM to disappear (tests/guest/scenarios/tpmgone.sh).
if [ -n "$swtpm_pid" ]; then
	(
		i=0
		while [ $i -lt $((timeout * 5)) ]; do
			if grep -aq '^REQUEST kill-tpm' "$out/$name.results" 2>/dev/null; then
				kill "$swtpm_pid"
				break
			fi
			sleep 0.2
			i=$((i + 1))
		done
	) &
	watcher=$!
fi

# TCG by default: OVMF executing from pflash is not reliable under nested
# KVM on the machines this runs on; KVM=1 tries it anyway. TCG runs both
# vCPUs on one host thread: with a thread per vCPU, a vCPU can run code
# that another one has just patched (jump labels use int3) from a stale
# translation, which crashes the guest at random.
# No LA57 (5-level paging): 6.12 with KASAN can take an interrupt while
# identify_cpu() re-reads the CPU features at boot, see LA57 cleared for
# a moment and report the direct-mapped irq_desc lock as a
# "wild-memory-access" (seen once in lts.tpmgone, before any EFI code
# ran). Machines with LA57 are rare; the gate does not depend on it.
accel=tcg,thread=single cpu=max,la57=off
if [ -n "${KVM:-}" ]; then
	accel=kvm
	cpu=host
fi
# EXEC_TRACE=RANGES: log the translation blocks TCG enters whose start
# address is in RANGES (QEMU -dfilter syntax): each one entered from the
# execution loop or through an indirect jump. Blocks chained to by a direct
# jump (same guest page only) are not logged; EXEC_TRACE_NOCHAIN=1 logs
# every execution, at about five times the run time. The log goes through
# EXEC_TRACE_FILTER (a command reading it on its standard input; default
# cat) to OUTDIR/NAME.exec.
trace= tracer=
if [ -n "${EXEC_TRACE:-}" ]; then
	[ -z "${KVM:-}" ] || die "EXEC_TRACE needs TCG"
	mkfifo "$tmp/exec"
	sh -c "${EXEC_TRACE_FILTER:-cat}" < "$tmp/exec" > "$out/$name.exec" &
	tracer=$!
	trace="-d exec${EXEC_TRACE_NOCHAIN:+,nochain} -dfilter $EXEC_TRACE -D $tmp/exec"
fi
# VM_ICOUNT=SHIFT: the guest's clocks count executed instructions
# (2^SHIFT ns each; while a vCPU is idle, time passes at the host's
# speed), so the times the guest reads do not depend on how fast the
# host ran it (make bench: under TCG the host slows a guest down for
# seconds at a time).
icount=
if [ -n "${VM_ICOUNT:-}" ]; then
	[ -z "${KVM:-}" ] || die "VM_ICOUNT needs TCG"
	icount="-icount shift=$VM_ICOUNT,sleep=on"
fi
# VM_SECURE_BOOT=1: firmware with Secure Boot (OVMF_CODE, OVMF_VARS with
# enrolled keys) needs SMM, and its variable store only writable from SMM.
machine=q35 secure=
if [ -n "${VM_SECURE_BOOT:-}" ]; then
	machine=q35,smm=on
	secure="-global driver=cfi.pflash01,property=secure,value=on"
fi
# VM_SLEEP=1: the firmware offers suspend to RAM (S3), and
# scripts/vm-waker.py wakes the guest through QMP when it asks (suspend
# to RAM: system_wakeup; suspend to idle: the ACPI power button).
sleep_opts=
if [ -n "${VM_SLEEP:-}" ]; then
	sleep_opts="-global ICH9-LPC.disable_s3=0 -qmp unix:$tmp/qmp.sock,server=on,wait=off"
	python3 "$(dirname "$0")/vm-waker.py" "$out/$name.results" "$tmp/qmp.sock" \
		2>"$out/$name.waker.log" &
	waker=$!
fi
# VM_KILL_ON=PATTERN: a power loss: QEMU is killed (SIGKILL) as soon as
# the console shows PATTERN; what the firmware wrote to its flash and the
# guest to its disk until then stays, nothing after it is written.
if [ -n "${VM_KILL_ON:-}" ]; then
	(
		until grep -aq "$VM_KILL_ON" "$out/$name.console" 2>/dev/null; do
			sleep 0.01
		done
		kill -KILL "$(cat "$tmp/qemu.pid")"
	) &
	killer=$!
fi
# shellcheck disable=SC2086
timeout "$timeout" qemu-system-x86_64 -pidfile "$tmp/qemu.pid" $trace $icount -machine $machine $secure $sleep_opts -accel $accel -m 512 -smp 2 \
	-cpu $cpu -nographic -no-reboot -nodefaults -display none \
	-drive if=pflash,format=raw,unit=0,file="$ovmf_code",readonly=on \
	-drive if=pflash,format=raw,unit=1,file="$keep/vars.fd" $disk \
	$tpmargs \
	-serial file:"$out/$name.console" -serial file:"$out/$name.results" \
	"$@" </dev/null ||
	echo "vm: qemu exited with status $? (timeout ${timeout}s)" >>"$out/$name.results"
if [ -n "$tracer" ] && ! wait "$tracer"; then
	echo "vm: the execution trace filter failed" >>"$out/$name.results"
fi
