#!/bin/sh
# Lint the series the way reviewers will: checkpatch --strict on every patch,
# the files at kernel paths against series/patches/ (upstream),
# kernel-doc on the new files, W=1 and sparse (C=1) on the objects the series
# touches (no warning that the base does not have), get_maintainer.pl naming
# the new MAINTAINERS entry for every new file.
# Usage: lint.sh REPO BUILD BASE
set -u
repo=$1 build=$2 base=$3
b=$build/$base
git=$b/git
fails=0
bad() { echo "lint: FAIL $*"; fails=$((fails + 1)); }
ok() { echo "lint: ok   $*"; }

"$repo/scripts/series.sh" "$repo" "$build" "$base" >/dev/null || { echo "lint: series failed"; exit 1; }
if [ -n "${SETUP_ONLY:-}" ]; then
	echo "lint: set-up done (SETUP_ONLY)"
	exit 0
fi
out=$build/series
[ "$base" = upstream ] || out=$build/series-$base

# checkpatch as a maintainer runs it (Signed-off-by checked too): 0 errors,
# 0 warnings; CHECKs are listed for the cover letter. A known false positive
# is listed by its exact text in scripts/checkpatch-known.txt (and, where
# the patch itself causes it, named in its commit message); only that
# exact report is set aside.
known_fp=$repo/scripts/checkpatch-known.txt
for p in "$out"/0*.patch; do
	case $p in *0000-cover-letter.patch) continue ;; esac
	# Debian's python3 has ply and git for checkpatch's SPDX check.
	r=$(cd "$git" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict -q --show-types "$p" 2>&1)
	rc=$?
	# checkpatch exits 1 when it reports anything (with --strict, a
	# CHECK too), 0 when it does not; any other status (a crash, a
	# missing module) is no verdict.
	case $rc in
	0) ! echo "$r" | grep -qE '^(ERROR|WARNING|CHECK):' ||
		bad "checkpatch $(basename "$p") exited 0 but reported something" ;;
	1) echo "$r" | grep -qE '^(ERROR|WARNING|CHECK):' ||
		bad "checkpatch $(basename "$p") exited 1 with nothing reported: $(echo "$r" | tail -n 3)" ;;
	*) bad "checkpatch $(basename "$p") exited $rc: $(echo "$r" | tail -n 3)"
	   continue ;;
	esac
	# Set aside a report block only if its first line and its code line
	# are exactly those listed for this patch.
	n=$(basename "$p" .patch | sed 's/^[0-9]*-//')
	r=$(echo "$r" | awk -v n="$n" -v known="$known_fp" -v fplog="$b/fp.log" '
		BEGIN {
			FS = "|"
			while ((getline l < known) > 0) {
				if (l ~ /^#/ || l == "")
					continue
				split(l, f, "|")
				if (f[1] == n) { w[++k] = f[2]; c[k] = f[3] }
			}
			RS = ""; FS = "\n"
		}
		{
			for (i = 1; i <= k; i++) {
				if ($1 != w[i])
					continue
				for (j = 2; j <= NF; j++)
					if ($j == c[i]) {
						print "lint: known false positive in " n ": " $1 " at " c[i] > fplog
						next
					}
			}
			print; print ""
		}')
	[ -s "$b/fp.log" ] && cat "$b/fp.log" && rm -f "$b/fp.log"
	if echo "$r" | grep -qE '^(ERROR|WARNING):'; then
		bad "checkpatch $(basename "$p")"
		echo "$r" | grep -E -A4 '^(ERROR|WARNING):'
	else
		ok "checkpatch $(basename "$p")$(echo "$r" | grep -c '^CHECK:' | sed 's/^0$//; s/^[1-9].*/ (& CHECK)/')"
		echo "$r" | grep -A3 '^CHECK:' | sed 's/^/    /'
	fi
done

# The files at kernel paths are what series/patches/ produces.
if [ "$base" = upstream ]; then
	if r=$("$repo/scripts/series-agree.sh" "$repo" "$b/pristine" 2>&1); then
		ok "${r#series-agree: }"
	else
		bad "files at kernel paths disagree with series/patches/"
		echo "$r"
	fi
fi

# New files: the ones the series adds.
newfiles=$(python3 "$repo/scripts/series.py" files "$repo" | sed -n 's/^A //p')
for f in $newfiles; do
	case $f in
	*.c|*.h)
		r=$(cd "$git" && ./scripts/kernel-doc -none -Wall "$f" 2>&1)
		if [ -n "$r" ]; then bad "kernel-doc $f"; echo "$r"; else ok "kernel-doc $f"; fi
		;;
	esac
	r=$(cd "$git" && ./scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats -f "$f" 2>/dev/null)
	r2=$(cd "$git" && ./scripts/get_maintainer.pl --no-git --no-git-fallback -f "$f" 2>/dev/null)
	# The directory's .kunitconfig runs whatever suites the directory
	# has: it stays with the EFI maintainers, not the gate's entry.
	entry="EFI RUNTIME SERVICES GATE"
	case $f in */.kunitconfig) entry="EXTENSIBLE FIRMWARE INTERFACE (EFI)" ;; esac
	if echo "$r2" | grep -qF "$entry"; then
		ok "get_maintainer $f"
	else
		bad "get_maintainer $f does not name $entry: $r"
	fi
done

# W=1 C=1 on every object the series adds or patches that the test
# configuration (the check kernel's fragments) builds, base versus series:
# no warning that the base does not have.
. "$repo/scripts/ccache-env.sh"
# warn REF OUT: compile at REF in BUILD/BASE/lint, print the normalized
# warnings, and the objects compiled to OUT.objs (those not built to
# OUT.not-built). Base and series share the object directory: what
# 'make prepare' builds (objtool, fixdep, the kconfig tools) is built once.
o=$b/lint
warn() {
	git -C "$git" checkout -q -f "$1"
	# The base has none of the gate's options.
	# shellcheck disable=SC2086 # one word per fragment
	if ! HOSTCC=$hostcc UNCHECKED='CONFIG_EFI_RTGATE[A-Z0-9_]*' \
		"$repo/scripts/config-kernel.sh" "$git" "$o" $FRAGMENTS "$repo/configs/vm.config" \
		>"$2.config.log" 2>&1; then
		echo "CONFIGURATION FAILED"
		return
	fi
	if ! "$repo/scripts/series-objs.sh" "$repo" "$git" "$o" >"$2.objs" 2>"$2.not-built"; then
		echo "OBJECT LIST FAILED"
		return
	fi
	# Compiled anew, so that W=1 and sparse see each one.
	(cd "$o" && xargs rm -f < "$2.objs")
	# shellcheck disable=SC2046 # one word per object
	make -C "$git" O="$o" CC="$cc" HOSTCC="$hostcc" W=1 C=1 CHECK="$sparse" \
		-j"$(nproc)" $(cat "$2.objs") >"$2.log" 2>&1 || echo "BUILD FAILED"
	grep -q 'is not available or not up to date' "$2.log" && echo "SPARSE DID NOT RUN"
	grep -E 'warning:|error:' "$2.log" | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u
}
if sparse=$("$repo/scripts/sparse.sh" "$git" "$build"); then
	warn base "$b/lint-base" > "$b/lint-base.warnings"
	warn rtgate "$b/lint-series" > "$b/lint-series.warnings"
	for w in base series; do
		for e in "CONFIGURATION FAILED" "OBJECT LIST FAILED" "BUILD FAILED" "SPARSE DID NOT RUN"; do
			grep -qx "$e" "$b/lint-$w.warnings" && bad "W=1 C=1 ($w): $e (see $b/lint-$w.log)"
		done
	done
	echo "lint: W=1 C=1 on $(wc -l < "$b/lint-series.objs") objects: $(tr '\n' ' ' < "$b/lint-series.objs")"
	[ -s "$b/lint-series.not-built" ] &&
		echo "lint: not built by the test configuration: $(tr '\n' ' ' < "$b/lint-series.not-built")"
	grep -qx drivers/firmware/efi/rtgate.o "$b/lint-series.objs" ||
		bad "W=1 C=1: the gate's own objects were not compiled"
	echo "lint: W=1 C=1 warnings: $(grep -c . "$b/lint-base.warnings") in the base, $(grep -c . "$b/lint-series.warnings") with the series"
	new=$(comm -13 "$b/lint-base.warnings" "$b/lint-series.warnings")
	if [ -n "$new" ]; then bad "W=1 C=1 new warnings"; echo "$new"; else ok "W=1 C=1: no new warnings"; fi
else
	bad "no usable sparse"
fi
git -C "$git" checkout -q -f rtgate

if [ "$fails" -eq 0 ]; then echo "lint: passed"; else echo "lint: $fails failed"; exit 1; fi
