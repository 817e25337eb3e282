#!/bin/bash
# t-00-harness.sh - validates the e2e harness itself with a real Postfix:
#  1. no milter: a clean message is accepted (250) and reaches the sink
#     with its body byte-identical;
#  2. null_milter on a unix socket: the delivered copy carries
#     "X-Null-Milter: seen";
#  3. null_milter stopped: milter_default_action = tempfail gives a 4xx
#     and nothing new reaches the sink.
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

NULL_MILTER=${E2E_NULL_MILTER:-$E2E_ROOT/build/h6/null_milter}
NULL_SRC=$E2E_ROOT/tests/e2e/null_milter.c

# build_null_milter - (re)build the harness' test milter when needed
build_null_milter() {
	if [ -x "$NULL_MILTER" ] && [ "$NULL_MILTER" -nt "$NULL_SRC" ]; then
		return 0
	fi
	mkdir -p "$(dirname "$NULL_MILTER")" &&
	    cc -std=c11 -Wall -Wextra -Werror -O2 -o "$NULL_MILTER" \
	    "$NULL_SRC" -lmilter -lpthread
}

# write_message - test message (LF line ends; leading dot, tab, blanks)
write_message() {
	printf '%s\n' \
	    'From: Sender <sender@example.com>' \
	    'To: Rcpt <rcpt@example.net>' \
	    "Subject: e2e harness $1" \
	    'Message-ID: <t00.'"$1"'@client.e2e.test>' \
	    '' \
	    "first line of $1" \
	    '.a line that starts with a dot' \
	    '..two dots' \
	    "	tab indented,   and trailing blanks   " \
	    '' \
	    'last line' > "$2"
}

# body_of - body of message file $1 (after the first empty line)
body_of() {
	sed '1,/^$/d' "$1"
}

# check_body - the sink dump $1 has the body of message file $2
check_body() {
	if cmp -s <(e2e_sink_body "$1") <(body_of "$2"); then
		e2e_ok "body byte-identical ($3)"
	else
		e2e_fail "body differs ($3): $1"
	fi
}

build_null_milter || e2e_die "cannot build $NULL_MILTER"
e2e_setup

# 1. plain Postfix -> smtp-sink
write_message plain "$E2E_DIR/plain.eml"
e2e_send_file "$E2E_DIR/plain.eml" || e2e_fail "swaks exit $?"
e2e_assert_reply 250
e2e_wait_delivered 1 20 || e2e_fail "plain message not delivered"
last=$(e2e_sink_last)
[ -n "$last" ] && check_body "$last" "$E2E_DIR/plain.eml" plain
e2e_assert_no_header "$last" '^X-Null-Milter:'

# 2. with null_milter on a unix socket
milter=$(e2e_milter_sock null) || e2e_die "milter dir"
sock=${milter#unix:}
e2e_bg_start null_milter "$NULL_MILTER" "unix:$sock"
e2e_wait_socket "unix:$sock" 10 || e2e_die "null_milter did not start"
e2e_set_milter "$milter" || e2e_die "cannot enable the milter"
write_message milter "$E2E_DIR/milter.eml"
e2e_send_file "$E2E_DIR/milter.eml" || e2e_fail "swaks exit $?"
e2e_assert_reply 250
e2e_wait_delivered 2 20 || e2e_fail "milter message not delivered"
last=$(e2e_sink_last)
e2e_assert_header "$last" '^Subject: e2e harness milter$'
e2e_assert_header "$last" '^X-Null-Milter: seen$'
[ -n "$last" ] && check_body "$last" "$E2E_DIR/milter.eml" milter

# 3. milter gone: tempfail, nothing delivered, nothing queued
e2e_bg_stop null_milter KILL
write_message down "$E2E_DIR/down.eml"
e2e_send_file "$E2E_DIR/down.eml" && e2e_fail "swaks accepted (exit 0)"
e2e_assert_reply 4
postqueue -c "$E2E_CONF" -f > /dev/null 2>&1
sleep 1
n=$(e2e_sink_count)
q=$(e2e_queue_count)
if [ "$n" = 2 ] && [ "$q" = 0 ]; then
	e2e_ok "nothing delivered or queued while the milter is down"
else
	e2e_fail "milter down: sink has $n (want 2), queue has $q (want 0)"
fi
exit "$E2E_FAILED"
