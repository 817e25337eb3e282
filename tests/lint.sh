#!/bin/sh
# lint.sh - man pages (mandoc -T lint), shell scripts (shellcheck, when
# installed).
set -u
rc=0
for m in man/*.[1-8]; do
	[ -f "$m" ] || continue
	if ! mandoc -T lint -W warning "$m"; then
		rc=1
	fi
done
if command -v shellcheck > /dev/null 2>&1; then
	shellcheck -S warning contrib/install-deps tests/*.sh contrib/*.sh \
	    tests/e2e/*.sh tests/soak/*.sh fuzz/*.sh bench/*.sh || rc=1
fi
tests/docs.sh build/default/panmilter || rc=1
[ "$rc" = 0 ] && echo "lint: ok"
exit $rc
