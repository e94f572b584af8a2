#!/bin/sh
# Make the series' git commits on a git tree of the base (git am of
# series/patches/, for lts with backport/lts/ in place) and write a
# format-patch series with a cover letter. Also make series-import: edit
# the branch with git, then make series-export writes it back.
# Usage: series.sh REPO BUILD BASE
#   upstream -> BUILD/series/, lts -> BUILD/series-lts/
# Leaves the git tree at BUILD/BASE/git (branch rtgate on top of tag base).
# SETUP_ONLY=1 stops after the set-up (directories, kernel base).
set -eu
repo=$1 build=$2 base=$3
b=$build/$base
"$repo/scripts/fetch-base.sh" "$base" "$b"
if [ -n "${SETUP_ONLY:-}" ]; then
	echo "series: set-up done (SETUP_ONLY)"
	exit 0
fi
git=$b/git
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-$(git -C "$repo" config user.name || echo 'EFI runtime gate developers')}"
export GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-$(git -C "$repo" config user.email || echo 'efi-rtgate@example.org')}"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_AUTHOR_DATE="2026-11-25T00:00:00Z" GIT_COMMITTER_DATE="2026-11-25T00:00:00Z"

if [ ! -d "$git/.git" ]; then
	echo "series: making a git tree of the $base base (once)"
	rm -rf "$git"
	cp -a "$b/pristine" "$git"
	git -C "$git" init -q
	git -C "$git" config core.autocrlf false
	# Loose objects stored, not deflated: adding the 90,000 files of a
	# base takes 22 s instead of about 60 (1.8 GB on disk).
	git -C "$git" config core.looseCompression 0
	git -C "$git" add -A -f
	git -C "$git" commit -q -m "base: $(make -s -C "$git" kernelversion)"
	git -C "$git" tag base
fi
# An edit in progress (make series-export not run since) is not thrown
# away: the branch must be what the last import or export left.
if git -C "$git" rev-parse -q --verify imported >/dev/null &&
   [ "$(git -C "$git" rev-parse rtgate)" != "$(git -C "$git" rev-parse imported)" ] &&
   [ -z "${FORCE:-}" ]; then
	echo "series: $git: branch rtgate has commits that are not exported;" >&2
	echo "series: make series-export BASE=$base, or FORCE=1 to throw them away" >&2
	exit 1
fi
git -C "$git" checkout -q -f -B rtgate base
git -C "$git" clean -q -fdx
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2046 # one word per patch file
if ! git -C "$git" am -q --keep-cr $(python3 "$repo/scripts/series.py" derive "$repo" "$base" "$work") \
	>"$b/series-am.log" 2>&1; then
	git -C "$git" am --abort >/dev/null 2>&1
	cat "$b/series-am.log"
	echo "series: the series does not apply to the $base base" >&2
	exit 1
fi
git -C "$git" tag -f imported rtgate >/dev/null

out=$build/series
[ "$base" = upstream ] || out=$build/series-$base
rm -rf "$out"
git -C "$git" format-patch -q --cover-letter --base=base -o "$out" base..rtgate
cover=$(ls "$out"/0000-cover-letter.patch)
python3 - "$cover" "$repo/series/cover-letter.txt" <<'PY'
import sys
cover, text = sys.argv[1], open(sys.argv[2]).read()
subject, _, blurb = text.partition("\n\n")
s = open(cover).read()
s = s.replace("*** SUBJECT HERE ***", subject.strip())
s = s.replace("*** BLURB HERE ***", blurb.strip())
open(cover, "w").write(s)
PY

# What a maintainer does with it: git am onto the pristine base must give
# exactly the tree the series was made from.
git -C "$git" checkout -q -f -B am-check base
set --
for p in "$out"/0*.patch; do
	case $p in */0000-cover-letter.patch) ;; *) set -- "$@" "$p" ;; esac
done
if ! git -C "$git" am -q --keep-cr "$@" >"$b/series-am.log" 2>&1; then
	git -C "$git" am --abort >/dev/null 2>&1
	cat "$b/series-am.log"
	echo "series: git am of $out onto the $base base failed" >&2
	exit 1
fi
if ! git -C "$git" diff --quiet rtgate am-check; then
	echo "series: git am of $out gives another tree than the series" >&2
	exit 1
fi
git -C "$git" checkout -q -f rtgate
echo "series: git am onto the $base base: ok"
# shellcheck disable=SC2012 # a count of plain file names
echo "series: $(ls "$out" | wc -l) files in $out"
