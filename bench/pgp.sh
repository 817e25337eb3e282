#!/bin/sh
# pgp.sh BUILD - encryption cost: helper vs gpg floor, flat under 1 GiB.
set -u
B=${1:-build/default}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -m 700 "$tmp/g" "$tmp/keys" "$tmp/run"
GNUPGHOME=$tmp/g gpg --batch -q --passphrase '' --quick-gen-key 'Bench <b@bench.example>' ed25519 sign 1d 2> /dev/null
fpr=$(GNUPGHOME=$tmp/g gpg --batch --with-colons --list-keys b@bench.example | awk -F: '/^fpr/ { print $10; exit }')
GNUPGHOME=$tmp/g gpg --batch -q --passphrase '' --quick-add-key "$fpr" cv25519 encr 1d 2> /dev/null
GNUPGHOME=$tmp/g gpg --batch -q --armor --export "$fpr" > "$tmp/keys/$fpr.asc"
"$B/bench/bench_pgp" "$tmp/keys" "$fpr" "$tmp/run" "$tmp/g"
