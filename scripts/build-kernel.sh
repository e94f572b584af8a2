#!/bin/sh
# Build the test kernel for one base: fetch, apply the series, configure
# tinyconfig + fragments, build, and leave BUILD/BASE/bzImage.
# Usage: build-kernel.sh REPO BUILD BASE [FRAGMENT...]
# KSRC=/path builds an existing tree instead (the series is applied to it).
# SETUP_ONLY=1 stops after the set-up (directories, kernel base).
set -eu
repo=$1 build=$2 base=$3
shift 3
# configs/vm.config: kexec and hibernation for the VM scenarios, not for
# the series' own bisect and lint builds.
frags="$* $repo/configs/vm.config"
# Base sl is built with Secure Launch on.
[ "$base" = sl ] && frags="$frags $repo/configs/slaunch.config"
j=${JOBS:-$(nproc)}
flavor=${FLAVOR:-}

die() { echo "build-kernel: $*" >&2; exit 1; }

bdir=$build/$base
mkdir -p "$bdir"
if [ -n "${KSRC:-}" ]; then
	tree=$KSRC
	pristine=$bdir/ksrc-pristine
	# Keep a pristine copy of each file the series patches.
	for p in $(cd "$repo" && grep -hv '^[[:space:]]*\(#\|$\)' series/*.files | grep '\.patch$'); do
		t=${p%.patch}
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

stamp=$obj/.rtgate-fragments
# shellcheck disable=SC2086 # $frags: one word per fragment
want=$(cat $frags | md5sum)
if [ ! -f "$obj/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	make -s -C "$tree" O="$obj" tinyconfig >/dev/null
	# shellcheck disable=SC2086
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" $frags >/dev/null
	make -s -C "$tree" O="$obj" olddefconfig >/dev/null
	echo "$want" > "$stamp"
fi
# Every option the fragments ask for (the last fragment wins) must have
# survived olddefconfig.
# shellcheck disable=SC2086
cat $frags | grep -E '^CONFIG_[A-Z0-9_]+=' |
	awk -F= '{ want[$1] = $0 } END { for (o in want) print want[o] }' |
	while IFS= read -r line; do
		opt=${line%%=*}
		case $line in
		*=n) ! grep -q "^$opt=" "$obj/.config" ||
			die "$opt should be off" ;;
		*) grep -qx "$line" "$obj/.config" ||
			die "$line did not stick (dependency missing?)" ;;
		esac
	done

. "$repo/scripts/ccache-env.sh"
echo "build-kernel: building $base$flavor with $j jobs"
make -s -C "$tree" O="$obj" CC="$cc" HOSTCC="$hostcc" -j"$j" bzImage
cp "$obj/arch/x86/boot/bzImage" "$bdir/bzImage$flavor"
cp "$obj/arch/x86/boot/bzImage" "$build/bzImage"
echo "build-kernel: $bdir/bzImage$flavor"
