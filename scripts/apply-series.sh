#!/bin/sh
# Put the series onto a kernel tree: copy new files, apply patches to
# existing files. Idempotent: each patched file is rebuilt from its pristine
# copy, and a file is only rewritten when its content changes, so an edit
# rebuilds incrementally.
# Usage: apply-series.sh REPO TREE PRISTINE BASE [SERIES_ENTRY...]
#   Without entries, every entry listed in REPO/series/series is applied.
#   For BASE=lts, REPO/backport/lts/X.patch replaces X.patch where present.
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

apply_entry() {
	files=$repo/series/$1.files
	[ -f "$files" ] || die "no such series entry: $1"
	grep -v '^[[:space:]]*\(#\|$\)' "$files" | while read -r f; do
		case $f in
		*.patch)
			target=${f%.patch}
			p=$repo/$f
			[ "$base" = lts ] && [ -f "$repo/backport/lts/$f" ] &&
				p=$repo/backport/lts/$f
			[ -f "$p" ] || die "missing $p"
			[ -f "$pristine/$target" ] || die "$target not in the base"
			tmp=$(mktemp)
			if ! patch -s -F0 --no-backup-if-mismatch -r - -o "$tmp" \
				"$pristine/$target" "$p" >/dev/null; then
				rm -f "$tmp"
				die "$f does not apply to the $base base"
			fi
			install_file "$tmp" "$tree/$target"
			rm -f "$tmp"
			;;
		*)
			[ -f "$repo/$f" ] || die "missing $repo/$f"
			install_file "$repo/$f" "$tree/$f"
			;;
		esac
	done
}

if [ $# -eq 0 ]; then
	set -- $(grep -v '^[[:space:]]*\(#\|$\)' "$repo/series/series")
fi
for e in "$@"; do
	apply_entry "$e"
done
