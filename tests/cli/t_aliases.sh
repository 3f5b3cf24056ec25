# makefml aliases: regenerate every block; a second run changes nothing.
. "$(dirname "$0")/lib.sh"

mf newdomain nuinui.net "$T/nuinui"
for l in elena alpha beta@nuinui.net gamma@nuinui.net; do
	mf newml $l
	[ "$RC" = 0 ]
	check $? "newml $l"
done
A=$HOME_PREFIX/etc/mail/aliases
VA=$T/nuinui/etc/mail/aliases
VF=$T/nuinui/etc/postfix/virtual
printf 'root: admin@example.net\n' >> "$A"
cp "$A" "$T/a0"
cp "$VF" "$T/v0"

expect 0 "aliases" aliases
cmp -s "$A" "$T/a0" && cmp -s "$VF" "$T/v0"
check $? "aliases on intact files changes nothing"
cp "$A" "$T/a1"; cp "$VA" "$T/va1"; cp "$VF" "$T/v1"
expect 0 "aliases again" aliases
cmp -s "$A" "$T/a1" && cmp -s "$VA" "$T/va1" && cmp -s "$VF" "$T/v1"
check $? "a second run leaves the files byte-identical"

sed -i 's/^elena-ctl: .*/elena-ctl: broken/' "$A"
m='alpha@example.org ML>'
sed -i "/<ALIASES $m/,/<\\/ALIASES $m/d" "$A"
m='gone@example.org ML> ###'
printf '### <ALIASES %s\ngone: x\n### </ALIASES %s\n' "$m" "$m" >> "$A"
rm "$VF"
: > "$HOME_PREFIX/elena/include"
expect 0 "aliases repairs" aliases
grep -qx "elena-ctl: :include:$HOME_PREFIX/elena/include-ctl" "$A"
check $? "a damaged block is rewritten in place"
grep -q "^alpha: :include:" "$A"
check $? "a missing block is added"
! grep -q "gone" "$A"
check $? "the block of a list that is gone is removed"
grep -qx "root: admin@example.net" "$A"
check $? "lines outside the blocks stay"
grep -q "^beta@nuinui.net	" "$VF" && grep -q "^gamma@nuinui.net	" "$VF"
check $? "the virtual map is rebuilt"
grep -q "distribute" "$HOME_PREFIX/elena/include"
check $? "an include file is rewritten"
cp "$A" "$T/a2"; cp "$VF" "$T/v2"
expect 0 "aliases after repair" aliases
cmp -s "$A" "$T/a2" && cmp -s "$VF" "$T/v2"
check $? "idempotent after a repair"

printf '### <ALIASES bad@example.org ML> ###\nbad: x\n' >> "$A"
cp "$A" "$T/a3"
expect 65 "an unterminated block: EX_DATAERR" aliases
cmp -s "$A" "$T/a3"
check $? "an unterminated block leaves the file alone"
