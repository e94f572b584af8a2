#!/bin/sh
# The gate in a distribution kernel: Debian's own amd64 configuration (from
# linux-config-V.P, the package beside the linux-source-V.P of the upstream
# base) plus configs/distro.config, and the same with SGI UV. For each:
# every option asked for survives olddefconfig, and every C file the
# series adds or patches under drivers/ and arch/ that the configuration
# builds compiles (plain, no W=1) without a warning. Not part of make check.
# Usage: distro-check.sh REPO BUILD
# Ends "N passed, N failed, N skipped"; SETUP_ONLY=1 stops after the
# set-up (directories, kernel base, Debian's configuration).
set -eu
repo=$1 build=$2
base=upstream
b=$build/$base
d=$build/distro
j=${JOBS:-$(nproc)}
# The makes below are this script's own, not sub-makes of "make
# distro-check": a parent's -j or jobserver would only add make's own
# "warning:" lines to the logs searched for compiler warnings.
unset MAKEFLAGS MFLAGS MAKELEVEL
mkdir -p "$d"

passed=0 failed=0 skipped=0
ok() { echo "distro-check: ok   $*"; passed=$((passed + 1)); }
bad() { echo "distro-check: FAIL $*"; failed=$((failed + 1)); }
skip() { echo "distro-check: skip $*"; skipped=$((skipped + 1)); }
die() { echo "distro-check: $*" >&2; exit 1; }

# The upstream base (and with KSRC, a pristine copy of what the series
# patches), as make kernel prepares it.
SETUP_ONLY=1 "$repo/scripts/build-kernel.sh" "$repo" "$build" "$base" >"$d/setup.log" 2>&1 || {
	cat "$d/setup.log"
	die "fetching the $base base failed"
}
if [ -n "${KSRC:-}" ]; then
	tree=$KSRC pristine=$b/ksrc-pristine
else
	tree=$b/linux pristine=$b/pristine
fi

# Debian's amd64 configuration for the base's version, from the suites
# the upstream base comes from.
v=$(sed -n 's/^VERSION = //p' "$tree/Makefile").$(sed -n 's/^PATCHLEVEL = //p' "$tree/Makefile")
pkg=linux-config-$v
debian=$d/debian.config
opts=$("$repo/scripts/apt-private.sh" "$d/apt" deb sid experimental)
rm -f "$d/$pkg"_*.deb
# shellcheck disable=SC2086
(cd "$d" && apt-get -q $opts download "$pkg") >"$d/download.log" 2>&1 || {
	cat "$d/download.log"
	die "apt-get download $pkg failed"
}
rm -rf "$d/x"
dpkg -x "$d/$pkg"_*.deb "$d/x"
xz -dc "$d/x/usr/src/$pkg/config.amd64_none_amd64.xz" > "$debian"
rm -rf "$d/x"
echo "distro-check: Debian's config.amd64_none_amd64 from $(basename "$d/$pkg"_*.deb)"
if [ -n "${SETUP_ONLY:-}" ]; then
	echo "distro-check: set-up done (SETUP_ONLY)"
	exit 0
fi

"$repo/scripts/apply-series.sh" "$repo" "$tree" "$pristine" "$base"

# Outside Debian's packaging there are no signing keys or certificates to
# name, no pahole for BTF and no rustc: empty the key and certificate
# names and turn BTF off (olddefconfig drops Rust by itself). Module
# signing stays on (SECURITY_LOCKDOWN_LSM selects it), with no key named.
# None of this changes the objects checked here.
local=$d/local.config
cat > "$local" <<'EOF'
CONFIG_SYSTEM_TRUSTED_KEYS=""
CONFIG_SYSTEM_REVOCATION_KEYS=""
CONFIG_MODULE_SIG_KEY=""
# CONFIG_DEBUG_INFO_BTF is not set
EOF
# SGI UV: its BIOS calls are firmware calls too. UV also needs NUMA,
# KEXEC_CORE, X86_X2APIC, PCI and EFI, which Debian's config has.
uv=$d/uv.config
printf '%s\n' CONFIG_X86_EXTENDED_PLATFORM=y CONFIG_X86_UV=y > "$uv"

# The objects: each C file the series adds or patches.
objs=$("$repo/scripts/series-objs.sh" "$repo") || die "scripts/series-objs.sh failed"

. "$repo/scripts/ccache-env.sh"

# check NAME FRAGMENT...: configure O=$d/NAME from Debian's config and the
# fragments, check the options, build the objects.
check() {
	name=$1
	shift
	o=$d/$name
	rm -rf "$o"
	mkdir -p "$o"
	if ! "$tree/scripts/kconfig/merge_config.sh" -m -O "$o" "$debian" "$local" "$@" \
		>"$o/config.log" 2>&1 ||
	   ! make -s -C "$tree" O="$o" olddefconfig >>"$o/config.log" 2>&1; then
		bad "$name: configuration (see $o/config.log)"
		return
	fi
	# Every option the fragments ask for survived.
	grep -hE '^CONFIG_[A-Z0-9_]+=' "$@" > "$o/asked" ||
		bad "$name: the fragments ask for no option"
	while IFS= read -r opt; do
		if grep -qxF "$opt" "$o/.config"; then
			ok "$name: $opt survived olddefconfig"
		else
			bad "$name: $opt did not survive olddefconfig ($(grep -E "^(# )?${opt%%=*}[= ]" "$o/.config" || echo absent))"
		fi
	done < "$o/asked"
	if ! make -s -C "$tree" O="$o" CC="$cc" HOSTCC="$hostcc" -j"$j" prepare >"$o/prepare.log" 2>&1; then
		tail -n 20 "$o/prepare.log"
		bad "$name: make prepare (see $o/prepare.log)"
		return
	fi
	if ! "$repo/scripts/series-objs.sh" "$repo" "$tree" "$o" >"$o/objs" 2>"$o/objs.not-built"; then
		bad "$name: cannot tell which objects are built (see $o/objs.not-built)"
		return
	fi
	# The series' objects this configuration builds, in one make run (-k:
	# one that fails does not hide the others). An object that was not
	# written failed; compiler and objtool warnings name their source.
	built=
	for obj in $objs; do
		if grep -qx "$obj" "$o/objs"; then
			built="$built $obj"
		else
			skip "$name: $obj is not built with this configuration"
		fi
	done
	# shellcheck disable=SC2086 # one word per object
	make -k -C "$tree" O="$o" CC="$cc" HOSTCC="$hostcc" -j"$j" $built >"$o/build.log" 2>&1
	grep 'warning:' "$o/build.log" | grep -v '^make' | sort -u > "$o/warnings"
	for obj in $built; do
		src=${obj%.o}
		if [ ! -f "$o/$obj" ]; then
			grep -E "$src\.[cS]:[0-9]+:[0-9]+: error:" "$o/build.log" | head -n 20
			bad "$name: $obj does not build (see $o/build.log)"
		elif grep -E "(^|/)$src\.[cS]:[0-9]+:[0-9]+: warning:|^$src\.o: warning:" "$o/warnings" > "$o/warnings.obj"; then
			cat "$o/warnings.obj"
			bad "$name: $obj builds with $(wc -l < "$o/warnings.obj") warnings"
		else
			ok "$name: $obj builds without a warning"
		fi
	done
	# Every warning counts, also one in a header or none of the above.
	if [ -s "$o/warnings" ]; then
		cat "$o/warnings"
		bad "$name: $(wc -l < "$o/warnings") warnings while compiling the series' objects"
	fi
}
check debian "$repo/configs/distro.config"
check debian-uv "$repo/configs/distro.config" "$uv"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
