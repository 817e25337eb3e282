#!/bin/bash
# t-60-faults.sh - slow, stuck and broken surroundings end in on_error
# (tempfail) with a log line that says what to do:
#  1. gpg missing (an empty file bind-mounted over /usr/bin/gpg in a
#     private mount namespace): encrypt -> 451, "cannot encrypt";
#  2. gpg hanging: the helper is stopped after panmilter's timeout and the
#     message gets 451; with Postfix's milter_content_timeout shorter than
#     that, Postfix's own milter_default_action (tempfail) answers first;
#  2b. gpg hanging once: after the 451 the worker restarts by itself
#     (a new worker forks new helpers) and the next message, gpg well
#     again, is delivered encrypted - no operator needed;
#  3. the log cannot be written (stderr on /dev/full): 451 for every
#     message, nothing accepted without its log record.
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

PANMILTER=${PANMILTER:-$E2E_ROOT/build/default/panmilter}
PANKEY=${PANKEY:-$(dirname "$PANMILTER")/pankey}
FIX=$E2E_ROOT/tests/fixtures
[ -x "$PANMILTER" ] && [ -x "$PANKEY" ] || e2e_die "build panmilter and pankey first"
command -v unshare > /dev/null || e2e_die "unshare missing (util-linux)"
e2e_setup
D=$E2E_DIR
mkdir -m 700 "$D/run"
e2e_keyring ap@acquirer.example "$D/gnupg" "$D/kr" > /dev/null ||
    e2e_die "keyring setup failed"
SOCK=$(e2e_milter_sock faults)
printf 'rules = ( { name = "acquirer"; recipients = [ "@acquirer.example" ]; action = "encrypt"; } );\n' > "$D/policy.conf"
printf 'socket = "%s";\npolicy = "%s/policy.conf";\nkeyring = "%s/kr";\nrun_dir = "%s/run";\ngroup = "postfix";\ntimeout = 5;\n' \
    "$SOCK" "$D" "$D" "$D" > "$D/pm.conf"
chmod 600 "$D/pm.conf" "$D/policy.conf"

# run NAME CMD... - start a panmilter wrapped by CMD (exec's into it) and
# record its pid under the name panmilter, so teardown can stop it
run() {
	local name=$1 pid i
	shift
	e2e_bg_start "$name" "$@"
	read -r pid _ < "$D/$name.pid"
	for ((i = 0; i < 50; i++)); do
		[ "$(cat "/proc/$pid/comm" 2> /dev/null)" = panmilter ] && break
		sleep 0.1
	done
	echo "$pid panmilter" > "$D/$name.pid"
	e2e_wait_socket "$SOCK" 20 || e2e_die "$name did not start: $(cat "$D/$name.out")"
}

# stop NAME - SIGKILL the supervisor and its worker (no graceful wait)
stop() {
	local pid worker
	read -r pid _ < "$D/$1.pid"
	worker=$(pgrep -P "$pid" | head -n 1)
	kill -9 "$pid" $worker 2> /dev/null
	e2e_bg_stop "$1" KILL
}

e2e_set_milter "$SOCK" || e2e_die "cannot attach panmilter"

# 1. gpg missing
: > "$D/nogpg"
run nogpg unshare -m bash -c 'mount --bind "$1" /usr/bin/gpg && exec "$2" -f -c "$3"' \
    _ "$D/nogpg" "$PANMILTER" "$D/pm.conf"
e2e_send_file "$FIX/plain-visa.eml" --to ap@acquirer.example
e2e_assert_reply 451
grep -q 'cannot encrypt' "$D/nogpg.out" && e2e_ok "logged: cannot encrypt" ||
    e2e_fail "no log line for the missing gpg: $(tail -3 "$D/nogpg.out")"
stop nogpg

# 2. gpg hanging (answers --version, hangs on anything else)
cp /usr/bin/gpg "$D/realgpg"
printf '#!/bin/sh\ncase "$*" in *--version*) exec %s "$@" ;; esac\nexec sleep 120\n' \
    "$D/realgpg" > "$D/hanggpg"
chmod 755 "$D/hanggpg"
run hang unshare -m bash -c 'mount --bind "$1" /usr/bin/gpg && exec "$2" -f -c "$3"' \
    _ "$D/hanggpg" "$PANMILTER" "$D/pm.conf"
e2e_send_file "$FIX/plain-visa.eml" --to ap@acquirer.example
e2e_assert_reply 451
grep -q 'did not answer within 5 s' "$D/hang.out" &&
    e2e_ok "logged: the helper did not answer" ||
    e2e_fail "no log line for the hanging gpg: $(tail -3 "$D/hang.out")"
e2e_postconf "milter_content_timeout=2s" > /dev/null 2>&1
e2e_send_file "$FIX/plain-visa.eml" --to ap@acquirer.example
e2e_assert_reply 4
e2e_postconf "milter_content_timeout=60s" > /dev/null 2>&1
stop hang

# 2b. gpg hanging once (while $D/hang-flag exists): the worker restarts
printf '#!/bin/sh\ncase "$*" in *--version*) exec %s "$@" ;; esac\n[ -e %s ] && exec sleep 120\nexec %s "$@"\n' \
    "$D/realgpg" "$D/hang-flag" "$D/realgpg" > "$D/oncegpg"
chmod 755 "$D/oncegpg"
: > "$D/hang-flag"
run once unshare -m bash -c 'mount --bind "$1" /usr/bin/gpg && exec "$2" -f -c "$3"' \
    _ "$D/oncegpg" "$PANMILTER" "$D/pm.conf"
e2e_send_file "$FIX/plain-visa.eml" --to ap@acquirer.example
e2e_assert_reply 451
rm -f "$D/hang-flag"
# the new worker logs "ready" a second time once it listens
for ((i = 0; i < 100; i++)); do
	[ "$(grep -c ' ready on ' "$D/once.out")" -ge 2 ] && break
	sleep 0.2
done
grep -q 'restarting the worker' "$D/once.out" &&
    grep -q 'worker restarted' "$D/once.out" &&
    [ "$(grep -c ' ready on ' "$D/once.out")" -ge 2 ] &&
    e2e_ok "the stopped helper was replaced by a worker restart" ||
    e2e_fail "no worker restart: $(tail -3 "$D/once.out")"
n=$(e2e_sink_count)
e2e_send_file "$FIX/plain-visa.eml" --to ap@acquirer.example
e2e_assert_reply 250
if e2e_wait_delivered $((n + 1)) 30 &&
    grep -q 'multipart/encrypted' "$(e2e_sink_last)"; then
	e2e_ok "encrypted again after the restart, no operator"
else
	e2e_fail "no encrypted delivery after the restart"
fi
stop once

# 3. the log cannot be written
run full bash -c 'exec "$0" -f -c "$1" 2> /dev/full' "$PANMILTER" "$D/pm.conf"
n=$(e2e_sink_count)
e2e_send_file "$FIX/clean-numbers.eml" --to someone@partner.example
e2e_assert_reply 451
[ "$(e2e_sink_count)" = "$n" ] && e2e_ok "nothing accepted without its log line" ||
    e2e_fail "a message was delivered without a log line"
stop full
[ "$(e2e_sink_count)" = "$n" ] && e2e_ok "no message delivered in any fault" ||
    e2e_fail "a message was delivered during a fault"
exit "$E2E_FAILED"
