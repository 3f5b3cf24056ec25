# postfix.sh - a private Postfix instance for tests (source this file)
#
# SYNOPSIS
#	. tests/lib/postfix.sh
#	pf_init DIR			write the configuration, do not start
#	pf_start DIR			pf_init if needed, start, wait for SMTP
#	pf_stop DIR
#	pf_reload DIR
#	pf_conf DIR			the instance's config_directory
#	pf_port DIR			the instance's SMTP port
#	pf_postconf DIR name=value ...	change main.cf (reload to apply)
#	pf_add_alias_map DIR FILE	hash:FILE in alias_maps, alias_database
#	pf_add_virtual_map DIR FILE	hash:FILE into virtual_alias_maps
#	pf_add_mailbox DIR ADDR ...	Maildirs for ADDRs (virtual domains)
#	pf_maildir DIR ADDR		print the Maildir of ADDR
#	pf_count DIR ADDR		print how many messages the Maildir has
#	pf_messages DIR ADDR		print their file names, oldest first
#	pf_wait_mail DIR ADDR N SECS	wait until the Maildir holds N messages
#	pf_wait_queue DIR SECS		wait until the instance's queue is empty
#	pf_queue_count DIR		print how many messages are queued
#	pf_send DIR FILE FROM RCPT ...	send FILE over SMTP to the instance
#	pf_log DIR			print the instance's mail log
#	pf_free_port			print a TCP port free on 127.0.0.1
#	pf_atexit COMMAND		run COMMAND when the shell exits
#
# DESCRIPTION
#	The instance lives in DIR: etc/ (config_directory), spool/
#	(queue_directory), data/, mailboxes/ (virtual_mailbox_base),
#	mail/ (mail_spool_directory of local users), maillog, port.
#	It listens on 127.0.0.1:PORT only (PF_PORT, or a free port),
#	delivers the domains in PF_LOCAL_DOMAINS (default example.org)
#	with local(8) through the alias maps added with pf_add_alias_map,
#	and the domains in PF_VIRTUAL_DOMAINS (default example.net) to
#	Maildirs. Commands in aliases and :include: files are allowed;
#	recipient_delimiter is "+". DNS is off and every other destination
#	is refused with an error transport, so no mail leaves the machine.
#	Queue retries are fast (1 s).
#
#	pf_start registers pf_stop with pf_atexit, so the instance stops
#	when the calling shell exits, also on INT, TERM or HUP. pf_atexit
#	runs its commands last registered first; a script that needs its
#	own clean-up registers it with pf_atexit instead of trap.
#
#	Needs root (Postfix's -c for a private instance), postfix,
#	postconf, postalias, postmap and python3.
#
# DIAGNOSTICS
#	Functions return non-zero and print "pf: ..." on standard error
#	when something fails.

PF__ATEXIT=
PF__TRAPPED=

# pf_atexit - run a command when the shell exits
pf_atexit()
{
	PF__ATEXIT="$1
$PF__ATEXIT"
	if [ -z "$PF__TRAPPED" ]; then
		PF__TRAPPED=1
		trap 'pf__run_atexit' EXIT
		trap 'exit 129' HUP
		trap 'exit 130' INT
		trap 'exit 143' TERM
	fi
}

# pf__run_atexit - the exit trap
pf__run_atexit()
{
	set +e
	pf__cmds=$PF__ATEXIT
	PF__ATEXIT=
	eval "$pf__cmds"
}

# pf__err - a diagnostic
pf__err()
{
	echo "pf: $*" >&2
}

# pf_free_port - a TCP port nothing listens on at 127.0.0.1
pf_free_port()
{
	python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# pf_conf - the instance's config_directory
pf_conf()
{
	echo "$1/etc"
}

# pf_port - the instance's SMTP port
pf_port()
{
	cat "$1/port"
}

# pf__settle - date main.cf back: Postfix programs pause for a fresh one
pf__settle()
{
	python3 -c '
import os, sys, time
t = time.time() - 10
os.utime(sys.argv[1], (t, t))' "$1/etc/main.cf"
}

# pf_postconf - change main.cf parameters
pf_postconf()
{
	pf__dir=$1
	shift
	postconf -c "$pf__dir/etc" -e "$@" && pf__settle "$pf__dir"
}

# pf__version - Postfix's compatibility level for this version
pf__compat()
{
	case $(postconf -d -h mail_version 2>/dev/null) in
	2.*|3.[0-5]|3.[0-5].*)	echo 2 ;;
	*)			echo 3.6 ;;
	esac
}

# pf_init - write the instance's configuration
pf_init()
{
	pf__dir=$1
	if [ -z "$pf__dir" ]; then
		pf__err "usage: pf_init DIR"
		return 2
	fi
	if [ -f "$pf__dir/etc/main.cf" ]; then
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		pf__err "a private Postfix instance needs root"
		return 1
	fi
	for pf__p in postfix postconf postalias postmap python3; do
		if ! command -v $pf__p >/dev/null 2>&1; then
			pf__err "$pf__p not found (run: sh scripts/deps)"
			return 1
		fi
	done

	mkdir -p "$pf__dir" || return 1
	pf__dir=$(cd "$pf__dir" && pwd -P)
	pf__port=${PF_PORT:-$(pf_free_port)} || return 1
	pf__uid=$(id -u postfix) || return 1
	pf__gid=$(id -g postfix) || return 1
	pf__daemons=$(postconf -d -h daemon_directory)
	pf__meta=$(postconf -d -h meta_directory)
	pf__shlib=$(postconf -d -h shlib_directory)
	pf__cmd=$(postconf -d -h command_directory)

	mkdir -p "$pf__dir/etc" "$pf__dir/spool" "$pf__dir/data" \
	    "$pf__dir/mailboxes" "$pf__dir/mail" || return 1
	chmod 755 "$pf__dir" "$pf__dir/etc" "$pf__dir/spool"
	chown "$pf__uid:$pf__gid" "$pf__dir/data" "$pf__dir/mailboxes"
	chmod 1777 "$pf__dir/mail"
	echo "$pf__port" > "$pf__dir/port"
	: > "$pf__dir/maillog"
	: > "$pf__dir/etc/vmailbox"

	cat > "$pf__dir/etc/main.cf" <<EOF
# Private Postfix instance for mlm tests. Listens on 127.0.0.1:$pf__port
# only; mail for any domain not named here is refused.
compatibility_level = $(pf__compat)
queue_directory = $pf__dir/spool
data_directory = $pf__dir/data
command_directory = $pf__cmd
daemon_directory = $pf__daemons
meta_directory = $pf__meta
shlib_directory = $pf__shlib
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = $pf__dir
maillog_file = $pf__dir/maillog

myhostname = mx.mlm-test.invalid
mydomain = mlm-test.invalid
myorigin = \$myhostname
mydestination = \$myhostname, localhost, ${PF_LOCAL_DOMAINS:-example.org}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks_style = host
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_banner = \$myhostname ESMTP mlm-test
relayhost =
default_transport = error:5.7.1 this test instance delivers locally only
relay_transport = error:5.7.1 this test instance delivers locally only
disable_dns_lookups = yes
smtp_dns_support_level = disabled
biff = no
append_dot_mydomain = no
notify_classes =

default_database_type = hash
alias_maps =
alias_database =
allow_mail_to_commands = alias, forward, include
allow_mail_to_files = alias, forward, include
recipient_delimiter = +
mail_spool_directory = $pf__dir/mail

virtual_mailbox_domains = ${PF_VIRTUAL_DOMAINS:-example.net}
virtual_mailbox_base = $pf__dir/mailboxes
virtual_mailbox_maps = hash:$pf__dir/etc/vmailbox
virtual_uid_maps = static:$pf__uid
virtual_gid_maps = static:$pf__gid
virtual_alias_maps =

queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
delay_warning_time = 0h
in_flow_delay = 0s
smtpd_error_sleep_time = 0s
EOF

	cat > "$pf__dir/etc/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:$pf__port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	pf__settle "$pf__dir"
	postmap -c "$pf__dir/etc" "hash:$pf__dir/etc/vmailbox" || return 1
}

# pf__running - is the instance's master running
pf__running()
{
	[ -f "$1/spool/pid/master.pid" ] || return 1
	pf__pid=$(tr -dc 0-9 < "$1/spool/pid/master.pid")
	[ -n "$pf__pid" ] && kill -0 "$pf__pid" 2>/dev/null
}

# pf__banner - wait for this instance's SMTP greeting
pf__banner()
{
	python3 - "$1" "$2" <<'EOF'
import socket, sys, time
port, limit = int(sys.argv[1]), time.time() + float(sys.argv[2])
while True:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        line = s.makefile("rb").readline()
        s.sendall(b"QUIT\r\n")
        s.close()
        sys.exit(0 if b"mx.mlm-test.invalid" in line else 3)
    except OSError:
        if time.time() > limit:
            sys.exit(1)
        time.sleep(0.1)
EOF
}

# pf__start1 - one attempt to start the instance: 0, or 1 to try again
pf__start1()
{
	if ! postfix -c "$1/etc" start >/dev/null 2>&1 &&
	    { tail -n 3 "$1/maillog" | grep -q 'Address already in use' ||
	    ! { postfix -c "$1/etc" set-permissions >/dev/null 2>&1 &&
	    postfix -c "$1/etc" start >/dev/null 2>&1; }; }; then
		pf__err "postfix start failed on port $(pf_port "$1"):"
		tail -n 5 "$1/maillog" >&2
		return 1
	fi
	pf__banner "$(pf_port "$1")" 10
	case $? in
	0)	return 0 ;;
	3)	pf__err "port $(pf_port "$1") answers, but not for us" ;;
	*)	pf__err "no SMTP greeting on port $(pf_port "$1")" ;;
	esac
	tail -n 5 "$1/maillog" >&2
	pf_stop "$1"
	return 1
}

# pf_start - start the instance and wait until it answers
#
# When the chosen port turns out to be taken, and PF_PORT does not fix
# it, another free port is tried, up to three times in all.
pf_start()
{
	pf_init "$1" || return 1
	pf__d=$(cd "$1" && pwd -P)
	if pf__running "$pf__d"; then
		return 0
	fi
	pf_atexit "pf_stop '$pf__d'"
	pf__try=1
	until pf__start1 "$pf__d"; do
		if [ -n "${PF_PORT:-}" ] || [ $pf__try -ge 3 ]; then
			return 1
		fi
		pf__try=$((pf__try + 1))
		pf__new=$(pf_free_port) || return 1
		sed "s/^127\.0\.0\.1:[0-9]* /127.0.0.1:$pf__new /" \
		    "$pf__d/etc/master.cf" > "$pf__d/etc/master.cf.new" &&
		    mv "$pf__d/etc/master.cf.new" "$pf__d/etc/master.cf" &&
		    echo "$pf__new" > "$pf__d/port" || return 1
	done
	return 0
}

# pf_stop - stop the instance and wait until its master has gone
pf_stop()
{
	pf__running "$1" || return 0
	postfix -c "$1/etc" stop >/dev/null 2>&1
	pf__n=0
	while pf__running "$1" && [ $pf__n -lt 100 ]; do
		sleep 0.1
		pf__n=$((pf__n + 1))
	done
	if pf__running "$1"; then
		kill -9 "$pf__pid" 2>/dev/null
	fi
	return 0
}

# pf_reload - make a running instance read its configuration again
pf_reload()
{
	if pf__running "$1"; then
		postfix -c "$1/etc" reload >/dev/null 2>&1 || return 1
		sleep 0.5
	fi
	return 0
}

# pf__append - add a map to a list parameter unless it is there
pf__append()
{
	pf__cur=$(postconf -c "$1/etc" -h "$2")
	case " $pf__cur " in
	*" $3 "*|*" $3, "*)	return 0 ;;
	esac
	pf_postconf "$1" "$2=${pf__cur:+$pf__cur, }$3"
}

# pf_add_alias_map - deliver through the aliases in FILE
pf_add_alias_map()
{
	if [ ! -f "$2" ]; then
		pf__err "no aliases file $2"
		return 1
	fi
	if [ ! -f "$2.db" ] || [ "$2" -nt "$2.db" ]; then
		postalias -c "$1/etc" "hash:$2" || return 1
	fi
	pf__append "$1" alias_maps "hash:$2" &&
	    pf__append "$1" alias_database "hash:$2" &&
	    pf_reload "$1"
}

# pf_add_virtual_map - resolve addresses through the virtual map FILE
pf_add_virtual_map()
{
	if [ ! -f "$2" ]; then
		pf__err "no virtual map $2"
		return 1
	fi
	if [ ! -f "$2.db" ] || [ "$2" -nt "$2.db" ]; then
		postmap -c "$1/etc" "hash:$2" || return 1
	fi
	pf__append "$1" virtual_alias_maps "hash:$2" && pf_reload "$1"
}

# pf__split - set pf__local and pf__domain from an address
pf__split()
{
	pf__local=${1%@*}
	pf__domain=$(echo "${1##*@}" | tr 'A-Z' 'a-z')
}

# pf_add_mailbox - Maildirs for addresses in virtual domains
pf_add_mailbox()
{
	pf__dir=$1
	shift
	pf__new=
	for pf__a in "$@"; do
		pf__split "$pf__a"
		case " $(postconf -c "$pf__dir/etc" -h virtual_mailbox_domains |
		    tr ',' ' ') " in
		*" $pf__domain "*)
			;;
		*)
			pf__append "$pf__dir" virtual_mailbox_domains \
			    "$pf__domain" || return 1
			;;
		esac
		if ! grep -q "^$pf__a " "$pf__dir/etc/vmailbox"; then
			echo "$pf__a $pf__domain/$pf__local/" \
			    >> "$pf__dir/etc/vmailbox"
			pf__new=1
		fi
	done
	if [ -n "$pf__new" ]; then
		postmap -c "$pf__dir/etc" "hash:$pf__dir/etc/vmailbox" &&
		    pf_reload "$pf__dir"
	fi
}

# pf_maildir - the Maildir of an address
pf_maildir()
{
	pf__split "$2"
	echo "$1/mailboxes/$pf__domain/$pf__local"
}

# pf_messages - the messages in a Maildir, oldest first
pf_messages()
{
	pf__m=$(pf_maildir "$1" "$2")
	for pf__sub in new cur; do
		[ -d "$pf__m/$pf__sub" ] || continue
		ls -1tr "$pf__m/$pf__sub" | sed "s|^|$pf__m/$pf__sub/|"
	done
}

# pf_count - how many messages a Maildir holds
pf_count()
{
	pf_messages "$1" "$2" | wc -l | tr -d ' '
}

# pf_wait_mail - wait until a Maildir holds at least N messages
pf_wait_mail()
{
	pf__t=0
	pf__limit=$((${4:-30} * 10))
	while [ "$(pf_count "$1" "$2")" -lt "$3" ]; do
		if [ $pf__t -ge $pf__limit ]; then
			return 1
		fi
		sleep 0.1
		pf__t=$((pf__t + 1))
	done
	return 0
}

# pf_queue_count - messages in the instance's queue
pf_queue_count()
{
	find "$1/spool/maildrop" "$1/spool/incoming" "$1/spool/active" \
	    "$1/spool/deferred" "$1/spool/hold" -type f 2>/dev/null |
	    wc -l | tr -d ' '
}

# pf_wait_queue - wait until the instance's queue is empty
pf_wait_queue()
{
	pf__t=0
	pf__limit=$((${2:-30} * 10))
	while [ "$(pf_queue_count "$1")" -gt 0 ]; do
		if [ $pf__t -ge $pf__limit ]; then
			return 1
		fi
		sleep 0.1
		pf__t=$((pf__t + 1))
	done
	return 0
}

# pf_send - send a message file over SMTP to the instance
pf_send()
{
	pf__p=$(pf_port "$1")
	pf__f=$2
	shift 2
	python3 - "$pf__p" "$pf__f" "$@" <<'EOF'
import smtplib, sys
port, path, sender, rcpts = int(sys.argv[1]), sys.argv[2], sys.argv[3], \
    sys.argv[4:]
data = open(path, "rb").read()
try:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        refused = s.sendmail(sender, rcpts, data)
except (OSError, smtplib.SMTPException) as e:
    print("pf: SMTP: %s" % e, file=sys.stderr)
    sys.exit(1)
if refused:
    print("pf: refused: %s" % refused, file=sys.stderr)
    sys.exit(1)
EOF
}

# pf_log - the instance's mail log
pf_log()
{
	cat "$1/maillog"
}
