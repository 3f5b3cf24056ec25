# Shared setup of the makefml shell tests; sourced by tests/cli/t_*.sh.
#
# Usage: sh t_NAME.sh PREFIX (or MLM_PREFIX in the environment). Makes a
# temporary site directory whose main.cf puts the lists under a
# temporary home prefix, in default domain example.org, with Postfix
# programs looked for in an empty directory. Each check prints
# "ok - ..." or "not ok - ...".

MLM_PREFIX=${1:-${MLM_PREFIX:?give the installation prefix}}
MAKEFML=$MLM_PREFIX/bin/makefml
[ -x "$MAKEFML" ] || { echo "not ok - $MAKEFML missing"; exit 1; }
export MLM_PREFIX

T=$(mktemp -d /tmp/mlm-cli.XXXXXX) || exit 1
chmod 0755 "$T"
trap 'rm -rf "$T"' EXIT
SITE=$T/site
HOME_PREFIX=$T/ml
NOPF=$T/nopostfix
mkdir -p "$SITE" "$NOPF"
chmod 0755 "$SITE"
cat > "$SITE/main.cf" <<EOC
default_ml_home_prefix = $HOME_PREFIX
default_domain = example.org
postfix_command_dir = $NOPF
postfix_local_domain = mail.example.org
EOC
MLM_CONFIG_DIR=$SITE
export MLM_CONFIG_DIR

OWNER=mlm
if [ "$(id -u)" = 0 ] && ! id "$OWNER" >/dev/null 2>&1; then
	useradd -r -M -d /nonexistent -s /usr/sbin/nologin "$OWNER" ||
	    echo "not ok - cannot create the account $OWNER"
fi

TNAME=$(basename "$0" .sh)
OUT=$T/out
ERR=$T/err

# ok COND-STATUS TEXT: report one check from the status of the last test
check() {
	if [ "$1" = 0 ]; then
		echo "ok - $TNAME: $2"
	else
		echo "not ok - $TNAME: $2"
		sed 's/^/#   stdout: /' "$OUT" 2>/dev/null | head -5
		sed 's/^/#   stderr: /' "$ERR" 2>/dev/null | head -5
	fi
}

# mf ARGS: run makefml, keeping stdout, stderr and the status in $RC
mf() {
	"$MAKEFML" "$@" >"$OUT" 2>"$ERR"
	RC=$?
}

# expect STATUS TEXT ARGS: run makefml and check its exit status
expect() {
	want=$1
	text=$2
	shift 2
	mf "$@"
	[ "$RC" = "$want" ]
	check $? "$text (status $RC, want $want)"
}

# mode PATH: the permission bits of a file, in octal
mode() {
	stat -c %a "$1"
}

# owner PATH: the owner name of a file
owner() {
	stat -c %U "$1"
}
