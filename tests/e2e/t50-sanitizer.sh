#!/bin/sh
# t50-sanitizer - the pipe programs under Postfix never turn into bounces
#
# A post, a command mail and a bounce go through Postfix to distribute,
# command and error. In a sanitizer build (SAN=1) a leak report or a
# sanitizer message must not make Postfix bounce or defer the mail: the
# log must show three deliveries to commands and no failure.
#
# usage: t50-sanitizer.sh PREFIX

. "$(dirname "$0")/lib.sh"
e2e_init "$1"
e2e_site
e2e_newml ml@example.org
MEMBERS="alice@example.net bob@example.net carol@example.net"
e2e_add $MEMBERS || bail "no members"
if grep -aq __asan_init "$PREFIX/libexec/mlm/distribute"; then
	echo "# $T_NAME: a sanitizer build"
else
	echo "# $T_NAME: not a sanitizer build"
fi

e2e_mail alice@example.net ml@example.org "under the sanitizer" \
    "san.$$@example.net" > "$T/post"
check "SMTP accepts the post" \
    pf_send "$PF" "$T/post" alice@example.net ml@example.org

{
	printf 'From: alice@example.net\nTo: ml-ctl@example.org\n'
	printf 'Subject: commands\nMessage-ID: <ctl.%s@example.net>\n' $$
	printf 'Date: %s\n\nhelp\n' \
	    "$(LC_ALL=C date '+%a, %d %b %Y %H:%M:%S %z')"
} > "$T/ctl"
check "SMTP accepts the command mail" \
    pf_send "$PF" "$T/ctl" alice@example.net ml-ctl@example.org

cat > "$T/dsn" <<EOF
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: ml-error@example.org
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn.$$@mx.example.net>
Date: $(LC_ALL=C date '+%a, %d %b %Y %H:%M:%S %z')
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="B.$$"

--B.$$
Content-Type: text/plain

The mail could not be delivered to gone@example.net.

--B.$$
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; gone@example.net
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <gone@example.net>: user unknown

--B.$$--
EOF
check "SMTP accepts the bounce" pf_send "$PF" "$T/dsn" "" ml-error@example.org

wait_all 1 30 $MEMBERS
pf_wait_queue "$PF" 30
sleep 2
pf_wait_queue "$PF" 30

n=$(grep -c 'status=sent (delivered to command' "$PF/maillog")
check "three deliveries to the pipe programs" [ "$n" -ge 3 ] || diag_logs
check "no mail bounced" \
    sh -c "! grep -q 'status=bounced' '$PF/maillog'"
check "no delivery to a command was deferred" \
    sh -c "! grep -q 'relay=local.*status=deferred' '$PF/maillog'"
check "no sanitizer report reached the MTA" \
    sh -c "! grep -qiE 'sanitizer|runtime error|Command died' '$PF/maillog'"
for m in $MEMBERS; do
	got=no
	for f in $(pf_messages "$PF" "$m"); do
		[ "$(header "$f" X-ML-Name)" = ml ] && got=yes
	done
	check "$m got the post" [ $got = yes ]
done
done_testing
