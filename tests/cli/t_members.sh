# Member verbs: add, bye, chaddr, on/off, admins, list, add -f, config, log.
. "$(dirname "$0")/lib.sh"

mf newml elena
[ "$RC" = 0 ]
check $? "newml elena"

expect 0 "add two addresses" add elena alice@example.net Bob@Example.NET
[ "$(cat "$OUT")" = "added alice@example.net
added Bob@Example.NET" ]
check $? "add reports each address"
expect 0 "add again is fine" add elena alice@example.net
[ "$(cat "$OUT")" = "alice@example.net is already a member" ]
check $? "add again says already a member"
expect 0 "subscribe is add" subscribe elena carol@example.net

expect 65 "a bad address among good ones: EX_DATAERR" \
    add elena dave@example.net 'not an address' erin@example.net
[ "$(wc -l < "$ERR")" = 1 ] && grep -q "bad address" "$ERR"
check $? "one line names the bad address"
mf list elena member
! grep -q -e dave -e erin "$OUT"
check $? "nothing of a refused add was stored"

mf list elena member
[ "$(cat "$OUT")" = "alice@example.net
Bob@Example.NET
carol@example.net" ]
check $? "list member in key order, stored spelling"

expect 0 "addadmin" addadmin elena boss@example.com
mf list elena admin
[ "$(cat "$OUT")" = "boss@example.com" ]
check $? "list admin"
mf list elena member
grep -qx boss@example.com "$OUT"
check $? "admins are members (may post)"

expect 0 "off" off elena bob@example.net
grep -q "receiving off" "$OUT"
check $? "off reports"
mf list elena recipient
! grep -qi bob "$OUT" && grep -qx alice@example.net "$OUT"
check $? "an address switched off is no recipient"
mf list elena
! grep -qi bob "$OUT"
check $? "list defaults to recipients"
mf list elena member
grep -qx Bob@Example.NET "$OUT"
check $? "an address switched off is still a member"
expect 0 "off again" off elena bob@example.net
grep -q "already off" "$OUT"
check $? "off again says so"
expect 0 "on" on elena bob@example.net
mf list elena recipients
grep -qx Bob@Example.NET "$OUT"
check $? "on makes it a recipient again"
expect 67 "off of a stranger: EX_NOUSER" off elena nobody@example.net
expect 67 "off of an admin-only address: EX_NOUSER" off elena boss@example.com

expect 0 "chaddr" chaddr elena carol@example.net carol@example.com
mf list elena member
grep -qx carol@example.com "$OUT" && ! grep -qx carol@example.net "$OUT"
check $? "chaddr moved the address"
expect 67 "chaddr of a stranger: EX_NOUSER" chaddr elena x@example.net \
    y@example.net
expect 65 "chaddr to a bad address: EX_DATAERR" chaddr elena \
    carol@example.com 'bad@'

expect 0 "bye" bye elena alice@example.net
[ "$(cat "$OUT")" = "removed alice@example.net" ]
check $? "bye reports"
expect 0 "bye again" unsubscribe elena alice@example.net
[ "$(cat "$OUT")" = "alice@example.net is not a member" ]
check $? "bye again says not a member"
for v in remove resign signoff deluser; do
	mf add elena "$v@example.net"
	expect 0 "$v is bye" "$v" elena "$v@example.net"
	grep -q "^removed $v@example.net" "$OUT"
	check $? "$v removed the address"
done
expect 0 "byeadmin" byeadmin elena boss@example.com
mf list elena admin
[ ! -s "$OUT" ]
check $? "no admins left"

i=0
: > "$T/addrs"
echo "# a comment" >> "$T/addrs"
echo "" >> "$T/addrs"
while [ $i -lt 1000 ]; do
	echo "user$i@bulk.example   first token counts" >> "$T/addrs"
	i=$((i + 1))
done
expect 0 "add -f with 1000 addresses" add elena -f "$T/addrs"
grep -q "1000 added" "$OUT"
check $? "add -f reports the count"
mf list elena member
[ "$(grep -c '@bulk.example$' "$OUT")" = 1000 ]
check $? "1000 members stored"
echo "user1@bulk.example" > "$T/more"
echo "broken line @" >> "$T/more"
echo "new@bulk.example" >> "$T/more"
expect 65 "add -f with a bad line: EX_DATAERR" add elena -f "$T/more"
grep -q "more:2" "$ERR"
check $? "the bad line is named"
mf list elena member
! grep -q "^new@bulk.example" "$OUT"
check $? "nothing of a refused file was stored"
echo "zed@stdin.example" | "$MAKEFML" add elena -f - >"$OUT" 2>"$ERR"
mf list elena member
grep -qx zed@stdin.example "$OUT"
check $? "add -f - reads stdin"

echo 'article_subject_tag = (elena %d)' > "$SITE/default_config.cf"
expect 0 "config VARIABLE" config elena article_post_address
[ "$(cat "$OUT")" = "article_post_address = elena@example.org" ]
check $? "config shows the expanded value"
mf config elena article_subject_tag
[ "$(cat "$OUT")" = "article_subject_tag = (elena %d)" ]
check $? "config shows the site layer"
echo 'article_subject_tag = [elena]' >> "$HOME_PREFIX/elena/config.cf"
mf config elena article_subject_tag
[ "$(cat "$OUT")" = "article_subject_tag = [elena]" ]
check $? "config shows the list layer over the site layer"
expect 0 "config of every variable" config elena
grep -qx "ml_name = elena" "$OUT" &&
    grep -qx "spool_dir = $HOME_PREFIX/elena/spool" "$OUT"
check $? "config lists every variable, expanded"
sort -c "$OUT" 2>/dev/null
check $? "config output is sorted"
expect 64 "config of an unknown variable: EX_USAGE" config elena no_such_var

expect 0 "log" log elena
grep -q "added alice@example.net" "$OUT"
check $? "log shows the list log"
[ "$(wc -l < "$OUT")" -le 100 ]
check $? "log prints at most 100 lines"

expect 67 "add to an unknown list: EX_NOUSER" add nosuch a@example.net
grep -q "no such list" "$ERR"
check $? "unknown list is named"
expect 64 "list with a bad kind: EX_USAGE" list elena frobs
expect 64 "add without addresses: EX_USAGE" add elena
expect 0 "elena::list form" elena::list member
grep -qx zed@stdin.example "$OUT"
check $? "ML::VERB works"
