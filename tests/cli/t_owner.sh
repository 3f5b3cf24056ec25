# Run as root: every list file belongs to the owner account, none to root.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "ok - $TNAME: skipped, not root"
	exit 0
fi

# A home prefix that root made beforehand, as an installer would.
mkdir -m 0755 "$HOME_PREFIX"
expect 0 "newml as root" newml elena
mf add elena a@example.net
mf off elena a@example.net
mf config elena
mf log elena
expect 0 "newdomain as root" newdomain nuinui.net "$T/nuinui"
expect 0 "newml in a virtual domain as root" newml elena@nuinui.net
mf aliases
[ "$RC" = 0 ]
check $? "aliases as root"

left=$(find "$HOME_PREFIX" "$T/nuinui" -mindepth 1 ! -user "$OWNER" | head -3)
[ -z "$left" ]
check $? "every file in the home prefixes is $OWNER's${left:+ (not: $left)}"
[ "$(owner "$T/nuinui")" = "$OWNER" ]
check $? "newdomain gave the new home prefix to $OWNER"
[ "$(owner "$HOME_PREFIX/elena/log")" = "$OWNER" ]
check $? "the list log belongs to $OWNER"
[ "$(owner "$HOME_PREFIX/elena/var/db/data.mdb")" = "$OWNER" ] &&
    [ "$(owner "$HOME_PREFIX/elena/var/db/lock.mdb")" = "$OWNER" ]
check $? "the store belongs to $OWNER"

mf rmml elena
left=$(find "$HOME_PREFIX" -mindepth 1 ! -user "$OWNER" | head -3)
[ "$RC" = 0 ] && [ -z "$left" ]
check $? "rmml as root leaves nothing to root${left:+ (not: $left)}"

# A list directory given to root is refused, not worked on as root.
mf newml rooty
chown root "$HOME_PREFIX/rooty"
expect 77 "a root-owned list: EX_NOPERM" add rooty b@example.net
grep -q "refusing to run as root" "$ERR"
check $? "the refusal says why"

# An owner account that does not exist.
echo "fml_owner = mlm-no-such-user" >> "$SITE/main.cf"
expect 77 "newml with a missing owner account: EX_NOPERM" newml other
grep -q 'owner account "mlm-no-such-user" does not exist' "$ERR"
check $? "the missing account is named"
[ ! -e "$HOME_PREFIX/other" ]
check $? "nothing made without the owner account"
