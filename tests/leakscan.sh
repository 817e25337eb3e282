#!/bin/sh
# leakscan.sh DIR - no full card number in any collected test output.
#
# Two independent checks over every *.log below DIR: a fixed-string search
# for each PAN the fixtures embed (tests/fixtures/pans.txt), and the
# detector itself (panmilter --scan) run over the logs, which finds any
# Luhn- and brand-valid number, also those the unit tests generated.
set -u
DIR=$1
BIN=${2:-build/default/panmilter}
PANS=$(dirname "$0")/fixtures/pans.txt
# libFuzzer's own logs echo its inputs and dictionary entries (test data
# with the brands' published numbers), not anything panmilter printed:
# they are left out
logs=$(find "$DIR" -name '*.log' -type f ! -path '*/fuzz/logs/*' 2>/dev/null)
if [ -z "$logs" ]; then
	echo "leakscan: no logs under $DIR; run make unit golden first" >&2
	exit 1
fi
hits=0
for f in $logs; do
	if grep -F -q -f "$PANS" "$f"; then
		echo "leakscan: $f contains a fixture PAN" >&2
		hits=$((hits + 1))
	fi
	if ! "$BIN" --scan "$f" > /dev/null 2>&1; then
		echo "leakscan: the detector finds a card number in $f:" >&2
		"$BIN" --scan "$f" >&2
		hits=$((hits + 1))
	fi
done
n=$(echo "$logs" | wc -l)
# one line per log checked: passed = no card number in it
echo "leakscan: $((n - hits)) passed, $hits failed"
[ "$hits" = 0 ]
