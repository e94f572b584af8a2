#!/bin/sh
# Bisectability: after each patch of the series, build the kernel with
# CONFIG_EFI_RTGATE=y (with KUnit) and =n, and compile every object the
# series adds or patches the way distributions build the gate (no KUnit,
# mixed mode, SGI UV: configs/nokunit.config). A patch that touches no
# file of the gate (rtgate, efi_rtgate, Kconfig.rtgate) is built with the
# first configuration only: the others would build the same code. So is a
# patch that changes only the KUnit tests (built with KUnit only), and one
# that changes only files built with the gate on (drivers/firmware/efi/
# rtgate*, Makefile lines naming them) skips =n, which builds none of
# them. Patches that touch no kernel code, Kconfig or Makefile
# (documentation, tools/) are checked for applying only.
#
# The tree after patch N is the one series.sh commits as patch N: the
# base with the first N patches applied (scripts/apply-series.sh). It is
# built in the check kernel's own tree and object directory
# (BUILD/BASE/linux, BUILD/BASE/obj) with the check kernel's fragments:
# the first build, the last patch with the gate on, is the check kernel
# itself (nothing to compile when make check built it), and kbuild
# recompiles only what a changed option or file reaches from one build
# to the next. The check kernel's configuration is put back at the end
# (the next make kernel recompiles what the sweeps changed, from ccache).
# KUnit off changes include/linux/sched.h and so every object: that
# configuration compiles the series' objects in an object directory of
# its own rather than a third whole kernel; the sl kernel
# (configs/slaunch.config) links the whole series without KUnit and with
# mixed mode. The tree is left with the whole series applied.
# Usage: series-check.sh REPO BUILD BASE
# SETUP_ONLY=1 stops after the set-up (directories, kernel base).
set -eu
repo=$1 build=$2 base=$3
b=$build/$base
SETUP_ONLY=1 "$repo/scripts/build-kernel.sh" "$repo" "$build" "$base" >/dev/null
if [ -n "${KSRC:-}" ]; then
	tree=$KSRC pristine=$b/ksrc-pristine
else
	tree=$b/linux pristine=$b/pristine
fi
o=$b/obj
ok=$b/series-check-nokunit
sc=$b/series-check
mkdir -p "$o" "$ok" "$sc"
off=$sc/rtgate-off.config
echo "CONFIG_EFI_RTGATE=n" > "$off"
if [ -n "${SETUP_ONLY:-}" ]; then
	echo "series-check: set-up done (SETUP_ONLY)"
	exit 0
fi
. "$repo/scripts/ccache-env.sh"

# The patches of the series for this base, as NNNN-STEM.patch.
rm -rf "$sc/patches"
entries=$(python3 "$repo/scripts/series.py" derive "$repo" "$base" "$sc/patches")
# targets PATCH: the kernel paths a patch adds or changes
targets() {
	python3 "$repo/scripts/series.py" paths "$1" | cut -d' ' -f2
}
# The Kconfig files the series adds or patches: a configuration is made
# again when one of them changed since it was made.
kconfigs=$(for e in $entries; do targets "$e"; done | grep -E '(^|/)Kconfig[^/]*$' | sort -u)

# gates PATCH: the configurations PATCH is built with (none: apply only)
gates() {
	changed=$(targets "$1" | grep -v '^tools/')
	if ! echo "$changed" | grep -qE '\.(c|h)$|Kconfig|Makefile'; then
		return
	fi
	# mk_only PATCH WORD: every Makefile line the patch adds or removes
	# names WORD
	mk_only() {
		python3 "$repo/scripts/series.py" makefile-lines "$1" | grep -vq "$2" && return 1
		return 0
	}
	efi=drivers/firmware/efi
	if ! echo "$changed" | grep -vqE "^($efi/(rtgate_test\.c|\.kunitconfig|Kconfig\.rtgate|Makefile)|MAINTAINERS)\$" &&
	   mk_only "$1" rtgate_test; then
		echo y
	elif ! echo "$changed" | grep -vqE "^($efi/(rtgate[^/]*|\.kunitconfig|Kconfig\.rtgate|Makefile)|MAINTAINERS)\$" &&
	     mk_only "$1" rtgate; then
		echo y nokunit
	elif echo "$changed" | grep -qE 'rtgate'; then
		echo y nokunit n
	else
		echo y
	fi
}

# configure GATE DIR: the check kernel's configuration in DIR, with the
# gate off (n) or as distributions build it (nokunit); made once for each
# state of the Kconfig files and kept (in BUILD/BASE/series-check), so
# that going back to it touches no option.
configure() {
	frags="$repo/configs/rtgate.config $repo/configs/vm.config"
	[ "$1" = n ] && frags="$frags $off"
	[ "$1" = nokunit ] && frags="$frags $repo/configs/nokunit.config"
	# shellcheck disable=SC2086 # paths below the tree, one word each
	key="$1 $(cd "$tree" && cat $kconfigs 2>/dev/null | md5sum)"
	saved=$sc/config.$1.$(echo "$key" | md5sum | cut -c1-8)
	if [ -f "$saved" ]; then
		cmp -s "$saved" "$2/.config" || cp "$saved" "$2/.config"
		return
	fi
	# The gate's options are not there before the patch that adds them.
	# shellcheck disable=SC2086 # one word per fragment
	if ! HOSTCC=$hostcc UNCHECKED='CONFIG_EFI_RTGATE[A-Z0-9_]*' \
		"$repo/scripts/config-kernel.sh" "$tree" "$2" $frags 2>"$sc/config.err"; then
		sed 's/^config-kernel: /series-check: /' "$sc/config.err"
		return 1
	fi
	cp "$2/.config" "$saved"
}

# step GATE PATCH: the tree after PATCH, built with GATE
fails=0
step() {
	subj=$(python3 "$repo/scripts/series.py" subject "$2")
	n=$(basename "$2" | cut -c1-4)
	t0=$(date +%s)
	if ! "$repo/scripts/apply-series.sh" "$repo" "$tree" "$pristine" "$base" "$(expr "$n" + 0)"; then
		echo "series-check: FAIL does not apply: $subj"
		fails=$((fails + 1))
		return
	fi
	if [ -z "$1" ]; then
		echo "series-check: ok   (no kernel code) $subj"
		return
	fi
	# vmlinux: the link is what a patch can break; the compressed image
	# around it is the base's.
	dir=$o goals=vmlinux
	[ "$1" = nokunit ] && dir=$ok
	if ! configure "$1" "$dir"; then
		echo "series-check: FAIL EFI_RTGATE=$1 $subj: configuration"
		fails=$((fails + 1))
		return
	fi
	log=$sc/$n-$1.log
	: > "$log"
	if [ "$1" = nokunit ]; then
		if ! make -s -C "$tree" O="$dir" CC="$cc" HOSTCC="$hostcc" -j"$(nproc)" prepare \
				>>"$log" 2>&1 ||
		   ! goals=$("$repo/scripts/series-objs.sh" "$repo" "$tree" "$dir" 2>>"$log"); then
			echo "series-check: FAIL EFI_RTGATE=$1 $subj: no objects to compile (see $log)"
			fails=$((fails + 1))
			return
		fi
	fi
	# shellcheck disable=SC2086 # one word per goal
	if make -s -C "$tree" O="$dir" CC="$cc" HOSTCC="$hostcc" -j"$(nproc)" $goals \
		>>"$log" 2>&1; then
		what=
		[ "$1" = nokunit ] && what=" ($(echo "$goals" | wc -w) objects)"
		echo "series-check: ok   EFI_RTGATE=$1$what $subj ($(($(date +%s) - t0)) s)"
		# New warnings from the series' files fail the check too.
		if grep -E 'warning:' "$log" | grep -qE 'rtgate|tpm|efi'; then
			echo "series-check: FAIL warnings with EFI_RTGATE=$1 $subj"
			grep -E 'warning:' "$log" | grep -E 'rtgate|tpm|efi'
			fails=$((fails + 1))
		fi
	else
		echo "series-check: FAIL EFI_RTGATE=$1 $subj (see $log)"
		tail -n 20 "$log"
		fails=$((fails + 1))
	fi
}
# One configuration at a time through the whole series, so that the
# options change only where a patch changes Kconfig, and back and forth,
# so that each build differs from the one before by one patch. The first
# build, the last patch with the gate on, is the check kernel: ccache
# has every object of it.
reversed=$(echo "$entries" | sed -n '1!G; h; $p')
# Each patch's configurations, worked out once for the three sweeps.
for e in $entries; do
	echo "$e $(gates "$e")"
done > "$sc/gates"
gates_of() {
	awk -v p="$1" '$1 == p { sub(/^[^ ]* ?/, ""); print }' "$sc/gates"
}
for e in $reversed; do
	want=$(gates_of "$e")
	case " $want " in
	"  ") step "" "$e" ;;
	*" y "*) step y "$e" ;;
	esac
done
for gate in n nokunit; do
	[ "$gate" = n ] && order=$entries || order=$reversed
	for e in $order; do
		case " $(gates_of "$e") " in *" $gate "*) step "$gate" "$e" ;; esac
	done
done
# The whole series again, and the check kernel's configuration.
"$repo/scripts/apply-series.sh" "$repo" "$tree" "$pristine" "$base"
configure y "$o" || { echo "series-check: FAIL putting the check configuration back"; fails=$((fails + 1)); }
if [ "$fails" -ne 0 ]; then
	echo "series-check: $fails failed"
	exit 1
fi
echo "series-check: passed"
