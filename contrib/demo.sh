#!/bin/bash
# demo.sh BUILD - panmilter behind a private Postfix, five sample mails.
#
# Starts a private Postfix on 127.0.0.1 (its own config and queue under
# build/e2e/), an smtp-sink behind it, and panmilter with
# contrib/demo/policy.conf and a keyring with one enrolled key; sends five
# messages with swaks and shows, for
# each, what the sender was told and what was delivered. Everything is
# stopped at the end (only the processes this script started).
set -u
B=${1:-build/default}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PANMILTER=$ROOT/$B/panmilter
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

PANKEY=$ROOT/$B/pankey
[ -x "$PANMILTER" ] && [ -x "$PANKEY" ] || e2e_die "$PANMILTER not built; run make first"
e2e_setup
SOCK=$(e2e_milter_sock panmilter)
cp "$ROOT/contrib/demo/policy.conf" "$E2E_DIR/policy.conf"
# the acquirer's key pair (its secret half stays with "the acquirer":
# here, a GnuPG home of the demo's own), enrolled by a custodian
G=$E2E_DIR/acquirer-gnupg
mkdir -m 700 "$G" "$E2E_DIR/run"
GNUPGHOME=$G gpg --batch -q --passphrase '' --quick-gen-key \
    'Acquirer <settlement@acquirer.example>' ed25519 sign 1d 2> /dev/null
FPR=$(GNUPGHOME=$G gpg --batch --with-colons --list-keys settlement@acquirer.example |
    awk -F: '/^fpr/ { print $10; exit }')
GNUPGHOME=$G gpg --batch -q --passphrase '' --quick-add-key "$FPR" cv25519 encr 1d 2> /dev/null
GNUPGHOME=$G gpg --batch -q --armor --export "$FPR" > "$E2E_DIR/acquirer.asc"
{ "$PANKEY" -k "$E2E_DIR/keyring" init &&
  "$PANKEY" -k "$E2E_DIR/keyring" custodian add demo-custodian --acknowledge &&
  "$PANKEY" -k "$E2E_DIR/keyring" enroll settlement@acquirer.example \
      "$E2E_DIR/acquirer.asc" --fingerprint "$FPR" --by demo-custodian; } > /dev/null ||
    e2e_die "cannot enroll the demo key"
chmod -R go-w "$E2E_DIR/keyring"
cat > "$E2E_DIR/panmilter.conf" <<CONF
socket = "$SOCK";
policy = "$E2E_DIR/policy.conf";
keyring = "$E2E_DIR/keyring";
run_dir = "$E2E_DIR/run";
group = "postfix";
on_error = "tempfail";
add_header = true;
CONF
chmod 600 "$E2E_DIR/panmilter.conf" "$E2E_DIR/policy.conf"
e2e_bg_start panmilter "$PANMILTER" -f -c "$E2E_DIR/panmilter.conf"
e2e_wait_socket "$SOCK" 20 || e2e_die "panmilter did not start"
e2e_set_milter "$SOCK" || e2e_die "cannot attach panmilter to Postfix"

echo "panmilter demo: Postfix on 127.0.0.1:$E2E_SMTP_PORT -> panmilter -> smtp-sink"
echo "policy (contrib/demo/policy.conf): mask card numbers for @billing.example,"
echo "encrypt them for @acquirer.example (enrolled key), refuse them for everyone"
echo "else; track data is never sent."

# show NAME FILE RCPT WHAT - send one sample and say what happened
show() {
	local n before after reply
	printf '\n== %s\n   %s, to %s\n' "$1" "$4" "$3"
	before=$(e2e_sink_count)
	e2e_send_file "$2" --to "$3" > /dev/null 2>&1
	# the server's answer to the end of DATA
	reply=$(awk '/^ -> \.\r?$/ { d = 1; next }
	    d && /^<(-|\*\*) +[0-9][0-9][0-9]/ { sub(/^<[-*]+ +/, ""); print; exit }' \
	    "$E2E_LAST_LOG" | tr -d '\r')
	echo "   sender was told: $reply"
	n=0
	while [ $n -lt 50 ] && [ "$(e2e_sink_count)" = "$before" ]; do
		case $reply in 2*) ;; *) break ;; esac
		sleep 0.2
		n=$((n + 1))
	done
	after=$(e2e_sink_count)
	if [ "$after" = "$before" ]; then
		echo "   delivered: nothing"
		return
	fi
	echo "   delivered:"
	e2e_sink_headers "$(e2e_sink_last)" | grep '^X-PAN-Control' | sed 's/^/     /'
	python3 - "$(e2e_sink_last)" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for p in m.walk():
    if p.is_multipart():
        continue
    text = p.get_payload(decode=True).decode("utf-8", "replace")
    for line in text.splitlines():
        if "**" in line:
            print("     %s: %s" % (p.get_filename() or "body", line))
PY
	if grep -q '^Content-Type: multipart/encrypted' "$(e2e_sink_last)"; then
		echo "     PGP/MIME (multipart/encrypted); the acquirer's key decrypts it,"
		echo "     and inside is (shown masked here, as everything panmilter prints):"
		sed -n '/-----BEGIN PGP MESSAGE/,/-----END PGP MESSAGE/p' "$(e2e_sink_last)" |
		    GNUPGHOME=$G gpg --batch -q --decrypt 2> /dev/null |
		    "$PANMILTER" --scan - 2> /dev/null | sed 's/^-: /       /' 
	fi
	if "$PANMILTER" --scan "$(e2e_sink_last)" > /dev/null 2>&1; then
		echo "     a re-scan of the delivered message finds no card number in clear"
	fi
}

S=$ROOT/contrib/samples
show "1. clean mail" "$S/clean-numbers.eml" partner@partner.example \
    "IBAN, IMEI, phone and tracking numbers, no card"
show "2. card numbers for the billing partner (mask)" "$S/b64-csv.eml" \
    ap@billing.example "a CSV attachment (base64) with two card numbers"
show "3. a card number to anyone else (reject)" "$S/plain-visa.eml" \
    someone@partner.example "a card number in the text"
show "4. a card number for the acquirer (encrypt)" "$S/plain-visa.eml" \
    settlement@acquirer.example "a card number in the text"
show "5. card data with a CVV (track_data: always refused)" "$S/cvc.eml" \
    ap@billing.example "a card number and its CVV"

printf '\n== what panmilter logged (one line per message, masked only):\n'
sed 's/^/   /' "$E2E_DIR/panmilter.out"
exit 0
