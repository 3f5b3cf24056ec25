#!/bin/sh
# t40-concurrent - 20 distribute processes at once: numbers 1..20
#
# Twenty posts, each with its own Message-ID and body, are piped into
# distribute by twenty processes released together (directly, since
# Postfix runs at most two deliveries to one recipient at a time). Each
# post gets exactly one number of 1..20, seq ends at 20, and every member
# receives all twenty.
#
# usage: t40-concurrent.sh PREFIX

. "$(dirname "$0")/lib.sh"
e2e_init "$1"
e2e_site
e2e_newml ml@example.org
MEMBERS="alice@example.net bob@example.net carol@example.net"
e2e_add $MEMBERS || bail "no members"
N=20

i=1
while [ $i -le $N ]; do
	e2e_mail alice@example.net ml@example.org "concurrent post $i" \
	    "c$i.$$@example.net" "this is concurrent post number $i." \
	    > "$T/c$i"
	i=$((i + 1))
done
SENDER=alice@example.net
RECIPIENT=ml@example.org
i=1
while [ $i -le $N ]; do
	(
		while [ ! -f "$T/go" ]; do sleep 0.01; done
		e2e_pipe "$T/c$i" "$PREFIX/libexec/mlm/distribute" \
		    ml@example.org > "$T/c$i.out" 2>&1
		echo $? > "$T/c$i.rc"
	) &
	i=$((i + 1))
done
sleep 0.5
touch "$T/go"
wait

failed=0
i=1
while [ $i -le $N ]; do
	rc=$(cat "$T/c$i.rc" 2>/dev/null)
	if [ "$rc" != 0 ]; then
		failed=$((failed + 1))
		diag "post $i: exit ${rc:-none}: $(head -c 300 "$T/c$i.out")"
	fi
	i=$((i + 1))
done
check "all $N distribute processes exit 0" [ $failed -eq 0 ]
check "seq is $N" [ "$(seq_of)" = $N ]
check "the spool holds $N articles" [ "$(spool_count)" -eq $N ]

missing=
badcount=
i=1
while [ $i -le $N ]; do
	if s=$(spool_file $i); then
		[ "$(header "$s" X-Mail-Count)" = $i ] ||
		    badcount="$badcount $i"
	else
		missing="$missing $i"
	fi
	i=$((i + 1))
done
check "spool/1..$N all exist" [ -z "$missing" ] || diag "missing:$missing"
check "spool/N has X-Mail-Count N" [ -z "$badcount" ] ||
    diag "wrong:$badcount"

dup=
i=1
while [ $i -le $N ]; do
	n=$(grep -rlF "<c$i.$$@example.net>" "$MLD/spool" 2>/dev/null | wc -l)
	[ "$n" -eq 1 ] || dup="$dup c$i:$n"
	i=$((i + 1))
done
check "each Message-ID is in exactly one spool file" [ -z "$dup" ] ||
    diag "Message-ID:files$dup"

arrived=yes
wait_all $N 60 $MEMBERS || arrived=no
pf_wait_queue "$PF" 30
sleep 1
if [ $arrived = yes ]; then
	ok "every member got $N messages"
else
	not_ok "every member got $N messages"
	diag_logs
fi
want=$(i=1; while [ $i -le $N ]; do printf '[ml:%05d]\n' $i;
    i=$((i + 1)); done)
for m in $MEMBERS; do
	check "$m has exactly $N messages" [ "$(pf_count "$PF" "$m")" -eq $N ]
	tags=$(for f in $(pf_messages "$PF" "$m"); do
		header "$f" Subject | cut -d' ' -f1; done | sort)
	check "$m has articles 1..$N, each once" [ "$tags" = "$want" ]
done
done_testing
