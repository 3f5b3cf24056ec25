#!/bin/sh
# t91-moderation - a moderated list: approve by reply, reject by reply,
# and the owner's makefml isolated / approve / discard
#
# With article_post_restrictions = permit_forward_to_moderator every
# post waits for carol, the moderator: her reply to the request
# distributes the post, a reply saying "reject" refuses it and tells
# the sender. Then posts held in the quarantine are listed, approved
# and discarded with makefml. The request shows an encoded Subject
# decoded.
#
# usage: t91-moderation.sh PREFIX

. "$(dirname "$0")/lib.sh"
e2e_init "$1"
e2e_site
e2e_newml ml@example.org
e2e_add alice@example.net bob@example.net || bail "no members"
e2e_config article_post_restrictions \
    "reject_system_special_accounts permit_forward_to_moderator"
out=$(as_owner "$PREFIX/bin/makefml" addmoderator "$ML" carol@example.net \
    2>&1)
check "makefml addmoderator" [ $? -eq 0 ]
CTL=ml-ctl@example.org

# reply_to FILE BODY - carol's reply to a moderation request
reply_to()
{
	r_subj=$(header "$1" Subject)
	{
		printf 'From: carol@example.net\nTo: %s\n' "$(header "$1" \
		    Reply-To)"
		printf 'Subject: Re: %s\nMessage-ID: <r.%s@example.net>\n\n' \
		    "$r_subj" "$(date +%s%N)"
		printf '%s\n\n' "$2"
		sed -e '1,/^$/d' -e 's/^/> /' "$1"
	} > "$T/reply"
	pf_send "$PF" "$T/reply" carol@example.net "$(header "$1" Reply-To)"
}

e2e_mail bob@example.net ml@example.org "moderated one" \
    "m1.$$@example.net" > "$T/p1"
pf_send "$PF" "$T/p1" bob@example.net ml@example.org
if pf_wait_mail "$PF" carol@example.net 1 30; then
	ok "the moderator got the post"
else
	bail "the moderator got the post"
fi
req=$(pf_messages "$PF" carol@example.net | tail -n 1)
case $(header "$req" Subject) in
"confirm moderate "?*)	ok "the request has a moderate token" ;;
*)			not_ok "the request has a moderate token" ;;
esac
check "nothing was distributed yet" [ "$(seq_of)" = "0" -o -z "$(seq_of)" ]
check "the post is attached" grep -q 'm1\.'"$$"'@example\.net' "$req"
check "makefml isolated lists it" sh -c "$(printf '%s' \
    "MLM_CONFIG_DIR='$SITE' '$PREFIX/bin/makefml' isolated '$ML'") |
    grep -q 'moderated one'"
reply_to "$req" "Fine with me."
if wait_all 1 30 alice@example.net; then
	ok "approved by reply: alice got the post"
else
	not_ok "approved by reply: alice got the post"
	diag_logs
fi
check "the post is article 1" [ "$(seq_of)" = 1 ]

e2e_mail bob@example.net ml@example.org "moderated two" \
    "m2.$$@example.net" > "$T/p2"
pf_send "$PF" "$T/p2" bob@example.net ml@example.org
pf_wait_mail "$PF" carol@example.net 3 30
req=$(grep -l 'm2\.'"$$"'@example\.net' $(pf_messages "$PF" \
    carol@example.net) | tail -n 1)
check "the second request came" [ -n "$req" ]
before=$(pf_count "$PF" bob@example.net)
reply_to "$req" "reject"
if pf_wait_mail "$PF" bob@example.net $((before + 1)) 30; then
	ok "rejected by reply: bob was told"
else
	not_ok "rejected by reply: bob was told"
	diag_logs
fi
note=$(pf_messages "$PF" bob@example.net | tail -n 1)
check "the notice says so" grep -q 'not accepted' "$note"
pf_wait_queue "$PF" 30
check "no article for the rejected post" [ "$(seq_of)" = 1 ]
check "alice got nothing more" [ "$(pf_count "$PF" alice@example.net)" -eq 1 ]

# the owner's verbs
for i in 3 4; do
	e2e_mail bob@example.net ml@example.org "held $i" \
	    "m$i.$$@example.net" > "$T/p$i"
	pf_send "$PF" "$T/p$i" bob@example.net ml@example.org
done
pf_wait_queue "$PF" 30
sleep 1
list=$(as_owner "$PREFIX/bin/makefml" isolated "$ML")
id3=$(printf '%s\n' "$list" | awk -F '\t' '$4 == "held 3" { print $1 }')
id4=$(printf '%s\n' "$list" | awk -F '\t' '$4 == "held 4" { print $1 }')
check "makefml isolated shows both" [ -n "$id3" -a -n "$id4" ]
check "makefml approve" as_owner "$PREFIX/bin/makefml" approve "$ML" "$id3" \
    >/dev/null
check "approve distributed it" [ "$(seq_of)" = 2 ]
check "makefml discard" as_owner "$PREFIX/bin/makefml" discard "$ML" "$id4" \
    >/dev/null
check "discard distributed nothing" [ "$(seq_of)" = 2 ]
check "a discarded id is gone" \
    sh -c "! MLM_CONFIG_DIR='$SITE' '$PREFIX/bin/makefml' approve '$ML' \
    '$id4' 2>/dev/null"
check "the quarantine is empty" \
    [ -z "$(as_owner "$PREFIX/bin/makefml" isolated "$ML")" ]
wait_all 2 30 alice@example.net
check "alice got the approved post" \
    [ "$(pf_count "$PF" alice@example.net)" -eq 2 ]

# the moderator reads an encoded Subject decoded
before=$(pf_count "$PF" carol@example.net)
e2e_mail bob@example.net ml@example.org "=?UTF-8?B?Y2Fmw6kgbmV3cw==?=" \
    "m5.$$@example.net" > "$T/p5"
pf_send "$PF" "$T/p5" bob@example.net ml@example.org
pf_wait_mail "$PF" carol@example.net $((before + 1)) 30
req=$(grep -l 'm5\.'"$$"'@example\.net' $(pf_messages "$PF" \
    carol@example.net) | tail -n 1)
check "the request shows the Subject decoded" [ "$(python3 - "$req" <<'PY'
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
t = next(p for p in m.walk() if p.get_content_type() == "text/plain")
print("Subject: caf\u00e9 news" in t.get_payload(decode=True).decode(
    t.get_content_charset() or "ascii", "replace"))
PY
)" = True ]
done_testing
