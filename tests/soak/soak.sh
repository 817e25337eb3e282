#!/bin/bash
# soak.sh [N] [KILLS] - load and crash test with a real Postfix (make soak;
# not part of make check).
#
# N mixed messages (clean; card numbers to a mask, a reject and an encrypt
# recipient) are submitted through sendmail by 20 parallel submitters, so
# Postfix queues them (non_smtpd_milters): while panmilter is down,
# cleanup tempfails and the message waits in the queue. During the run
# panmilter is killed with SIGKILL KILLS times at random moments and
# restarted. Afterwards the queue is flushed and every message must be
# accounted for: delivered and treated by policy (clean as sent, masked
# with no full PAN, encrypted as PGP/MIME), or refused (a bounce to the
# sender); nothing lost, nothing delivered unscanned.
set -u
N=${1:-10000}
KILLS=${2:-20}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PANMILTER=${PANMILTER:-$ROOT/build/default/panmilter}
PANKEY=${PANKEY:-$(dirname "$PANMILTER")/pankey}
FIX=$ROOT/tests/fixtures
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
[ -x "$PANMILTER" ] && [ -x "$PANKEY" ] || e2e_die "build panmilter and pankey first"
e2e_setup
D=$E2E_DIR
mkdir -m 700 "$D/run"
e2e_keyring ap@acquirer.example "$D/gnupg" "$D/kr" > /dev/null ||
    e2e_die "keyring setup failed"
SOCK=$(e2e_milter_sock soak)
cat > "$D/policy.conf" <<'POL'
default = { action = "reject"; };
rules = (
  { name = "billing"; recipients = [ "@billing.example" ]; action = "mask"; },
  { name = "acquirer"; recipients = [ "@acquirer.example" ]; action = "encrypt"; }
);
POL
printf 'socket = "%s";\npolicy = "%s/policy.conf";\nkeyring = "%s/kr";\nrun_dir = "%s/run";\ngroup = "postfix";\n' \
    "$SOCK" "$D" "$D" "$D" > "$D/pm.conf"
chmod 600 "$D/pm.conf" "$D/policy.conf"
e2e_postconf "maximal_queue_lifetime=1d" "queue_run_delay=2s" "minimal_backoff_time=2s" \
    "maximal_backoff_time=4s" > /dev/null 2>&1

start() {
	e2e_bg_start "pm$1" "$PANMILTER" -f -c "$D/pm.conf"
	e2e_wait_socket "$SOCK" 30 || e2e_die "panmilter did not start"
}
start 0
e2e_set_milter "$SOCK" || e2e_die "cannot attach panmilter"

# the mix: i % 4 -> clean / mask / reject / encrypt
submit() {
	local i=$1
	case $((i % 4)) in
	0) e2e_sendmail "$FIX/clean-numbers.eml" "c$i@partner.example" ;;
	1) e2e_sendmail "$FIX/b64-csv.eml" "m$i@billing.example" ;;
	2) e2e_sendmail "$FIX/plain-visa.eml" "r$i@partner.example" ;;
	3) e2e_sendmail "$FIX/plain-visa.eml" "ap@acquirer.example" ;;
	esac
}
t0=$(date +%s)
seq 0 $((N - 1)) | xargs -P 20 -I{} bash -c "$(declare -f submit e2e_sendmail); E2E_CONF=$E2E_CONF FIX=$FIX submit {}" &
subs=$!
k=1
while [ $k -le "$KILLS" ]; do
	sleep "0.$((RANDOM % 9 + 1))"
	read -r sup _ < "$D/pm$((k - 1)).pid"
	worker=$(pgrep -P "$sup" | head -n 1)
	kill -9 "$worker" "$sup" 2> /dev/null
	sleep 0.5
	start "$k"
	k=$((k + 1))
done
wait "$subs"
echo "soak: $N submitted in $(( $(date +%s) - t0 )) s with $KILLS kill -9 restarts"
# flush until everything left the queue (bounded)
n=0
while [ $n -lt 600 ] && [ "$(e2e_queue_count)" != 0 ]; do
	postqueue -c "$E2E_CONF" -f > /dev/null 2>&1
	sleep 1
	n=$((n + 1))
done
[ "$(e2e_queue_count)" = 0 ] && e2e_ok "queue empty after the flush" ||
    e2e_fail "$(e2e_queue_count) messages still queued"
sleep 2
python3 - "$E2E_SINK/msg" "$FIX/pans.txt" "$N" <<'PY' || E2E_FAILED=1
import os, re, sys
root, pans, n = sys.argv[1], open(sys.argv[2]).read().split(), int(sys.argv[3])
got = {"clean": 0, "mask": 0, "encrypt": 0, "bounce": 0}
bad = []
for d, _, files in os.walk(root):
    for f in files:
        data = open(os.path.join(d, f), "rb").read().decode("latin-1")
        rcpt = re.search(r"^X-Rcpt-Args: <([^>]*)>", data, re.M).group(1)
        leaked = any(p in data for p in pans)
        if rcpt.startswith("sender@"):
            got["bounce"] += 1
        elif rcpt.endswith("@billing.example"):
            got["mask"] += 1
            leaked and bad.append("unmasked " + f)
        elif rcpt.endswith("@acquirer.example"):
            got["encrypt"] += 1
            ("multipart/encrypted" not in data or leaked) and bad.append("not encrypted " + f)
        else:
            got["clean"] += 1
            leaked and bad.append("card delivered " + f)
want = {"clean": (n + 3) // 4, "mask": (n + 2) // 4, "bounce": (n + 1) // 4, "encrypt": n // 4}
print("soak: delivered %s, expected %s" % (got, want))
for b in bad[:10]:
    print("soak: " + b)
sys.exit(0 if got == want and not bad else 1)
PY
[ "$E2E_FAILED" = 0 ] && e2e_ok "every message accounted for and treated by policy"
exit "$E2E_FAILED"
