#!/bin/sh
# Show the story in a VM: the gate closed at boot, variable access refused,
# "echo 1 > /sys/firmware/efi/runtime_enable", the PCR before and after,
# variables readable.
# Usage: demo.sh REPO BUILD BASE
# SETUP_ONLY=1 stops after the set-up (directories, kernel base).
set -eu
repo=$1 build=$2 base=$3
b=$build/$base
out=$b/demo
# shellcheck disable=SC2086
"$repo/scripts/build-kernel.sh" "$repo" "$build" "$base" $FRAGMENTS
mkdir -p "$out"
if [ -n "${SETUP_ONLY:-}" ]; then
	echo "demo: set-up done (SETUP_ONLY)"
	exit 0
fi
"$repo/scripts/mkinitramfs.sh" "$repo" "${KSRC:-$b/linux}" "$b" >/dev/null
"$repo/scripts/vm.sh" "$b/bzImage" "$b/initramfs.cpio.gz" "$out" demo tpm2 \
	"rtgate_test=demo efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0 quiet"
sed -n 's/^SAY //p' "$out/demo.results"
grep -q '^DONE' "$out/demo.results" || {
	echo "demo: the VM did not finish; see $out/demo.console" >&2
	exit 1
}
