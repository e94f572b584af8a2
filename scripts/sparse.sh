#!/bin/sh
# Print the path of a sparse that the kernel tree accepts. Debian 12's
# sparse is too old for current kernels (no __typeof_unqual__); then build
# the one from Debian unstable's source package under BUILD/tools/ (once).
# Usage: sparse.sh TREE BUILD
set -eu
tree=$1 build=$2
# Trees without scripts/checker-valid.sh (6.12) take any sparse.
valid() {
	[ -x "$tree/scripts/checker-valid.sh" ] || { [ -x "$1" ] || command -v "$1" >/dev/null; return; }
	[ "$("$tree/scripts/checker-valid.sh" "$1" -m64 -mlittle-endian 2>/dev/null)" = 1 ]
}
if command -v sparse >/dev/null && valid sparse; then
	command -v sparse
	exit 0
fi
dir=$build/tools/sparse
if [ ! -x "$dir/sparse" ] || ! valid "$dir/sparse"; then
	rm -rf "$dir"
	opts=$("$(dirname "$0")/apt-private.sh" "$dir/apt" deb-src sid)
	# shellcheck disable=SC2086
	(cd "$dir" && apt-get -q $opts source --download-only sparse >&2)
	tar -xf "$dir"/sparse_*.orig.tar.* -C "$dir" --strip-components=1
	make -s -C "$dir" -j"$(nproc)" HAVE_LLVM=no HAVE_GTK=no HAVE_SQLITE=no sparse >&2
	valid "$dir/sparse" || { echo "sparse.sh: the built sparse is not accepted" >&2; exit 1; }
fi
echo "$dir/sparse"
