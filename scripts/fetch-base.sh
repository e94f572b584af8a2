#!/bin/sh
# Unpack a pristine kernel base into DIR/pristine (once; never modified).
#   upstream: the newest linux-source-7.* of Debian unstable, downloaded with
#             apt-get download against a sid source list given on the command
#             line (the machine's apt configuration is not changed);
#   lts:      Debian 12's linux-source-6.12.
# Usage: fetch-base.sh upstream|lts DIR
set -eu
base=$1
dir=$2
[ -f "$dir/pristine/Makefile" ] && exit 0
mkdir -p "$dir/dl"
dir=$(cd "$dir" && pwd)

die() { echo "fetch-base: $*" >&2; exit 1; }

case $base in
upstream)
	# Reuse the Debian mirror the machine's sources already name.
	uri=$(grep -rhoE '(https?://[^ ]*debian)/?( |$)' /etc/apt/sources.list \
		/etc/apt/sources.list.d/ 2>/dev/null | grep -v security |
		head -n 1 | tr -d ' ')
	uri=${uri:-http://deb.debian.org/debian}
	sid=$dir/dl/apt
	mkdir -p "$sid/lists/partial" "$sid/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri sid main" \
		> "$sid/sources.list"
	opts="-o Dir::Etc::sourcelist=$sid/sources.list -o Dir::Etc::sourceparts=-
	      -o Dir::State::Lists=$sid/lists -o Dir::Cache=$sid/cache
	      -o APT::Sandbox::User=root -o Debug::NoLocking=1"
	# shellcheck disable=SC2086
	apt-get -q $opts update >/dev/null || die "apt-get update (sid) failed"
	# shellcheck disable=SC2086
	pkg=$(apt-cache $opts pkgnames linux-source-7. | sort -V | tail -n 1)
	[ -n "$pkg" ] || die "no linux-source-7.* in sid"
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
	die "unknown base '$base' (upstream or lts)"
	;;
esac

tarball=/usr/src/$pkg.tar.xz
if [ ! -f "$tarball" ] || [ "$base" = upstream ]; then
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
