#!/bin/sh
# keyring.sh - pankey against real OpenPGP keys made by gpg in a
# throw-away GNUPGHOME: every command, every refusal and error.
#
# usage: tests/keyring.sh PATH/TO/pankey
#
# Prints "ok - NAME" or "not ok - NAME" per check and a final
# "N passed, N failed"; exits 1 when anything failed, 2 when the test
# could not run (no gpg). Every refusal (exit 1) and usage error
# (exit 2) is also checked to leave the keyring byte-identical.
set -u

bin=${1:?usage: tests/keyring.sh PATH/TO/pankey}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
command -v gpg >/dev/null 2>&1 || { echo "keyring.sh: gpg not found"; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keyring-test.XXXXXX") || exit 2
trap 'gpgconf --homedir "$tmp/gnupg" --kill all >/dev/null 2>&1; rm -rf "$tmp"' EXIT INT TERM
mkdir -m 700 "$tmp/gnupg" "$tmp/t"
GNUPGHOME=$tmp/gnupg
TMPDIR=$tmp/t		# pankey's private GnuPG homes go here: checked at the end
export GNUPGHOME TMPDIR
pass=0
failed=0
K=$tmp/none

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; sed 's/^/#   /' "$tmp/out" "$tmp/err" 2>/dev/null | head -n 12; }

# sum_dir - names, modes and contents of every file in $K
sum_dir() {
	[ -d "$K" ] || { echo absent; return; }
	(cd "$K" && find . -print | LC_ALL=C sort | while read -r f; do
		if [ -f "$f" ]; then
			printf '%s %s\n' "$f" "$(sha256sum <"$f")"
		else
			printf '%s dir\n' "$f"
		fi
	done)
}

# t NAME RC PATTERN ARGS... - run pankey ARGS; want exit RC and output
# (stdout and stderr) matching the extended regex PATTERN ("" for any);
# when RC is not 0 the keyring $K must be unchanged
t() {
	name=$1 want=$2 pat=$3
	shift 3
	before=$(sum_dir)
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		not_ok "$name (exit $rc, want $want)"
		return 1
	fi
	if [ -n "$pat" ] && ! cat "$tmp/out" "$tmp/err" | grep -Eq -- "$pat"; then
		not_ok "$name (output lacks /$pat/)"
		return 1
	fi
	if [ "$want" -ne 0 ] && [ "$before" != "$(sum_dir)" ]; then
		not_ok "$name (the keyring changed)"
		return 1
	fi
	ok "$name"
}

# check NAME COMMAND... - a plain assertion
check() {
	name=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$name"; else not_ok "$name"; fi
}

g() { gpg --batch --quiet --no-tty --passphrase '' "$@" 2>/dev/null; }
fpr_of() { gpg --batch --with-colons --list-keys "$1" 2>/dev/null |
	awk -F: '/^fpr/ { print $10; exit }'; }

# mkkey NAME ADDR [gpg options] - ed25519 signing key + cv25519 subkey,
# exported to $tmp/NAME.asc; prints the fingerprint
mkkey() {
	n=$1 a=$2
	shift 2
	g "$@" --quick-gen-key "$n <$a>" ed25519 sign 1d >/dev/null
	f=$(fpr_of "<$a>")
	g "$@" --quick-add-key "$f" cv25519 encr 1d >/dev/null
	g --armor --export "$f" >"$tmp/$n.asc"
	echo "$f"
}

# --- keys -----------------------------------------------------------
g --quick-gen-key 'Sig <sig@partner.example>' ed25519 sign 1d
F_sig=$(fpr_of '<sig@partner.example>')
g --armor --export "$F_sig" >"$tmp/sig.asc"			# cannot encrypt
F_alice=$(mkkey alice alice@partner.example)
F_bob=$(mkkey bob bob@partner.example)
F_dora=$(mkkey dora dora@other.example)
F_carl=$(mkkey carl carl@other.example)			# uid mismatch
F_rita=$(mkkey rita rita@partner.example)
F_erin=$(mkkey erin erin@other.example)			# never enrolled
F_old=$(mkkey old old@partner.example --faked-system-time 20200101T000000)
g --quick-gen-key 'Weak <weak@partner.example>' rsa2048 sign,cert,encr 1d
F_weak=$(fpr_of '<weak@partner.example>')
g --armor --export "$F_weak" >"$tmp/weak.asc"
# gpg keeps a revocation certificate for every new key; import it
sed 's/^:-----BEGIN/-----BEGIN/' "$tmp/gnupg/openpgp-revocs.d/$F_rita.rev" |
    g --import
g --armor --export "$F_rita" >"$tmp/rita-revoked.asc"
g --pinentry-mode loopback --armor --export-secret-keys "$F_alice" \
    >"$tmp/secret.asc"
cat "$tmp/alice.asc" "$tmp/bob.asc" >"$tmp/two.asc"
echo "not a key" >"$tmp/garbage.asc"
for v in "$F_sig" "$F_erin" "$F_alice" "$F_bob" "$F_dora" "$F_carl" "$F_rita" \
    "$F_old" "$F_weak"; do
	case $v in
	????????????????????????????????????????) ;;
	*) echo "keyring.sh: gpg did not make the test keys"; exit 2 ;;
	esac
done
ok "gpg made the test keys"
wrong=$(echo "$F_alice" | tr '0-9A-F' '1-9A-F0')

# --- usage ----------------------------------------------------------
t "no arguments: usage" 2 "usage: pankey"
t "--help" 0 "pankey \[-k DIR\] enroll ADDRESS KEYFILE" --help
t "-V" 0 "^pankey [0-9]" -V
t "unknown command" 2 "unknown command 'frobnicate'" -k "$K" frobnicate
t "unknown option" 2 "unknown option" -k "$K" list --colour
t "option of another command" 2 "--acknowledge is not an option of list" \
    -k "$K" list --acknowledge
t "missing keyring" 2 "not a keyring.*pankey -k .* init" -k "$K" list
t "--allow-same-os-user needs --dual-control" 2 "only makes sense" \
    -k "$K" init --allow-same-os-user
t "bad --min-rsa-bits" 2 "bad or repeated option" -k "$K" init \
    --min-rsa-bits lots

# --- a keyring without dual control ---------------------------------
K=$tmp/single
t "init" 0 "created keyring" -k "$K" init
check "init made state, lock, audit log and keys/" \
    test -f "$K/state" -a -f "$K/lock" -a -f "$K/audit.log" -a -d "$K/keys"
check "state file starts with its version" grep -qx 'pankey-state 1' "$K/state"
t "init again is refused" 1 "already holds a keyring" -k "$K" init
t "custodian add without --acknowledge" 2 "acknowledge.*3\.7\.8" \
    -k "$K" custodian add carol
t "custodian add" 0 "carol registered as a key custodian" \
    -k "$K" custodian add carol --acknowledge
t "custodian add dave" 0 "dave registered" -k "$K" custodian add dave \
    --acknowledge
t "custodian add twice" 1 "already a registered custodian" \
    -k "$K" custodian add carol --acknowledge
t "custodian with a bad name" 1 "bad custodian name" \
    -k "$K" custodian add 'car ol' --acknowledge
t "custodian list" 0 "^carol +root" -k "$K" custodian list

t "enroll without --by" 2 "--by NAME is required" -k "$K" enroll \
    alice@partner.example "$tmp/alice.asc" --fingerprint "$F_alice"
t "enroll without --fingerprint" 2 "--fingerprint FPR is required" \
    -k "$K" enroll alice@partner.example "$tmp/alice.asc" --by carol
t "enroll with a short key id" 2 "full fingerprint" -k "$K" enroll \
    alice@partner.example "$tmp/alice.asc" --fingerprint B4AF4BE8AE65BA7E \
    --by carol
t "enroll a missing file" 2 "nofile.asc: No such file" -k "$K" enroll \
    alice@partner.example "$tmp/nofile.asc" --fingerprint "$F_alice" --by carol
t "enroll a bad address" 2 "is not a mail address" -k "$K" enroll \
    alice.partner.example "$tmp/alice.asc" --fingerprint "$F_alice" --by carol
t "enroll by an unregistered custodian" 1 \
    "'mallory' is not a registered custodian" -k "$K" enroll \
    alice@partner.example "$tmp/alice.asc" --fingerprint "$F_alice" \
    --by mallory
t "enroll with the wrong fingerprint" 1 \
    "enroll alice@partner.example: fingerprint mismatch: the key file's fingerprint is $F_alice; you typed $wrong; verify it with the key owner out of band" \
    -k "$K" enroll alice@partner.example "$tmp/alice.asc" \
    --fingerprint "$wrong" --by carol
t "enroll an RSA 2048 key" 1 "too weak: rsa 2048 bits is below the floor of 3072" \
    -k "$K" enroll weak@partner.example "$tmp/weak.asc" \
    --fingerprint "$F_weak" --by carol
t "enroll an expired key" 1 "the key is expired" -k "$K" enroll \
    old@partner.example "$tmp/old.asc" --fingerprint "$F_old" --by carol
t "enroll a signing-only key" 1 "no valid encryption subkey" -k "$K" enroll \
    sig@partner.example "$tmp/sig.asc" --fingerprint "$F_sig" --by carol
t "enroll a key revoked by its owner" 1 "the key is revoked by its owner" \
    -k "$K" enroll rita@partner.example "$tmp/rita-revoked.asc" \
    --fingerprint "$F_rita" --by carol
t "enroll a private key" 1 "holds a private key" -k "$K" enroll \
    alice@partner.example "$tmp/secret.asc" --fingerprint "$F_alice" --by carol
t "enroll a file with two keys" 1 "more than one key" -k "$K" enroll \
    alice@partner.example "$tmp/two.asc" --fingerprint "$F_alice" --by carol
t "enroll a file with no key" 1 "no usable OpenPGP public key" -k "$K" enroll \
    alice@partner.example "$tmp/garbage.asc" --fingerprint "$F_alice" --by carol
t "enroll with a uid for another address" 1 \
    "no user id of the key has the address billing@partner.example \(it has carl@other.example\)" \
    -k "$K" enroll billing@partner.example "$tmp/carl.asc" \
    --fingerprint "$F_carl" --by carol
t "enroll (fingerprint typed in groups, lower case)" 0 \
    "enrolled alice@partner.example $F_alice: active" -k "$K" enroll \
    Alice+tag@Partner.Example "$tmp/alice.asc" \
    --fingerprint "$(echo "$F_alice" | tr 'A-F' 'a-f' | sed 's/..../& /g')" \
    --by carol
check "the key file is stored" test -s "$K/keys/$F_alice.asc"
check "the stored key has no private part" \
    sh -c "! grep -q PRIVATE '$K/keys/$F_alice.asc'"
t "enroll with --uid-mismatch-reason" 0 "enrolled billing@partner.example" \
    -k "$K" enroll billing@partner.example "$tmp/carl.asc" \
    --fingerprint "$F_carl" --by dave \
    --uid-mismatch-reason 'shared mailbox of Carl, confirmed by phone'
t "enroll the same key twice" 1 "already enrolled for this address \(active\)" \
    -k "$K" enroll alice@partner.example "$tmp/alice.asc" \
    --fingerprint "$F_alice" --by carol
t "enroll bob" 0 "enrolled bob@partner.example" -k "$K" enroll \
    bob@partner.example "$tmp/bob.asc" --fingerprint "$F_bob" --by carol
t "enroll dora" 0 "enrolled dora@other.example" -k "$K" enroll \
    dora@other.example "$tmp/dora.asc" --fingerprint "$F_dora" --by carol
t "approve without dual control" 1 "no dual control" -k "$K" approve \
    alice@partner.example --by dave

t "list" 0 "alice@partner.example +$F_alice active +ed25519/cv25519 +255/255 .* carol" \
    -k "$K" list
t "list shows dual control off" 0 "dual control off; floor RSA 3072 bits, ECC 256 bits; cryptoperiod 730 days" \
    -k "$K" list
"$bin" -k "$K" list --json >"$tmp/json" 2>"$tmp/err"
check "list --json is one valid JSON object" \
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["enrollments"]) == 4; assert d["keyring"]["dual_control"] is False' "$tmp/json"
check "list --json carries the QSA inventory fields" \
    python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["enrollments"][0]; [e[k] for k in ("address","fingerprint","algorithm","bits","created","expires","state","enrolled_by","approved_by")]' "$tmp/json"
t "show" 0 "encryption subkey: +cv25519 255 bits" -k "$K" show alice@partner.example
t "show the uid mismatch reason" 0 "uid mismatch: +shared mailbox of Carl" \
    -k "$K" show billing@partner.example
t "show an unknown address" 1 "no enrollment for this address" -k "$K" show \
    nobody@partner.example
t "show without an address" 2 "wrong number of arguments" -k "$K" show
t "check finds keys expiring within 30 days" 1 \
    "^alice@partner.example $F_alice \(active\): expires in 0 days" \
    -k "$K" check --warn-days 30
t "check is quiet with --warn-days 0" 0 "" -k "$K" check --warn-days 0
t "check with a bad --warn-days" 2 "bad or repeated option" -k "$K" check \
    --warn-days -1

# --- revocation -------------------------------------------------------
ino1=$(stat -c %i "$K/state")
chmod 640 "$K/state"
t "revoke without --reason" 2 "--reason must be" -k "$K" revoke \
    alice@partner.example --by dave
t "revoke with a bad reason" 2 "--reason must be" -k "$K" revoke \
    alice@partner.example --reason bored --by dave
t "revoke with two selectors" 2 "exactly one of" -k "$K" revoke \
    alice@partner.example --domain partner.example --reason other --by dave
t "revoke by an unregistered custodian" 1 "not a registered custodian" \
    -k "$K" revoke alice@partner.example --reason other --by eve
t "revoke an unknown address" 1 "no enrollment matches" -k "$K" revoke \
    nobody@partner.example --reason other --by dave
t "revoke by address" 0 "revoked 1 enrollment.*milter stops using them" \
    -k "$K" revoke alice@partner.example --reason superseded --by dave
check "revoke replaced the state file (new inode)" \
    test "$(stat -c %i "$K/state")" != "$ino1"
check "the new state file keeps the mode of the old one" \
    test "$(stat -c %a "$K/state")" = 640
t "revoke again" 1 "already revoked" -k "$K" revoke alice@partner.example \
    --reason superseded --by dave
t "show a revoked key" 0 "revoked: .* by dave \(OS user [^)]*\), reason superseded" \
    -k "$K" show alice@partner.example
t "a revoked fingerprint is refused for ever" 1 "was revoked before and is refused for ever" \
    -k "$K" enroll alice@partner.example "$tmp/alice.asc" \
    --fingerprint "$F_alice" --by carol
t "... under another address too" 1 "refused for ever" -k "$K" enroll \
    accounts@partner.example "$tmp/alice.asc" --fingerprint "$F_alice" \
    --by carol
t "revoke by fingerprint" 0 "revoked 1 enrollment.*fingerprint $F_carl" \
    -k "$K" revoke --fingerprint "$F_carl" --reason left --by dave
t "revoke by domain" 0 "revoked 1 enrollment.*domain partner.example, key-compromise" \
    -k "$K" revoke --domain Partner.Example --reason key-compromise --by carol
t "revoke by domain left the other domain alone" 0 \
    "dora@other.example +$F_dora active" -k "$K" list
t "check ignores revoked keys" 1 "^dora@other.example" -k "$K" check
if [ "$(grep -c . "$tmp/out")" -eq 1 ]; then ok "check: one line per problem"
else not_ok "check: one line per problem"; fi

# --- refresh: the owner extended the key ---------------------------------
g --quick-set-expire "$F_dora" 10d
g --quick-set-expire "$F_dora" 10d '*'
g --armor --export "$F_dora" >"$tmp/dora-10d.asc"
t "refresh with the wrong fingerprint" 1 "fingerprint mismatch" -k "$K" \
    refresh dora@other.example "$tmp/dora-10d.asc" --fingerprint "$F_bob" \
    --by carol
t "refresh a key that is not enrolled" 1 "not enrolled .* for erin@other.example; a new key needs pankey enroll" \
    -k "$K" refresh erin@other.example "$tmp/erin.asc" --fingerprint "$F_erin" \
    --by carol
t "refresh a revoked key" 1 "refused for ever" -k "$K" refresh \
    alice@partner.example "$tmp/alice.asc" --fingerprint "$F_alice" --by carol
t "refresh by an unregistered custodian" 1 "not a registered custodian" \
    -k "$K" refresh dora@other.example "$tmp/dora-10d.asc" \
    --fingerprint "$F_dora" --by eve
old_key=$(sha256sum <"$K/keys/$F_dora.asc")
t "refresh" 0 "refreshed dora@other.example $F_dora \(active\)" -k "$K" \
    refresh dora@other.example "$tmp/dora-10d.asc" --fingerprint "$F_dora" \
    --by carol
check "refresh replaced the stored key" \
    test "$(sha256sum <"$K/keys/$F_dora.asc")" != "$old_key"
t "check after refresh: no key expires within 5 days" 0 "" -k "$K" check \
    --warn-days 5
t "check after refresh: within 30 days" 1 "dora@other.example .*expires in (9|10) days" \
    -k "$K" check --warn-days 30

# --- audit ------------------------------------------------------------
t "audit lists every change" 0 "^[0-9]+ [0-9T:-]+Z revoke by=carol .*domain=partner.example" \
    -k "$K" audit
t "audit verify" 0 "chain intact" -k "$K" audit verify
t "audit with a bad argument" 2 "usage: pankey audit" -k "$K" audit check
n=$(wc -l <"$K/audit.log")
K0=$K
for case in edit delete swap truncate; do
	K=$tmp/audit-$case
	cp -a "$K0" "$K"
	case $case in
	edit) sed -i '3s/name=dave/name=evil/' "$K/audit.log"
	      want="entry 3 \(line 3\): its hash does not match its content: the entry was edited" ;;
	delete) sed -i '4d' "$K/audit.log"
	      want="entry 4 is missing: it was deleted \(line 4 holds entry 5\)" ;;
	swap) sed -i '5{h;d};6{G}' "$K/audit.log"
	      want="line 5 holds entry 6 and entry 5 is on line 6: entries were reordered" ;;
	truncate) sed -i '$d' "$K/audit.log"
	      want="the log ends at entry $((n - 1)) but the state records $n entries" ;;
	esac
	t "audit verify finds: $case" 1 "$want" -k "$K" audit verify
done
K=$K0

# --- a damaged state ----------------------------------------------------
K=$tmp/damaged
cp -a "$K0" "$K"
printf 'enrollment\tcolour=red\n' >>"$K/state"
t "a damaged state is reported with its line" 2 "state: line [0-9]+: enrollment: unknown key 'colour'" \
    -k "$K" list
t "no change to a damaged keyring" 2 "damaged" -k "$K" revoke \
    dora@other.example --reason other --by carol
K=$K0

# --- dual control -------------------------------------------------------
K=$tmp/dual
t "init --dual-control" 0 "dual_control=1 allow_same_os_user=0" -k "$K" init \
    --dual-control
"$bin" -k "$K" custodian add carol --acknowledge >/dev/null 2>&1
"$bin" -k "$K" custodian add dave --acknowledge >/dev/null 2>&1
t "dual control: enroll is pending" 0 "pending \(a second custodian must approve it" \
    -k "$K" enroll bob@partner.example "$tmp/bob.asc" --fingerprint "$F_bob" \
    --by carol
t "a pending key is listed as pending" 0 "bob@partner.example +$F_bob pending" \
    -k "$K" list
t "approve by the enrolling custodian" 1 "carol enrolled this key and cannot also approve it" \
    -k "$K" approve bob@partner.example --by carol
t "approve from the same OS user" 1 "same OS user .* --allow-same-os-user" \
    -k "$K" approve bob@partner.example --by dave
t "approve an address with nothing pending" 1 "no pending enrollment" \
    -k "$K" approve alice@partner.example --by dave
t "approve by an unregistered custodian" 1 "not a registered custodian" \
    -k "$K" approve bob@partner.example --by eve

K=$tmp/dual-same
t "init --dual-control --allow-same-os-user" 0 "allow_same_os_user=1" \
    -k "$K" init --dual-control --allow-same-os-user --min-rsa-bits 2048 \
    --cryptoperiod-days 365
"$bin" -k "$K" custodian add carol --acknowledge >/dev/null 2>&1
"$bin" -k "$K" custodian add dave --acknowledge >/dev/null 2>&1
t "list shows the weaker mode" 0 "allow_same_os_user: approval from the enrolling OS user is accepted - weaker" \
    -k "$K" list
t "a lowered floor accepts RSA 2048" 0 "enrolled weak@partner.example $F_weak: pending" \
    -k "$K" enroll weak@partner.example "$tmp/weak.asc" --fingerprint "$F_weak" \
    --by carol
t "the same custodian still cannot approve" 1 "cannot also approve" \
    -k "$K" approve weak@partner.example --by carol
t "approve with a fingerprint that is not pending" 1 "no pending enrollment" \
    -k "$K" approve weak@partner.example --fingerprint "$F_bob" --by dave
t "approve by a second custodian" 0 "approved weak@partner.example $F_weak: active" \
    -k "$K" approve weak@partner.example --fingerprint "$F_weak" --by dave
t "show names both custodians" 0 "approved: .* by dave" -k "$K" show \
    weak@partner.example
t "json shows approver and mode" 0 '"allow_same_os_user":true.*"approved_by":"dave"' \
    -k "$K" list --json
t "audit verify (dual)" 0 "chain intact" -k "$K" audit verify

# --- concurrency: the lock serialises writers -----------------------------
K=$tmp/dual
for i in 1 2 3 4 5 6; do
	"$bin" -k "$K" custodian add "c$i" --acknowledge >/dev/null 2>&1 &
done
wait
t "six custodians added at once are all there" 0 "c6" -k "$K" custodian list
if [ "$(grep -c '^c[1-6] ' "$tmp/out")" -eq 6 ]; then ok "no lost update"
else not_ok "no lost update"; fi
t "audit verify after concurrent writers" 0 "chain intact" -k "$K" audit verify

# --- hygiene -----------------------------------------------------------
if [ -z "$(ls -A "$tmp/t")" ]; then ok "no private GnuPG home left behind"
else not_ok "no private GnuPG home left behind"; ls -A "$tmp/t"; fi
if ! find "$tmp"/single "$tmp"/dual* -name '.*tmp*' | grep -q .; then
	ok "no temporary files left in the keyrings"
else not_ok "no temporary files left in the keyrings"; fi

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ] || exit 1
exit 0
