#!/bin/sh
# Bisectability: build the kernel after each patch of the series with
# CONFIG_EFI_RTGATE=y (with KUnit), =y without KUnit, and =n. A patch
# that touches no file of the gate (rtgate, efi_rtgate, Kconfig.rtgate)
# is built with the first configuration only: the others would build the
# same code. So is a patch that changes only the KUnit tests (built with
# KUnit only), and one that changes only files built with the gate on
# (drivers/firmware/efi/rtgate*, Makefile lines naming them) skips =n,
# which builds none of them. Patches that touch no kernel code, Kconfig
# or Makefile (documentation, tools/) are checked for applying only.
# Usage: series-check.sh REPO BUILD BASE
# SETUP_ONLY=1 stops after the set-up (directories, kernel base).
set -eu
repo=$1 build=$2 base=$3
b=$build/$base
git=$b/git
"$repo/scripts/series.sh" "$repo" "$build" "$base" >/dev/null
off=$b/rtgate-off.config
echo "CONFIG_EFI_RTGATE=n" > "$off"
if [ -n "${SETUP_ONLY:-}" ]; then
	echo "series-check: set-up done (SETUP_ONLY)"
	exit 0
fi

cc=gcc
command -v ccache >/dev/null 2>&1 && cc="ccache gcc"
CCACHE_BASEDIR=$(cd "$build" && pwd)
export CCACHE_BASEDIR
fails=0
for c in $(git -C "$git" rev-list --reverse base..rtgate); do
	subj=$(git -C "$git" log -1 --format=%s "$c")
	changed=$(git -C "$git" diff --name-only "$c^" "$c" | grep -v '^tools/' || true)
	if ! echo "$changed" | grep -qE '\.(c|h)$|Kconfig|Makefile'; then
		echo "series-check: ok   (no kernel code) $subj"
		continue
	fi
	# The Makefile lines the patch changes, and whether all name $1
	mk_only() {
		git -C "$git" diff "$c^" "$c" -- '*Makefile' |
			grep -E '^[-+]([^-+]|$)' | grep -vq "$1" && return 1
		return 0
	}
	efi=drivers/firmware/efi
	gates=y
	if echo "$changed" | grep -vqE "^($efi/(rtgate_test\.c|\.kunitconfig|Kconfig\.rtgate|Makefile)|MAINTAINERS)\$" ||
	   ! mk_only rtgate_test; then
		if echo "$changed" | grep -vqE "^($efi/(rtgate[^/]*|\.kunitconfig|Kconfig\.rtgate|Makefile)|MAINTAINERS)\$" ||
		   ! mk_only rtgate; then
			echo "$changed" | grep -qE 'rtgate' && gates="y nokunit n"
		else
			gates="y nokunit"
		fi
	fi
	git -C "$git" checkout -q -f "$c"
	for gate in $gates; do
		obj=$b/series-check-$gate
		frags=$repo/configs/rtgate.config
		[ $gate = n ] && frags="$frags $off"
		[ $gate = nokunit ] && frags="$frags $repo/configs/nokunit.config"
		mkdir -p "$obj"
		make -s -C "$git" O="$obj" tinyconfig >/dev/null
		# shellcheck disable=SC2086
		"$git/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" $frags >/dev/null
		make -s -C "$git" O="$obj" olddefconfig >/dev/null
		if make -s -C "$git" O="$obj" CC="$cc" -j"$(nproc)" bzImage \
			>"$obj/build.log" 2>&1; then
			echo "series-check: ok   EFI_RTGATE=$gate $subj"
			# New warnings from the series' files fail the check too.
			if grep -E 'warning:' "$obj/build.log" | grep -qE 'rtgate|tpm|efi'; then
				echo "series-check: FAIL warnings with EFI_RTGATE=$gate $subj"
				grep -E 'warning:' "$obj/build.log" | grep -E 'rtgate|tpm|efi'
				fails=$((fails + 1))
			fi
		else
			echo "series-check: FAIL EFI_RTGATE=$gate $subj (see $obj/build.log)"
			tail -n 20 "$obj/build.log"
			fails=$((fails + 1))
		fi
	done
done
git -C "$git" checkout -q -f rtgate
if [ "$fails" -ne 0 ]; then
	echo "series-check: $fails failed"
	exit 1
fi
echo "series-check: passed"
