#!/bin/bash
# t-50-encrypt.sh - the encrypt action and incident response, end to end:
# keys made with a real gpg and enrolled with pankey; a card number to an
# "encrypt" recipient arrives as PGP/MIME that the recipient's gpg
# decrypts back to the original entity; two recipients can each decrypt;
# a recipient without a key gets if_no_key (reject); `pankey revoke`
# takes effect for the very next message without a restart; the audit
# log verifies; a revoked fingerprint cannot be enrolled again; no full
# card number is delivered or logged.
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

PANMILTER=${PANMILTER:-$E2E_ROOT/build/default/panmilter}
PANKEY=${PANKEY:-$(dirname "$PANMILTER")/pankey}
FIX=$E2E_ROOT/tests/fixtures
[ -x "$PANMILTER" ] && [ -x "$PANKEY" ] || e2e_die "build panmilter and pankey first"
e2e_setup
G=$E2E_DIR/gnupg
KR=$E2E_DIR/keyring
mkdir -m 700 "$G" "$E2E_DIR/run"
chgrp postfix "$E2E_DIR/run" 2> /dev/null

# mkkey NAME - a key pair for NAME@acquirer.example; prints its fingerprint
mkkey() {
	local fpr
	GNUPGHOME=$G gpg --batch -q --passphrase '' --quick-gen-key \
	    "$1 <$1@acquirer.example>" ed25519 sign 1d 2> /dev/null
	fpr=$(GNUPGHOME=$G gpg --batch --with-colons --list-keys "$1@acquirer.example" |
	    awk -F: '/^fpr/ { print $10; exit }')
	GNUPGHOME=$G gpg --batch -q --passphrase '' --quick-add-key "$fpr" cv25519 encr 1d 2> /dev/null
	GNUPGHOME=$G gpg --batch -q --armor --export "$fpr" > "$E2E_DIR/$1.asc" 2> /dev/null
	echo "$fpr"
}
ALICE=$(mkkey alice)
BOB=$(mkkey bob)
SEC=$(mkkey security)
"$PANKEY" -k "$KR" init > /dev/null &&
"$PANKEY" -k "$KR" custodian add ops --acknowledge > /dev/null &&
"$PANKEY" -k "$KR" enroll alice@acquirer.example "$E2E_DIR/alice.asc" --fingerprint "$ALICE" --by ops > /dev/null &&
"$PANKEY" -k "$KR" enroll bob@acquirer.example "$E2E_DIR/bob.asc" --fingerprint "$BOB" --by ops > /dev/null &&
"$PANKEY" -k "$KR" enroll security@acquirer.example "$E2E_DIR/security.asc" --fingerprint "$SEC" --by ops > /dev/null ||
    e2e_die "cannot set up the keyring"
chmod -R go-w "$KR"

SOCK=$(e2e_milter_sock pm)
cat > "$E2E_DIR/policy.conf" <<'POL'
default = { action = "reject"; };
rules = (
  { name = "acquirer"; recipients = [ "@acquirer.example" ]; action = "encrypt"; if_no_key = "reject"; },
  { name = "review"; recipients = [ "@partner.example" ]; action = "quarantine"; }
);
POL
cat > "$E2E_DIR/pm.conf" <<CONF
socket = "$SOCK";
policy = "$E2E_DIR/policy.conf";
keyring = "$KR";
run_dir = "$E2E_DIR/run";
quarantine_address = "quarantine@corp.example";
quarantine_keys = "$SEC";
encrypt_also = "$SEC";
group = "postfix";
CONF
chmod 600 "$E2E_DIR/pm.conf" "$E2E_DIR/policy.conf"
e2e_bg_start pm "$PANMILTER" -f -c "$E2E_DIR/pm.conf"
e2e_wait_socket "$SOCK" 20 || e2e_die "panmilter did not start: $(cat "$E2E_DIR/pm.out")"
e2e_set_milter "$SOCK" || e2e_die "cannot attach panmilter"

# decrypt FILE - the inner entity of a delivered PGP/MIME message
decrypt() {
	sed -n '/-----BEGIN PGP MESSAGE/,/-----END PGP MESSAGE/p' "$1" |
	    GNUPGHOME=$G gpg --batch -q --decrypt 2> /dev/null | tr -d '\r'
}

# 1. one recipient
e2e_send_file "$FIX/plain-visa.eml" --to alice@acquirer.example
e2e_assert_reply 250
e2e_wait_delivered 1 30 || e2e_fail "encrypted message not delivered"
m=$(e2e_sink_last)
e2e_assert_header "$m" '^Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"'
grep -F -q -f "$FIX/pans.txt" "$m" && e2e_fail "card number in clear in the delivered message" ||
    e2e_ok "no card number in clear in the delivered message"
if diff <(decrypt "$m" | sed '1,/^$/d') <(sed '1,/^\r\?$/d' "$FIX/plain-visa.eml" | tr -d '\r') > /dev/null; then
	e2e_ok "alice decrypts the original body"
else
	e2e_fail "decrypted body differs"
fi

# 2. two recipients, two keys, plus encrypt_also: three recipient packets
e2e_send_file "$FIX/plain-visa.eml" --to alice@acquirer.example,bob@acquirer.example
e2e_assert_reply 250
e2e_wait_delivered 2 30 || e2e_fail "two-recipient message not delivered"
m=$(e2e_sink_last)
ids=$(sed -n '/-----BEGIN PGP MESSAGE/,/-----END PGP MESSAGE/p' "$m" |
    GNUPGHOME=$G gpg --batch --list-packets 2>&1 | grep -c 'pubkey enc packet')
[ "$ids" = 3 ] && e2e_ok "encrypted to both recipients' keys and encrypt_also" ||
    e2e_fail "$ids recipient keys in the message, want 3"

# 3. no key: if_no_key = reject
e2e_send_file "$FIX/plain-visa.eml" --to carol@acquirer.example
e2e_assert_reply 550

# 4. revoke: the very next message is refused, no restart
"$PANKEY" -k "$KR" revoke alice@acquirer.example --reason key-compromise --by ops > /dev/null ||
    e2e_fail "pankey revoke failed"
e2e_send_file "$FIX/plain-visa.eml" --to alice@acquirer.example
e2e_assert_reply 550
kill -0 "$(cut -d' ' -f1 "$E2E_DIR/pm.pid")" && e2e_ok "no restart needed"

# 5. audit and re-enrolment
"$PANKEY" -k "$KR" audit verify > "$E2E_DIR/audit.out" 2>&1 &&
    e2e_ok "audit log verifies" || e2e_fail "audit verify: $(cat "$E2E_DIR/audit.out")"
"$PANKEY" -k "$KR" audit > "$E2E_DIR/audit.txt" 2>&1
grep -q -i enroll "$E2E_DIR/audit.txt" && grep -q -i revoke "$E2E_DIR/audit.txt" &&
    e2e_ok "audit shows enrolment and revocation" || e2e_fail "audit lacks events"
if "$PANKEY" -k "$KR" enroll alice@acquirer.example "$E2E_DIR/alice.asc" --fingerprint "$ALICE" --by ops > "$E2E_DIR/re.out" 2>&1; then
	e2e_fail "a revoked fingerprint was enrolled again"
else
	e2e_ok "re-enrolling a revoked fingerprint is refused"
fi

# 6. quarantine: encrypted to the security key, re-routed, envelope inside
n=$(e2e_sink_count)
e2e_send_file "$FIX/plain-visa.eml" --to someone@partner.example
e2e_assert_reply 250
e2e_wait_delivered $((n + 1)) 30 || e2e_fail "quarantined message not delivered"
m=$(e2e_sink_last)
grep -q '^X-Rcpt-Args: <quarantine@corp.example>' "$m" &&
    ! grep -q '^X-Rcpt-Args: <someone@partner.example>' "$m" &&
    e2e_ok "re-routed to the quarantine mailbox only" ||
    e2e_fail "quarantine recipients wrong: $(grep X-Rcpt-Args "$m")"
decrypt "$m" | grep -q '^X-PAN-Quarantine-To: <someone@partner.example>' &&
    e2e_ok "original envelope inside the encrypted part" ||
    e2e_fail "no envelope inside the quarantined message"

# 7. logs
grep -q 'action=encrypt rule=acquirer' "$E2E_DIR/pm.out" && e2e_ok "encrypt logged" ||
    e2e_fail "no encrypt log line"
grep -F -q -f "$FIX/pans.txt" "$E2E_DIR/pm.out" && e2e_fail "full PAN in the log" ||
    e2e_ok "no full PAN in the log"
exit "$E2E_FAILED"
