#!/bin/sh
# Put the series onto a kernel tree: the files its first N patches change
# (all of them without N), as they are after those patches. Idempotent:
# each file is rebuilt from its pristine copy by applying the patches in
# order (git apply: no fuzz) and rewritten only when its content changes,
# so an edit rebuilds incrementally; a file an earlier run changed and
# this one does not goes back to the base.
# Usage: apply-series.sh REPO TREE PRISTINE BASE [N]
#   The patches are series/patches/ (scripts/series.py derive: for
#   BASE=lts with the 6.12 versions in backport/lts/ in place).
set -eu
repo=$1 tree=$2 pristine=$3 base=$4 n=${5:-}

die() { echo "apply-series: $*" >&2; exit 1; }

# install SRC DEST: replace DEST by a new file (never write through a
# hard link into the pristine tree) unless it is already identical.
install_file() {
	cmp -s "$1" "$2" && return 0
	mkdir -p "$(dirname "$2")"
	rm -f "$2"
	cp "$1" "$2"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$repo/scripts/series.py" derive "$repo" "$base" "$work/p" > "$work/all"
if [ -n "$n" ]; then
	head -n "$n" "$work/all" > "$work/list"
	[ "$(wc -l < "$work/list")" -eq "$n" ] || die "the $base series has fewer than $n patches"
else
	cp "$work/all" "$work/list"
fi
: > "$work/paths"
if [ -s "$work/list" ]; then
	# shellcheck disable=SC2046 # one word per patch file
	python3 "$repo/scripts/series.py" paths $(cat "$work/list") | cut -d' ' -f2 > "$work/paths"
fi

mkdir "$work/t"
while read -r f; do
	if [ -f "$pristine/$f" ]; then
		mkdir -p "$work/t/$(dirname "$f")"
		cp "$pristine/$f" "$work/t/$f"
	fi
done < "$work/paths"
# git apply outside any repository (GIT_CEILING_DIRECTORIES): inside one,
# it would skip the paths outside the directory it runs in.
while read -r p; do
	(cd "$work/t" && GIT_CEILING_DIRECTORIES=$work git apply "$p") 2>"$work/err" ||
		die "$(basename "$p") does not apply to the $base base: $(cat "$work/err")"
done < "$work/list"
while read -r f; do
	[ -f "$work/t/$f" ] || die "the series removes $f: not supported"
	install_file "$work/t/$f" "$tree/$f"
done < "$work/paths"

# What an earlier run put on this tree, so that a file the series no
# longer touches goes back to the base.
state=$(dirname "$pristine")/$(echo "$tree" | tr '/' '_').rtgate-state
sort -u "$work/paths" > "$work/state"
if [ -f "$state" ]; then
	# (states written before series/patches/ name the path last)
	awk '{ print $NF }' "$state" | sort -u | comm -23 - "$work/state" |
	while read -r f; do
		if [ -f "$pristine/$f" ]; then
			install_file "$pristine/$f" "$tree/$f"
		else
			rm -f "$tree/$f"
		fi
	done
fi
cp "$work/state" "$state"
