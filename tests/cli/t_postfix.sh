# With the real Postfix programs on a private configuration directory:
# postalias/postmap run, the tables answer, makefml check reads postconf.
. "$(dirname "$0")/lib.sh"

if [ ! -x /usr/sbin/postconf ] || [ ! -x /usr/sbin/postalias ]; then
	echo "ok - $TNAME: skipped, no Postfix programs in /usr/sbin"
	exit 0
fi
PF=$T/postfix
mkdir -m 0755 "$PF"
[ -f /etc/postfix/master.cf ] && cp /etc/postfix/master.cf "$PF/"
printf 'myhostname = mail.example.org\nmydomain = example.org\n' \
    > "$PF/main.cf"
postconf() {
	/usr/sbin/postconf -c "$PF" "$@"
}
q() {
	/usr/sbin/postmap -c "$PF" -q "$1" "hash:$2" 2>/dev/null
}

# First a Postfix that is there but not set up: a warning, a list.
sed -i '/^postfix_/d' "$SITE/main.cf"
printf 'postfix_command_dir = /usr/sbin\npostfix_config_dir = %s\n' \
    "$T/empty" >> "$SITE/main.cf"
mkdir "$T/empty"
expect 0 "newml with a Postfix not set up" newml early
grep -q "warn: postalias .*failed" "$ERR"
check $? "a failing postalias is a warning"

sed -i "s|^postfix_config_dir = .*|postfix_config_dir = $PF|" "$SITE/main.cf"
A=$HOME_PREFIX/etc/mail/aliases
expect 0 "newml elena" newml elena
[ ! -s "$ERR" ]
check $? "no warning when Postfix works"
[ -f "$A.db" ]
check $? "postalias built aliases.db"
[ "$(q elena "$A")" = ":include:$HOME_PREFIX/elena/include" ] &&
    [ "$(q elena-admin "$A")" = "$OWNER" ]
check $? "the alias table answers as written"
if [ "$(id -u)" = 0 ]; then
	[ "$(owner "$A.db")" = "$OWNER" ]
	check $? "aliases.db belongs to $OWNER: local(8) runs pipes as it"
fi

mf newdomain nuinui.net "$T/nuinui"
expect 0 "newml elena@nuinui.net" newml elena@nuinui.net
V=$T/nuinui/etc/postfix/virtual
VA=$T/nuinui/etc/mail/aliases
[ -f "$V.db" ] && [ -f "$VA.db" ]
check $? "postmap built virtual.db and postalias its aliases.db"
[ "$(q elena-ctl@nuinui.net "$V")" = "elena-ctl=nuinui.net@mail.example.org" ]
check $? "the virtual target is at the first local domain of mydestination"
[ "$(q elena-ctl=nuinui.net "$VA")" = ":include:$T/nuinui/elena/include-ctl" ]
check $? "the virtual target is a key of the aliases table"

expect 78 "check with Postfix defaults: EX_CONFIG" check
grep -q "^ok: Postfix parameters from postconf" "$OUT"
check $? "check reads postconf"
grep -q "^need: alias_maps = .*hash:$A, hash:$VA\$" "$OUT" &&
    grep -q "^need: virtual_alias_maps = hash:$V\$" "$OUT" &&
    grep -q "^need: allow_mail_to_commands = alias, forward, include" "$OUT" &&
    grep -q "^need: add example.org to mydestination" "$OUT" &&
    grep -q "^need: add nuinui.net to virtual_alias_domains" "$OUT" &&
    grep -q "^need: recipient_delimiter = +" "$OUT" &&
    grep -q "^warn: mailbox_size_limit = 51200000" "$OUT"
check $? "check says, line by line, what Postfix needs"

postconf -e "alias_maps = hash:$PF/sysaliases, hash:$A, hash:$VA" \
    "allow_mail_to_commands = alias, forward, include" \
    "virtual_alias_maps = hash:$V" "virtual_alias_domains = nuinui.net" \
    'mydestination = $myhostname, example.org, localhost' \
    "recipient_delimiter = +" "mailbox_size_limit = 0"
expect 0 "check when all is set" check
grep -q "^nothing to do" "$OUT" && ! grep -q "^need:" "$OUT"
check $? "check has nothing left to ask"

printf 'taken-admin: root\n' > "$PF/sysaliases"
/usr/sbin/postalias -c "$PF" "hash:$PF/sysaliases"
expect 73 "newml of a name taken in alias_maps: EX_CANTCREAT" newml taken
grep -q "taken-admin.*sysaliases" "$ERR"
check $? "the table holding the key is named"

postconf -e "mailbox_size_limit = 20000"
expect 78 "check with a small mailbox_size_limit" check
grep -q "^need: elena@example.org: store .*data.mdb is [0-9]* bytes" \
    "$OUT" && grep -q "over half of mailbox_size_limit = 20000" "$OUT"
check $? "check names a store over half of mailbox_size_limit"

cp "$A" "$T/a0"
expect 0 "aliases" aliases
cmp -s "$A" "$T/a0"
check $? "aliases leaves the file alone and rebuilds the tables"
[ ! -s "$ERR" ]
check $? "no warning from aliases"
