#!/bin/sh
# Configure a test kernel the one way every build of the harness does:
# tinyconfig, the fragments merged in order (the last one wins), then
# olddefconfig; and check that every option the fragments ask for
# survived (a missing dependency drops an option without a word).
# Usage: config-kernel.sh TREE OBJDIR FRAGMENT...
# Options matching $UNCHECKED (an extended regular expression, anchored)
# are not checked: the gate's own options before the patch that adds them.
# Uses $HOSTCC when set (scripts/ccache-env.sh's host compiler).
set -eu
tree=$1 obj=$2
shift 2
hcc=${HOSTCC:-gcc}
mkdir -p "$obj"
make -s -C "$tree" O="$obj" HOSTCC="$hcc" tinyconfig >/dev/null
"$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$@" >/dev/null
make -s -C "$tree" O="$obj" HOSTCC="$hcc" olddefconfig >/dev/null
lost=
asked=$(cat "$@" | grep -E '^CONFIG_[A-Z0-9_]+=' |
	awk -F= '{ if (!($1 in want)) order[++n] = $1; want[$1] = $0 }
		 END { for (i = 1; i <= n; i++) print want[order[i]] }')
while IFS= read -r line; do
	opt=${line%%=*}
	if [ -n "${UNCHECKED:-}" ] && echo "$opt" | grep -qE "^($UNCHECKED)\$"; then
		continue
	fi
	case $line in
	*=n) grep -q "^$opt=" "$obj/.config" || continue ;;
	*) grep -qx "$line" "$obj/.config" && continue ;;
	esac
	lost="$lost $line"
done <<EOF
$asked
EOF
if [ -n "$lost" ]; then
	echo "config-kernel: did not survive olddefconfig (dependency missing?):$lost" >&2
	exit 1
fi
