#!/bin/sh
# Install the Debian packages the harness needs, or say how.
set -eu
pkgs="build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils kmod
      rsync python3 ccache qemu-system-x86 ovmf swtpm swtpm-tools
      busybox-static tpm2-tools efibootmgr mokutil kexec-tools sbsigntool libtss2-dev
      sparse git dosfstools mtools openssl efitools
      python3-ply python3-git"
missing=
for p in $pkgs; do
	dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
