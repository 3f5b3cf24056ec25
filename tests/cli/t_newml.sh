# newml: the layout, its modes, the alias block, a second newml refused.
. "$(dirname "$0")/lib.sh"

D=$HOME_PREFIX/elena
expect 0 "newml elena" newml elena
grep -q "warn:.*postalias not found" "$ERR"
check $? "missing postalias is a warning"
grep -q "^created elena@example.org in $D\$" "$OUT"
check $? "newml says what it created"

bad=
for d in "$D" "$D/spool" "$D/tmp" "$D/var" "$D/var/db" "$D/var/lock" \
    "$D/var/queue" "$D/var/isolated" "$D/etc"; do
	[ -d "$d" ] && [ "$(mode "$d")" = 700 ] || bad="$bad $d"
done
[ -z "$bad" ]
check $? "directories exist with mode 0700${bad:+ (not:$bad)}"
bad=
for f in config.cf include include-ctl include-error seq var/db/data.mdb; do
	[ -f "$D/$f" ] && [ "$(mode "$D/$f")" = 600 ] || bad="$bad $f"
done
[ -z "$bad" ]
check $? "files exist with mode 0600${bad:+ (not:$bad)}"
[ "$(cat "$D/seq")" = 0 ]
check $? "seq holds 0"
! grep -q '^=cut' "$D/config.cf"
check $? "config.cf has no =cut, so lines appended to it count"

exe=$MLM_PREFIX/libexec/mlm
[ "$(cat "$D/include")" = "\"|$exe/distribute -c $SITE elena@example.org\"" ]
check $? "include names the program and the site directory"
[ "$(cat "$D/include-ctl")" = "\"|$exe/command -c $SITE elena@example.org\"" ]
check $? "include-ctl runs command"
[ "$(cat "$D/include-error")" = "\"|$exe/error -c $SITE elena@example.org\"" ]
check $? "include-error runs error"

A=$HOME_PREFIX/etc/mail/aliases
cat > "$T/want" <<EOW
### <ALIASES elena@example.org ML> ###
elena: :include:$D/include
owner-elena: $OWNER
elena-ctl: :include:$D/include-ctl
elena-request: elena-admin
elena-admin: $OWNER
elena-error: :include:$D/include-error
owner-elena-error: $OWNER
### </ALIASES elena@example.org ML> ###
EOW
cmp -s "$A" "$T/want"
check $? "aliases file holds exactly the block"
[ "$(mode "$A")" = 644 ] && [ "$(mode "$HOME_PREFIX/etc/mail")" = 755 ]
check $? "aliases file 0644 in a 0755 directory"
[ ! -e "$HOME_PREFIX/etc/postfix/virtual" ]
check $? "no virtual map for the default domain"

snap() {
	(cd "$T" && find ml -exec stat -c '%n %a %s %Y' {} + | sort) \
	    > "$1"
}
snap "$T/before"
expect 73 "newml elena again: EX_CANTCREAT" newml elena
[ "$(wc -l < "$ERR")" = 1 ] && grep -q "exists" "$ERR"
check $? "one clear line on stderr"
snap "$T/after"
cmp -s "$T/before" "$T/after"
check $? "a refused newml changes nothing"

expect 73 "newml elena@example.org is the same list" newml elena@example.org
expect 64 "newml with a bad name: EX_USAGE" newml 'bad name'
expect 64 "newml of a reserved name: EX_USAGE" newml elena-ctl
expect 65 "newml in an unknown domain: EX_DATAERR" newml x@unknown.example
[ ! -e "$HOME_PREFIX/x" ]
check $? "nothing made for the unknown domain"
expect 73 "newml of a local account name is refused" newml root
[ ! -e "$HOME_PREFIX/root" ] && ! grep -q '^root:' "$A"
check $? "nothing made for the refused name"

printf "fml-admin: x\n" >> "$A"
expect 73 "newml of a name already in the aliases file" newml fml
[ ! -e "$HOME_PREFIX/fml" ]
check $? "nothing made for a taken alias key"

expect 64 "newml without a list: EX_USAGE" newml
expect 64 "unknown verb: EX_USAGE" frobnicate elena
expect 0 "help" help
grep -q "makefml newml ML" "$OUT"
check $? "help lists the verbs"
