#!/bin/sh
# Run the KUnit suites with kunit.py, as KUnit CI and its maintainers do:
#   ./tools/testing/kunit/kunit.py run --arch=x86_64 \
#       --kunitconfig=drivers/firmware/efi/.kunitconfig
# on the patched base (QEMU without OVMF: the tests that need EFI runtime
# services skip there; make check runs them in the OVMF VM).
#
# Two kunit.py runs:
# - "kunit.py config" with the series' .kunitconfig alone: kunit.py makes
#   its own configuration (olddefconfig defaults plus the .kunitconfig) and
#   checks that every option of the .kunitconfig survived, so the file
#   is enough on its own, as a reviewer runs it.
# - "kunit.py run" with the series' .kunitconfig and, as a second
#   --kunitconfig, the check kernel's configuration, in the check kernel's
#   own tree and object directory (BUILD/BASE/linux, BUILD/BASE/obj; the
#   configuration is made when missing): the suites run under kunit.py's
#   parser, and kunit.py finds the kernel already built (kunit.py's
#   .config is the check kernel's, option for option). kunit.py's own
#   configuration would be a fourth kernel compiled from scratch (7.7 min
#   on a new machine, where the whole CI has 60); the series' objects are
#   compiled with distributions' configurations by make distro-check.
# Usage: kunit.sh REPO BUILD BASE
# Ends "N passed, N failed, N skipped"; SETUP_ONLY=1 stops after the
# set-up (directories, kernel base, series applied).
set -u
repo=$1 build=$2 base=$3
b=$build/$base
mkdir -p "$b"
SETUP_ONLY=1 "$repo/scripts/build-kernel.sh" "$repo" "$build" "$base" >"$b/kunit-setup.log" 2>&1 || {
	tail -n 20 "$b/kunit-setup.log"
	echo "kunit: set-up failed"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}
if [ -n "${SETUP_ONLY:-}" ]; then
	echo "kunit: set-up done (SETUP_ONLY)"
	exit 0
fi
if [ -n "${KSRC:-}" ]; then
	tree=$KSRC
else
	tree=$b/linux
fi
out=$b/obj
log=$b/kunit.log
kunitconfig=drivers/firmware/efi/.kunitconfig
# The series applied and the check kernel's configuration (made, not
# built, when missing).
CONFIG_ONLY=1 FLAVOR='' "$repo/scripts/build-kernel.sh" "$repo" "$build" "$base" \
	"$repo/configs/rtgate.config" >"$b/kunit-setup.log" 2>&1 || {
	tail -n 20 "$b/kunit-setup.log"
	echo "kunit: applying the series or configuring the check kernel failed"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}
. "$repo/scripts/ccache-env.sh"
# The .kunitconfig on its own: kunit.py's configuration and its check.
rm -rf "$b/kunit-alone"
if ! (cd "$tree" && python3 tools/testing/kunit/kunit.py config --arch=x86_64 \
	--kunitconfig="$kunitconfig" --build_dir="$b/kunit-alone" \
	--make_options "HOSTCC=$hostcc") >"$b/kunit-alone.log" 2>&1; then
	tail -n 20 "$b/kunit-alone.log"
	echo "kunit: kunit.py config with $kunitconfig alone failed"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
echo "kunit: kunit.py config: $kunitconfig alone configures its tests"
# kunit.py writes the build directory's .config anew from its
# kunitconfigs: hand it a copy.
cp "$out/.config" "$b/kunit-check.config"
# TCG unless KVM=1, as in vm.sh: scripts/qemu-tcg.sh says why.
if [ -z "${KVM:-}" ]; then
	mkdir -p "$b/kunit-qemu"
	ln -sf "$(cd "$repo" && pwd)/scripts/qemu-tcg.sh" "$b/kunit-qemu/qemu-system-x86_64"
	PATH=$(cd "$b/kunit-qemu" && pwd):$PATH
	export PATH
fi
(cd "$tree" && python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
	--kunitconfig="$kunitconfig" --kunitconfig="$b/kunit-check.config" --build_dir="$out" \
	--jobs="$(nproc)" --make_options "CC=$cc" --make_options "HOSTCC=$hostcc" --timeout=300) >"$log" 2>&1
rc=$?
sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^\[[0-9:]+\] (Testing complete|=|\[(PASSED|FAILED|SKIPPED|CRASHED)\])' | tail -n 60
# "Testing complete. Ran N tests: passed: P, failed: F, skipped: S"
line=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep 'Testing complete' | tail -n 1)
p=$(echo "$line" | sed -n 's/.*passed: \([0-9]*\).*/\1/p')
f=$(echo "$line" | sed -n 's/.*failed: \([0-9]*\).*/\1/p')
s=$(echo "$line" | sed -n 's/.*skipped: \([0-9]*\).*/\1/p')
c=$(echo "$line" | sed -n 's/.*crashed: \([0-9]*\).*/\1/p')
f=$(( ${f:-0} + ${c:-0} ))
if [ -z "$p" ] || [ "$p" -eq 0 ]; then
	tail -n 30 "$log"
	echo "kunit: kunit.py ran no test (exit $rc), see $log"
	echo "${p:-0} passed, $((f + 1)) failed, ${s:-0} skipped"
	exit 1
fi
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
echo "$p passed, $f failed, ${s:-0} skipped"
[ "$f" -eq 0 ]
