#!/bin/sh
# t80-mergeml - an fml4 list converted by makefml mergeml carries on
#
# Writes an fml4 list directory (config.ph in EUC-JP with CRLF lines,
# tag "(:)" with bracket "Old" and three digits, members and actives
# with a switched-off, a digest and an unsubscribed entry, seq 41,
# spool/40 and spool/41), converts it with makefml mergeml, and posts
# through the private Postfix: the active recipients get one copy
# tagged "(Old:042)", the off and digest members none, seq becomes 42
# and the old articles are byte for byte where they were. A second
# mergeml changes nothing; the fml4 directory is never changed.
#
# usage: t80-mergeml.sh PREFIX

. "$(dirname "$0")/lib.sh"
e2e_init "$1"
e2e_site

OLD=$T/fml4/ml
mkdir -p "$OLD/spool"
printf '%s\r\n' '# -*-Perl-*-' "# $(printf '\306\374\313\334\270\354')" \
    '$DOMAINNAME                    = "example.org";' \
    '$MAIL_LIST                     = "ml\@$DOMAINNAME";' \
    '$PERMIT_POST_FROM              = "members_only";' \
    '$REJECT_POST_HANDLER           = "reject";' \
    '$SUBJECT_TAG_TYPE              = "(:)";' \
    '$BRACKET                       = "Old";' \
    '$SUBJECT_FORM_LONG_ID          = 3;' \
    '$START_HOOK = q#$e{"x"} = 1;#;' '1;' > "$OLD/config.ph"
printf '%s\n' alice@example.net bob@example.net carol@example.net \
    dave@example.net '##BYE admin@example.net' > "$OLD/members"
printf '%s\n' '#.FML HEADER' '# e.g. x@y m=3u' '#.endFML HEADER' \
    'alice@example.net' 'Bob@Example.NET  # old spelling' \
    "$(printf '#\tcarol@example.net')" 'dave@example.net  m=3u' \
    '##BYE admin@example.net' > "$OLD/actives"
echo 41 > "$OLD/seq"
printf 'Subject: (Old:040) a\n\none\n' > "$OLD/spool/40"
printf 'Subject: (Old:041) b\n\ntwo\377\n' > "$OLD/spool/41"
printf '26/12/01 10:00:00 [41:alice@example.n] b\n' > "$OLD/summary"
chmod -R a+rX "$T/fml4"
before=$(cd "$OLD" && find . -type f | sort | xargs cat | cksum)

ML=ml@example.org
MLD=$HOME_PREFIX/ml
out=$(as_owner "$PREFIX/bin/makefml" mergeml "$ML" "$OLD" 2>&1)
check "makefml mergeml converts the fml4 list" [ $? -eq 0 ] || diag "$out"
check "the report names the hook with its line" \
    grep -q 'config.ph:10: START_HOOK' "$MLD/mergeml.report"
check "the report lists the fml4 alias keys to remove" \
    grep -q 'ml-ctl: :include:' "$MLD/mergeml.report"
pf_add_alias_map "$PF" "$HOME_PREFIX/etc/mail/aliases" ||
    bail "aliases of $ML into the private Postfix"
e2e_config smtp_servers "127.0.0.1:$PORT"
e2e_config maintainer admin@example.net

check "seq carried over" [ "$(seq_of)" = 41 ]
members=$(as_owner "$PREFIX/bin/makefml" list "$ML" member | sort |
    tr '\n' ' ')
want="alice@example.net bob@example.net carol@example.net dave@example.net "
check "every member may post (off and digest included)" \
    [ "$members" = "$want" ] || diag "got: $members"

e2e_mail "Alice <alice@example.net>" "$ML" "after the move" \
    "move.$$@example.net" "the first post after the move." > "$T/post"
check "SMTP accepts the post" \
    pf_send "$PF" "$T/post" alice@example.net "$ML"
if wait_all 1 30 alice@example.net bob@example.net; then
	ok "the active recipients got the post"
else
	not_ok "the active recipients got the post"
	diag_logs
fi
pf_wait_queue "$PF" 30
sleep 1
for m in alice@example.net bob@example.net; do
	n=$(pf_count "$PF" "$m")
	check "$m has exactly one copy" [ "$n" -eq 1 ] || continue
	f=$(pf_messages "$PF" "$m")
	s=$(header "$f" Subject)
	check "$m: the old tag format and the next number" \
	    [ "$s" = "(Old:042) after the move" ] || diag "got: $s"
done
check "the switched-off member got nothing" \
    [ "$(pf_count "$PF" carol@example.net)" -eq 0 ]
check "the digest member got no real-time copy" \
    [ "$(pf_count "$PF" dave@example.net)" -eq 0 ]
check "seq is 42" [ "$(seq_of)" = 42 ]
check "spool/42 is the new article" [ -n "$(spool_file 42)" ]
check "spool/41 is the old article, byte for byte" \
    cmp -s "$OLD/spool/41" "$(spool_file 41)"
check "the old summary line is kept" \
    grep -q '^26/12/01 10:00:00 \[41:' "$MLD/summary"

cf=$(cksum < "$MLD/config.cf")
out=$(as_owner "$PREFIX/bin/makefml" mergeml "$ML" "$OLD" 2>&1)
check "a second mergeml succeeds" [ $? -eq 0 ] || diag "$out"
check "a second mergeml keeps config.cf" \
    [ "$(cksum < "$MLD/config.cf")" = "$cf" ]
check "a second mergeml does not lower seq" [ "$(seq_of)" = 42 ]
after=$(cd "$OLD" && find . -type f | sort | xargs cat | cksum)
check "the fml4 directory is unchanged" [ "$before" = "$after" ]
done_testing
