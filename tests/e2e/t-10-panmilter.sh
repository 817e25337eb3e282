#!/bin/bash
# t-10-panmilter.sh - panmilter behind a real Postfix:
#  1. clean mail arrives, body byte-identical, header X-PAN-Control: pass;
#  2. a PAN in a base64 CSV attachment to a "mask" recipient arrives
#     masked, and the attachment still decodes (only the digits changed);
#  3. a PAN to a "reject" recipient gets 550 5.7.1 with the masked number
#     and reaches nobody;
#  4. track data to a "mask" recipient is refused all the same;
#  5. panmilter stopped: 4xx (milter_default_action = tempfail), nothing
#     new in the sink; restarted: mail flows again;
#  6. the log has one key=value line per message; no full PAN appears in
#     any log, reply or delivered message.
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

PANMILTER=${PANMILTER:-$E2E_ROOT/build/default/panmilter}
FIX=$E2E_ROOT/tests/fixtures
PANS=$FIX/pans.txt
[ -x "$PANMILTER" ] || e2e_die "$PANMILTER not built; run make first"

e2e_setup
SOCK=$(e2e_milter_sock panmilter)
CONF=$E2E_DIR/panmilter.conf
POLICY=$E2E_DIR/policy.conf
cat > "$POLICY" <<'POL'
default = { action = "reject"; };
track_data = "reject";
unscannable = "reject";
protected = "pass";
rules = (
  { name = "billing"; recipients = [ "@billing.example" ];
    action = "mask"; mask = "first6last4"; }
);
POL
cat > "$CONF" <<CONF
socket = "$SOCK";
policy = "$POLICY";
on_error = "tempfail";
add_header = true;
group = "postfix";
CONF
chmod 600 "$CONF" "$POLICY"

# start_milter NAME - panmilter in the foreground; its log is NAME.out
start_milter() {
	e2e_bg_start "$1" "$PANMILTER" -f -c "$CONF" ||
	    e2e_die "cannot start panmilter"
	e2e_wait_socket "$SOCK" 20 || e2e_die "panmilter socket not ready"
}

start_milter panmilter1
e2e_set_milter "$SOCK" || e2e_die "cannot point Postfix at panmilter"

# 1. clean mail
e2e_send_file "$FIX/clean-numbers.eml" --to someone@partner.example
e2e_assert_reply 250
e2e_wait_delivered 1 30 || e2e_fail "clean message not delivered"
m=$(e2e_sink_last)
if cmp -s <(e2e_sink_body "$m") <(sed '1,/^\r\?$/d' "$FIX/clean-numbers.eml" | tr -d '\r'); then
	e2e_ok "clean body byte-identical"
else
	e2e_fail "clean body changed: $m"
fi
e2e_assert_header "$m" '^X-PAN-Control: pass; pans=0'

# 2. mask: base64 CSV attachment
e2e_send_file "$FIX/b64-csv.eml" --to ap@billing.example
e2e_assert_reply 250
e2e_wait_delivered 2 30 || e2e_fail "masked message not delivered"
m=$(e2e_sink_last)
if python3 - "$m" "$FIX/b64-csv.eml" <<'PY'
import email, email.policy, sys
got = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
src = email.message_from_binary_file(open(sys.argv[2], "rb"), policy=email.policy.default)
def csv(m):
    for p in m.walk():
        if p.get_filename() == "export.csv":
            return p.get_payload(decode=True)
a, b = csv(got), csv(src)
assert a is not None and len(a) == len(b), "attachment missing or resized"
diff = [i for i in range(len(a)) if a[i] != b[i]]
assert diff and all(a[i] == ord("*") and chr(b[i]).isdigit() for i in diff), "not a digit mask"
print("masked %d digits" % len(diff))
PY
then e2e_ok "attachment decodes, only digits masked"
else e2e_fail "masked attachment wrong: $m"
fi

# 3. reject
n=$(e2e_sink_count)
e2e_send_file "$FIX/plain-visa.eml" --to someone@partner.example
e2e_assert_reply 550
grep -q '5\.7\.1' "$E2E_LAST_LOG" && e2e_ok "5.7.1 in reply" || e2e_fail "no 5.7.1"
grep -Eq '<.. 550.*[0-9]{6}\*+[0-9]{4}' "$E2E_LAST_LOG" &&
    e2e_ok "reply names the masked number" || e2e_fail "reply lacks masked number"

# 4. track data, even to a mask recipient
e2e_send_file "$FIX/track2.eml" --to ap@billing.example
e2e_assert_reply 550
[ "$(e2e_sink_count)" = "$n" ] && e2e_ok "refused mail reached nobody" ||
    e2e_fail "refused mail was delivered"

# 5. milter down: tempfail, nothing delivered; back up: flows
e2e_bg_stop panmilter1 TERM
e2e_send_file "$FIX/clean-numbers.eml" --to someone@partner.example
e2e_assert_reply 4
[ "$(e2e_sink_count)" = "$n" ] && e2e_ok "nothing delivered while down" ||
    e2e_fail "mail delivered while the milter was down"
start_milter panmilter2
e2e_send_file "$FIX/clean-numbers.eml" --to someone@partner.example
e2e_assert_reply 250
e2e_wait_delivered $((n + 1)) 30 || e2e_fail "no delivery after restart"

# 6. the log and no PAN anywhere
LOG=$E2E_DIR/panmilter.log
cat "$E2E_DIR"/panmilter1.out "$E2E_DIR"/panmilter2.out > "$LOG"
grep -q 'action=mask rule=billing pans=2' "$LOG" && e2e_ok "mask logged" ||
    e2e_fail "no mask log line"
grep -q 'action=reject' "$LOG" && e2e_ok "reject logged" || e2e_fail "no reject log line"
leaks=0
for f in "$LOG" "$E2E_MAILLOG" $(e2e_sink_files); do
	if grep -F -q -f "$PANS" "$f"; then
		e2e_fail "full PAN in $f"
		leaks=1
	fi
done
# replies only (lines from the server), not what the client sent
for f in "$E2E_DIR"/swaks.*.log; do
	if grep -E '^<' "$f" | grep -F -q -f "$PANS"; then
		e2e_fail "full PAN in a reply: $f"
		leaks=1
	fi
done
[ "$leaks" = 0 ] && e2e_ok "no full PAN in logs, replies or delivered mail"
exit "$E2E_FAILED"
