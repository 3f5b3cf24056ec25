#!/bin/sh
# t92-admin - admin command mail through Postfix: "admin pass PW" then
# "admin subscribe ADDR". A SHA-512 hash and a DES hash carried over
# from fml4 both work; a wrong password, a right password from someone
# who is not an admin, and the feature switched off change nothing.
#
# usage: t92-admin.sh PREFIX

. "$(dirname "$0")/lib.sh"
e2e_init "$1"
e2e_site
e2e_newml ml@example.org
CTL=ml-ctl@example.org
N=0

# Fixed hashes: SHA-512 of "s3cret" and a DES hash (fml4's usual kind)
# of "fml4pw", as crypt(3) makes them.
SHA512='$6$mlmtestsalt$JPHTeKXj4gODWME1u9deb5976xcjPNFrLwXIMf38Tin2zDTkC6M4LfmDrb9hZc40cv9VSs5gkfqO71zrpwxxV0'
DES='abOPBW9u2uK6M'

# admin_mail FROM LINES... - an admin command mail, sent through Postfix
admin_mail()
{
	a_from=$1
	shift
	N=$((N + 1))
	{
		printf 'From: %s\nTo: %s\nSubject: admin\n' "$a_from" "$CTL"
		printf 'Message-ID: <adm%d.%d@example.net>\n' "$N" $$
		printf 'Date: %s\n\n' \
		    "$(LC_ALL=C date '+%a, %d %b %Y %H:%M:%S %z')"
		printf '%s\n' "$@"
	} > "$T/a$N"
	pf_send "$PF" "$T/a$N" "$a_from" "$CTL"
	pf_wait_queue "$PF" 30
}

is_member()
{
	as_owner "$PREFIX/bin/makefml" list "$ML" member 2>/dev/null |
	    grep -qix "$1"
}
not_member()
{
	! is_member "$1"
}

as_owner "$PREFIX/bin/makefml" addadmin "$ML" boss@example.net \
    old@example.net >/dev/null 2>&1 || bail "addadmin"
as_owner mkdir -p "$MLD/etc"
{
	printf 'boss@example.net %s\n' "$SHA512"
	printf 'old@example.net %s\n' "$DES"
} > "$T/passwd"
as_owner sh -c "cat > '$MLD/etc/passwd-admin'" < "$T/passwd"

admin_mail boss@example.net "admin pass s3cret" \
    "admin subscribe carol@example.net"
check "admin mail is off by default" not_member carol@example.net

e2e_config use_admin_command_mail_function yes
admin_mail boss@example.net "admin pass s3cret" \
    "admin subscribe carol@example.net"
check "an admin with a SHA-512 password subscribes carol" \
    is_member carol@example.net
admin_mail old@example.net "admin pass fml4pw" \
    "admin subscribe dave@example.net"
check "an admin with a DES hash from fml4 subscribes dave" \
    is_member dave@example.net
admin_mail boss@example.net "admin pass wrong" \
    "admin subscribe erin@example.net"
check "a wrong password subscribes nobody" not_member erin@example.net
admin_mail mallory@example.net "admin pass s3cret" \
    "admin subscribe frank@example.net"
check "the right password from a non-admin subscribes nobody" not_member frank@example.net
done_testing
