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

# shellcheck source=tests/guest/lib.sh
. /rtgate/lib.sh

# Firmware leaves terminal escapes on the port: start on a fresh line.
emit ""
[ -e $KNOB ] || [ "$scenario" = bench ] || fail "runtime_enable-present"
[ -e /dev/tpmrm0 ] || [ -e /dev/tpm0 ] || emit "INFO no TPM device"

# The scenario, one file each (tests/guest/scenarios/NAME.sh): its header
# names its TPM, kernel arguments and bases.
if [ -f "/rtgate/scenarios/$scenario.sh" ]; then
	# shellcheck source=/dev/null
	. "/rtgate/scenarios/$scenario.sh"
else
	fail "unknown-scenario '$scenario'"
fi

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
