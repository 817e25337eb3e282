#!/bin/sh
# demo.sh BUILD - scan the sample messages and show what was found.
#
# Until the milter daemon exists, the demo runs the engine offline
# (panmilter --scan) over contrib/samples/, the same engine the daemon
# will run for every message.
set -u
B=${1:-build/default}
BIN=$B/panmilter
cd "$(dirname "$0")/.." || exit 2
echo "== panmilter demo: scanning contrib/samples/ (masked output only)"
for f in contrib/samples/*.eml; do
	subj=$(sed -n 's/^Subject: //p' "$f" | head -n 1 | tr -d '\r')
	printf '\n-- %s  (Subject: %s)\n' "$(basename "$f")" "$subj"
	"$BIN" --scan "$f"
	rc=$?
	case $rc in
	0) echo "   => no card data: the message would pass" ;;
	1) echo "   => card data found: policy decides (mask, encrypt, reject)" ;;
	*) echo "   => error (exit $rc)" ;;
	esac
done
printf '\n-- the same as JSON Lines (one object per message):\n'
"$BIN" --scan --json contrib/samples/b64-csv.eml contrib/samples/cvc.eml
printf '\n-- a directory scan with 2 jobs (summary on stderr):\n'
"$BIN" --scan --jobs 2 contrib/samples > /dev/null
exit 0
