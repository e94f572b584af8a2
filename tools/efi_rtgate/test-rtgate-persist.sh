#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Offline self-test of rtgate-persist: efivarfs and the ESP are plain
# directories (-d, -e). Usage: test-rtgate-persist.sh PROG
# Prints one line per check and ends with "N passed, M failed".
prog=$1
python=${PYTHON:-python3}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vendor=b2ac5fc9-92b7-4acd-aeac-11e818c3130c

result() {
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
	printf '%s - %s\n' "$1" "$2"
}

# var NAME PYTHON-BYTES: an efivarfs file, 4 bytes of attributes first
var() {
	"$python" -c "import sys; sys.stdout.buffer.write(b'\x06\0\0\0' + $2)" \
		>"$tmp/vars/$1-$vendor"
}

# A file of EBBR chapter 5 with one entry, CRC-32 from zlib
file_bytes="(lambda e: (lambda b: b[:20] + __import__('struct').pack('<I', __import__('zlib').crc32(b[24:])) + b[24:])(__import__('struct').pack('<Q7sBII', 0, b'UbEfiVa', 1, 24 + len(e), 0) + e))(bytes(range(40)))"

reset() {
	rm -rf "$tmp/vars" "$tmp/esp"
	mkdir -p "$tmp/vars" "$tmp/esp"
	var RTStorageVolatile "b'efi-rtgate.var\0'"
	var VarToFile "$file_bytes"
}

# run NAME WANT-STATUS ARGS...
run() {
	name=$1 want=$2
	shift 2
	"$prog" -d "$tmp/vars" -e "$tmp/esp" "$@" >"$tmp/out" 2>&1
	st=$?
	if [ "$st" -eq "$want" ]; then
		result ok "$name (exit $st)"
	else
		result fail "$name (exit $st, want $want): $(cat "$tmp/out")"
	fi
}

reset
run "writes VarToFile" 0
"$python" -c "import sys; sys.exit(open(sys.argv[1], 'rb').read() != $file_bytes)" \
	"$tmp/esp/efi-rtgate.var" && result ok "file holds VarToFile without its attributes" ||
	result fail "file holds VarToFile without its attributes"
[ ! -e "$tmp/esp/efi-rtgate.var.new" ] && result ok "no temporary file left" ||
	result fail "no temporary file left"

reset
run "dry run" 0 -n
[ ! -e "$tmp/esp/efi-rtgate.var" ] && result ok "dry run writes nothing" ||
	result fail "dry run writes nothing"

reset
rm "$tmp/vars/RTStorageVolatile-$vendor"
run "no RTStorageVolatile: nothing to do" 0
[ -z "$(ls "$tmp/esp")" ] && result ok "nothing written without RTStorageVolatile" ||
	result fail "nothing written without RTStorageVolatile"

for bad in "b'../x\0'" "b'EFI/x.var\0'" "b'x.var'" "b'.hidden\0'" "b'a\0b\0'"; do
	reset
	var RTStorageVolatile "$bad"
	run "RTStorageVolatile $bad refused" 1
	[ -z "$(ls -A "$tmp/esp")" ] || result fail "$bad: something written"
done

for bad in "b'UbEfiVa'" "b'\0' * 8 + b'UbEfiVb\x01' + bytes(8)" \
	   "$file_bytes[:-1]" "$file_bytes + b'x'"; do
	reset
	var VarToFile "$bad"
	echo old >"$tmp/esp/efi-rtgate.var"
	run "malformed VarToFile refused" 1
	[ "$(cat "$tmp/esp/efi-rtgate.var")" = old ] &&
		result ok "the old file is kept" || result fail "the old file is kept"
done

reset
chmod 0555 "$tmp/esp"
if [ "$(id -u)" -ne 0 ]; then
	run "read-only ESP refused" 1
fi
chmod 0755 "$tmp/esp"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
