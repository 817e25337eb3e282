#!/bin/bash
# t-20-daemon.sh - the daemon's operator contract:
#  1. -n checks configuration and policy as the daemon would (exit 0/1,
#     file:line messages);
#  2. it refuses to start on a group-writable policy, naming the chmod;
#  3. no core dumps: RLIMIT_CORE 0 in the worker;
#  4. the policy is reloaded when its file changes (next message), a
#     broken edit keeps the previous policy in force and is logged, and
#     SIGHUP forces a reload;
#  5. a message over max_message_size gets the policy's unscannable action.
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

PANMILTER=${PANMILTER:-$E2E_ROOT/build/default/panmilter}
FIX=$E2E_ROOT/tests/fixtures
[ -x "$PANMILTER" ] || e2e_die "$PANMILTER not built; run make first"
e2e_setup
SOCK=$(e2e_milter_sock pm)
CONF=$E2E_DIR/panmilter.conf
POLICY=$E2E_DIR/policy.conf
LOG=$E2E_DIR/pm.out

# policy ACTION - a policy whose default is ACTION
policy() {
	printf 'default = { action = "%s"; };\nunscannable = "reject";\n' "$1" \
	    > "$POLICY.new"
	chmod 600 "$POLICY.new"
	mv "$POLICY.new" "$POLICY"
}
policy reject
cat > "$CONF" <<CONF
socket = "$SOCK";
policy = "$POLICY";
group = "postfix";
max_message_size = 4096;
CONF
chmod 600 "$CONF"

# 1. -n
if "$PANMILTER" -n -c "$CONF" > "$E2E_DIR/n.out" 2>&1 &&
    grep -q 'check: ok' "$E2E_DIR/n.out"; then
	e2e_ok "-n accepts a good configuration"
else
	e2e_fail "-n on a good configuration: $(cat "$E2E_DIR/n.out")"
fi
printf 'default = { action = "rejekt"; };\n' > "$E2E_DIR/bad.conf"
chmod 600 "$E2E_DIR/bad.conf"
sed "s|^policy = .*|policy = \"$E2E_DIR/bad.conf\";|" "$CONF" > "$E2E_DIR/c2.conf"
chmod 600 "$E2E_DIR/c2.conf"
if ! "$PANMILTER" -n -c "$E2E_DIR/c2.conf" > "$E2E_DIR/n2.out" 2>&1 &&
    grep -q "bad.conf:1: " "$E2E_DIR/n2.out"; then
	e2e_ok "-n refuses a bad policy with file:line"
else
	e2e_fail "-n on a bad policy: $(cat "$E2E_DIR/n2.out")"
fi

# 2. unsafe permissions
chmod 664 "$POLICY"
if ! "$PANMILTER" -f -c "$CONF" > "$E2E_DIR/perm.out" 2>&1 &&
    grep -q "chmod go-w $POLICY" "$E2E_DIR/perm.out"; then
	e2e_ok "refuses a group-writable policy and says how to fix it"
else
	e2e_fail "group-writable policy: $(cat "$E2E_DIR/perm.out")"
fi
chmod 600 "$POLICY"

# 3. start; no core dumps in the worker
e2e_bg_start pm "$PANMILTER" -f -c "$CONF"
e2e_wait_socket "$SOCK" 20 || e2e_die "panmilter did not start"
e2e_set_milter "$SOCK" || e2e_die "cannot attach panmilter"
read -r sup _ < "$E2E_DIR/pm.pid"
worker=$(pgrep -P "$sup" | head -n 1)
if [ -n "$worker" ] && grep -Eq '^Max core file size +0 +0' "/proc/$worker/limits"; then
	e2e_ok "worker $worker has RLIMIT_CORE 0"
else
	e2e_fail "core dumps not disabled (worker '$worker')"
fi

# 4. reload on change, broken edit, SIGHUP
e2e_send_file "$FIX/plain-visa.eml" --to a@partner.example
e2e_assert_reply 550
sleep 1.1	# a new mtime even on coarse file systems
policy pass
e2e_send_file "$FIX/plain-visa.eml" --to a@partner.example
e2e_assert_reply 250
printf 'default = { action = ; };\n' > "$POLICY.new" && chmod 600 "$POLICY.new" &&
    mv "$POLICY.new" "$POLICY"
e2e_send_file "$FIX/plain-visa.eml" --to a@partner.example
e2e_assert_reply 250	# previous policy (pass) stays in force
grep -q 'policy not reloaded: .*policy.conf:1: .*run panpolicy check' "$LOG" &&
    e2e_ok "broken policy logged with file:line and what to do" ||
    e2e_fail "no log line for the broken policy"
policy reject
kill -HUP "$sup"
sleep 0.5
e2e_send_file "$FIX/plain-visa.eml" --to a@partner.example
e2e_assert_reply 550
grep -q 'reload requested' "$LOG" && e2e_ok "SIGHUP logged" || e2e_fail "SIGHUP not seen"
kill -0 "$sup" 2> /dev/null && e2e_ok "SIGHUP did not stop the daemon" ||
    e2e_fail "SIGHUP stopped the daemon"

# 5. over max_message_size: unscannable -> reject
e2e_send_file "$FIX/b64-csv.eml" --to a@partner.example --add-header "X-Pad: $(head -c 5000 /dev/zero | tr '\0' x)"
e2e_assert_reply 550
grep -q 'reason=max_message_size\|rule=unscannable' "$LOG" &&
    e2e_ok "oversize message decided as unscannable" ||
    e2e_fail "oversize message not logged as unscannable"
# 6. SIGTERM: stop cleanly (exit 0, "stopped" logged, socket removed)
kill -TERM "$sup"
n=0
while [ $n -lt 100 ] && kill -0 "$sup" 2> /dev/null; do
	sleep 0.1
	n=$((n + 1))
done
if ! kill -0 "$sup" 2> /dev/null && grep -q 'stopped$' "$LOG"; then
	e2e_ok "SIGTERM stops the daemon cleanly"
else
	e2e_fail "SIGTERM: daemon still running or no 'stopped' line"
fi
exit "$E2E_FAILED"
