#!/bin/sh
# qemu-system-x86_64 without hardware acceleration, for kunit.py.
# kunit.py (7.x) always asks for "-accel kvm -accel hvf -accel tcg" and
# QEMU takes the first that initialises. Where /dev/kvm exists but cannot
# run the guest (seen: a nested "kvm-pvm" host, where QEMU either aborts
# setting an MSR or the guest never prints), the run hangs until kunit.py's
# timeout. kunit.sh puts this script first in PATH as qemu-system-x86_64
# unless KVM=1; it drops the kvm and hvf choices and runs the real QEMU.
# Usage: as qemu-system-x86_64.
set -u
self_dir=$(cd "$(dirname "$0")" && pwd)
# The real QEMU: the first one in PATH that is not in this directory.
real=
IFS=:
for d in $PATH; do
	[ "$d" = "$self_dir" ] && continue
	if [ -x "$d/qemu-system-x86_64" ]; then
		real=$d/qemu-system-x86_64
		break
	fi
done
unset IFS
if [ -z "$real" ]; then
	echo "qemu-tcg: no qemu-system-x86_64 in PATH" >&2
	exit 127
fi
n=$#
i=0
while [ "$i" -lt "$n" ]; do
	a=$1
	shift
	i=$((i + 1))
	if [ "$a" = "-accel" ] && [ "$i" -lt "$n" ]; then
		case $1 in
		kvm | kvm,* | hvf | hvf,*)
			shift
			i=$((i + 1))
			continue
			;;
		esac
	fi
	set -- "$@" "$a"
done
exec "$real" "$@"
