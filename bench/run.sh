#!/bin/sh
# run.sh BUILD - every benchmark, each printing its figures beside a
# baseline measured in the same run.
set -u
B=${1:-build/default}
for b in "$B"/bench/bench_*; do
	[ -x "$b" ] || continue
	case $b in */bench_pgp) continue ;; esac	# needs a key: pgp.sh
	echo "== $(basename "$b")"
	"$b" || echo "$(basename "$b"): FAILED"
done
echo "== scan pipeline"
bench/pipeline.sh "$B"
echo "== encryption"
bench/pgp.sh "$B"
echo "== postfix + panmilter"
bench/postfix.sh "$B"
