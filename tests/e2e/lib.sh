# shellcheck shell=bash
# lib.sh - end-to-end test harness: a private Postfix instance, an
# smtp-sink capturing every delivered message, swaks as the client.
#
# Sourced by tests/e2e/t-NN-*.sh (bash).  Needs root (Postfix drops
# privileges to mail_owner itself), postfix, smtp-sink, swaks.  Never
# touches /etc/postfix and never starts the system instance: the
# private instance is started with "postfix -c DIR", which root may do
# for any DIR.
#
# Environment (all optional):
#   E2E_MILTER  milter spec for smtpd_milters/non_smtpd_milters at setup:
#               unix:/path/sock, inet:127.0.0.1:PORT (Postfix syntax) or
#               libmilter's inet:PORT@127.0.0.1 / local:/path (converted)
#   E2E_DIR     scratch dir to use; must not exist or be empty
#   E2E_BASE    parent of scratch dirs (default: <repo>/build/e2e)
#   E2E_KEEP=1  keep the scratch dir even on success
#   E2E_VERBOSE=1  log harness steps to stderr
#
# API (all return non-zero on failure; e2e_fail marks the test failed):
#   e2e_setup                 start Postfix + smtp-sink, trap teardown
#   e2e_set_milter SPEC       change the milter (empty: none), restart
#   e2e_postconf "n = v"...   change main.cf settings, restart
#   e2e_restart               restart the private Postfix
#   e2e_pick_port             print a free 127.0.0.1 port, reserved
#                             for this run (e.g. for an inet: milter)
#   e2e_milter_sock NAME      print unix:$E2E_DIR/milter/NAME.sock,
#                             creating its dir with the right modes
#   e2e_bg_start NAME CMD...  start a helper (e.g. a milter) in the
#                             background; PID in $E2E_DIR/NAME.pid;
#                             stopped at teardown
#   e2e_bg_stop NAME [SIG]    stop it now (bounded wait)
#   e2e_wait_socket SPEC T    wait until unix:/path or inet:HOST:PORT
#                             (or inet:PORT@HOST) listens, max T s
#   e2e_send ARGS...          swaks to the instance; transcript in
#                             $E2E_DIR/swaks.N.log ($E2E_LAST_LOG);
#                             returns swaks' exit code
#   e2e_send_file FILE ARGS... send FILE as DATA (see its comment)
#   e2e_sendmail FILE [RCPT...]  submit via sendmail/pickup instead
#   e2e_reply_code [LOG]      final SMTP reply code of a transcript
#   e2e_assert_reply C [LOG]  C is 250, 451, 4, 5, 2, ...
#   e2e_sink_count            number of completely received messages
#   e2e_sink_files            their paths, oldest first
#   e2e_sink_last             newest one
#   e2e_sink_headers FILE     message header (smtp-sink's own removed)
#   e2e_sink_body FILE        message body, exactly as sent (LF ends)
#   e2e_assert_header F ERE   a header line of dump F matches ERE
#   e2e_assert_no_header F ERE  none does
#   e2e_wait_delivered N T    until N messages are in the sink, max T s
#   e2e_queue_count           messages in the Postfix queue
#   e2e_wait_queue_empty T    until the queue is empty, max T s
#   e2e_fail MSG / e2e_ok MSG report an assertion
#   e2e_teardown              (trapped) stop everything, clean up
#
# Variables set by e2e_setup: E2E_DIR E2E_CONF E2E_QUEUE E2E_SINK
# E2E_MAILLOG E2E_SMTP_PORT E2E_SINK_PORT E2E_ROOT.
#
# LIMITS: Linux only (/proc, ss or bash /dev/tcp); IPv4 loopback only;
# every wait is bounded.  A run killed with SIGKILL leaves its Postfix
# running; the next e2e_setup stops it (only instances whose owner
# process is gone, identified by the files in their own scratch dir).

PATH=$PATH:/usr/sbin:/sbin
E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E_FAILED=0
E2E_SEND_N=0
E2E_LAST_LOG=
E2E_SETUP_DONE=0

# e2e_log - harness message to stderr (only with E2E_VERBOSE=1)
e2e_log() {
	if [ "${E2E_VERBOSE:-0}" = 1 ]; then
		echo "e2e: $(date +%T.%N | cut -c1-12) $*" >&2
	fi
}

# e2e_fail - report a failed assertion, mark the test failed
e2e_fail() {
	echo "e2e: FAIL: $*" >&2
	E2E_FAILED=1
	return 1
}

# e2e_ok - report a passed assertion
e2e_ok() {
	echo "e2e: ok: $*" >&2
}

# e2e_die - report a fatal harness error and exit (teardown runs)
e2e_die() {
	echo "e2e: FATAL: $*" >&2
	E2E_FAILED=1
	exit 1
}

# e2e_port_free - true if nothing listens on 127.0.0.1:$1
e2e_port_free() {
	if command -v ss > /dev/null 2>&1; then
		[ -z "$(ss -Hltn "sport = :$1" 2> /dev/null)" ]
		return $?
	fi
	! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}

# e2e_pick_port - print a free port, reserved in $E2E_BASE/.ports
e2e_pick_port() {
	local base i p r owner
	base=$(((RANDOM * 32768 + RANDOM + $$) % 12000 + 20000))
	mkdir -p "$E2E_BASE/.ports" || return 1
	for ((i = 0; i < 300; i++)); do
		p=$(((base - 20000 + i * 7) % 12000 + 20000))
		r="$E2E_BASE/.ports/$p"
		if ! mkdir "$r" 2> /dev/null; then
			owner=$(cat "$r/owner" 2> /dev/null)
			if [ -n "$owner" ] && ! kill -0 "$owner" 2> /dev/null; then
				rm -rf "$r"	# stale reservation: next pass
			fi
			continue
		fi
		echo $$ > "$r/owner"
		if e2e_port_free "$p"; then
			echo "$p"
			return 0
		fi
		rm -rf "$r"
	done
	echo "e2e: no free port found" >&2
	return 1
}

# e2e_release_ports - drop this run's port reservations
e2e_release_ports() {
	local r
	for r in "$E2E_BASE"/.ports/*/; do
		[ "$(cat "$r/owner" 2> /dev/null)" = $$ ] && rm -rf "$r"
	done
	return 0
}

# e2e_pid_is - true if process $1 is alive (not a zombie), comm is $2
e2e_pid_is() {
	local comm st
	[ -n "$1" ] && kill -0 "$1" 2> /dev/null || return 1
	comm=$(cat "/proc/$1/comm" 2> /dev/null) || return 1
	st=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null) || return 1
	[ "${st:0:1}" != Z ] && [ "$comm" = "${2:0:15}" ]
}

# e2e_ours - true if process $1 is our child or alive with comm $2
# (a child may not have exec'ed its command yet)
e2e_ours() {
	local ppid
	ppid=$(awk '$1 == "PPid:" { print $2 }' "/proc/$1/status" 2> /dev/null)
	if [ "$ppid" = $$ ] && [ -n "$1" ]; then
		e2e_pid_is "$1" "$(cat "/proc/$1/comm" 2> /dev/null)"
		return $?
	fi
	e2e_pid_is "$1" "$2"
}

# e2e_kill_recorded - stop the process recorded in pidfile $1 ("PID COMM")
# with signal $2 (default TERM; KILL after 8 s: libmilter's listener
# needs up to ~5 s to notice SIGTERM, and ASan reports leaks at exit)
e2e_kill_recorded() {
	local pid comm i
	[ -f "$1" ] || return 0
	read -r pid comm < "$1" || true
	if e2e_ours "$pid" "$comm"; then
		kill -s "${2:-TERM}" "$pid" 2> /dev/null
		for ((i = 0; i < 80; i++)); do
			e2e_ours "$pid" "$comm" || break
			sleep 0.1
		done
		if e2e_ours "$pid" "$comm"; then
			kill -9 "$pid" 2> /dev/null
			sleep 0.1
		fi
	fi
	e2e_ours "$pid" "$comm" && return 1
	rm -f "$1"
	return 0
}

# e2e_postfix_stop - stop the instance in scratch dir $1 (bounded);
# what "postfix stop" does, without its 1 s polling: TERM to the
# master (which terminates its children), KILL its group after 5 s
e2e_postfix_stop() {
	local pid i
	pid=$(awk '{ print $1; exit }' "$1/queue/pid/master.pid" 2> /dev/null)
	e2e_pid_is "$pid" master || return 0
	e2e_log "stopping postfix (master $pid)"
	kill -TERM "$pid" 2> /dev/null
	for ((i = 0; i < 50; i++)); do
		e2e_pid_is "$pid" master || return 0
		sleep 0.1
	done
	echo "e2e: postfix in $1 did not stop; killing it" >&2
	e2e_pid_is "$pid" master && kill -KILL -- "-$pid" 2> /dev/null
	sleep 0.2
	! e2e_pid_is "$pid" master
}

# e2e_reap_stale - stop leftovers of runs whose owner process is gone
e2e_reap_stale() {
	local d owner f
	for d in "$E2E_BASE"/*/; do
		[ -f "$d/owner.pid" ] || continue
		owner=$(cat "$d/owner.pid" 2> /dev/null)
		[ -n "$owner" ] && kill -0 "$owner" 2> /dev/null && continue
		e2e_postfix_stop "${d%/}"
		for f in "$d"/*.pid; do
			[ "$f" = "$d/owner.pid" ] || e2e_kill_recorded "$f"
		done
		mv "$d/owner.pid" "$d/owner.pid.dead" 2> /dev/null
		echo "e2e: stopped leftovers of a killed run in ${d%/}" >&2
	done
	for d in "$E2E_BASE"/.ports/*/; do
		owner=$(cat "$d/owner" 2> /dev/null)
		if [ -n "$owner" ] && ! kill -0 "$owner" 2> /dev/null; then
			rm -rf "$d"
		fi
	done
}

# e2e_mkdir_scratch - create a fresh scratch dir, set E2E_DIR
e2e_mkdir_scratch() {
	if [ -n "${E2E_DIR:-}" ]; then
		mkdir -p "$E2E_DIR" || return 1
		if [ -n "$(ls -A "$E2E_DIR")" ]; then
			echo "e2e: E2E_DIR=$E2E_DIR is not empty" >&2
			return 1
		fi
		E2E_DIR=$(cd "$E2E_DIR" && pwd)
	else
		E2E_DIR=$(mktemp -d "$E2E_BASE/$$.XXXXXX") || return 1
	fi
	chmod 755 "$E2E_DIR"
	echo $$ > "$E2E_DIR/owner.pid"
}

# e2e_choose_base - set E2E_BASE; must be reachable by the postfix user
e2e_choose_base() {
	E2E_BASE=${E2E_BASE:-$E2E_ROOT/build/e2e}
	mkdir -p "$E2E_BASE" || return 1
	chmod 755 "$E2E_BASE"
	if ! runuser -u postfix -- test -x "$E2E_BASE" 2> /dev/null; then
		# unix milter sockets under it would be unreachable for Postfix
		E2E_BASE=${TMPDIR:-/tmp}/panmilter-e2e
		mkdir -p "$E2E_BASE" && chmod 755 "$E2E_BASE" || return 1
		echo "e2e: repo not reachable by user postfix; using $E2E_BASE" >&2
	fi
}

# e2e_write_main_cf - generate $E2E_CONF/main.cf
e2e_write_main_cf() {
	cat > "$E2E_CONF/main.cf" << EOF
# generated by tests/e2e/lib.sh - private test instance
compatibility_level = 3.6
config_directory = $E2E_CONF
queue_directory = $E2E_QUEUE
data_directory = $E2E_DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = panmilter-e2e.localdomain
mydomain = localdomain
myorigin = \$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relay_domains =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_authorized_xforward_hosts = 127.0.0.0/8
relayhost = [127.0.0.1]:$E2E_SINK_PORT
default_transport = smtp
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtp_connection_cache_on_demand = no
in_flow_delay = 0
smtpd_error_sleep_time = 0
biff = no
append_dot_mydomain = no
maillog_file = $E2E_MAILLOG
maillog_file_prefixes = $E2E_DIR
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 10s
milter_command_timeout = 30s
milter_content_timeout = 60s
smtpd_milters = $(e2e_pf_milter "${E2E_MILTER:-}")
non_smtpd_milters = $(e2e_pf_milter "${E2E_MILTER:-}")
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
delay_warning_time = 0
# keep delivered bodies byte-identical (no folding at 998) and let big
# test messages reach the milter
smtp_line_length_limit = 0
message_size_limit = 104857600
EOF
}

# e2e_write_master_cf - generate $E2E_CONF/master.cf (no chroot)
e2e_write_master_cf() {
	cat > "$E2E_CONF/master.cf" << EOF
# generated by tests/e2e/lib.sh - private test instance
127.0.0.1:$E2E_SMTP_PORT inet n - n - - smtpd
pickup     unix  n - n 60    1 pickup
cleanup    unix  n - n -     0 cleanup
qmgr       unix  n - n 300   1 qmgr
rewrite    unix  - - n -     - trivial-rewrite
bounce     unix  - - n -     0 bounce
defer      unix  - - n -     0 bounce
trace      unix  - - n -     0 bounce
verify     unix  - - n -     1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -     - proxymap
proxywrite unix  - - n -     1 proxymap
smtp       unix  - - n -     - smtp
relay      unix  - - n -     - smtp
showq      unix  n - n -     - showq
error      unix  - - n -     - error
retry      unix  - - n -     - error
discard    unix  - - n -     - discard
anvil      unix  - - n -     1 anvil
scache     unix  - - n -     1 scache
postlog    unix-dgram n - n - 1 postlogd
EOF
}

# e2e_postfix_start - check and start the private instance
e2e_postfix_start() {
	if ! postfix -c "$E2E_CONF" start > "$E2E_DIR/postfix-start.log" 2>&1; then
		cat "$E2E_DIR/postfix-start.log" >&2
		tail -n 20 "$E2E_MAILLOG" >&2 2> /dev/null
		return 1
	fi
	e2e_log "postfix start returned"
	e2e_wait_socket "inet:$E2E_SMTP_PORT@127.0.0.1" 10 ||
	    { echo "e2e: smtpd is not listening" >&2; return 1; }
	e2e_log "postfix started"
}

# e2e_start_sink - smtp-sink dumping each message to $E2E_SINK/msg
e2e_start_sink() {
	mkdir -p "$E2E_SINK/msg" && chown postfix: "$E2E_SINK/msg" ||
	    return 1
	e2e_bg_start sink smtp-sink -4 -u postfix -h sink.e2e.test \
	    -d "$E2E_SINK/msg/%Y%m%d/%H%M%S." \
	    "127.0.0.1:$E2E_SINK_PORT" 64 || return 1
	e2e_wait_socket "inet:$E2E_SINK_PORT@127.0.0.1" 10 ||
	    { echo "e2e: smtp-sink is not listening" >&2; return 1; }
}

# e2e_setup - create the scratch dir, start smtp-sink and Postfix
e2e_setup() {
	local t
	[ "$(id -u)" = 0 ] || e2e_die "must run as root (private Postfix)"
	for t in postfix postconf postqueue sendmail smtp-sink swaks runuser; do
		command -v "$t" > /dev/null 2>&1 ||
		    e2e_die "$t not found (run contrib/install-deps)"
	done
	id postfix > /dev/null 2>&1 || e2e_die "no user postfix"
	trap 'e2e_teardown' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	E2E_SETUP_DONE=1
	e2e_choose_base || e2e_die "cannot create $E2E_BASE"
	e2e_reap_stale
	e2e_mkdir_scratch || e2e_die "cannot create a scratch dir"
	E2E_CONF=$E2E_DIR/etc
	E2E_QUEUE=$E2E_DIR/queue
	E2E_SINK=$E2E_DIR/sink
	E2E_MAILLOG=$E2E_DIR/maillog
	mkdir -p "$E2E_CONF" "$E2E_QUEUE" "$E2E_SINK" ||
	    e2e_die "mkdir in $E2E_DIR"
	E2E_SMTP_PORT=$(e2e_pick_port) || e2e_die "no free port"
	E2E_SINK_PORT=$(e2e_pick_port) || e2e_die "no free port"
	{ e2e_write_main_cf && e2e_write_master_cf; } || e2e_die "write config"
	e2e_log "dir $E2E_DIR smtpd :$E2E_SMTP_PORT sink :$E2E_SINK_PORT"
	e2e_start_sink || e2e_die "cannot start smtp-sink"
	e2e_postfix_start || e2e_die "cannot start postfix"
	export E2E_DIR E2E_CONF E2E_QUEUE E2E_SINK E2E_MAILLOG
	export E2E_SMTP_PORT E2E_SINK_PORT
}

# e2e_pf_milter - milter spec(s) $1 in Postfix syntax: libmilter's
# inet:PORT@HOST becomes inet:HOST:PORT, local:PATH becomes unix:PATH
e2e_pf_milter() {
	local m out=
	for m in ${1//,/ }; do
		case $m in
		inet:*@*)
			m=${m#inet:}
			m="inet:${m#*@}:${m%@*}"
			;;
		local:*) m="unix:${m#local:}" ;;
		esac
		out="${out:+$out }$m"
	done
	echo "$out"
}

# e2e_postconf - change main.cf settings ("name = value"...), restart
e2e_postconf() {
	postconf -c "$E2E_CONF" -e "$@" || return 1
	e2e_restart
}

# e2e_restart - restart the private Postfix (new settings take effect)
e2e_restart() {
	e2e_postfix_stop "$E2E_DIR" || return 1
	e2e_log "postfix stopped"
	touch "$E2E_QUEUE/quick-start"	# checks were done by e2e_setup
	e2e_postfix_start
}

# e2e_set_milter - set smtpd_milters/non_smtpd_milters, restart Postfix
e2e_set_milter() {
	local pf
	E2E_MILTER=$1
	pf=$(e2e_pf_milter "$1")
	e2e_postconf "smtpd_milters = $pf" "non_smtpd_milters = $pf"
}

# e2e_milter_sock - print unix:$E2E_DIR/milter/$1.sock; the directory
# is root:postfix 0750 (smtpd and cleanup connect as user postfix, so
# the milter must create the socket group/world writable, e.g. umask 0)
e2e_milter_sock() {
	local d=$E2E_DIR/milter
	{ mkdir -p "$d" && chgrp postfix "$d" && chmod 750 "$d"; } || return 1
	if [ ${#d} -gt 90 ]; then
		echo "e2e: $d too long for a unix socket; set E2E_BASE" >&2
		return 1
	fi
	echo "unix:$d/$1.sock"
}

# e2e_bg_start - run "$@" in the background as helper $1; record PID
e2e_bg_start() {
	local name=$1 pid
	shift
	"$@" > "$E2E_DIR/$name.out" 2>&1 &
	pid=$!
	disown "$pid"	# no "Killed" job notices; bash still reaps it
	echo "$pid $(basename "$1")" > "$E2E_DIR/$name.pid"
	e2e_log "started $name: pid $pid"
}

# e2e_bg_stop - stop helper $1 started with e2e_bg_start (bounded);
# $2: signal (default TERM, then KILL after 8 s)
e2e_bg_stop() {
	e2e_kill_recorded "$E2E_DIR/$1.pid" "${2:-TERM}"
}

# e2e_wait_socket - until unix:/path or inet:PORT@HOST listens, max $2 s
e2e_wait_socket() {
	local spec=$1 tries=$((${2:-10} * 5)) i path port host
	for ((i = 0; i < tries; i++)); do
		case $spec in
		unix:* | local:*)
			path=${spec#*:}
			[ -S "$path" ] && return 0
			;;
		inet:*)
			port=$(e2e_pf_milter "$spec")	# inet:HOST:PORT
			port=${port#inet:}
			host=${port%:*}
			port=${port##*:}
			[ "$host" = "$port" ] && host=127.0.0.1
			(exec 3<> "/dev/tcp/$host/$port") 2> /dev/null && return 0
			;;
		*)
			echo "e2e: bad socket spec $spec" >&2
			return 1
			;;
		esac
		sleep 0.2
	done
	return 1
}

# e2e_send - swaks to the private smtpd; transcript in $E2E_LAST_LOG
e2e_send() {
	local rc=0
	E2E_SEND_N=$((E2E_SEND_N + 1))
	E2E_LAST_LOG=$E2E_DIR/swaks.$E2E_SEND_N.log
	swaks --server 127.0.0.1 --port "$E2E_SMTP_PORT" \
	    --helo client.e2e.test --from sender@example.com \
	    --to rcpt@example.net --timeout 90 "$@" \
	    > "$E2E_LAST_LOG" 2>&1 || rc=$?
	e2e_log "send $E2E_SEND_N: swaks rc $rc, reply $(e2e_reply_code)"
	return $rc
}

# e2e_send_file - send message file $1 as is (minus its last newline:
# swaks always ends DATA with CRLF "."); more swaks args may follow.
# Beware swaks' DATA tokens: a literal backslash-n and %FROM_ADDRESS%,
# %TO_ADDRESS%, %DATE%, %MESSAGEID%, %NEW_HEADERS%, %BODY% are
# replaced, a leading "From " line is dropped.  Then the body in the
# sink equals the file's body (line ends as LF).
e2e_send_file() {
	local src=$1 tmp
	shift
	tmp=$E2E_DIR/data.$((E2E_SEND_N + 1)).eml
	awk 'NR > 1 { printf "\n" } { sub(/\r$/, ""); printf "%s", $0 }' \
	    "$src" > "$tmp" || return 1
	e2e_send --data "@$tmp" "$@"
}

# e2e_sendmail - submit message file $1 via Postfix sendmail (pickup,
# non_smtpd_milters); recipients $2... (default rcpt@example.net)
e2e_sendmail() {
	local src=$1
	shift
	[ $# -gt 0 ] || set -- rcpt@example.net
	sendmail -C "$E2E_CONF" -i -f sender@example.com -- "$@" < "$src"
}

# e2e_reply_code - final reply code: to the end of DATA, else first error
e2e_reply_code() {
	awk '
	/^ -> \.\r?$/ { dot = 1; next }
	dot && /^<(-|\*\*) +[0-9][0-9][0-9] / { print $2; found = 1; exit }
	!err && /^<\*\* +[0-9][0-9][0-9] / { err = $2 }
	END { if (!found && err != "") print err }
	' "${1:-$E2E_LAST_LOG}"
}

# e2e_assert_reply - final reply code starts with $1 (e.g. 250, 451, 4)
e2e_assert_reply() {
	local got
	got=$(e2e_reply_code "${2:-$E2E_LAST_LOG}")
	case $got in
	"$1"*) e2e_ok "reply $got (want $1)" ;;
	*) e2e_fail "reply '${got:-none}' (want $1) in ${2:-$E2E_LAST_LOG}" ;;
	esac
}

# e2e_sink_open_files - files smtp-sink is still writing (one per line)
e2e_sink_open_files() {
	local pid comm fd
	[ -f "$E2E_DIR/sink.pid" ] || return 0
	read -r pid comm < "$E2E_DIR/sink.pid"
	for fd in /proc/"$pid"/fd/*; do
		readlink "$fd" 2> /dev/null
	done | grep -F "$E2E_SINK/msg/" || true
}

# e2e_sink_files - completely received messages, oldest first
e2e_sink_files() {
	local open
	open=$(e2e_sink_open_files)
	find "$E2E_SINK/msg" -type f -printf '%T@ %p\n' 2> /dev/null |
	    sort -n | cut -d' ' -f2- |
	    { if [ -n "$open" ]; then grep -vxF "$open"; else cat; fi; } || true
}

# e2e_sink_count - number of completely received messages
e2e_sink_count() {
	e2e_sink_files | grep -c . || true
}

# e2e_sink_last - newest completely received message
e2e_sink_last() {
	e2e_sink_files | tail -n 1
}

# e2e_sink_headers - message header of dump $1 (without smtp-sink's)
e2e_sink_headers() {
	# smtp-sink's own records end with its 3-line Received: header
	awk '
	st == 0 { if ($0 ~ /^\tby .* \(smtp-sink\) with /) st = 1; next }
	st == 1 { st = 2; next }
	/^$/ { exit }
	{ print }
	' "$1"
}

# e2e_sink_body - message body of dump $1, as sent (CRLF -> LF)
e2e_sink_body() {
	# smtp-sink writes header, body, then one extra empty line
	awk '
	body { if (have) print prev; prev = $0; have = 1; next }
	/^$/ { body = 1 }
	' "$1"
}

# e2e_assert_header - header of sink dump $1 has a line matching ERE $2
e2e_assert_header() {
	if [ -f "$1" ] && e2e_sink_headers "$1" | grep -Eq -- "$2"; then
		e2e_ok "header /$2/"
	else
		e2e_fail "no header /$2/ in ${1:-<no message>}"
	fi
}

# e2e_assert_no_header - header of sink dump $1 has no line matching $2
e2e_assert_no_header() {
	if [ -f "$1" ] && ! e2e_sink_headers "$1" | grep -Eq -- "$2"; then
		e2e_ok "no header /$2/"
	else
		e2e_fail "header /$2/ present in ${1:-<no message>}"
	fi
}

# e2e_wait_delivered - until $1 messages are in the sink, max $2 s
e2e_wait_delivered() {
	local want=$1 tries=$((${2:-30} * 5)) i n=0
	for ((i = 0; i < tries; i++)); do
		n=$(e2e_sink_count)
		[ "$n" -ge "$want" ] && return 0
		if [ $((i % 5)) = 4 ]; then
			postqueue -c "$E2E_CONF" -f > /dev/null 2>&1
		fi
		sleep 0.2
	done
	echo "e2e: $n of $want messages delivered after ${2:-30}s" >&2
	return 1
}

# e2e_queue_count - number of messages in the queue
e2e_queue_count() {
	postqueue -c "$E2E_CONF" -j 2> /dev/null | grep -c . || true
}

# e2e_wait_queue_empty - until the queue is empty, max $1 s
e2e_wait_queue_empty() {
	local tries=$((${1:-30} * 5)) i
	for ((i = 0; i < tries; i++)); do
		[ "$(e2e_queue_count)" = 0 ] && return 0
		sleep 0.2
	done
	return 1
}

# e2e_teardown - stop helpers and Postfix; keep the dir on failure
e2e_teardown() {
	local rc=$? f
	trap - EXIT INT TERM
	[ "$E2E_SETUP_DONE" = 1 ] || exit "$rc"
	if [ -n "${E2E_DIR:-}" ] && [ -d "$E2E_DIR" ]; then
		for f in "$E2E_DIR"/*.pid; do
			[ "$f" = "$E2E_DIR/owner.pid" ] || e2e_kill_recorded "$f"
		done
		e2e_postfix_stop "$E2E_DIR" || rc=1
		rm -f "$E2E_DIR/owner.pid"
	fi
	e2e_release_ports
	[ "$E2E_FAILED" = 0 ] || rc=1
	if [ -z "${E2E_DIR:-}" ] || [ ! -d "$E2E_DIR" ]; then
		:
	elif [ "$rc" = 0 ] && [ "${E2E_KEEP:-0}" != 1 ]; then
		rm -rf "$E2E_DIR"
	else
		echo "e2e: scratch dir kept: $E2E_DIR" >&2
	fi
	exit "$rc"
}

# e2e_keyring ADDR GNUPGHOME KEYRING - a key pair for ADDR made with gpg
# (ed25519 + cv25519, one day) in GNUPGHOME, enrolled by custodian "ops"
# in a new keyring KEYRING with $PANKEY; prints the fingerprint
e2e_keyring() {
	local addr=$1 g=$2 kr=$3 fpr
	mkdir -p "$g" && chmod 700 "$g"
	GNUPGHOME=$g gpg --batch -q --passphrase '' --quick-gen-key \
	    "Test <$addr>" ed25519 sign 1d 2> /dev/null || return 1
	fpr=$(GNUPGHOME=$g gpg --batch --with-colons --list-keys "$addr" |
	    awk -F: '/^fpr/ { print $10; exit }')
	GNUPGHOME=$g gpg --batch -q --passphrase '' --quick-add-key "$fpr" \
	    cv25519 encr 1d 2> /dev/null || return 1
	GNUPGHOME=$g gpg --batch -q --armor --export "$fpr" > "$kr.asc" || return 1
	{ "$PANKEY" -k "$kr" init && "$PANKEY" -k "$kr" custodian add ops --acknowledge &&
	    "$PANKEY" -k "$kr" enroll "$addr" "$kr.asc" --fingerprint "$fpr" --by ops; } \
	    > /dev/null || return 1
	chmod -R go-w "$kr"
	echo "$fpr"
}
