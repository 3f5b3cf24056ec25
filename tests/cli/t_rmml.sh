# rmml: the list moves aside to @ML.DATE.N and exactly its block goes.
. "$(dirname "$0")/lib.sh"

A=$HOME_PREFIX/etc/mail/aliases
for l in alpha elena zeta; do
	mf newml $l
	[ "$RC" = 0 ]
	check $? "newml $l"
done
mf add elena a@example.net
printf '# kept by hand\nroot: admin@example.net\n' >> "$A"
sed '/<ALIASES elena@example.org ML>/,/<\/ALIASES elena@example.org ML>/d' \
    "$A" > "$T/want"

expect 0 "rmml elena" rmml elena
date=$(date +%Y%m%d)
[ -d "$HOME_PREFIX/@elena.$date.1" ] && [ ! -e "$HOME_PREFIX/elena" ]
check $? "moved aside to @elena.$date.1"
[ -s "$HOME_PREFIX/@elena.$date.1/var/db/data.mdb" ] &&
    [ -f "$HOME_PREFIX/@elena.$date.1/config.cf" ]
check $? "nothing of the list is deleted"
cmp -s "$A" "$T/want"
check $? "exactly the block of elena is gone"
grep -q "ALIASES alpha@example.org" "$A" && grep -q "ALIASES zeta@" "$A"
check $? "the other blocks stay"

expect 67 "rmml again: EX_NOUSER" rmml elena
expect 67 "add to a removed list: EX_NOUSER" add elena b@example.net

mf newml elena
[ "$RC" = 0 ]
check $? "a removed name can be used again"
expect 0 "rmml elena a second time" rmml elena
[ -d "$HOME_PREFIX/@elena.$date.2" ]
check $? "the second removal goes to @elena.$date.2"
mf aliases
! grep -q "elena@" "$A"
check $? "aliases does not bring a removed list back"
