# shellcheck shell=sh
# Scenario bench: sourced by /init (tests/guest/init.sh) after lib.sh.
# Run by make bench (scripts/bench.sh).
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
# median batch (of an even count, the lower of the two middle ones).
# These VMs run on QEMU's instruction clock (scripts/bench.sh), so host
# stalls do not reach the times; what remains is bimodal: most batches
# sit together, and a few of one kernel come out about 6% faster
# (measured: 16.1-16.3 ms against 15.0-15.4 ms). The fastest batch
# picks that rare mode on one side and decides the ratio by luck; the
# median is where the batches sit. Every batch is reported as INFO.
cost() {
	n=$1
	shift
	emit "INFO bench $n batches of $reads reads (ns): $*"
	if [ "$#" -ne "$batches" ]; then
		echo "failed:$#-batches"
		return
	fi
	med=$(printf '%s\n' "$@" | sort -n | sed -n "$(((batches + 1) / 2))p")
	echo $((med * batches))
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
esp-setup)
	# Once per bench: a boot entry on the ESP (scripts/bench.sh
	# copies this machine for each boot from the ESP below).
	mount_vars
	opts="console=ttyS0 rdinit=/init panic=-1 initrd=\\EFI\\Linux\\initrd.img rtgate_test=bench rtgate_bench=esp kunit.enable=0"
	efibootmgr -q -c -d /dev/vda -p 1 -L rtgate-bench -l '\EFI\Linux\linux.efi' -u "$opts" &&
		b esp_entry "$(efibootmgr | sed -n 's/^Boot\([0-9A-F]\{4\}\)\* rtgate-bench.*/\1/p')"
	;;
esp)
	# Booted by the firmware from the ESP: the time stamp counter at
	# /init, which counts from the machine's start under the
	# instruction clock (firmware, EFI stub, kernel), the counter when
	# the kernel's clock started (firmware and EFI stub: the kernel's
	# own boot, which varies by tens of ms, left out), and how many
	# kept writes the stub applied, all with EFI_SUCCESS (none without
	# a file): the status it leaves in RtGateApplied, read from
	# firmware (the gate is open at a boot with no launch, and the
	# kernel then reports nothing).
	# shellcheck disable=SC2046 # two numbers
	set -- $(rtgate-io rdtsc)
	b tsc_ns "${1:-none}"
	b pre_kernel_ns "${2:-none}"
	mount_vars
	st=$(applied_status)
	n=0
	[ -z "$st" ] || [ -n "$(echo "$st" | tr -d 0)" ] || n=$((${#st} / 16 - 1))
	b stub_applied "$n"
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
