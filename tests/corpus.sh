#!/bin/sh
# corpus.sh PANMILTER - every third-party message through --scan.
#
# Each file must end in a defined verdict (clean, pan, track_data,
# protected, unscannable) within the time limit, without a crash; under
# the asan build a sanitizer report fails the run. None of these files is
# labelled for card data, so a finding is printed for review, not failed.
set -u
BIN=$1
CORPUS=${PM_CORPUS:-$(dirname "$0")/../../shared/corpus/third_party}
pass=0 fail=0
if [ ! -d "$CORPUS" ]; then
	echo "corpus.sh: $CORPUS not found: the third-party corpus lives in ../shared/corpus beside the project; set PM_CORPUS to its third_party directory" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find "$CORPUS" -type f \( -name '*.msg' -o -name '*.txt' -o -name '*.eml' \) \
    ! -name 'README*' ! -name 'LICENSE*' ! -name '*LICENSE*' | sort > "$tmp/list"
while IFS= read -r f; do
	timeout 60 "$BIN" --scan --json "$f" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	verdict=$(sed -n 's/.*"verdict":"\([a-z_]*\)".*/\1/p' "$tmp/out" | head -n 1)
	case "$rc:$verdict" in
	0:clean|0:protected|0:unscannable|1:pan|1:track_data)
		pass=$((pass + 1))
		[ "$rc" = 1 ] && echo "note: $f: $verdict (review)"
		;;
	*)
		fail=$((fail + 1))
		echo "not ok - $f: exit $rc, verdict '$verdict'"
		head -c 2000 "$tmp/err"
		;;
	esac
done < "$tmp/list"
echo "corpus: $pass passed, $fail failed"
[ "$fail" = 0 ]
