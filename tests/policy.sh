#!/bin/sh
# policy.sh - panpolicy against the example policies, the bad policies
# and the man page examples.
#
# usage: tests/policy.sh PATH/TO/panpolicy
#
#  1. every contrib/policies/*.conf passes "panpolicy check" (exit 0);
#  2. every tests/fixtures/policy/bad-*.conf fails with exit 1 and
#     exactly the messages in bad-*.expect (run from that directory, so
#     the messages name the file as the operator typed it);
#  3. every tests/fixtures/policy/explain/*.args (one argument a line,
#     run from the top of the tree) prints exactly *.out, and each line
#     of a human *.out appears verbatim in man/panmilter-policy.5 or
#     man/panpolicy.8, and so does each setting line of the example
#     policies (the man page examples are real);
#  4. usage errors exit 2, --help and -V exit 0, -k reports the gap;
#  5. no output contains a card number that the fixtures hold.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:?usage: tests/policy.sh PATH/TO/panpolicy}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
fix=$top/tests/fixtures/policy
tmp=$(mktemp -d "${TMPDIR:-/tmp}/policy-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }

# 1. the examples pass
for f in "$top"/contrib/policies/*.conf; do
	if (cd "$top" && "$bin" check "contrib/policies/${f##*/}") \
	    >"$tmp/out" 2>"$tmp/err"; then
		ok "check ${f##*/}"
	else
		not_ok "check ${f##*/}"; cat "$tmp/err"
	fi
done

# 2. the bad policies fail with the exact messages
for f in "$fix"/bad-*.conf; do
	name=${f##*/}
	(cd "$fix" && "$bin" check "$name") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 1 ] && cmp -s "$tmp/err" "$fix/${name%.conf}.expect"
	then
		ok "check $name fails as expected"
	else
		not_ok "check $name (exit $rc)"
		diff -u "$fix/${name%.conf}.expect" "$tmp/err"
	fi
	cat "$tmp/err" >>"$tmp/all"
done

# 3. explain, byte for byte, and the man pages show the same lines
for a in "$fix"/explain/*.args; do
	name=${a##*/}
	exp=${a%.args}.out
	set --
	while IFS= read -r arg; do set -- "$@" "$arg"; done <"$a"
	(cd "$top" && "$bin" "$@") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$tmp/out" "$exp"; then
		ok "explain ${name%.args}"
	else
		not_ok "explain ${name%.args} (exit $rc)"
		diff -u "$exp" "$tmp/out"; cat "$tmp/err"
	fi
	cat "$tmp/out" >>"$tmp/all"
	case $(head -c 1 "$exp") in "{") continue ;; esac
	missing=0
	while IFS= read -r line; do
		if ! grep -Fqx -e "$line" "$top/man/panmilter-policy.5" \
		    "$top/man/panpolicy.8"; then
			missing=1
			echo "# not in the man pages: $line"
		fi
	done <"$exp"
	if [ "$missing" -eq 0 ]; then
		ok "man page shows explain ${name%.args}"
	else
		not_ok "man page shows explain ${name%.args}"
	fi
done

# the policies shown in the man page are the files in contrib/policies
for f in "$top"/contrib/policies/*.conf; do
	missing=0
	while IFS= read -r line; do
		case $line in ""|"#"*) continue ;; esac
		if ! grep -Fqx -e "$line" "$top/man/panmilter-policy.5"; then
			missing=1
			echo "# not in panmilter-policy.5: $line"
		fi
	done <"$f"
	if [ "$missing" -eq 0 ]; then
		ok "man page shows ${f##*/}"
	else
		not_ok "man page shows ${f##*/}"
	fi
done

# 4. exit codes of the command line
expect_rc() {
	want=$1; shift
	(cd "$top" && "$bin" "$@") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "exit $want: panpolicy $*"
	else
		not_ok "exit $rc, wanted $want: panpolicy $*"; cat "$tmp/err"
	fi
	cat "$tmp/out" "$tmp/err" >>"$tmp/all"
}
expect_rc 0 --help
expect_rc 0 -V
expect_rc 2
expect_rc 2 frobnicate
expect_rc 2 check /nonexistent/policy.conf
expect_rc 2 check contrib/policies
expect_rc 2 check -c /nonexistent/panmilter.conf
expect_rc 2 explain -p contrib/policies/block-everything.conf --from a@b.example
# a card number given as a token is refused, and the label hides it
if (cd "$top" && "$bin" explain -p contrib/policies/block-everything.conf \
    --from a@b.example --rcpt c@d.example --token 4111111111111111) \
    >"$tmp/out" 2>"$tmp/err"; then
	not_ok "explain --token CARD-NUMBER is refused"
elif [ $? -eq 2 ]; then
	ok "explain --token CARD-NUMBER is refused"
else
	not_ok "explain --token CARD-NUMBER exits 2"
fi
cat "$tmp/out" "$tmp/err" >>"$tmp/all"
expect_rc 1 explain -p tests/fixtures/policy/bad-action.conf \
    --from a@b.example --rcpt c@d.example

# -c: the daemon config names the policy, relative to the config
printf 'policy = "contrib/policies/quarantine-default.conf";\n' \
    >"$tmp/panmilter.conf"
mkdir -p "$tmp/contrib/policies"
cp "$top/contrib/policies/quarantine-default.conf" "$tmp/contrib/policies/"
if "$bin" check -c "$tmp/panmilter.conf" >"$tmp/out" 2>&1 &&
    grep -q 'quarantine-default.conf: ok, 3 rules' "$tmp/out"; then
	ok "check -c finds the policy"
else
	not_ok "check -c finds the policy"; cat "$tmp/out"
fi

# -k: accepted, and the missing keyring support is said out loud
# -k: an encrypt rule for an exact address without an enrolled key
pankey=$(dirname "$bin")/pankey
printf 'rules = ( { name = "acq"; recipients = [ "alice@acquirer.example" ];\n  action = "encrypt"; } );\n' >"$tmp/enc.conf"
if [ -x "$pankey" ] && "$pankey" -k "$tmp/kr" init >/dev/null 2>&1 &&
    ! "$bin" check -k "$tmp/kr" "$tmp/enc.conf" >"$tmp/out" 2>"$tmp/err" &&
    grep -q 'enc.conf:1: .*alice@acquirer.example' "$tmp/err"; then
	ok "check -k reports an encrypt rule without an enrolled key"
else
	not_ok "check -k reports an encrypt rule without an enrolled key"
	cat "$tmp/err"
fi
if ! "$bin" check -k "$tmp/nonexistent" "$tmp/enc.conf" >"$tmp/out" 2>"$tmp/err" &&
    grep -q 'check the path given with -k' "$tmp/err"; then
	ok "check -k on a missing keyring says what to do"
else
	not_ok "check -k on a missing keyring says what to do"; cat "$tmp/err"
fi

# every option of --help is in panpolicy(8)
missing=0
for opt in $("$bin" --help | grep -o -e '--[a-z][a-z-]*' -e ' -[a-zA-Z] ' |
    sort -u); do
	if ! grep -q -e "Fl ${opt#-}\( \|$\)" "$top/man/panpolicy.8"; then
		missing=1
		echo "# option $opt of --help is not in panpolicy.8"
	fi
done
if [ "$missing" -eq 0 ]; then
	ok "every option of --help is documented"
else
	not_ok "every option of --help is documented"
fi

# 5. no card number from the fixtures in any output
for pan in 4111111111111111 4111-1111-1111-1111 5555555555554444; do
	if grep -q -e "$pan" "$tmp/all"; then
		not_ok "output holds a card number"
	fi
done
ok "no card number in any output"

echo "1..$n"
exit $fail
