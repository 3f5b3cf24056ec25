#!/bin/sh
# t90-command - joining, leaving and fetching by mail, through Postfix
#
# alice subscribes to ml-ctl, confirms by replying to the confirmation
# request, gets the welcome and the next post; a forged subscribe and a
# forged unsubscribe change nothing; an HTML-only mail and a mail with
# a signature are read as a person reads them; an autoresponder gets no
# answer; "get 1-3" returns three articles; alice leaves the same way.
# A huge line, an admin password and a second help are not repeated in
# an answer; mail From the list's own address gets no answer; a code
# older than confirm_lifetime is answered as expired.
#
# usage: t90-command.sh PREFIX

. "$(dirname "$0")/lib.sh"
e2e_init "$1"
e2e_site
e2e_newml ml@example.org
e2e_add bob@example.net || bail "no members"
CTL=ml-ctl@example.org
N=0

# cmd_mail FROM SUBJECT [HEADER] - a command mail, body on stdin
cmd_mail()
{
	N=$((N + 1))
	printf 'From: %s\nTo: %s\nSubject: %s\n' "$1" "$CTL" "$2"
	printf 'Message-ID: <cmd%d.%d@example.net>\n' "$N" $$
	printf 'Date: %s\n' "$(LC_ALL=C date '+%a, %d %b %Y %H:%M:%S %z')"
	[ -n "${3:-}" ] && printf '%s\n' "$3"
	printf '\n'
	cat
}

# find_mail ADDR REGEX - the newest message of ADDR whose header matches
find_mail()
{
	f_found=
	for f in $(pf_messages "$PF" "$1"); do
		sed '/^$/q' "$f" | grep -Eqi "$2" && f_found=$f
	done
	[ -n "$f_found" ] && echo "$f_found"
}

# is_member ADDR / not_member ADDR - whether ADDR is a member
is_member()
{
	as_owner "$PREFIX/bin/makefml" list "$ML" member 2>/dev/null |
	    grep -qix "$1"
}
not_member()
{
	! is_member "$1"
}

# wait_for ADDR N WHAT - wait for the Nth message of ADDR
wait_for()
{
	if pf_wait_mail "$PF" "$1" "$2" 30; then
		ok "$3"
	else
		not_ok "$3"
		diag_logs
	fi
}

# subscribe, confirm by replying
printf 'subscribe\n' | cmd_mail alice@example.net "join" > "$T/m1"
check "SMTP accepts the subscribe mail" \
    pf_send "$PF" "$T/m1" alice@example.net "$CTL"
wait_for alice@example.net 1 "alice got the confirmation request"
req=$(find_mail alice@example.net '^Subject: confirm subscribe ')
tok=$(header "$req" Subject | awk '{print $3}')
rt=$(header "$req" Reply-To)
check "the request has a token" [ -n "$tok" ]
check "the request is From -admin" \
    [ "$(header "$req" From)" = admin@example.net ]
check "the Reply-To carries the token" \
    [ "$rt" = "ml-ctl+confirm-subscribe-$tok@example.org" ]
check "the request is marked auto-replied" \
    [ "$(header "$req" Auto-Submitted)" = auto-replied ]
check "alice is not a member yet" not_member alice@example.net
{
	printf 'Yes, please.\n\n'
	sed -e '1,/^$/d' -e 's/^/> /' "$req"
} | cmd_mail alice@example.net "Re: confirm subscribe $tok" > "$T/m2"
check "SMTP accepts the reply" \
    pf_send "$PF" "$T/m2" alice@example.net "$rt"
wait_for alice@example.net 3 "alice got the welcome and the results"
check "the welcome came" \
    test -n "$(find_mail alice@example.net '^Subject: Welcome')"
check "alice is a member" is_member alice@example.net

e2e_mail bob@example.net ml@example.org "first post" "p1.$$@example.net" \
    > "$T/p1"
pf_send "$PF" "$T/p1" bob@example.net ml@example.org
wait_for alice@example.net 4 "alice got the next post"
check "the post is article 1" [ "$(seq_of)" = 1 ]

# the same token again changes nothing
pf_send "$PF" "$T/m2" alice@example.net "$CTL"
wait_for alice@example.net 5 "a used token gets an answer"
used=$(find_mail alice@example.net '^Subject: Results')
check "the answer says the code was used" grep -q 'used already' "$used"

# forged subscribe and unsubscribe
printf 'subscribe\n' | cmd_mail carol@example.net "join" > "$T/f1"
pf_send "$PF" "$T/f1" dave@example.net "$CTL"
wait_for carol@example.net 1 "carol, not dave, got the request"
printf 'unsubscribe\n' | cmd_mail bob@example.net "leave" > "$T/f2"
pf_send "$PF" "$T/f2" dave@example.net "$CTL"
wait_for bob@example.net 2 "bob, not dave, got the request"
printf 'confirm subscribe 0123456789abcdef0123456789abcdef\n' |
    cmd_mail dave@example.net "guess" > "$T/f3"
pf_send "$PF" "$T/f3" dave@example.net "$CTL"
wait_for dave@example.net 1 "dave's guessed token gets an answer"
pf_wait_queue "$PF" 30
check "carol was not subscribed" not_member carol@example.net
check "bob is still a member" is_member bob@example.net
check "dave was not subscribed" not_member dave@example.net

# carol answers the forged request with "No, thanks." and the quoted
# request, as a mail client replies: she is not subscribed, and the
# code cannot be used afterwards
pf_wait_queue "$PF" 30
req=$(find_mail carol@example.net '^Subject: confirm subscribe ')
ctok=$(header "$req" Subject | awk '{print $3}')
crt=$(header "$req" Reply-To)
{
	printf 'No, thanks.\n\n'
	sed -e '1,/^$/d' -e 's/^/> /' "$req"
} | cmd_mail carol@example.net "Re: confirm subscribe $ctok" > "$T/f4"
before=$(pf_count "$PF" carol@example.net)
pf_send "$PF" "$T/f4" carol@example.net "$crt"
wait_for carol@example.net $((before + 1)) "carol's no gets an answer"
no=$(pf_messages "$PF" carol@example.net | tail -n 1)
check "the answer says nothing was changed" \
    grep -q 'nothing was changed' "$no"
check "carol saying no was not subscribed" not_member carol@example.net

# HTML only; a signature
N=$((N + 1))
{
	printf 'From: carol@example.net\nTo: %s\nSubject: hi\n' "$CTL"
	printf 'Message-ID: <html.%d@example.net>\nMIME-Version: 1.0\n' $$
	printf 'Content-Type: text/html; charset=UTF-8\n\n'
	printf '<html><head><style>p{}</style></head><body><div>guide'
	printf '</div><div><br></div></body></html>\n'
} > "$T/h1"
pf_wait_queue "$PF" 30
before=$(pf_count "$PF" carol@example.net)
pf_send "$PF" "$T/h1" carol@example.net "$CTL"
wait_for carol@example.net $((before + 1)) "the HTML-only mail was answered"
html=$(pf_messages "$PF" carol@example.net | tail -n 1)
check "the answer holds the guide" grep -q '^>>> guide' "$html"
check "nothing from the HTML was unknown" \
    sh -c "! grep -q 'Not understood' '$html'"
printf 'objective\n-- \nunsubscribe\nBob\n' |
    cmd_mail bob@example.net "purpose" > "$T/s1"
pf_send "$PF" "$T/s1" bob@example.net "$CTL"
wait_for bob@example.net 3 "the mail with a signature was answered"
sig=$(pf_messages "$PF" bob@example.net | tail -n 1)
check "only the line above the signature was read" \
    sh -c "grep -q '^>>> objective' '$sig' && ! grep -q 'unsubscribe\$' '$sig'"

# autoresponder
printf 'I am away.\nhelp\n' | cmd_mail dave@example.net "Out of office" \
    "Auto-Submitted: auto-replied" > "$T/a1"
pf_send "$PF" "$T/a1" dave@example.net "$CTL"
pf_wait_queue "$PF" 30
sleep 2
check "the autoresponder got no answer" \
    [ "$(pf_count "$PF" dave@example.net)" -eq 1 ]
check "the skip was logged" grep -q 'not answered: Auto-Submitted' "$MLD/log"

# get 1-3
for i in 2 3; do
	e2e_mail bob@example.net ml@example.org "post $i" "p$i.$$@example.net" \
	    > "$T/p$i"
	pf_send "$PF" "$T/p$i" bob@example.net ml@example.org
done
wait_for alice@example.net 7 "alice got posts 2 and 3"
printf 'get 1-3\n' | cmd_mail alice@example.net "articles" > "$T/g1"
pf_send "$PF" "$T/g1" alice@example.net "$CTL"
wait_for alice@example.net 8 "get 1-3 was answered"
got=$(find_mail alice@example.net '^Subject: Results')
check "three articles as message/rfc822 parts" [ "$(python3 - "$got" <<'PY'
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
print(sum(1 for p in m.walk() if p.get_content_type() == "message/rfc822"))
PY
)" = 3 ]

# unsubscribe, confirmed by a reply to the command address
printf 'unsubscribe\n' | cmd_mail alice@example.net "leave" > "$T/u1"
pf_send "$PF" "$T/u1" alice@example.net "$CTL"
wait_for alice@example.net 9 "alice got the unsubscribe request"
req=$(find_mail alice@example.net '^Subject: confirm unsubscribe ')
tok=$(header "$req" Subject | awk '{print $3}')
printf 'ok\n' | cmd_mail alice@example.net "RE: confirm unsubscribe $tok" \
    > "$T/u2"
pf_send "$PF" "$T/u2" alice@example.net "$CTL"
wait_for alice@example.net 11 "alice got the goodbye and the results"
check "the goodbye came" \
    test -n "$(find_mail alice@example.net '^Subject: Goodbye')"
check "alice is no longer a member" \
    not_member alice@example.net

# a huge line and an admin password with blanks are not sent back;
# help asked for twice is sent once
{
	head -c 5000 /dev/zero | tr '\0' x
	printf '\nadmin pass correct horse battery staple now\nhelp\nHELP\n'
} | cmd_mail carol@example.net "long" > "$T/l1"
pf_wait_queue "$PF" 30
before=$(pf_count "$PF" carol@example.net)
pf_send "$PF" "$T/l1" carol@example.net "$CTL"
wait_for carol@example.net $((before + 1)) \
    "the mail with a huge line was answered"
long=$(pf_messages "$PF" carol@example.net | tail -n 1)
check "no line of the answer is longer than 998 bytes" \
    [ "$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' \
    "$long")" -le 998 ]
check "the password is not in the answer" \
    sh -c "! grep -q 'battery' '$long'"
check "the help text is in the answer once" \
    [ "$(grep -c '^This is the command address' "$long")" -eq 1 ]

# mail From the list's own address, or without a From, is not answered
printf 'help\n' | cmd_mail ml@example.org "own" > "$T/o1"
pf_send "$PF" "$T/o1" dave@example.net "$CTL"
printf 'help\n' | cmd_mail 'undisclosed-recipients:;' "none" > "$T/o2"
pf_send "$PF" "$T/o2" dave@example.net "$CTL"
pf_wait_queue "$PF" 30
check "mail From the list's address is not answered" \
    grep -q "from ml@example.org not answered: the list's own" "$MLD/log"
check "mail without a From is not answered" \
    sh -c "! grep -q 'reply sent to owner-' '$MLD/log'"

# a code older than confirm_lifetime is called expired
printf 'subscribe\n' | cmd_mail dave@example.net "join" > "$T/d1"
pf_send "$PF" "$T/d1" dave@example.net "$CTL"
wait_for dave@example.net 2 "dave got a confirmation request"
pf_wait_queue "$PF" 30
req=$(find_mail dave@example.net '^Subject: confirm subscribe ')
tok=$(header "$req" Subject | awk '{print $3}')
if command -v mdb_dump >/dev/null 2>&1 && command -v mdb_load >/dev/null 2>&1
then
	as_owner mdb_dump -p -s confirm "$MLD/var/db" |
	    sed -E 's/^ [0-9]{10}\\09/ 1000000000\\09/' > "$T/confirm.dump"
	check "the code was made old" \
	    as_owner mdb_load -s confirm -f "$T/confirm.dump" "$MLD/var/db" \
	    2>/dev/null
	printf 'ok\n' | cmd_mail dave@example.net "Re: confirm subscribe $tok" \
	    > "$T/d2"
	before=$(pf_count "$PF" dave@example.net)
	pf_send "$PF" "$T/d2" dave@example.net "$CTL"
	wait_for dave@example.net $((before + 1)) "the old code got an answer"
	old=$(pf_messages "$PF" dave@example.net | tail -n 1)
	check "the answer says the code has expired" \
	    grep -q 'has expired' "$old"
	check "dave was not subscribed by an old code" \
	    not_member dave@example.net
else
	echo "# skip $T_NAME: an expired code needs mdb_dump and mdb_load"
fi
# a bounce (null envelope sender) with a person's From reaches the
# program with its null sender (no owner-ML-ctl alias rewrites it) and
# is not answered
printf 'help\n' | cmd_mail erin@example.net "help" > "$T/null"
pf_send "$PF" "$T/null" "" "$CTL"
i=0
while ! grep -q 'not answered: null envelope sender' "$MLD/log" 2>/dev/null &&
    [ $i -lt 30 ]; do
	sleep 1
	i=$((i + 1))
done
check "a null-sender mail to ml-ctl is not answered" \
    grep -q 'from <> not answered: null envelope sender' "$MLD/log"
done_testing
