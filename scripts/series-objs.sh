#!/bin/sh
# The kernel objects the series compiles differently: one line for each C
# file under arch/, drivers/, fs/ or security/ that a patch of the series
# adds or changes, as PATH.o.
# With TREE and O: only those the configuration in O builds, as kbuild
# reads the makefiles (the others go to standard error, one per line).
# Usage: series-objs.sh REPO [TREE O]
# Exits 2 when the series names no such file or a makefile cannot be read.
set -eu
repo=$1
tree=${2:-} o=${3:-}

objs=$(python3 "$repo/scripts/series.py" files "$repo" | cut -d' ' -f2 |
	grep -E '^(arch|drivers|fs|security)/.*\.c$' | sed 's|\.c$|.o|' | sort -u)
[ -n "$objs" ] || { echo "series-objs: the series names no kernel C file" >&2; exit 2; }
if [ -z "$o" ]; then
	echo "$objs"
	exit 0
fi

# kbuild_list DIR: what DIR's kbuild makefile builds with O/.config, as
# make itself reads it: obj-y, obj-m, lib-y and subdir-y (objects and
# directories) and the parts of composite objects, relative to DIR.
kbuild_list() {
	mf=$tree/$1/Kbuild
	[ -f "$mf" ] || mf=$tree/$1/Makefile
	# shellcheck disable=SC2016 # make's $(...), not the shell's
	printf '%s\n' "include $o/.config" "srctree := $tree" "src := $1" "obj := $1" \
		"BITS := 64" "include $mf" \
		'rtgate-list: ; @echo $(obj-y) $(obj-m) $(lib-y) $(subdir-y) $(foreach o,$(filter %.o,$(obj-y) $(obj-m)),$($(o:.o=-y)) $($(o:.o=-objs)) $($(o:.o=-m)))' \
		> "$o/rtgate-list.mk"
	make -s --no-print-directory -f "$o/rtgate-list.mk" rtgate-list
}
# built PATH: the configuration builds PATH (an object): PATH's makefile
# lists it and every directory above it is entered, up to the top-level
# directories the top Makefile enters itself.
built() {
	path=$1
	while :; do
		dir=$(dirname "$path")
		case $dir in drivers|arch/x86|fs|security) return 0 ;; esac
		name=$(basename "$path")
		case $path in */) name=$name/ ;; esac
		list=$(kbuild_list "$dir") || return 2
		# (subdir-y names a directory without its slash; the EFI stub
		# links each object as a renamed copy, NAME.stub.o)
		case " $list " in
		*" $name "*|*" ${name%/} "*|*" ${name%.o}.stub.o "*) ;;
		*) return 1 ;;
		esac
		path=$dir/
	done
}
for obj in $objs; do
	rc=0
	built "$obj" || rc=$?
	case $rc in
	0) echo "$obj" ;;
	1) echo "$obj" >&2 ;;
	*) echo "series-objs: cannot tell whether $obj is built" >&2; exit 2 ;;
	esac
done
