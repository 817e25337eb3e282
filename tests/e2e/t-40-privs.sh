#!/bin/bash
# t-40-privs.sh - what the daemon may do once it runs (issue #7):
#  a. started as root with user = "panmilter-e2e" (a system user this
#     test creates if missing, and leaves) and group = "postfix", the
#     worker runs as that user and group for good: every field of its
#     Uid: and Gid: lines (real, effective, saved, fs), no supplementary
#     group but the configured one, NoNewPrivs 1, no capabilities
#     (CapPrm/CapEff/CapAmb 0), so it cannot regain root;
#  b. no core dumps: RLIMIT_CORE 0 (/proc/PID/limits) and not dumpable -
#     /proc/PID/status is owned by root although the process runs as
#     panmilter-e2e (the kernel does that only for non-dumpable tasks;
#     the setuid itself already clears the flag, PR_SET_DUMPABLE 0 keeps
#     it cleared);
#  c. under strace -f, during a mixed run through Postfix (clean, mask,
#     reject), no process of the daemon opens a file for writing
#     (O_WRONLY, O_RDWR, O_CREAT, O_TMPFILE, creat), renames, links,
#     makes a node or directory, or unlinks anything but its pid file,
#     its socket and /dev/null; bind is only on the configured socket.
#     No keyring here, so no encryption helper;
#  d. with a keyring and an "encrypt" rule: each pgp_helper gets its own
#     GnuPG home under run_dir, mode 700, owned by the run user; a PAN to
#     the encrypt recipient arrives as PGP/MIME; under strace -f the
#     helpers and the gpg they run write only inside those homes (plus
#     the paths of c), and the homes are gone after stop.
# Needs root, strace (contrib/install-deps); d also gpg and pankey (next
# to PANMILTER, or $PANKEY), else it is skipped with a note.
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

PANMILTER=${PANMILTER:-$E2E_ROOT/build/default/panmilter}
FIX=$E2E_ROOT/tests/fixtures
RUNUSER=panmilter-e2e
[ -x "$PANMILTER" ] || e2e_die "$PANMILTER not built; run make first"
command -v strace > /dev/null || e2e_die "strace not installed (apt-get install strace)"
[ "$(id -u)" = 0 ] || e2e_die "must run as root"
if ! id "$RUNUSER" > /dev/null 2>&1; then
	useradd --system --no-create-home --shell /usr/sbin/nologin "$RUNUSER" ||
	    e2e_die "cannot create user $RUNUSER"
fi
uid=$(id -u "$RUNUSER")
gid=$(getent group postfix | cut -d: -f3)
[ -n "$gid" ] || e2e_die "no postfix group"

e2e_setup
SOCK=$(e2e_milter_sock pm)
SOCKPATH=${SOCK#unix:}
CONF=$E2E_DIR/panmilter.conf
POLICY=$E2E_DIR/policy.conf
PIDFILE=$E2E_DIR/panmilter.pid
TRACE=$E2E_DIR/strace.out
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
user = "$RUNUSER";
group = "postfix";
pidfile = "$PIDFILE";
add_header = true;
CONF
chmod 600 "$CONF" "$POLICY"

# worker_of SUPERVISOR - the worker's pid (the supervisor's child)
worker_of() {
	local i w
	for ((i = 0; i < 50; i++)); do
		w=$(pgrep -P "$1" | head -n 1)
		[ -n "$w" ] && { echo "$w"; return 0; }
		sleep 0.1
	done
	return 1
}

# field PID NAME - the value of NAME: in /proc/PID/status (tabs -> blanks)
field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' '  ' |
	    sed 's/ *$//'
}

# ---- a + b: a plain run
e2e_bg_start pm "$PANMILTER" -f -c "$CONF"
e2e_wait_socket "$SOCK" 20 || e2e_die "panmilter did not start: $(cat "$E2E_DIR/pm.out")"
read -r sup _ < "$E2E_DIR/pm.pid"
w=$(worker_of "$sup") || e2e_die "no worker process"

v=$(field "$w" Uid)
[ "$v" = "$uid $uid $uid $uid" ] && e2e_ok "worker Uid: $v ($RUNUSER)" ||
    e2e_fail "worker Uid: '$v', want $uid x4"
v=$(field "$w" Gid)
[ "$v" = "$gid $gid $gid $gid" ] && e2e_ok "worker Gid: $v (postfix)" ||
    e2e_fail "worker Gid: '$v', want $gid x4"
v=$(field "$w" Groups)
[ "$v" = "$gid" ] || [ "$v" = "" ] && e2e_ok "worker Groups: '$v'" ||
    e2e_fail "worker supplementary groups '$v', want only $gid"
v=$(field "$w" NoNewPrivs)
[ "$v" = 1 ] && e2e_ok "worker NoNewPrivs: 1" || e2e_fail "NoNewPrivs: '$v'"
for c in CapPrm CapEff CapAmb; do
	v=$(field "$w" $c)
	[ -z "$v" ] || [ "$v" = 0000000000000000 ] && e2e_ok "worker $c: 0" ||
	    e2e_fail "worker $c: $v (can regain privileges)"
done
if grep -Eq '^Max core file size +0 +0 ' "/proc/$w/limits"; then
	e2e_ok "worker RLIMIT_CORE 0 0"
else
	e2e_fail "worker core limit: $(grep 'core' "/proc/$w/limits")"
fi
v=$(stat -c %U "/proc/$w/status")
[ "$v" = root ] && e2e_ok "worker not dumpable (/proc/$w owned by root)" ||
    e2e_fail "worker dumpable: /proc/$w/status owned by $v"
# the socket is the one thing the worker made, with the modes it says
v=$(stat -c '%U %G %a' "$SOCKPATH")
[ "$v" = "$RUNUSER postfix 660" ] && e2e_ok "socket $v" ||
    e2e_fail "socket owner/mode '$v', want '$RUNUSER postfix 660'"
e2e_bg_stop pm
for ((i = 0; i < 50; i++)); do
	kill -0 "$sup" 2> /dev/null || break
	sleep 0.1
done
[ ! -e "$PIDFILE" ] && e2e_ok "pid file removed at stop" ||
    e2e_fail "pid file left behind"

# check_trace FILE HOMEPREFIX - every call in an strace -f log that writes
# or names a file is on an allowed path: the pid file, the socket,
# /dev/null, or (HOMEPREFIX non-empty) anything under HOMEPREFIX*
check_trace() {
	local bad
	[ -s "$1" ] || e2e_die "no strace output in $1"
	e2e_ok "strace saw $(cut -d' ' -f1 "$1" | sort -u | wc -l) processes/threads, $(wc -l < "$1") calls"
	bad=$(python3 - "$1" "$PIDFILE" "$SOCKPATH" "$2" <<'PY'
import re, sys
trace, pidfile, sock, home = sys.argv[1:5]
allowed = {pidfile, sock, "/dev/null"}
write_flags = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TMPFILE|O_TRUNC")
out = []
def ok(p):
    return p in allowed or (home and p.startswith(home))
for line in open(trace, errors="replace"):
    m = re.match(r"(\d+)\s+(\w+)\((.*)\)\s+=\s+(.*)$", line.strip())
    if not m:
        continue
    pid, call, args, ret = m.groups()
    paths = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
    if call in ("open", "openat", "openat2") and not write_flags.search(args):
        continue
    if call == "memfd_create":
        out.append("%s memfd_create %s = %s" % (pid, args, ret))
        continue
    if call == "bind" and "sun_path" not in args:
        continue
    if not all(ok(p) for p in paths):
        out.append("%s %s %s = %s" % (pid, call, args, ret))
print("\n".join(out))
PY
)
	if [ -z "$bad" ]; then
		e2e_ok "no file written, created, renamed or removed but pid file, socket, /dev/null${2:+, $2*}"
	else
		e2e_fail "unexpected file operations in $1:"
		echo "$bad" | head -n 30 >&2
	fi
}

# ---- c: the same under strace, with mail flowing
e2e_bg_start pmtrace strace -f -qq -o "$TRACE" \
    -e trace=open,openat,openat2,creat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,unlink,unlinkat,mknod,mknodat,mkdir,mkdirat,bind,memfd_create \
    "$PANMILTER" -f -c "$CONF"
e2e_wait_socket "$SOCK" 30 || e2e_die "panmilter (strace) did not start"
e2e_set_milter "$SOCK" || e2e_die "cannot attach panmilter"
e2e_send_file "$FIX/clean-numbers.eml" --to someone@partner.example
e2e_assert_reply 250
e2e_send_file "$FIX/b64-csv.eml" --to ap@billing.example
e2e_assert_reply 250
e2e_send_file "$FIX/plain-visa.eml" --to someone@partner.example
e2e_assert_reply 550
e2e_send_file "$FIX/encrypted-zip.eml" --to someone@partner.example
e2e_assert_reply 550
e2e_wait_delivered 2 30 || e2e_fail "clean and masked messages not delivered"
# stop the daemon itself (strace, killed, would detach and leave it
# running); strace ends when its last tracee does
tsup=$(cat "$PIDFILE" 2> /dev/null)
[ -n "$tsup" ] && kill -TERM "$tsup"
read -r tpid _ < "$E2E_DIR/pmtrace.pid"
for ((i = 0; i < 100; i++)); do
	kill -0 "$tpid" 2> /dev/null || break
	sleep 0.1
done
kill -0 "$tpid" 2> /dev/null && e2e_fail "daemon did not stop on SIGTERM"
e2e_bg_stop pmtrace

check_trace "$TRACE" ""
grep -q "bind(.*$SOCKPATH" "$TRACE" && e2e_ok "bound its socket (trace is live)" ||
    e2e_fail "bind on the socket not seen: is strace working?"
grep -Eq "open(at)?\(.*\"$PIDFILE\".*O_CREAT" "$TRACE" &&
    e2e_ok "pid file write seen (trace covers the supervisor)" ||
    e2e_fail "pid file open not in the trace"
grep -q "unlink(\"$PIDFILE\")" "$TRACE" && e2e_ok "pid file removed at stop (traced)" ||
    e2e_fail "pid file unlink not in the trace"

# ---- d: with encryption helpers (keyring, an "encrypt" rule)
PANKEY=${PANKEY:-$(dirname "$PANMILTER")/pankey}
if [ ! -x "$PANKEY" ] || ! command -v gpg > /dev/null; then
	echo "e2e: note: no pankey or gpg: helper part skipped" >&2
	exit "$E2E_FAILED"
fi
G=$E2E_DIR/gnupg
KR=$E2E_DIR/keyring
RUN=$E2E_DIR/run
mkdir -m 700 "$G"
mkdir -m 770 "$RUN"
chgrp postfix "$RUN"
GNUPGHOME=$G gpg --batch -q --passphrase '' --quick-gen-key \
    "alice <alice@acquirer.example>" ed25519 sign 1d 2> /dev/null
fpr=$(GNUPGHOME=$G gpg --batch --with-colons --list-keys alice@acquirer.example |
    awk -F: '/^fpr/ { print $10; exit }')
GNUPGHOME=$G gpg --batch -q --passphrase '' --quick-add-key "$fpr" cv25519 encr 1d 2> /dev/null
GNUPGHOME=$G gpg --batch -q --armor --export "$fpr" > "$E2E_DIR/alice.asc" 2> /dev/null
GNUPGHOME=$G gpgconf --kill all 2> /dev/null
"$PANKEY" -k "$KR" init > /dev/null &&
"$PANKEY" -k "$KR" custodian add ops --acknowledge > /dev/null &&
"$PANKEY" -k "$KR" enroll alice@acquirer.example "$E2E_DIR/alice.asc" \
    --fingerprint "$fpr" --by ops > /dev/null || e2e_die "cannot set up the keyring"
chmod -R go-w "$KR"
chmod -R o+rX "$KR"
cat > "$POLICY" <<'POL'
default = { action = "reject"; };
rules = (
  { name = "acquirer"; recipients = [ "@acquirer.example" ];
    action = "encrypt"; if_no_key = "reject"; }
);
POL
cat >> "$CONF" <<CONF
keyring = "$KR";
run_dir = "$RUN";
CONF
TRACE2=$E2E_DIR/strace2.out
"$PANMILTER" -n -c "$CONF" > "$E2E_DIR/n.out" 2>&1 ||
    e2e_die "config with keyring refused: $(cat "$E2E_DIR/n.out")"
e2e_bg_start pmtrace2 strace -f -qq -o "$TRACE2" \
    -e trace=open,openat,openat2,creat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,unlink,unlinkat,mknod,mknodat,mkdir,mkdirat,bind,memfd_create \
    "$PANMILTER" -f -c "$CONF"
e2e_wait_socket "$SOCK" 30 || e2e_die "panmilter (strace, keyring) did not start: $(cat "$E2E_DIR/pmtrace2.out")"
# each helper's GnuPG home: its own, usable (rwx) by the helper only
for ((i = 0; i < 50; i++)); do
	compgen -G "$RUN/panmilter-gpg.*" > /dev/null && break
	sleep 0.1
done
sleep 0.5	# every helper has made its home
for h in "$RUN"/panmilter-gpg.*; do
	v=$(stat -c '%U %a' "$h")
	[ "$v" = "$RUNUSER 700" ] && e2e_ok "helper home ${h##*/}: $v" ||
	    e2e_fail "helper home ${h##*/}: '$v', want '$RUNUSER 700' (umask leaks into mkdtemp?)"
done
e2e_send_file "$FIX/plain-visa.eml" --to alice@acquirer.example
e2e_assert_reply 250
e2e_wait_delivered 3 30 || e2e_fail "encrypted message not delivered"
grep -q '^Content-Type: multipart/encrypted' "$(e2e_sink_last)" &&
    e2e_ok "the helpers encrypted the message" ||
    e2e_fail "delivered message is not PGP/MIME"
tsup=$(cat "$PIDFILE" 2> /dev/null)
[ -n "$tsup" ] && kill -TERM "$tsup"
read -r tpid _ < "$E2E_DIR/pmtrace2.pid"
for ((i = 0; i < 100; i++)); do
	kill -0 "$tpid" 2> /dev/null || break
	sleep 0.1
done
e2e_bg_stop pmtrace2
nhome=$(grep -o "mkdir(\"$RUN/panmilter-gpg\.[^\"]*\"" "$TRACE2" | sort -u | wc -l)
[ "$nhome" -ge 1 ] && e2e_ok "$nhome helper home(s) made under run_dir" ||
    e2e_fail "no helper home seen in the trace"
check_trace "$TRACE2" "$RUN/panmilter-gpg."
left=$(find "$RUN" -mindepth 1 2> /dev/null | head -n 5)
[ -z "$left" ] && e2e_ok "helper homes removed at stop" ||
    e2e_fail "left in run_dir after stop: $left"
exit "$E2E_FAILED"
