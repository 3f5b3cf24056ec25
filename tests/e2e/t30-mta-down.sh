#!/bin/sh
# t30-mta-down - with the MTA down a post is kept; flushq sends it once
#
# distribute runs as Postfix would run it while smtp_servers names a
# closed port: it exits 0 and spools the article, nothing is delivered.
# With smtp_servers back on the private Postfix, makefml flushq delivers
# one copy to each member; a second flushq sends nothing more.
#
# usage: t30-mta-down.sh PREFIX

. "$(dirname "$0")/lib.sh"
e2e_init "$1"
e2e_site
e2e_newml ml@example.org
MEMBERS="alice@example.net bob@example.net carol@example.net"
e2e_add $MEMBERS || bail "no members"

closed=$(pf_free_port)
e2e_config smtp_servers "127.0.0.1:$closed"
e2e_mail alice@example.net ml@example.org "while the MTA is down" \
    "down.$$@example.net" "a post made while the MTA is down." > "$T/post"
SENDER=alice@example.net
RECIPIENT=ml@example.org
e2e_pipe "$T/post" "$PREFIX/libexec/mlm/distribute" ml@example.org \
    > "$T/out" 2>&1
rc=$?
check "distribute exits 0 with the MTA down" [ $rc -eq 0 ] ||
    diag "exit $rc: $(cat "$T/out")"
check "the article is spooled" has_article 1
check "seq is 1" [ "$(seq_of)" = 1 ]
sleep 2
for m in $MEMBERS; do
	check "$m got nothing yet" [ "$(pf_count "$PF" "$m")" -eq 0 ]
done

e2e_config smtp_servers "127.0.0.1:$PORT"
out=$(as_owner "$PREFIX/bin/makefml" flushq ml@example.org 2>&1)
rc=$?
check "makefml flushq exits 0" [ $rc -eq 0 ] || diag "exit $rc: $out"
arrived=yes
wait_all 1 30 $MEMBERS || arrived=no
pf_wait_queue "$PF" 30
sleep 1
if [ $arrived = yes ]; then
	ok "flushq delivered to every member"
else
	not_ok "flushq delivered to every member"
	diag_logs
fi
for m in $MEMBERS; do
	check "$m has exactly one copy" [ "$(pf_count "$PF" "$m")" -eq 1 ] ||
	    continue
	f=$(pf_messages "$PF" "$m")
	check "$m: the copy is article 1" \
	    [ "$(header "$f" Subject)" = "[ml:00001] while the MTA is down" ]
done

out=$(as_owner "$PREFIX/bin/makefml" flushq ml@example.org 2>&1)
rc=$?
check "a second flushq exits 0" [ $rc -eq 0 ] || diag "exit $rc: $out"
sleep 2
pf_wait_queue "$PF" 30
for m in $MEMBERS; do
	check "$m still has exactly one copy" \
	    [ "$(pf_count "$PF" "$m")" -eq 1 ]
done
done_testing
