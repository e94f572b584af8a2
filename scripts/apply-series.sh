#!/bin/sh
# Put the series onto a kernel tree: copy new files, apply patches to
# existing files. Idempotent: each patched file is rebuilt from its pristine
# copy by applying, in series order, every patch the given entries have for
# it; a file is only rewritten when its content changes, so an edit
# rebuilds incrementally.
# Usage: apply-series.sh REPO TREE PRISTINE BASE [SERIES_ENTRY...]
#   Without entries, every entry listed in REPO/series/series is applied.
#   A patch is named by the path it changes plus ".patch", at the top of the
#   repository or under series/ENTRY/ when a later entry changes the file
#   again (a file of the base, or one an earlier entry added). For
#   BASE=lts, REPO/backport/lts/P replaces the patch or new file P; an
#   empty backport/lts/P.patch leaves that file of the base as it is.
set -eu
repo=$1 tree=$2 pristine=$3 base=$4
shift 4

die() { echo "apply-series: $*" >&2; exit 1; }

# install SRC DEST: replace DEST by a new file (never write through a
# hard link into the pristine tree) unless it is already identical.
install_file() {
	cmp -s "$1" "$2" && return 0
	mkdir -p "$(dirname "$2")"
	rm -f "$2"
	cp "$1" "$2"
}

if [ $# -eq 0 ]; then
	set -- $(grep -v '^[[:space:]]*\(#\|$\)' "$repo/series/series")
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$work/stack"
: > "$work/new"
# What an earlier run put on this tree, so that a file the series no
# longer touches goes back to the base.
state=$(dirname "$pristine")/$(echo "$tree" | tr '/' '_').rtgate-state
for e in "$@"; do
	files=$repo/series/$e.files
	[ -f "$files" ] || die "no such series entry: $e"
	for f in $(grep -v '^[[:space:]]*\(#\|$\)' "$files"); do
		case $f in
		*.patch)
			target=${f%.patch}
			target=${target#series/*/}
			p=$repo/$f
			[ "$base" = lts ] && [ -f "$repo/backport/lts/$f" ] &&
				p=$repo/backport/lts/$f
			[ -f "$p" ] || die "missing $p"
			# An empty backport: the change has no place in that base.
			[ -s "$p" ] || continue
			echo "$target $p" >> "$work/stack"
			;;
		*)
			src=$repo/$f
			[ "$base" = lts ] && [ -f "$repo/backport/lts/$f" ] &&
				src=$repo/backport/lts/$f
			[ -f "$src" ] || die "missing $src"
			echo "new $f $src" >> "$work/new"
			;;
		esac
	done
done

cut -d' ' -f1 "$work/stack" | sort -u > "$work/targets"
while read -r _ f src; do
	grep -qx "$f" "$work/targets" || install_file "$src" "$tree/$f"
done < "$work/new"

for target in $(cat "$work/targets"); do
	# A patch changes a file of the base, or one an earlier entry added.
	if [ -f "$pristine/$target" ]; then
		cp "$pristine/$target" "$work/file"
	elif src=$(awk -v t="$target" '$2 == t { print $3 }' "$work/new") &&
	     [ -n "$src" ]; then
		cp "$src" "$work/file"
	else
		die "$target is neither in the $base base nor added by the series"
	fi
	for p in $(awk -v t="$target" '$1 == t { print $2 }' "$work/stack"); do
		patch -s -F0 --no-backup-if-mismatch -r - "$work/file" "$p" >/dev/null ||
			die "${p#"$repo"/} does not apply to the $base base"
	done
	install_file "$work/file" "$tree/$target"
done

{
	cut -d' ' -f1,2 "$work/new"
	cut -d' ' -f1 "$work/stack" | sort -u | sed 's/^/patched /'
} | sort -u > "$work/state"
if [ -f "$state" ]; then
	cut -d' ' -f2 "$work/state" | sort -u > "$work/paths"
	cut -d' ' -f2 "$state" | sort -u | comm -23 - "$work/paths" |
	while read -r f; do
		if [ -f "$pristine/$f" ]; then
			install_file "$pristine/$f" "$tree/$f"
		else
			rm -f "$tree/$f"
		fi
	done
fi
cp "$work/state" "$state"
