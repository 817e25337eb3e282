#!/bin/sh
# docs.sh PANMILTER - every setting conf.c reads is in panmilter.conf(5),
# every option of panmilter --help is in panmilter(8).
set -u
BIN=$1
rc=0
for k in $(sed -n 's/^	{ "\([a-z_0-9]*\)", .*/\1/p' milter/conf.c); do
	if ! grep -q "^\.It Cm $k\b" man/panmilter.conf.5; then
		echo "not ok - setting $k is not documented in man/panmilter.conf.5"
		rc=1
	fi
done
for o in $("$BIN" --help | grep -oE '(^| )--?[a-zA-Z][a-zA-Z-]*' | sort -u); do
	case $o in
	--*) pat="Fl -${o#--}" ;;
	*) pat="Fl ${o#-}" ;;
	esac
	if ! grep -qF -- "$pat" man/panmilter.8; then
		echo "not ok - option $o of --help is not in man/panmilter.8"
		rc=1
	fi
done
# pankey: every option of --help in pankey(8)
PANKEY=$(dirname "$BIN")/pankey
if [ -x "$PANKEY" ]; then
	for o in $("$PANKEY" --help 2>&1 | grep -oE '(^| |\[)--?[a-zA-Z][a-zA-Z-]*' |
	    tr -d '[ ' | sort -u); do
		case $o in
		--*) pat="Fl -${o#--}" ;;
		*) pat="Fl ${o#-}" ;;
		esac
		if ! grep -qF -- "$pat" man/pankey.8; then
			echo "not ok - option $o of pankey --help is not in man/pankey.8"
			rc=1
		fi
	done
fi
[ "$rc" = 0 ] && echo "docs: every setting and option is documented"
exit $rc
