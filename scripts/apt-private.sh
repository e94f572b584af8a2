#!/bin/sh
# Set up apt for Debian suites of the harness' choosing without changing
# the machine's apt configuration: a source list, package lists and cache
# of its own under DIR, named on the command line. Updates the lists and
# prints the apt-get/apt-cache options to use them (one line).
# Usage: opts=$(apt-private.sh DIR deb|deb-src SUITE...)
#        apt-get -q $opts download PACKAGE
set -eu
dir=$1 type=$2
shift 2
die() { echo "apt-private: $*" >&2; exit 1; }
case $dir in *[[:space:]]*) die "DIR must not contain blanks: $dir" ;; esac

# The Debian mirror the machine's sources already name, for speed.
uri=$(grep -rhoE '(https?://[^ ]*debian)/?( |$)' /etc/apt/sources.list \
	/etc/apt/sources.list.d/ 2>/dev/null | grep -v security |
	head -n 1 | tr -d ' ')
uri=${uri:-http://deb.debian.org/debian}

mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
dir=$(cd "$dir" && pwd)
for suite in "$@"; do
	echo "$type [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main"
done > "$dir/sources.list"
opts="-o Dir::Etc::sourcelist=$dir/sources.list -o Dir::Etc::sourceparts=-"
opts="$opts -o Dir::State::Lists=$dir/lists -o Dir::Cache=$dir/cache"
opts="$opts -o APT::Sandbox::User=root -o Debug::NoLocking=1"
# shellcheck disable=SC2086
apt-get -q $opts update > "$dir/update.log" 2>&1 || {
	cat "$dir/update.log" >&2
	die "apt-get update ($*) failed"
}
echo "$opts"
