#!/bin/sh
# Build the test initramfs: busybox, tpm2-tools, efibootmgr and their
# libraries from the host (Debian packages), the guest helpers built
# statically, the kselftest installed by the kernel's kselftest Makefile,
# and tests/guest/init.sh as /init, with lib.sh and scenarios/ in /rtgate.
# Usage: mkinitramfs.sh REPO TREE OUTDIR [KERNEL]
#   writes OUTDIR/initramfs.cpio.gz; KERNEL (default OUTDIR/bzImage) is
#   the kernel the kexec scenario loads: the one the VMs boot.
set -eu
repo=$1 tree=$2 out=$3 kernel=${4:-$3/bzImage}
root=$out/initramfs
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/lib" "$root/lib64" "$root/usr/bin" \
	"$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run"

die() { echo "mkinitramfs: $*" >&2; exit 1; }

# Copy a file and the shared libraries it needs, keeping their paths.
copy_with_libs() {
	for f in "$@"; do
		[ -e "$f" ] || die "missing $f (install the Debian package)"
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
		ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
			[ -e "$root$lib" ] && continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	done
}

cp /bin/busybox "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do
	[ "$a" = busybox ] && continue
	ln -s busybox "$root/bin/$a"
done

# swtpm serves a vTPM proxy chip inside the guest (scenario vtpm).
copy_with_libs /usr/bin/tpm2 /usr/bin/efibootmgr /usr/bin/mokutil /usr/bin/swtpm /usr/sbin/kexec
# The kernel's efivarfs selftest is a bash script and uses chattr.
copy_with_libs /bin/bash /usr/bin/chattr
# The kernel itself, for the kexec scenario to load.
mkdir -p "$root/boot"
[ -f "$kernel" ] || die "no $kernel to put in for kexec"
cp "$kernel" "$root/boot/bzImage"
for t in tpm2_pcrread tpm2_pcrextend tpm2_eventlog tpm2_getcap tpm2_pcrevent \
	tpm2_createek tpm2_createak tpm2_quote tpm2_checkquote tpm2_flushcontext; do
	ln -s tpm2 "$root/usr/bin/$t"
done
# tpm2-tss loads its TCTI modules with dlopen().
copy_with_libs /usr/lib/x86_64-linux-gnu/libtss2-tcti-device.so.0

cc=${CC:-gcc}
$cc -static -O2 -Wall -o "$root/usr/bin/rtgate-io" "$repo/tests/guest/rtgate-io.c"
# The kselftests as upstream CI gets them: built and installed by the
# kernel's kselftest Makefile, run in the guest by run_kselftest.sh (the
# gate's own, and the kernel's efivarfs test).
rm -rf "$out/kselftest-build"
make -s -C "$tree/tools/testing/selftests" TARGETS="efi_rtgate efivarfs" \
	O="$out/kselftest-build" install INSTALL_PATH="$root/kselftest" \
	USERLDFLAGS=-static >/dev/null
[ -x "$root/kselftest/efi_rtgate/runtime_enable_test" ] &&
	[ -x "$root/kselftest/efivarfs/efivarfs.sh" ] ||
	die "the kselftests did not install"
make -s -C "$repo/tools/efi_rtgate" O="$out/rtgate-verify" >/dev/null
copy_with_libs "$out/rtgate-verify/rtgate-verify"
mv "$root$out/rtgate-verify/rtgate-verify" "$root/usr/bin/rtgate-verify"
# rtgate-persist: the deferred scenario keeps its writes on the ESP.
copy_with_libs "$out/rtgate-verify/rtgate-persist"
mv "$root$out/rtgate-verify/rtgate-persist" "$root/usr/bin/rtgate-persist"

cp "$repo/tests/guest/init.sh" "$root/init"
mkdir -p "$root/rtgate"
cp -r "$repo/tests/guest/lib.sh" "$repo/tests/guest/scenarios" "$root/rtgate/"
cp "$repo/tests/splat.ere" "$root/etc/splat.ere"
chmod 755 "$root/init"
echo "root:x:0:0:root:/:/bin/sh" > "$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/false" >> "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initramfs.cpio.gz"
