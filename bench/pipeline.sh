#!/bin/sh
# pipeline.sh BUILD - peak RSS of `panmilter --scan` on the 10 MB bench
# message, beside the message size (the bar: at most 4x).
set -u
B=${1:-build/default}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$B/bench/bench_pipeline" "$tmp/msg.eml" > /dev/null || exit 1
size=$(stat -c %s "$tmp/msg.eml")
/usr/bin/time -f '%M %e' -o "$tmp/time" "$B/panmilter" --scan "$tmp/msg.eml" > /dev/null 2>&1
read -r rss secs <<EOF2
$(tail -n 1 "$tmp/time")
EOF2
awk -v rss="$rss" -v size="$size" -v s="$secs" 'BEGIN {
	printf "pipeline panmilter --scan %.1f MB: peak RSS %.1f MB = %.2fx message size, %.2f s wall (process start included)\n",
	    size / 1e6, rss * 1024 / 1e6, rss * 1024 / size, s }'
