#!/bin/sh
# Put Secure Launch v16 (as posted) onto a Linux 7.3 tree, with the small
# rebase this harness keeps for it, then the test-only emulated launch.
# Usage: apply-sl.sh TREE MBOX
# TREE is modified in place (patch writes each file anew, so a tree of
# hard links to another tree is safe). See tests/slaunch/README.md.
#
# `patch -F0` (no fuzz), never `git apply` (inside another git work tree it
# skips every path and exits 0) nor `patch -F3` (it puts 35/38's hunks into
# the wrong functions of reboot.c).
set -eu
tree=$1 mbox=$2
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "apply-sl: $*" >&2; exit 1; }

[ -f "$mbox" ] || die "no $mbox"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git mailsplit -o"$tmp" "$mbox" >/dev/null
# 0001 is the cover letter, 00NN is patch NN-1 of 38.
[ "$(ls "$tmp" | wc -l)" -eq 39 ] || die "expected 39 messages in $mbox"
grep -q '^Subject: \[PATCH v16 01/38\]' "$tmp/0002" || die "not v16 01/38: $tmp/0002"

apply() {
	patch -d "$tree" -p1 -F0 -N -s --no-backup-if-mismatch < "$1" ||
		die "$2 does not apply"
}

# apply_but PATCH NAME FAILED: apply PATCH, of which exactly FAILED hunks
# ("1 out of 5") are known not to apply to 7.3; rebase/ has them.
apply_but() {
	out=$(patch -d "$tree" -p1 -F0 -N --no-backup-if-mismatch \
		-r /dev/null < "$1" 2>&1) || true
	echo "$out" | grep -qE "^$3 hunks? FAILED" ||
		die "$2: expected $3 hunks to fail, got: $out"
}

# 01-10/38 (the TPM header split and tpm_buf rework) are in 7.3 already,
# merged upstream in a revised form: skipped. The hunks of 23/38 and
# 35/38 that 7.3 changed are applied from rebase/.
for n in $(seq 12 39); do
	f=$(printf '%s/%04d' "$tmp" "$n")
	name=$(printf '%02d/38' $((n - 1)))
	case $n in
	24) apply_but "$f" "$name" "1 out of 2"
	    apply "$here/rebase/23-hunk2-bug-h.patch" "rebase of $name" ;;
	36) apply_but "$f" "$name" "1 out of 5"
	    apply "$here/rebase/35-hunk2-reboot.patch" "rebase of $name" ;;
	*) apply "$f" "$name" ;;
	esac
done
for f in "$here"/rebase/fixup-*.patch; do
	apply "$f" "$(basename "$f")"
done
# Test only: the emulated launch (slaunch_emulate).
for f in "$here"/emulate/*.patch; do
	apply "$f" "$(basename "$f")"
done
echo "apply-sl: Secure Launch v16 11-38/38 + rebase + emulated launch applied"
