#!/bin/sh
# Unpack a pristine kernel base into DIR/pristine (once; never modified).
#   upstream: the newest linux-source-7.* of Debian unstable or experimental,
#             downloaded with apt-get download against a source list given on
#             the command line (scripts/apt-private.sh; the machine's apt
#             configuration is not changed); the chosen package and suite
#             are printed;
#   lts:      Debian 12's linux-source-6.12;
#   sl:       upstream plus Secure Launch v16 as posted (SL_MBOX, default
#             ../shared/secure-launch/secure-launch-v16.mbox beside the
#             repository), with the harness's rebase and the test-only
#             emulated launch (tests/slaunch/apply-sl.sh).
# Usage: fetch-base.sh upstream|lts|sl DIR
# BASE_CACHE=dir (make fresh-check): hard-link dir/BASE/pristine, unpacked
# before, instead of downloading it again.
set -eu
base=$1
dir=$2
# Base sl also depends on the harness's own patches (tests/slaunch): a
# tree built from other versions of them is built again.
stamp=
if [ "$base" = sl ]; then
	here=$(cd "$(dirname "$0")/.." && pwd)
	stamp=$(cat "$here/tests/slaunch/apply-sl.sh" "$here"/tests/slaunch/*/*.patch | md5sum)
	if [ -f "$dir/pristine/Makefile" ] &&
	   [ "$(cat "$dir/pristine/.rtgate-sl-stamp" 2>/dev/null)" != "$stamp" ]; then
		echo "fetch-base: tests/slaunch changed: applying Secure Launch again"
		rm -rf "$dir/pristine" "$dir/linux"
	fi
fi
[ -f "$dir/pristine/Makefile" ] && exit 0
mkdir -p "$dir/dl"
dir=$(cd "$dir" && pwd)

die() { echo "fetch-base: $*" >&2; exit 1; }

cache=${BASE_CACHE:+$BASE_CACHE/$base/pristine}
if [ -n "$cache" ] && [ -f "$cache/Makefile" ] &&
   { [ -z "$stamp" ] || [ "$(cat "$cache/.rtgate-sl-stamp" 2>/dev/null)" = "$stamp" ]; }; then
	echo "fetch-base: linking $cache"
	rm -rf "$dir/pristine.tmp"
	cp -al "$cache" "$dir/pristine.tmp"
	mv "$dir/pristine.tmp" "$dir/pristine"
	exit 0
fi

case $base in
sl)
	repo=$(cd "$(dirname "$0")/.." && pwd)
	mbox=${SL_MBOX:-$repo/../shared/secure-launch/secure-launch-v16.mbox}
	[ -f "$mbox" ] || mbox=/work/shared/secure-launch/secure-launch-v16.mbox
	[ -f "$mbox" ] || die "no Secure Launch v16 mbox (set SL_MBOX=)"
	up=$(dirname "$dir")/upstream
	"$0" upstream "$up"
	rm -rf "$dir/pristine.tmp"
	# Hard links to the upstream base: patch replaces each file it changes.
	cp -al "$up/pristine" "$dir/pristine.tmp"
	"$repo/tests/slaunch/apply-sl.sh" "$dir/pristine.tmp" "$mbox"
	echo "$stamp" > "$dir/pristine.tmp/.rtgate-sl-stamp"
	mv "$dir/pristine.tmp" "$dir/pristine"
	exit 0
	;;
upstream)
	opts=$("$(dirname "$0")/apt-private.sh" "$dir/dl/apt" deb sid experimental) ||
		die "apt-get update (sid, experimental) failed"
	# shellcheck disable=SC2086
	pkg=$(apt-cache $opts pkgnames linux-source-7. | sort -V | tail -n 1)
	[ -n "$pkg" ] || die "no linux-source-7.* in sid or experimental"
	# shellcheck disable=SC2086
	apt-cache $opts policy "$pkg" | sed -n 's/^ *Candidate: */fetch-base: upstream is '"$pkg"' /p'
	# shellcheck disable=SC2086
	apt-cache $opts madison "$pkg" | sed 's/^/fetch-base:   /'
	# shellcheck disable=SC2086
	(cd "$dir/dl" && apt-get -q $opts download "$pkg") ||
		die "apt-get download $pkg failed"
	;;
lts)
	pkg=linux-source-6.12
	if [ ! -f /usr/src/$pkg.tar.xz ]; then
		(cd "$dir/dl" && apt-get -q download "$pkg") ||
			die "apt-get download $pkg failed (run: apt-get update)"
	fi
	;;
*)
	die "unknown base '$base' (upstream, lts or sl)"
	;;
esac

tarball=/usr/src/$pkg.tar.xz
if [ ! -f "$tarball" ] || [ "$base" = upstream ]; then
	# shellcheck disable=SC2012 # the newest of Debian's file names
	deb=$(ls "$dir"/dl/"$pkg"_*.deb | tail -n 1)
	rm -rf "$dir/dl/x"
	dpkg -x "$deb" "$dir/dl/x"
	tarball=$(ls "$dir"/dl/x/usr/src/linux-source-*.tar.xz)
fi
echo "fetch-base: unpacking $(basename "$tarball")"
rm -rf "$dir/pristine.tmp"
mkdir -p "$dir/pristine.tmp"
tar -xf "$tarball" -C "$dir/pristine.tmp" --strip-components=1
rm -rf "$dir/dl/x"
mv "$dir/pristine.tmp" "$dir/pristine"
