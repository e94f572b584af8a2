#!/bin/sh
# Write the series back from its kernel git tree (make series-import made
# it: BUILD/BASE/git, branch rtgate on top of tag base; edit it with git).
#   BASE=upstream: series/patches/ (git format-patch, one file a commit)
#     and every file at its kernel path as the whole series leaves it: a
#     file the series adds as itself, a file of the base as PATH.patch,
#     the whole series' change to it.
#   BASE=lts: backport/lts/STEM/PATH.patch wherever the 6.12 commit
#     changes PATH otherwise than upstream patch STEM does (nothing after
#     the first line: not at all; scripts/series.py tells the format).
#     The 6.12 branch must hold the upstream series' commits, in order,
#     with the same subjects; a commit 6.12 does not need is left out of
#     the branch.
# Usage: series-export.sh REPO BUILD BASE
# SETUP_ONLY=1 stops at once (there is nothing to set up).
set -eu
repo=$1 build=$2 base=$3
git=$build/$base/git
py="python3 $repo/scripts/series.py"

die() { echo "series-export: $*" >&2; exit 1; }
if [ -n "${SETUP_ONLY:-}" ]; then
	# Nothing to download: the tree is the one make series-import made.
	echo "series-export: set-up done (SETUP_ONLY)"
	exit 0
fi
[ -d "$git/.git" ] || die "no $git: make series-import BASE=$base first"
if ! git -C "$git" diff --quiet HEAD || ! git -C "$git" diff --cached --quiet; then
	die "$git has uncommitted changes"
fi
[ "$(git -C "$git" rev-parse HEAD)" = "$(git -C "$git" rev-parse rtgate)" ] ||
	die "$git: check out branch rtgate"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case $base in
upstream)
	# (none on the first export)
	{ $py files "$repo" 2>/dev/null || :; } | cut -d" " -f2 | sort > "$work/old"
	git -C "$git" format-patch -q --zero-commit --no-signature \
		-o "$work/p" base..rtgate
	rm -f "$repo"/series/patches/[0-9][0-9][0-9][0-9]-*.patch
	mkdir -p "$repo/series/patches"
	cp "$work"/p/*.patch "$repo/series/patches/"
	git -C "$git" diff --name-status --no-renames base rtgate > "$work/status"
	while read -r st f; do
		case $st in
		A)	mkdir -p "$repo/$(dirname "$f")"
			git -C "$git" show "rtgate:$f" > "$repo/$f"
			rm -f "$repo/$f.patch" ;;
		M)	mkdir -p "$repo/$(dirname "$f")"
			git -C "$git" diff base rtgate -- "$f" > "$repo/$f.patch"
			rm -f "$repo/$f" ;;
		*)	die "$f: status $st is not supported (only adding and changing files)" ;;
		esac
	done < "$work/status"
	cut -f2 "$work/status" | sort | comm -23 "$work/old" - | while read -r f; do
		rm -f "$repo/$f" "$repo/$f.patch"
	done
	git -C "$git" tag -f imported rtgate >/dev/null
	echo "series-export: $(ls "$work/p" | wc -l) patches in series/patches, files at their kernel paths"
	;;
lts)
	# Pair each upstream patch with the 6.12 commit of the same subject.
	git -C "$git" rev-list --reverse base..rtgate > "$work/commits"
	rm -rf "$work/lts"
	i=1
	for p in $($py list "$repo"); do
		subj=$($py subject "$p")
		c=$(sed -n "${i}p" "$work/commits")
		if [ -n "$c" ] && [ "$(git -C "$git" log -1 --format=%s "$c")" = "$subj" ]; then
			i=$((i + 1))
		else
			c=
		fi
		s=$($py stem "$p")
		# The tree upstream's change applies to on 6.12.
		parent=${c:+$c^}
		[ -n "$parent" ] || parent=$(sed -n "$((i - 1))p" "$work/commits")
		[ -n "$parent" ] || parent=base
		# The paths either side changes.
		{
			$py paths "$p" | cut -d' ' -f2
			[ -z "$c" ] || git -C "$git" diff --name-only "$c^" "$c"
		} | sort -u > "$work/paths"
		while read -r f; do
			# What upstream's change to f gives on 6.12, against the commit.
			rm -rf "$work/t" && mkdir -p "$work/t/$(dirname "$f")"
			git -C "$git" show "$parent:$f" > "$work/t/$f" 2>/dev/null || rm -f "$work/t/$f"
			$py section "$p" "$f" > "$work/sec"
			want=$work/want
			if [ -n "$c" ]; then
				git -C "$git" show "$c:$f" > "$want" 2>/dev/null || rm -f "$want"
			else
				rm -f "$want"
				[ -f "$work/t/$f" ] && cp "$work/t/$f" "$want"
			fi
			same=no
			if [ -s "$work/sec" ] && (cd "$work/t" && GIT_CEILING_DIRECTORIES=$work git apply "$work/sec") 2>/dev/null; then
				if [ -f "$want" ] && cmp -s "$want" "$work/t/$f"; then same=yes; fi
			elif [ ! -s "$work/sec" ] && [ -z "$c" ]; then
				same=yes
			fi
			[ "$same" = yes ] && continue
			mkdir -p "$work/lts/$s/$(dirname "$f")"
			{
				$py section-id "$p" "$f"
				[ -z "$c" ] || git -C "$git" diff "$c^" "$c" -- "$f"
			} > "$work/lts/$s/$f.patch"
		done < "$work/paths"
	done
	[ "$i" -gt "$(wc -l < "$work/commits")" ] ||
		die "6.12 commit $i ($(git -C "$git" log -1 --format=%s "$(sed -n "${i}p" "$work/commits")")) has no upstream patch of that subject"
	rm -rf "$repo/backport/lts"
	mkdir -p "$repo/backport"
	if [ -d "$work/lts" ]; then cp -r "$work/lts" "$repo/backport/lts"; fi
	git -C "$git" tag -f imported rtgate >/dev/null
	echo "series-export: $(find "$repo/backport/lts" -name '*.patch' 2>/dev/null | wc -l) 6.12 versions in backport/lts"
	;;
*)	die "BASE=$base: the series is exported from upstream, the 6.12 versions from lts" ;;
esac
