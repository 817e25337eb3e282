#!/bin/bash
# t-25-reload.sh - the policy is swapped back and forth while messages
# flow: every message is decided wholly under one version (its log line
# pairs mask with rule v1-billing, or reject with rule v2-default), both
# versions are seen, every accepted message arrives masked, and the
# counts add up (delivered + rejected = sent).
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

PANMILTER=${PANMILTER:-$E2E_ROOT/build/default/panmilter}
FIX=$E2E_ROOT/tests/fixtures
N=${RELOAD_N:-120}
[ -x "$PANMILTER" ] || e2e_die "$PANMILTER not built; run make first"
command -v smtp-source > /dev/null || e2e_die "smtp-source missing"
e2e_setup
SOCK=$(e2e_milter_sock pm)
P=$E2E_DIR/policy.conf
printf 'rules = ( { name = "v1-billing"; recipients = [ "@billing.example" ]; action = "mask"; } );\n' > "$E2E_DIR/v1"
printf 'default = { action = "reject"; };\nrules = ( { name = "v2-partner"; recipients = [ "@partner.example" ]; action = "mask"; } );\n' > "$E2E_DIR/v2"
chmod 600 "$E2E_DIR/v1" "$E2E_DIR/v2"
cp -p "$E2E_DIR/v1" "$P"
printf 'socket = "%s";\npolicy = "%s";\ngroup = "postfix";\n' "$SOCK" "$P" > "$E2E_DIR/pm.conf"
chmod 600 "$E2E_DIR/pm.conf"
e2e_bg_start pm "$PANMILTER" -f -c "$E2E_DIR/pm.conf"
e2e_wait_socket "$SOCK" 20 || e2e_die "panmilter did not start"
e2e_set_milter "$SOCK" || e2e_die "cannot attach panmilter"

# swap the policy every 0.1 s (atomic rename) until told to stop
(
	i=0
	while [ ! -e "$E2E_DIR/stop" ] && [ $i -lt 3000 ]; do
		cp -p "$E2E_DIR/v$((i % 2 + 1))" "$P.new" && mv "$P.new" "$P"
		i=$((i + 1))
		sleep 0.1
	done
) &
swapper=$!
smtp-source -A -s 10 -m "$N" -F "$FIX/plain-visa.eml" -f a@corp.example \
    -t ap@billing.example "127.0.0.1:$E2E_SMTP_PORT" > "$E2E_DIR/source.out" 2>&1
touch "$E2E_DIR/stop"
wait "$swapper"

log=$E2E_DIR/pm.out
masked=$(grep -c 'action=mask rule=v1-billing ' "$log")
rejected=$(grep -c 'action=reject rule=default ' "$log")
total=$(grep -c ' action=' "$log")
[ "$masked" -gt 0 ] && [ "$rejected" -gt 0 ] &&
    e2e_ok "both policy versions decided messages ($masked mask, $rejected reject)" ||
    e2e_fail "the swap was not seen ($masked mask, $rejected reject)"
[ "$((masked + rejected))" = "$total" ] && [ "$total" = "$N" ] &&
    e2e_ok "every message decided under one version ($total lines)" ||
    e2e_fail "mixed or missing decisions: $masked + $rejected of $total, sent $N"
e2e_wait_delivered "$masked" 60 || e2e_fail "masked messages not all delivered"
[ "$(e2e_sink_count)" = "$masked" ] && e2e_ok "delivered + rejected = sent" ||
    e2e_fail "delivered $(e2e_sink_count), expected $masked"
leak=0
for f in $(e2e_sink_files); do
	grep -F -q -f "$FIX/pans.txt" "$f" && leak=1
done
[ $leak = 0 ] && e2e_ok "no delivered message holds a full PAN" ||
    e2e_fail "a delivered message holds a full PAN"
exit "$E2E_FAILED"
