#!/bin/sh
# Build the test kernel for one base: fetch, apply the series, configure
# tinyconfig + fragments, build, and leave BUILD/BASE/bzImage.
# Usage: build-kernel.sh REPO BUILD BASE [FRAGMENT...]
# KSRC=/path builds an existing tree instead (the series is applied to it).
# SETUP_ONLY=1 stops after the set-up (directories, kernel base);
# CONFIG_ONLY=1 after the series is applied and BUILD/BASE/obj configured.
set -eu
repo=$1 build=$2 base=$3
shift 3
# configs/vm.config: kexec and hibernation for the VM scenarios, not for
# the series' own bisect and lint builds. Base sl is built with Secure
# Launch on, and configs/slaunch.config in place of vm.config.
if [ "$base" = sl ]; then
	frags="$* $repo/configs/slaunch.config"
else
	frags="$* $repo/configs/vm.config"
fi
j=${JOBS:-$(nproc)}
flavor=${FLAVOR:-}

die() { echo "build-kernel: $*" >&2; exit 1; }

bdir=$build/$base
mkdir -p "$bdir"
if [ -n "${KSRC:-}" ]; then
	tree=$KSRC
	pristine=$bdir/ksrc-pristine
	# Keep a pristine copy of each file the series patches.
	for t in $(python3 "$repo/scripts/series.py" files "$repo" | sed -n 's/^M //p'); do
		[ -f "$pristine/$t" ] && continue
		mkdir -p "$pristine/$(dirname "$t")"
		cp "$tree/$t" "$pristine/$t"
	done
else
	"$repo/scripts/fetch-base.sh" "$base" "$bdir"
	pristine=$bdir/pristine
	tree=$bdir/linux
	[ -d "$tree" ] || cp -al "$pristine" "$tree"
fi
obj=$bdir/obj$flavor
mkdir -p "$obj"
if [ -n "${SETUP_ONLY:-}" ]; then
	echo "build-kernel: set-up done (SETUP_ONLY)"
	exit 0
fi

"$repo/scripts/apply-series.sh" "$repo" "$tree" "$pristine" "$base"

. "$repo/scripts/ccache-env.sh"
# Configured again when a fragment or a Kconfig file of the series changed.
stamp=$obj/.rtgate-fragments
kconfigs=$(python3 "$repo/scripts/series.py" files "$repo" | cut -d' ' -f2 | grep -E '(^|/)Kconfig[^/]*$' | sort -u)
# shellcheck disable=SC2086 # $frags, $kconfigs: one word per file
want=$({ cat $frags; cd "$tree" && cat $kconfigs; } | md5sum)
if [ ! -f "$obj/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	rm -f "$stamp"
	# shellcheck disable=SC2086
	HOSTCC=$hostcc "$repo/scripts/config-kernel.sh" "$tree" "$obj" $frags ||
		die "configuring $obj failed"
	echo "$want" > "$stamp"
fi
if [ -n "${CONFIG_ONLY:-}" ]; then
	echo "build-kernel: configured $obj (CONFIG_ONLY)"
	exit 0
fi
echo "build-kernel: building $base$flavor with $j jobs"
make -s -C "$tree" O="$obj" CC="$cc" HOSTCC="$hostcc" -j"$j" bzImage
cp "$obj/arch/x86/boot/bzImage" "$bdir/bzImage$flavor"
cp "$obj/arch/x86/boot/bzImage" "$build/bzImage"
echo "build-kernel: $bdir/bzImage$flavor"
