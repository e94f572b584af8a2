#!/bin/sh
# Every target works as the first command on a fresh clone: each target
# that `make help` lists (and README's table names) runs with SETUP_ONLY=1
# (directories, kernel bases, downloads; nothing is compiled) on a build
# directory of its own that does not exist yet. A target fails here when
# it writes where it did not create a directory, or when it does not stop
# after its set-up (no "set-up done (SETUP_ONLY)" line).
# The kernel bases are fetched into BUILD once and hard-linked from there
# (BASE_CACHE), so no target downloads or unpacks a base again.
# Usage: fresh-check.sh REPO BUILD     Ends "N passed, N failed".
set -u
repo=$1 build=$2
bases="upstream lts sl"
# Targets with no set-up of their own: run as they are, exit status only.
plain="help deps clean"
# This check itself.
self=fresh-check
# Seconds a target's set-up may take (links, one small download).
limit=600

# Each target runs as if typed by hand, not as a sub-make of this one.
unset MAKEFLAGS MFLAGS MAKELEVEL
passed=0 failed=0
ok() { echo "fresh-check: ok   $*"; passed=$((passed + 1)); }
bad() { echo "fresh-check: FAIL $*"; failed=$((failed + 1)); }

mkdir -p "$build"
build=$(cd "$build" && pwd)
logs=$build/fresh-check
rm -rf "$logs"
mkdir -p "$logs"

# The targets: those of make help, and any README promises.
make -s -C "$repo" help > "$logs/help.txt" 2>&1 || bad "make help failed"
sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' "$logs/help.txt" > "$logs/targets"
# shellcheck disable=SC2016 # README's `make X`, not a command
sed -n 's/^| `make \([a-z][a-z-]*\)[^`]*` |.*/\1/p' "$repo/README.md" | sort -u > "$logs/readme"
while read -r t; do
	grep -qx "$t" "$logs/targets" || bad "README names make $t, make help does not"
done < "$logs/readme"
[ -s "$logs/targets" ] || bad "no target found in make help"

for base in $bases; do
	"$repo/scripts/fetch-base.sh" "$base" "$build/$base" > "$logs/fetch-$base.log" 2>&1 ||
		bad "fetching the $base base into $build/$base (see $logs/fetch-$base.log)"
done

while read -r t; do
	[ "$t" = "$self" ] && continue
	# A build directory under BUILD (hard links need one file system)
	# whose BUILD/ does not exist, as in a fresh clone.
	tmp=$(mktemp -d "$build/fresh.XXXXXX")
	log=$logs/$t.log
	# The time limit stops a target that ignores SETUP_ONLY and goes on
	# to build a kernel.
	timeout "$limit" make -C "$repo" "$t" BUILD="$tmp/build" SETUP_ONLY=1 \
		BASE_CACHE="$build" KSRC= DEBUG= > "$log" 2>&1
	rc=$?
	setup=yes
	case " $plain " in *" $t "*) setup=no ;; esac
	if [ "$rc" -ne 0 ]; then
		tail -n 15 "$log"
		bad "make $t on a fresh build directory: exit $rc (see $log)"
	elif [ "$setup" = yes ] && ! grep -q 'set-up done (SETUP_ONLY)' "$log"; then
		tail -n 15 "$log"
		bad "make $t did not stop after its set-up with SETUP_ONLY=1 (see $log)"
	else
		ok "make $t"
	fi
	rm -rf "$tmp"
done < "$logs/targets"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
