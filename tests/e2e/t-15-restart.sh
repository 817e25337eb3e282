#!/bin/bash
# t-15-restart.sh - locally submitted mail (sendmail -> pickup -> cleanup,
# non_smtpd_milters) while panmilter is down stays queued (tempfail:
# nothing lost, nothing delivered unscanned); after panmilter starts, the
# queue flushes and each message is treated by policy: clean delivered,
# masked delivered masked, refused bounced to its sender only.
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

PANMILTER=${PANMILTER:-$E2E_ROOT/build/default/panmilter}
FIX=$E2E_ROOT/tests/fixtures
[ -x "$PANMILTER" ] || e2e_die "$PANMILTER not built; run make first"
e2e_setup
SOCK=$(e2e_milter_sock pm)
cat > "$E2E_DIR/policy.conf" <<'POL'
default = { action = "reject"; };
rules = ( { name = "billing"; recipients = [ "@billing.example" ]; action = "mask"; } );
POL
printf 'socket = "%s";\npolicy = "%s/policy.conf";\ngroup = "postfix";\n' \
    "$SOCK" "$E2E_DIR" > "$E2E_DIR/pm.conf"
chmod 600 "$E2E_DIR/pm.conf" "$E2E_DIR/policy.conf"
e2e_set_milter "$SOCK" || e2e_die "cannot point Postfix at the milter"

# panmilter is not running: submit three messages
e2e_sendmail "$FIX/clean-numbers.eml" someone@partner.example
e2e_sendmail "$FIX/b64-csv.eml" ap@billing.example
e2e_sendmail "$FIX/plain-visa.eml" someone@partner.example
sleep 3
postqueue -c "$E2E_CONF" -f > /dev/null 2>&1
sleep 2
[ "$(e2e_sink_count)" = 0 ] && e2e_ok "nothing delivered while panmilter is down" ||
    e2e_fail "mail delivered while panmilter was down"
queued=$(find "$E2E_QUEUE"/maildrop "$E2E_QUEUE"/incoming "$E2E_QUEUE"/active \
    "$E2E_QUEUE"/deferred -type f 2> /dev/null | wc -l)
[ "$queued" -ge 3 ] && e2e_ok "all three kept in the queue ($queued files)" ||
    e2e_fail "only $queued queue files for 3 messages"

e2e_bg_start pm "$PANMILTER" -f -c "$E2E_DIR/pm.conf"
e2e_wait_socket "$SOCK" 20 || e2e_die "panmilter did not start"
# pickup retries the maildrop; a flush speeds up the deferred queue
n=0
while [ $n -lt 60 ] && [ "$(e2e_sink_count)" -lt 3 ]; do
	postqueue -c "$E2E_CONF" -f > /dev/null 2>&1
	sleep 1
	n=$((n + 1))
done
[ "$(e2e_sink_count)" = 3 ] && e2e_ok "queue flushed after the restart" ||
    e2e_fail "$(e2e_sink_count) messages delivered after the restart, want 3"
clean=0 masked=0 bounce=0
for f in $(e2e_sink_files); do
	rcpt=$(sed -n 's/^X-Rcpt-Args: <\([^>]*\)>.*/\1/p' "$f" | head -n 1)
	case $rcpt in
	someone@partner.example) clean=1 ;;
	ap@billing.example)
		grep -F -q -f "$FIX/pans.txt" "$f" || masked=1 ;;
	sender@example.com) bounce=1 ;;
	esac
done
[ $clean = 1 ] && e2e_ok "clean message delivered" || e2e_fail "clean message missing"
[ $masked = 1 ] && e2e_ok "card message delivered masked" || e2e_fail "masked message missing or unmasked"
[ $bounce = 1 ] && e2e_ok "refused message bounced to its sender only" ||
    e2e_fail "no bounce for the refused message"
grep -q 'action=reject' "$E2E_DIR/pm.out" && e2e_ok "refusal logged" ||
    e2e_fail "refusal not logged"
exit "$E2E_FAILED"
