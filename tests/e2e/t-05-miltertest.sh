#!/bin/bash
# t-05-miltertest.sh - panmilter driven by miltertest (no Postfix): the
# protocol as an independent client speaks it; see miltertest/panmilter.lua.
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

PANMILTER=${PANMILTER:-$E2E_ROOT/build/default/panmilter}
[ -x "$PANMILTER" ] || e2e_die "$PANMILTER not built; run make first"
command -v miltertest > /dev/null || e2e_die "miltertest missing; run contrib/install-deps"
e2e_setup
SOCK=$(e2e_milter_sock mt)
cat > "$E2E_DIR/policy.conf" <<'POL'
default = { action = "reject"; };
track_data = "reject";
rules = (
  { name = "billing"; recipients = [ "@billing.example" ]; action = "mask"; }
);
POL
cat > "$E2E_DIR/panmilter.conf" <<CONF
socket = "$SOCK";
policy = "$E2E_DIR/policy.conf";
add_header = true;
CONF
chmod 600 "$E2E_DIR/panmilter.conf" "$E2E_DIR/policy.conf"
e2e_bg_start panmilter "$PANMILTER" -f -c "$E2E_DIR/panmilter.conf"
e2e_wait_socket "$SOCK" 20 || e2e_die "panmilter did not start"
if miltertest -D "sock=$SOCK" -s "$E2E_ROOT/tests/e2e/miltertest/panmilter.lua" \
    > "$E2E_DIR/miltertest.out" 2>&1; then
	e2e_ok "miltertest: $(grep -c '^ok - ' "$E2E_DIR/miltertest.out") checks"
else
	cat "$E2E_DIR/miltertest.out" >&2
	e2e_fail "miltertest failed"
fi
if grep -q 4111111111111111 "$E2E_DIR/panmilter.out"; then
	e2e_fail "full card number in the panmilter log"
else
	e2e_ok "no full card number in the log"
fi
exit "$E2E_FAILED"
