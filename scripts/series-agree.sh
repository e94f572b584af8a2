#!/bin/sh
# The files at kernel paths in the repository against the tree the whole
# series (series/patches/) produces on the upstream base: a file the
# series adds must equal it; PATH.patch of a file of the base must turn
# the base's file into it; nothing else may stand at a kernel path. Prints
# one line per disagreement and exits 1 if there is any.
# Usage: series-agree.sh REPO PRISTINE
set -eu
repo=$1 pristine=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad=0
no() { echo "series-agree: $*"; bad=$((bad + 1)); }

# The tree the series produces (only the files it changes).
mkdir "$work/tree" "$work/base"
state=$(dirname "$pristine")/$(echo "$work/tree" | tr '/' '_').rtgate-state
"$repo/scripts/apply-series.sh" "$repo" "$work/tree" "$pristine" upstream
rm -f "$state"
python3 "$repo/scripts/series.py" files "$repo" > "$work/files"
while read -r st f; do
	case $st in
	A)	if [ ! -f "$repo/$f" ]; then
			no "$f: added by the series, missing at its path"
		elif ! cmp -s "$repo/$f" "$work/tree/$f"; then
			no "$f differs from the series' (make series-export)"
		fi
		[ ! -e "$repo/$f.patch" ] || no "$f.patch: $f is not a file of the base"
		;;
	M)	mkdir -p "$work/base/$(dirname "$f")"
		cp "$pristine/$f" "$work/base/$f"
		if [ ! -f "$repo/$f.patch" ]; then
			no "$f.patch: the series changes $f, its patch is missing"
		elif ! (cd "$work/base" && GIT_CEILING_DIRECTORIES=$work git apply "$repo/$f.patch") 2>/dev/null; then
			no "$f.patch does not apply to the base"
		elif ! cmp -s "$work/base/$f" "$work/tree/$f"; then
			no "$f.patch gives another $f than the series (make series-export)"
		fi
		[ ! -e "$repo/$f" ] || no "$f: a file of the base kept whole (keep $f.patch)"
		;;
	esac
done < "$work/files"

# Whatever else stands at a kernel path: not the harness's own files.
cut -d' ' -f2 "$work/files" | sed 'p; s/$/.patch/' | sort > "$work/known"
git -C "$repo" ls-files --cached --others --exclude-standard |
	grep -vE '^(\.ci/|\.gitignore$|Makefile$|README\.md$|backport/|build/|configs/|scripts/|series/|tests/|tools/efi_rtgate/)' |
	sort | comm -23 - "$work/known" | while read -r f; do
		echo "series-agree: $f stands at a kernel path, the series does not produce it"
	done > "$work/stray"
if [ -s "$work/stray" ]; then
	cat "$work/stray"
	bad=$((bad + $(wc -l < "$work/stray")))
fi
if [ "$bad" -ne 0 ]; then
	echo "series-agree: $bad files disagree with series/patches/"
	exit 1
fi
echo "series-agree: $(wc -l < "$work/files") files at their kernel paths equal what series/patches/ produces"
