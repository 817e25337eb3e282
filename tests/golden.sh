#!/bin/sh
# golden.sh PANMILTER - golden --scan tests over tests/fixtures
set -eu
exec python3 "$(dirname "$0")/golden.py" "$1"
