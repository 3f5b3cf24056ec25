# lib.sh - common parts of the end-to-end tests (source this file)
#
# SYNOPSIS
#	. tests/e2e/lib.sh
#	e2e_init PREFIX			checks, a temp dir, the exit clean-up
#	e2e_site			a site dir and a private Postfix
#	e2e_newml NAME@DOMAIN		a list, its aliases in the Postfix
#	e2e_config VAR VALUE		set VAR in the list's config.cf
#	e2e_mail FROM TO SUBJECT ID [BODY-LINE]  a post on stdout
#	e2e_pipe FILE CMD ARGS...	CMD as the owner, mail FILE on stdin
#	as_owner CMD ARGS...		CMD as the list owner, with the site env
#	header FILE NAME		decoded value of the first NAME field
#	has_header FILE NAME		whether FILE has a NAME field
#	wait_all N SECS ADDR ...	wait until each Maildir holds N messages
#	seq_of, spool_count		the list's seq, number of spool files
#	ok DESCRIPTION / not_ok DESCRIPTION / check DESCRIPTION CMD ...
#	diag TEXT ...			"# " lines for a failure
#	done_testing			exit status: 0 when nothing failed
#
# DESCRIPTION
#	Every test script sources this file, calls e2e_init with the
#	installed prefix, then e2e_site and e2e_newml. These set:
#	PREFIX, T (the test's temp dir, removed at exit unless E2E_KEEP is
#	set), SITE (the site directory, exported as MLM_CONFIG_DIR), HOME_
#	PREFIX (default_ml_home_prefix), PF (the Postfix instance dir),
#	PORT (its SMTP port), OWNER (the account that owns the lists; the
#	pipe programs run as this account under Postfix), ML (the list's
#	address) and MLD (the list's home directory).
#
#	The list files belong to OWNER: makefml and the pipe programs run
#	as OWNER, as the local delivery agent runs them.

LIB_E2E=${LIB_E2E:-$(cd "$(dirname "$0")" && pwd -P)}
. "$LIB_E2E/../lib/postfix.sh"

T_PASSED=0
T_FAILED=0
T_NAME=$(basename "$0" .sh)

# ok - a passing check
ok()
{
	T_PASSED=$((T_PASSED + 1))
	echo "ok - $T_NAME: $*"
}

# not_ok - a failing check
not_ok()
{
	T_FAILED=$((T_FAILED + 1))
	echo "not ok - $T_NAME: $*"
}

# check - ok when the command succeeds
check()
{
	t_what=$1
	shift
	if "$@"; then
		ok "$t_what"
	else
		not_ok "$t_what"
		return 1
	fi
}

# diag - commentary lines
diag()
{
	printf '%s\n' "$@" | sed 's/^/#   /'
}

# diag_logs - the ends of the Postfix log and the list's log
diag_logs()
{
	if [ -n "${PF:-}" ] && [ -f "$PF/maillog" ]; then
		echo "#   --- Postfix log (last 15 lines)"
		tail -n 15 "$PF/maillog" | sed 's/^/#   /'
	fi
	if [ -n "${MLD:-}" ] && [ -f "$MLD/log" ]; then
		echo "#   --- list log (last 10 lines)"
		tail -n 10 "$MLD/log" | sed 's/^/#   /'
	fi
}

# done_testing - the exit status of the test script
done_testing()
{
	[ "$T_FAILED" -eq 0 ]
	exit $?
}

# bail - stop the script after a failure that leaves nothing to test
bail()
{
	not_ok "$*"
	diag_logs
	done_testing
}

# e2e_init - check the prerequisites, make the temp dir
e2e_init()
{
	PREFIX=${1:-}
	if [ -z "$PREFIX" ] || [ ! -x "$PREFIX/bin/makefml" ]; then
		bail "no installed mlm in '${PREFIX}' (usage: $0 PREFIX)"
	fi
	PREFIX=$(cd "$PREFIX" && pwd -P)
	if [ "$(id -u)" != 0 ]; then
		echo "# skip $T_NAME: a private Postfix needs root"
		exit 0
	fi
	T=$(mktemp -d "${TMPDIR:-/tmp}/mlm-e2e.XXXXXX") || bail "mktemp"
	chmod 755 "$T"
	if [ -z "${E2E_KEEP:-}" ]; then
		pf_atexit "rm -rf '$T'"
	else
		echo "# $T_NAME: keeping $T"
	fi
}

# e2e_owner - the account that owns the lists
e2e_owner()
{
	o=$(sed -n 's/^[ 	]*fml_owner[ 	]*=[ 	]*\([^ 	]*\).*/\1/p' \
	    "$PREFIX/etc/mlm/main.cf" 2>/dev/null | tail -n 1)
	echo "${o:-mlm}"
}

# as_owner - run a command as the list owner, with the site environment
as_owner()
{
	setpriv --reuid="$OWNER" --regid="$OWNER_GID" --init-groups \
	    env MLM_CONFIG_DIR="$SITE" HOME=/ "$@"
}

# e2e_pipe - run a pipe program as Postfix's local(8) would
e2e_pipe()
{
	e_file=$1
	shift
	{
		printf 'From %s  %s\n' "${SENDER:-MAILER-DAEMON}" \
		    "$(LC_ALL=C date '+%a %b %e %H:%M:%S %Y')"
		printf 'Return-Path: <%s>\n' "${SENDER:-}"
		printf 'X-Original-To: %s\nDelivered-To: %s\n' \
		    "$RECIPIENT" "$RECIPIENT"
		cat "$e_file"
	} | setpriv --reuid="$OWNER" --regid="$OWNER_GID" --init-groups \
	    env -i PATH=/usr/bin:/bin MLM_CONFIG_DIR="$SITE" \
	    SENDER="${SENDER:-}" RECIPIENT="$RECIPIENT" \
	    ORIGINAL_RECIPIENT="$RECIPIENT" DOMAIN="${RECIPIENT##*@}" \
	    LOCAL="${RECIPIENT%@*}" EXTENSION= USER="$OWNER" \
	    LOGNAME="$OWNER" HOME=/ SHELL=/bin/sh "$@"
}

# e2e_site - a site directory, a list home and a private Postfix
e2e_site()
{
	OWNER=$(e2e_owner)
	if ! id "$OWNER" >/dev/null 2>&1; then
		bail "the list owner account '$OWNER' does not exist" \
		    "(make install as root creates it)"
	fi
	OWNER_GID=$(id -g "$OWNER")
	if ! setpriv --reuid="$OWNER" --regid="$OWNER_GID" --init-groups \
	    test -x "$PREFIX/libexec/mlm/distribute"; then
		bail "account $OWNER cannot run" \
		    "$PREFIX/libexec/mlm/distribute" \
		    "(is a parent directory of the prefix closed?)"
	fi

	PF=$T/postfix
	pf_init "$PF" || bail "private Postfix: configuration"
	PORT=$(pf_port "$PF")
	pf_add_mailbox "$PF" alice@example.net bob@example.net \
	    carol@example.net dave@example.net admin@example.net ||
	    bail "private Postfix: mailboxes"
	pf_start "$PF" || bail "private Postfix: start"

	SITE=$T/site
	HOME_PREFIX=$T/ml
	mkdir -p "$SITE" "$HOME_PREFIX"
	if [ -d "$PREFIX/etc/mlm" ]; then
		cp -R "$PREFIX/etc/mlm/." "$SITE/"
	fi
	cat >> "$SITE/main.cf" <<EOF

# end-to-end test $T_NAME
default_ml_home_prefix = $HOME_PREFIX
default_domain = example.org
executable_prefix = $PREFIX/libexec/mlm
fml_owner = $OWNER
postfix_config_dir = $(pf_conf "$PF")
postfix_command_dir = $(postconf -d -h command_directory)
EOF
	chmod -R a+rX "$SITE"
	chown "$OWNER:$OWNER_GID" "$HOME_PREFIX"
	chmod 755 "$HOME_PREFIX"
	export MLM_CONFIG_DIR="$SITE"
}

# e2e_newml - a list owned by OWNER and its aliases in the Postfix
#
# The list delivers to the private Postfix; its maintainer is
# E2E_MAINTAINER (admin@example.net, a Maildir; empty: the default).
e2e_newml()
{
	ML=$1
	e_out=$(as_owner "$PREFIX/bin/makefml" newml "$ML" 2>&1)
	e_rc=$?
	MLD=$HOME_PREFIX/${ML%@*}
	if [ $e_rc -ne 0 ] || [ ! -f "$MLD/config.cf" ]; then
		not_ok "makefml newml $ML (exit $e_rc)"
		diag "$e_out"
		MLD=
		done_testing
	fi
	ok "makefml newml $ML"
	pf_add_alias_map "$PF" "$HOME_PREFIX/etc/mail/aliases" ||
	    bail "aliases of $ML into the private Postfix"
	e2e_config smtp_servers "127.0.0.1:$PORT"
	if [ -n "${E2E_MAINTAINER-admin@example.net}" ]; then
		e2e_config maintainer "${E2E_MAINTAINER-admin@example.net}"
	fi
}

# e2e_config - set a variable in the list's config.cf, before =cut
e2e_config()
{
	e_cf=$MLD/config.cf
	awk -v var="$1" -v val="$2" '
	function put() { if (!done) print var " = " val; done = 1 }
	skip && /^[ \t]/ { next }
	{ skip = 0 }
	$0 ~ "^[ \t]*" var "[ \t]*[-+]?=" { skip = 1; next }
	/^=cut/ { put() }
	{ print }
	END { put() }' "$e_cf" > "$T/config.cf.new" || bail "edit $e_cf"
	cat "$T/config.cf.new" > "$e_cf"
	rm -f "$T/config.cf.new"
}

# e2e_add - add members as the owner
e2e_add()
{
	e_out=$(as_owner "$PREFIX/bin/makefml" add "$ML" "$@" 2>&1)
	e_rc=$?
	if [ $e_rc -ne 0 ]; then
		not_ok "makefml add $ML $* (exit $e_rc)"
		diag "$e_out"
		return 1
	fi
	e_list=$(as_owner "$PREFIX/bin/makefml" list "$ML" recipient 2>&1)
	for e_a in "$@"; do
		if ! printf '%s\n' "$e_list" | grep -qix "$e_a"; then
			not_ok "makefml list $ML recipient shows $e_a"
			diag "$e_list"
			return 1
		fi
	done
	ok "makefml add $ML: $# members listed"
}

# e2e_mail - a post on standard output
e2e_mail()
{
	printf 'From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s>\n' \
	    "$1" "$2" "$3" "$4"
	printf 'Date: %s\nMIME-Version: 1.0\n' \
	    "$(LC_ALL=C date '+%a, %d %b %Y %H:%M:%S %z')"
	printf 'Content-Type: text/plain; charset=us-ascii\n\n'
	printf 'Hello,\n\n%s\n\nRegards,\n-- \nend-to-end test\n' \
	    "${5:-this is a test post for the list.}"
}

# header - the decoded, unfolded value of the first field NAME
header()
{
	python3 - "$1" "$2" <<'EOF'
import email, email.header, sys
with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f)
v = m.get(sys.argv[2])
if v is None:
    sys.exit(1)
parts = email.header.decode_header(str(v).replace("\n", ""))
print("".join(p.decode(c or "ascii", "replace") if isinstance(p, bytes)
              else p for p, c in parts).strip())
EOF
}

# has_header - does the header of FILE have a field NAME
has_header()
{
	header "$1" "$2" >/dev/null
}

# header_count - how many NAME fields the header of FILE has
header_count()
{
	python3 - "$1" "$2" <<'EOF'
import email, sys
with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f)
print(len(m.get_all(sys.argv[2]) or []))
EOF
}

# wait_all - wait until each of the addresses holds N messages
#
# It gives up early once a delivery to a command has bounced.
wait_all()
{
	w_n=$1
	w_limit=$(($2 * 10))
	shift 2
	w_t=0
	while :; do
		w_short=0
		for w_a in "$@"; do
			[ "$(pf_count "$PF" "$w_a")" -ge "$w_n" ] ||
			    w_short=1
		done
		[ $w_short -eq 0 ] && return 0
		[ $w_t -ge $w_limit ] && return 1
		# a pipe program that bounced will not deliver later
		grep -q 'relay=local.*status=bounced' "$PF/maillog" &&
		    return 1
		sleep 0.2
		w_t=$((w_t + 2))
	done
}

# seq_of - the list's seq, empty when there is none
seq_of()
{
	tr -dc 0-9 < "$MLD/seq" 2>/dev/null
}

# spool_count - how many articles the list's spool holds
spool_count()
{
	find "$MLD/spool" -type f 2>/dev/null | wc -l | tr -d ' '
}

# has_article - does the spool hold article N
has_article()
{
	spool_file "$1" >/dev/null
}

# spool_file - the spool file of article N (plane or subdir)
spool_file()
{
	if [ -f "$MLD/spool/$1" ]; then
		echo "$MLD/spool/$1"
	elif [ -f "$MLD/spool/$(($1 / 1000))/$1" ]; then
		echo "$MLD/spool/$(($1 / 1000))/$1"
	else
		return 1
	fi
}
