#!/bin/sh
# t70-bounce - a member whose mailbox does not exist leaves the list
#
# ghost@example.net is a member without a Maildir. The private Postfix
# accepts its RCPT (smtpd_reject_unlisted_recipient = no), then bounces
# each post back to the VERP address ml-error+ghost=example.net@example.org
# (use_verp = yes, one XVERP transaction), which runs the error
# program. The clock moves one day per post: MLM_NOW reaches the pipe
# programs through Postfix's import_environment and export_environment
# (read when Postfix starts, so it is restarted for each day).
# With error_mail_analyzer_day_limit = 3, ghost is still a member after
# two days and removed on the third; the maintainer gets one summary.
# Then phantom@example.net, also without a mailbox, is refused by
# Postfix at RCPT time (550 5.1.1): the refusal counts like a bounce,
# and phantom leaves on the third day of it, with a second summary.
# Soft reports for alice, a live member, never count; she stays.
#
# usage: t70-bounce.sh PREFIX

. "$(dirname "$0")/lib.sh"
e2e_init "$1"
e2e_site
e2e_newml ml@example.org
e2e_config use_verp yes
e2e_config error_mail_analyzer_day_limit 3
e2e_add alice@example.net ghost@example.net || bail "no members"
pf_postconf "$PF" smtpd_reject_unlisted_recipient=no ||
    bail "postconf smtpd_reject_unlisted_recipient"

# wait_log - wait until the list log has a line matching a pattern
wait_log()
{
	w_n=0
	while [ $w_n -lt 60 ]; do
		grep -q "$1" "$MLD/log" 2>/dev/null && return 0
		sleep 0.5
		w_n=$((w_n + 1))
	done
	return 1
}

# post_day - post on day D of the simulated clock
post_day()
{
	p_now=$((DAY0 + $1 * 86400))
	pf_postconf "$PF" "import_environment=MAIL_CONFIG MAIL_DEBUG \
MAIL_LOGTAG TZ LANG=C MLM_NOW=$p_now" \
	    "export_environment=TZ MAIL_CONFIG LANG MLM_NOW" &&
	    pf_stop "$PF" && pf_start "$PF" || bail "restart with MLM_NOW"
	e2e_mail "Alice <alice@example.net>" ml@example.org "day $1" \
	    "day$1.$$@example.net" "post of day $1." > "$T/post$1"
	check "day $1: SMTP accepts the post" \
	    pf_send "$PF" "$T/post$1" alice@example.net ml@example.org
	check "day $1: alice got the post" \
	    pf_wait_mail "$PF" alice@example.net "$1" 30
}

DAY0=$(( $(date +%s) / 86400 * 86400 + 43200 ))
for d in 1 2; do
	post_day $d
	if wait_log "bounce ghost@example.net 5\.[0-9.]* hard: failed on $d"
	then
		ok "day $d: the bounce for ghost counted day $d"
	else
		not_ok "day $d: the bounce for ghost counted day $d"
		diag_logs
	fi
done
check "the bounce came back to the VERP address" \
    grep -q 'to=<ml-error+ghost=example.net@example.org>' "$PF/maillog"
list=$(as_owner "$PREFIX/bin/makefml" list ml@example.org recipient)
check "after two days ghost is still a recipient" \
    sh -c "printf '%s\n' '$list' | grep -qx ghost@example.net"
table=$(as_owner env MLM_NOW=$((DAY0 + 2 * 86400)) "$PREFIX/bin/makefml" \
    error ml@example.org)
check "makefml error shows ghost with 2 days" \
    sh -c "printf '%s\n' '$table' | grep -q '^ghost@example.net	2	5\.'" ||
    diag "$table"

post_day 3
if wait_log "removed ghost@example.net"; then
	ok "day 3: ghost was removed"
else
	not_ok "day 3: ghost was removed"
	diag_logs
fi
list=$(as_owner "$PREFIX/bin/makefml" list ml@example.org member)
check "ghost is no longer a member" \
    sh -c "! printf '%s\n' '$list' | grep -qx ghost@example.net"
check "alice is still a member" \
    sh -c "printf '%s\n' '$list' | grep -qx alice@example.net"
if pf_wait_mail "$PF" admin@example.net 1 30; then
	ok "the maintainer got a summary"
else
	not_ok "the maintainer got a summary"
	diag_logs
fi
f=$(pf_messages "$PF" admin@example.net | head -n 1)
check "the summary names ghost" grep -q 'ghost@example\.net' "$f"
check "the summary says what it is" \
    sh -c "grep -i '^Subject:' '$f' | grep -q 'removed'"

post_day 4
pf_wait_queue "$PF" 30
sleep 1
check "day 4: ghost is not sent to" \
    sh -c "! grep -q 'to=<ghost@example.net>.*day4' '$PF/maillog'"
check "the maintainer got one summary only" \
    [ "$(pf_count "$PF" admin@example.net)" -eq 1 ]
check "nobody answered a bounce" \
    sh -c "! grep -q 'from=<ml-admin@example.org>.*to=<MAILER-DAEMON' \
'$PF/maillog'"
# phantom@example.net has no mailbox either, but now Postfix refuses it
# at RCPT time (550 5.1.1): the delivery itself books the refusal.
pf_postconf "$PF" smtpd_reject_unlisted_recipient=yes ||
    bail "postconf smtpd_reject_unlisted_recipient"
e2e_add phantom@example.net || bail "phantom not added"
for d in 5 6; do
	post_day $d
	n=$((d - 4))
	if wait_log "bounce phantom@example.net 5\.1\.1 hard: failed on $n"
	then
		ok "day $d: the refusal of phantom counted"
	else
		not_ok "day $d: the refusal of phantom counted"
		diag_logs
	fi
done
post_day 7
if wait_log "removed phantom@example.net"; then
	ok "day 7: phantom was removed"
else
	not_ok "day 7: phantom was removed"
	diag_logs
fi
check "a second summary on another day" \
    pf_wait_mail "$PF" admin@example.net 2 30
f=$(pf_messages "$PF" admin@example.net | tail -n 1)
check "the second summary names phantom" grep -q 'phantom@example\.net' "$f"

# A delay warning and a full mailbox for alice, many times: never counted.
cat > "$T/soft" <<'MAIL'
From: MAILER-DAEMON@mx.example.net
To: ml-error@example.org
Subject: Warning: could not send message for past 4 hours
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="s"

--s
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; alice@example.net
Action: delayed
Status: 4.4.7

--s--
MAIL
cat > "$T/full" <<'MAIL'
From: MAILER-DAEMON@mx.example.net
To: ml-error@example.org
Subject: Returned mail

<alice@example.net>: the recipient's mailbox is full

MAIL
RECIPIENT=ml-error@example.org
export RECIPIENT
soft_ok=yes
for i in 1 2 3 4 5 6; do
	e2e_pipe "$T/soft" "$PREFIX/libexec/mlm/error" ml@example.org ||
	    soft_ok=no
	e2e_pipe "$T/full" "$PREFIX/libexec/mlm/error" ml@example.org ||
	    soft_ok=no
done
check "error takes delay warnings and full mailboxes (exit 0)" \
    [ $soft_ok = yes ]
check "the full mailbox was logged as soft" \
    grep -q "bounce alice@example.net 4\.x\.y soft: not counted" "$MLD/log"
table=$(as_owner "$PREFIX/bin/makefml" error ml@example.org)
check "no bounce record for alice" \
    sh -c "! printf '%s\n' '$table' | grep -q '^alice@'"
list=$(as_owner "$PREFIX/bin/makefml" list ml@example.org member)
check "alice is still a member after soft bounces" \
    sh -c "printf '%s\n' '$list' | grep -qx alice@example.net"
done_testing
