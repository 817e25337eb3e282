#!/bin/sh
# run.sh SECONDS BIN... - run each libFuzzer binary for SECONDS on its
# corpus: the committed seeds in fuzz/corpus/NAME/ are copied into the
# working corpus build/fuzz/corpus/NAME/ (grown by the run, not
# committed); fuzz/NAME.dict is used when present; crashes, leaks and
# timeouts go to fuzz/crashes/ (fuzz_NAME-crash-<sha1>, ...).
# Prints one line per target, "fuzz NAME: N execs, C crashes", and exits
# non-zero when any target crashed or could not run. FUZZ_JOBS targets
# (default: the number of cores) run at the same time. FUZZ_RUNS=N stops
# each target after N executions (SECONDS stays the cap); FUZZ_FLAGS adds
# libFuzzer flags (e.g. -detect_leaks=0 for a long run of a target whose
# library leaks by design: see fuzz/README).
set -u

one=0
if [ "${1:-}" = "--one" ]; then
	one=1
	shift
fi

usage() {
	echo "usage: $0 SECONDS BIN..." >&2
	exit 2
}

[ $# -ge 2 ] || usage
secs=$1
shift
case $secs in
'' | *[!0-9]*) usage ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
crashdir=$here/crashes
workroot=$top/build/fuzz/corpus
logdir=$top/build/fuzz/logs
mkdir -p "$crashdir" "$workroot" "$logdir" || exit 2

if [ "$one" = 0 ]; then
	# each target in its own run.sh, FUZZ_JOBS at a time
	printf '%s\n' "$@" | xargs -P "${FUZZ_JOBS:-$(nproc)}" -I{} \
	    "$here/run.sh" --one "$secs" {}
	exit $?
fi

fail=0
for bin in "$@"; do
	base=$(basename "$bin")
	name=${base#fuzz_}
	seeds=$here/corpus/$name
	work=$workroot/$name
	log=$logdir/$base.log
	mkdir -p "$work"
	if [ ! -x "$bin" ]; then
		echo "fuzz $name: binary $bin missing"
		fail=1
		continue
	fi
	dirs=$work
	if [ -d "$seeds" ]; then
		find "$seeds" -maxdepth 1 -type f -exec cp -p {} "$work"/ \;
		dirs="$work $seeds"
	fi
	dict=
	[ -f "$here/$name.dict" ] && dict="-dict=$here/$name.dict"
	find "$crashdir" -maxdepth 1 -name "$base-*" | sort >"$log.before"
	# word splitting of $dict and $dirs is wanted (no spaces in paths)
	# shellcheck disable=SC2086
	runs=
	[ -n "${FUZZ_RUNS:-}" ] && runs="-runs=$FUZZ_RUNS"
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=1048576 -print_final_stats=1 $runs ${FUZZ_FLAGS:-} \
	    -artifact_prefix="$crashdir/$base-" $dict \
	    $dirs >"$log" 2>&1
	rc=$?
	find "$crashdir" -maxdepth 1 -name "$base-*" | sort |
	    comm -13 "$log.before" - >"$log.new"
	rm -f "$log.before"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	crashes=$(wc -l <"$log.new")
	if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
		crashes=1	# died without an artifact (OOM, setup error)
	fi
	# one block of output per target, written at once
	{
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
	echo "fuzz $name: ${execs:-0} execs, $crashes crashes" \
	    "(${rate:-0} execs/s, peak RSS ${rss:-?} MB)"
	if [ "$crashes" -ne 0 ]; then
		sed 's/^/  reproducer: /' "$log.new" | head -n 3
		grep -m 1 -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' \
		    "$log" | sed 's/^/  /'
		# first frame in our code: the stack top worth reading
		grep -m 1 -E '^ +#[0-9]+ .* in .*(milter|policy|keyring|fuzz)/' \
		    "$log" | sed 's/^ */  top: /'
		echo "  log: $log"
	fi
	} >"$log.summary"
	cat "$log.summary"
	rm -f "$log.summary"
	[ "$crashes" -ne 0 ] && fail=1
	rm -f "$log.new"
done
exit $fail
