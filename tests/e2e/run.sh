#!/bin/sh
# run.sh - run every tests/e2e/t-*.sh (each with a private Postfix),
# print "ok - NAME" or "not ok - NAME" per test (a failed test's output
# follows as "# " lines), then "N passed, N failed".  Exit 1 if any
# test failed.  Needs root.  E2E_TEST_TIMEOUT (default 300 s) bounds
# each test; other E2E_* variables are passed on (see lib.sh).
set -u
dir=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
log=$(mktemp "${TMPDIR:-/tmp}/e2e-run.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for t in "$dir"/t-*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	if timeout -k 10 "${E2E_TEST_TIMEOUT:-300}" bash "$t" > "$log" 2>&1; then
		pass=$((pass + 1))
		echo "ok - $name"
	else
		fail=$((fail + 1))
		echo "not ok - $name"
		sed 's/^/# /' "$log"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
