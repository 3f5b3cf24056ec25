#!/bin/sh
# t20-nonmember - a post from a non-member is isolated, not distributed
#
# After one member post (seq 1), a non-member posts through Postfix: no
# new article, seq unchanged, the mail kept under var/isolated/, a
# notice to the maintainer, nothing more for the members.
#
# usage: t20-nonmember.sh PREFIX

. "$(dirname "$0")/lib.sh"
e2e_init "$1"
e2e_site
e2e_newml ml@example.org
MEMBERS="alice@example.net bob@example.net carol@example.net"
e2e_add $MEMBERS || bail "no members"

e2e_mail alice@example.net ml@example.org "member post" \
    "member.$$@example.net" > "$T/post1"
pf_send "$PF" "$T/post1" alice@example.net ml@example.org ||
    bail "SMTP refused the member post"
wait_all 1 30 $MEMBERS || bail "the member post reached every member"
pf_wait_queue "$PF" 30
check "the member post got article 1" [ "$(seq_of)" = 1 ]
spooled=$(spool_count)
isolated=$(find "$MLD/var/isolated" -type f 2>/dev/null | wc -l)

id="stranger.$$@example.net"
e2e_mail "Dave <dave@example.net>" ml@example.org "not a member" "$id" \
    "a post from someone who is not a member." > "$T/post2"
check "SMTP accepts the non-member post" \
    pf_send "$PF" "$T/post2" dave@example.net ml@example.org

if pf_wait_mail "$PF" admin@example.net 1 30; then
	ok "the maintainer got a notice"
else
	not_ok "the maintainer got a notice"
	diag_logs
fi
pf_wait_queue "$PF" 30
sleep 1
check "the alias command was not bounced" \
    sh -c "! grep -q 'to=<ml@example.org>.*status=bounced' '$PF/maillog'"
notice=no
for f in $(pf_messages "$PF" admin@example.net); do
	grep -q 'dave@example\.net' "$f" && notice=yes
done
check "the notice names the sender" [ $notice = yes ]

check "seq is unchanged" [ "$(seq_of)" = 1 ]
check "no new spool file" [ "$(spool_count)" -eq "$spooled" ]
now=$(find "$MLD/var/isolated" -type f 2>/dev/null | wc -l)
check "a file appeared under var/isolated/" [ "$now" -gt "$isolated" ]
check "the isolated file holds the post" \
    grep -rqF "$id" "$MLD/var/isolated"
for m in $MEMBERS; do
	check "$m got nothing more" [ "$(pf_count "$PF" "$m")" -eq 1 ]
done
check "dave got nothing" [ "$(pf_count "$PF" dave@example.net)" -eq 0 ]
done_testing
