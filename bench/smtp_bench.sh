#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# smtp_bench.sh - delivery speed of one article over SMTP
#
# usage: sh bench/smtp_bench.sh [BUILD [RECIPIENTS...]]
#
# Builds bench/smtp_bench.c against BUILD/libmlm.a (default build), then
# for each RECIPIENTS count (default 10000 100000) and each
# smtp_recipient_limit in $LIMITS (default "1000 100") delivers one 2 KB
# article on one SMTP session and prints the driver's line. The sink is
# Postfix's smtp-sink when it is installed, else tests/lib/fakesmtp.py
# --sink (much slower: it measures the fake server more than mlm). Both
# listen on 127.0.0.1 only and are stopped at the end. Not run by the
# tests.

set -e
top=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$top"
B=${1:-build}
[ $# -gt 0 ] && shift
counts=${*:-"10000 100000"}
limits=${LIMITS:-"1000 100"}
work=$(mktemp -d /tmp/mlm-bench.XXXXXX)
sink_pid=

cleanup()
{
	[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

make -s B="$B" "$B/libmlm.a"
pkgs="gmime-3.0 libpcre2-8 lmdb"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Imlm -I"$B" \
    $(pkg-config --cflags $pkgs) -o "$work/smtp_bench" bench/smtp_bench.c \
    "$B/libmlm.a" $(pkg-config --libs $pkgs) -lcrypt

port=$(python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if command -v smtp-sink >/dev/null 2>&1; then
	sink="smtp-sink"
	user=
	[ "$(id -u)" = 0 ] && user="-u nobody"
	# shellcheck disable=SC2086
	smtp-sink $user "127.0.0.1:$port" 1000 >"$work/sink.log" 2>&1 &
	sink_pid=$!
else
	sink="fakesmtp --sink"
	mkdir "$work/fake"
	python3 tests/lib/fakesmtp.py --dir "$work/fake" --sink --idle 120 \
	    --lifetime 3600 &
	sink_pid=$!
	i=0
	while [ ! -f "$work/fake/port" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	port=$(cat "$work/fake/port")
fi
sleep 0.5

echo "# sink: $sink on 127.0.0.1:$port"
run=0
for n in $counts; do
	for limit in $limits; do
		run=$((run + 1))
		"$work/smtp_bench" "$work/list$run" "$n" "127.0.0.1:$port" \
		    "$limit"
		rm -rf "$work/list$run"
	done
done
