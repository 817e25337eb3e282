#!/bin/bash
# postfix.sh BUILD - messages/s through a private Postfix: alone, with a
# null milter (the protocol's own cost), with panmilter; 4 KB and 100 KB
# clean mail, 100 KB mail with card numbers to a mask recipient; unix and
# TCP milter sockets. smtp-source sends N messages over 20 sessions; the
# rate is N / the time smtp-source needs (the milter runs inside the SMTP
# transaction). Each figure is the median of RUNS runs; peak RSS of the
# panmilter worker is printed at the end.
set -u
B=${1:-build/default}
N=${BENCH_N:-500}
RUNS=${BENCH_RUNS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PANMILTER=$ROOT/$B/panmilter
NULL=$ROOT/$B/e2e/null_milter
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
[ -x "$PANMILTER" ] && [ -x "$NULL" ] || e2e_die "build $PANMILTER and $NULL first"
command -v smtp-source > /dev/null || e2e_die "smtp-source missing (postfix package)"

e2e_setup
D=$E2E_DIR
# messages: 4 KB clean, 100 KB clean, 100 KB with a card number every ~2 KB
python3 - "$D" <<'PY'
import random, sys
d = sys.argv[1]
rng = random.Random(7)
def luhn(s):
    t = 0
    for i, c in enumerate(reversed(s)):
        v = int(c)
        if i % 2 == 1:
            v *= 2
            v -= 9 if v > 9 else 0
        t += v
    return t % 10 == 0
def pan():
    while True:
        p = "4" + "".join(str(rng.randrange(10)) for _ in range(15))
        if luhn(p):
            return p
def msg(name, size, pans):
    hdr = "From: a@corp.example\nTo: ap@billing.example\nSubject: bench\n\n"
    body, n = [], 0
    while n < size:
        line = "order %d amount %d.%02d customer %d" % (rng.randrange(10**6), rng.randrange(1000), rng.randrange(100), rng.randrange(10**5))
        if pans and len(body) % 40 == 0:
            line += " card " + pan()
        body.append(line)
        n += len(line) + 1
    open("%s/%s.eml" % (d, name), "w").write(hdr + "\n".join(body) + "\n")
msg("clean4k", 4000, False)
msg("clean100k", 100000, False)
msg("pans100k", 100000, True)
msg("pans4k", 4000, True)
msg("clean1m", 1000000, False)
msg("pans1m", 1000000, True)
PY
# a recipient key for the encrypt path
PANKEY=$ROOT/$B/pankey
G=$D/gnupg
mkdir -m 700 "$G" "$D/run"
GNUPGHOME=$G gpg --batch -q --passphrase '' --quick-gen-key 'Acq <ap@acquirer.example>' ed25519 sign 1d 2> /dev/null
FPR=$(GNUPGHOME=$G gpg --batch --with-colons --list-keys ap@acquirer.example | awk -F: '/^fpr/ { print $10; exit }')
GNUPGHOME=$G gpg --batch -q --passphrase '' --quick-add-key "$FPR" cv25519 encr 1d 2> /dev/null
GNUPGHOME=$G gpg --batch -q --armor --export "$FPR" > "$D/acq.asc"
{ "$PANKEY" -k "$D/kr" init && "$PANKEY" -k "$D/kr" custodian add b --acknowledge &&
  "$PANKEY" -k "$D/kr" enroll ap@acquirer.example "$D/acq.asc" --fingerprint "$FPR" --by b; } > /dev/null ||
    e2e_die "keyring setup failed"
chmod -R go-w "$D/kr"
cat > "$D/policy.conf" <<'POL'
default = { action = "reject"; };
rules = ( { name = "billing"; recipients = [ "@billing.example" ]; action = "mask"; },
  { name = "acquirer"; recipients = [ "@acquirer.example" ]; action = "encrypt"; } );
POL
chmod 600 "$D/policy.conf"

# rate FILE [SESSIONS N RCPT] - messages/s of one smtp-source run
rate() {
	local t0 t1 s=${2:-20} n=${3:-$N} to=${4:-ap@billing.example}
	t0=$(date +%s.%N)
	smtp-source -s "$s" -m "$n" -F "$1" -f a@corp.example -t "$to" \
	    "127.0.0.1:$E2E_SMTP_PORT" > "$D/source.out" 2>&1 || return 1
	t1=$(date +%s.%N)
	awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }'
}

# median FILE - median rate of RUNS runs
median() {

	for _ in $(seq "$RUNS"); do rate "$1"; echo; done | sort -n |
	    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# milter SPEC NAME CMD... - (re)start a milter and attach it
milter() {
	local spec=$1 name=$2
	shift 2
	e2e_bg_stop pm 2> /dev/null
	e2e_bg_stop null 2> /dev/null
	if [ "$name" != none ]; then
		e2e_bg_start "$name" "$@"
		e2e_wait_socket "$spec" 20 || e2e_die "$name did not start"
	fi
	e2e_set_milter "$([ "$name" = none ] || echo "$spec")" > /dev/null
}

declare -A R
USOCK=$(e2e_milter_sock bench)
TPORT=$(e2e_pick_port)
for sock in unix tcp; do
	if [ $sock = unix ]; then spec=$USOCK; else spec="inet:$TPORT@127.0.0.1"; fi
	printf 'socket = "%s";\npolicy = "%s/policy.conf";\ngroup = "postfix";\nkeyring = "%s/kr";\nrun_dir = "%s/run";\n' \
	    "$spec" "$D" "$D" "$D" > "$D/pm.conf"
	chmod 600 "$D/pm.conf"
	milter "$spec" null "$NULL" "$spec"
	for m in clean4k clean100k pans100k; do R[null-$sock-$m]=$(median "$D/$m.eml"); done
	milter "$spec" pm "$PANMILTER" -f -c "$D/pm.conf"
	for m in clean4k clean100k pans100k; do R[pm-$sock-$m]=$(median "$D/$m.eml"); done
	if [ $sock = unix ]; then
		for m in clean4k clean1m; do R[pm-enc-$m]=$(rate "$D/$m.eml" 20 "$((N / 5))" ap@acquirer.example); done
		for m in pans4k pans1m; do R[pm-enc-$m]=$(rate "$D/$m.eml" 20 "$((N / 5))" ap@acquirer.example); done
	fi
	# one session: latency, where Nagle against delayed ACKs shows on TCP
	R[one-$sock-clean4k]=$(rate "$D/clean4k.eml" 1 40)
	R[one-$sock-pans100k]=$(rate "$D/pans100k.eml" 1 40)
	read -r sup _ < "$D/pm.pid"
	worker=$(pgrep -P "$sup" | head -n 1)
	R[rss-$sock]=$(awk '/^VmHWM/ { print $2 }' "/proc/$worker/status")
done
milter "" none
for m in clean4k clean100k pans100k; do R[alone-$m]=$(median "$D/$m.eml"); done

echo "postfix throughput, $N messages over 20 sessions, median of $RUNS runs (msg/s):"
for m in clean4k clean100k pans100k; do
	for sock in unix tcp; do
		awk -v m="$m" -v s="$sock" -v a="${R[alone-$m]}" -v n="${R[null-$sock-$m]}" \
		    -v p="${R[pm-$sock-$m]}" 'BEGIN {
			printf "  %-9s %-4s postfix alone %5d  null milter %5d  panmilter %5d = %.2fx null milter\n",
			    m, s, a, n, p, p / n }'
	done
done
echo "encrypt path (unix, 20 sessions, $((N / 5)) messages, msg/s): 4 KB clean ${R[pm-enc-clean4k]}, with a PAN (encrypted) ${R[pm-enc-pans4k]};" \
    "1 MB clean ${R[pm-enc-clean1m]}, with PANs (encrypted) ${R[pm-enc-pans1m]}"
echo "one session, 40 messages (msg/s): unix clean4k ${R[one-unix-clean4k]} pans100k ${R[one-unix-pans100k]};" \
    "tcp clean4k ${R[one-tcp-clean4k]} pans100k ${R[one-tcp-pans100k]}"
echo "panmilter worker peak RSS: unix ${R[rss-unix]} KiB, tcp ${R[rss-tcp]} KiB"
