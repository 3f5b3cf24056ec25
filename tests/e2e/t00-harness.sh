#!/bin/sh
# t00-harness - the private Postfix of the tests works, without mlm
#
# Mail in over SMTP on 127.0.0.1:PORT, an alias with an :include: file
# whose command runs as the file's owner with Postfix's environment, the
# command re-injecting over SMTP, delivery to a Maildir, address
# extensions, no relaying, nothing listening beyond 127.0.0.1, and the
# instance stopping by itself when its shell exits.
#
# usage: t00-harness.sh [PREFIX]	(PREFIX is not used)

. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "# skip $T_NAME: a private Postfix needs root"
	exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/mlm-e2e.XXXXXX") || bail "mktemp"
chmod 755 "$T"
pf_atexit "rm -rf '$T'"
USER_=daemon
UID_=$(id -u $USER_) || bail "no account $USER_"

PF=$T/postfix
pf_init "$PF" || bail "pf_init"
PORT=$(pf_port "$PF")
pf_add_mailbox "$PF" out@example.net || bail "pf_add_mailbox"

mkdir "$T/h"
cat > "$T/h/pipe.sh" <<EOF
#!/bin/sh
out=$T/h/out.\$\$
{ id -u; echo "\$SENDER"; echo "\$RECIPIENT"; echo "\$EXTENSION"; \
    echo "\${ASAN_OPTIONS:-none}"; } > \$out.tmp
cat > \$out.msg
mv \$out.tmp \$out.env
sed 1d \$out.msg | /usr/bin/swaks --silent 3 --server 127.0.0.1:$PORT \\
    --from "\$SENDER" --to out@example.net --data - || exit 75
EOF
echo "\"|/bin/sh $T/h/pipe.sh\"" > "$T/h/include"
chown -R $USER_ "$T/h"
echo "harness: :include:$T/h/include" > "$T/aliases"
postalias -c "$(pf_conf "$PF")" "hash:$T/aliases" || bail "postalias"
pf_add_alias_map "$PF" "$T/aliases" || bail "pf_add_alias_map"
export ASAN_OPTIONS=caller
pf_start "$PF" || bail "pf_start"
unset ASAN_OPTIONS
ok "private Postfix started on 127.0.0.1:$PORT"

# Nothing of this instance listens beyond 127.0.0.1.
master=$(tr -dc 0-9 < "$PF/spool/pid/master.pid")
socks=$(ss -Hltnp 2>/dev/null | grep "pid=$master,")
wide=$(printf '%s\n' "$socks" | awk '$4 !~ /^127\.0\.0\.1:/' | grep -c .)
if [ -n "$socks" ] && [ "$wide" -eq 0 ]; then
	ok "the instance listens on 127.0.0.1 only"
else
	not_ok "the instance listens on 127.0.0.1 only"
	diag "$socks"
fi

# Two posts: to the alias and to an extension of it.
for rcpt in harness@example.org harness+ext@example.org; do
	e2e_mail sender@example.net "$rcpt" "harness test to $rcpt" \
	    "$rcpt.$$@example.net" > "$T/post"
	check "SMTP accepts mail for $rcpt" \
	    pf_send "$PF" "$T/post" sender@example.net "$rcpt"
done

# Wait for both re-injected copies, then look at what the command saw.
if pf_wait_mail "$PF" out@example.net 2 30 && pf_wait_queue "$PF" 10; then
	ok "both copies re-injected over SMTP reached the Maildir"
else
	not_ok "both copies re-injected over SMTP reached the Maildir"
	diag_logs
fi
n=0
for env in "$T"/h/out.*.env; do
	[ -f "$env" ] || continue
	n=$((n + 1))
	uid=$(sed -n 1p "$env")
	sender=$(sed -n 2p "$env")
	rcpt=$(sed -n 3p "$env")
	ext=$(sed -n 4p "$env")
	asan=$(sed -n 5p "$env")
	msg=${env%.env}.msg
	check "the command for $rcpt ran as the include file's owner" \
	    [ "$uid" = "$UID_" ]
	check "SENDER is the envelope sender" [ "$sender" = sender@example.net ]
	check "the environment is Postfix's, not the caller's" \
	    [ "$asan" = none ]
	check "the mail starts with a From_ line" \
	    grep -q '^From sender@example.net ' "$msg"
	case $rcpt in
	harness+ext@*)	check "EXTENSION of $rcpt is ext" [ "$ext" = ext ] ;;
	harness@*)	check "no EXTENSION for $rcpt" [ -z "$ext" ] ;;
	*)		not_ok "unexpected RECIPIENT $rcpt" ;;
	esac
done
check "the alias command ran twice" [ "$n" -eq 2 ]
subjects=$(for f in $(pf_messages "$PF" out@example.net); do
	header "$f" Subject; done | sort | tr '\n' '|')
want="harness test to harness+ext@example.org|"
want="${want}harness test to harness@example.org|"
check "the Maildir holds the two posts" [ "$subjects" = "$want" ]

# Mail for any other domain is refused, not relayed.
e2e_mail sender@example.net nobody@example.com "relay" "r.$$@example.net" \
    > "$T/relay"
if pf_send "$PF" "$T/relay" sender@example.net nobody@example.com \
    2>/dev/null; then
	not_ok "mail for other domains is refused"
else
	check "mail for other domains is refused" grep -q \
	    'reject: RCPT.*<nobody@example.com>.*delivers locally only' \
	    "$PF/maillog"
fi

# pf_stop stops it; a shell that exits stops its instance by itself.
pf_stop "$PF"
check "pf_stop stops the instance" \
    sh -c "! kill -0 $master 2>/dev/null"
sh -c ". '$LIB_E2E/../lib/postfix.sh'; pf_start '$T/p2' || exit 1;
    tr -dc 0-9 < '$T/p2/spool/pid/master.pid' > '$T/p2.pid'; exit 3"
p2=$(cat "$T/p2.pid" 2>/dev/null)
check "an instance stops when its shell exits" \
    sh -c "[ -n '$p2' ] && ! kill -0 '$p2' 2>/dev/null"
done_testing
