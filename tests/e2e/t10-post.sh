#!/bin/sh
# t10-post - a post over SMTP reaches every member once, tagged
#
# SMTP into the private Postfix, the list alias, distribute as the list
# owner, SMTP back into Postfix, one copy in each member's Maildir with
# the subject tag and the list's header fields; spool/1 and seq = 1.
#
# usage: t10-post.sh PREFIX

. "$(dirname "$0")/lib.sh"
e2e_init "$1"
e2e_site
e2e_newml ml@example.org
MEMBERS="alice@example.net bob@example.net carol@example.net"
e2e_add $MEMBERS || bail "no members"

out=$(as_owner "$PREFIX/bin/makefml" check 2>&1)
check "makefml check finds nothing missing in the private Postfix" \
    [ $? -eq 0 ] || diag "$out"

ALIASES=$HOME_PREFIX/etc/mail/aliases
check "the aliases file sends ml to the list's include file" \
    grep -q '^ml:[ 	]*:include:' "$ALIASES"
include=$(sed -n 's/^ml:[ 	]*:include:[ 	]*//p' "$ALIASES" | head -n 1)
check "the include file runs distribute" \
    grep -q "$PREFIX/libexec/mlm/distribute" "$include"

e2e_mail "Alice <alice@example.net>" ml@example.org "hello list" \
    "post1.$$@example.net" "the first post to the list." > "$T/post"
check "SMTP accepts the post for ml@example.org" \
    pf_send "$PF" "$T/post" alice@example.net ml@example.org

arrived=yes
wait_all 1 30 $MEMBERS || arrived=no
pf_wait_queue "$PF" 30
sleep 1
if [ $arrived = yes ]; then
	ok "every member got the post"
else
	not_ok "every member got the post"
	diag_logs
fi
check "the alias command was delivered, not bounced or deferred" \
    grep -q 'to=<ml@example.org>.*status=sent (delivered to command' \
    "$PF/maillog"

body=$(sed '1,/^$/d' "$T/post")
for m in $MEMBERS; do
	n=$(pf_count "$PF" "$m")
	check "$m has exactly one copy" [ "$n" -eq 1 ] || continue
	f=$(pf_messages "$PF" "$m")
	subject=$(header "$f" Subject)
	check "$m: Subject is tagged [ml:00001]" \
	    [ "$subject" = "[ml:00001] hello list" ] || diag "got: $subject"
	check "$m: X-ML-Name: ml" [ "$(header "$f" X-ML-Name)" = ml ]
	check "$m: X-Mail-Count: 1" [ "$(header "$f" X-Mail-Count)" = 1 ]
	check "$m: List-Id present" has_header "$f" List-Id
	check "$m: one Subject field" [ "$(header_count "$f" Subject)" = 1 ]
	check "$m: the body is unchanged" \
	    [ "$(sed '1,/^$/d' "$f")" = "$body" ]
done

s=$(spool_file 1)
check "spool/1 exists" [ -n "$s" ]
[ -n "$s" ] && check "spool/1 is tagged" \
    [ "$(header "$s" Subject)" = "[ml:00001] hello list" ]
check "seq is 1" [ "$(seq_of)" = 1 ]
check "the spool holds one article" [ "$(spool_count)" -eq 1 ]
done_testing
