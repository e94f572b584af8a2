#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make test: both self-tests, one "N passed, M failed" line over them.
# Usage: run-tests.sh VERIFY-PROG PERSIST-PROG
dir=$(dirname "$0")
passed=0 failed=0 rc=0
for t in "rtgate-verify $1" "rtgate-persist $2"; do
	set -- $t
	"$SHELL" "$dir/test-$1.sh" "$2" >"${TMPDIR:-/tmp}/rtgate-test.$$" 2>&1 || rc=1
	cat "${TMPDIR:-/tmp}/rtgate-test.$$"
	line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed$' "${TMPDIR:-/tmp}/rtgate-test.$$" | tail -n 1)
	rm -f "${TMPDIR:-/tmp}/rtgate-test.$$"
	if [ -z "$line" ]; then
		echo "test-$1.sh: no result line"
		failed=$((failed + 1))
		continue
	fi
	passed=$((passed + ${line%% *}))
	f=${line#* passed, }
	failed=$((failed + ${f%% *}))
done
echo "$passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
