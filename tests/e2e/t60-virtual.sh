#!/bin/sh
# t60-virtual - a list in a virtual domain, through Postfix
#
# makefml newdomain example.com, newml ml@example.com: the virtual map
# sends ml@example.com to the ml=example.com alias, which runs
# distribute; every member gets one tagged copy.
#
# usage: t60-virtual.sh PREFIX

. "$(dirname "$0")/lib.sh"
e2e_init "$1"
e2e_site
VHOME=$T/vhome
out=$("$PREFIX/bin/makefml" newdomain example.com "$VHOME" 2>&1) ||
    bail "makefml newdomain example.com: $out"
ok "makefml newdomain example.com"
HOME_PREFIX=$VHOME
e2e_newml ml@example.com
check "the virtual map exists" [ -f "$VHOME/etc/postfix/virtual" ] ||
    done_testing
pf_postconf "$PF" virtual_alias_domains=example.com
pf_add_virtual_map "$PF" "$VHOME/etc/postfix/virtual" ||
    bail "virtual map into the private Postfix"
MEMBERS="alice@example.net bob@example.net carol@example.net"
e2e_add $MEMBERS || bail "no members"

e2e_mail alice@example.net ml@example.com "virtual hello" \
    "virtual.$$@example.net" > "$T/post"
check "SMTP accepts the post for ml@example.com" \
    pf_send "$PF" "$T/post" alice@example.net ml@example.com
arrived=yes
wait_all 1 30 $MEMBERS || arrived=no
pf_wait_queue "$PF" 30
sleep 1
if [ $arrived = yes ]; then
	ok "every member got the post"
else
	not_ok "every member got the post"
	diag_logs
fi
for m in $MEMBERS; do
	check "$m has exactly one copy" [ "$(pf_count "$PF" "$m")" -eq 1 ] ||
	    continue
	f=$(pf_messages "$PF" "$m")
	check "$m: Subject is tagged [ml:00001]" \
	    [ "$(header "$f" Subject)" = "[ml:00001] virtual hello" ]
done
check "seq is 1" [ "$(seq_of)" = 1 ]
done_testing
