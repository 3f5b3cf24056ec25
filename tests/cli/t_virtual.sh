# newdomain, a list in a virtual domain, its virtual block, rmdomain.
. "$(dirname "$0")/lib.sh"

V=$T/nuinui
expect 0 "newdomain" newdomain nuinui.net "$V"
[ -d "$V" ] && [ "$(mode "$V")" = 755 ]
check $? "newdomain made the home prefix, mode 0755"
grep -q "^nuinui.net	$V\$" "$SITE/ml_home_prefix"
check $? "the domain is in the ml_home_prefix map"
expect 0 "newdomain again with the same dir" newdomain nuinui.net "$V"
expect 65 "newdomain again with another dir: EX_DATAERR" \
    newdomain nuinui.net "$T/other"
[ ! -e "$T/other" ]
check $? "a refused newdomain leaves no directory"
expect 64 "newdomain with a bad domain: EX_USAGE" newdomain 'a..b' "$T/x"

expect 0 "newml in the virtual domain" newml elena@nuinui.net
D=$V/elena
[ -f "$D/config.cf" ]
check $? "the list lives in the domain's home prefix"
grep -q '"|.*/distribute -c .* elena@nuinui.net"' "$D/include"
check $? "the include file names elena@nuinui.net"
A=$V/etc/mail/aliases
grep -qx "elena=nuinui.net: :include:$D/include" "$A" &&
    grep -qx "elena-admin=nuinui.net: $OWNER" "$A" &&
    grep -qx "elena-request=nuinui.net: elena-admin=nuinui.net" "$A"
check $? "alias keys are name=domain"
F=$V/etc/postfix/virtual
[ -f "$F" ] && [ "$(mode "$F")" = 644 ]
check $? "virtual map written, mode 0644"
for s in "" -ctl -request -admin -error; do
	grep -qx "elena$s@nuinui.net	elena$s=nuinui.net@mail.example.org" \
	    "$F" || echo "# missing elena$s" >&2
done 2> "$T/miss"
[ ! -s "$T/miss" ]
check $? "virtual lines route to name=domain at the local domain"
! grep -q '^nuinui.net[	 ]' "$F"
check $? "no \"domain domain\" line"
grep -q '^### <VIRTUAL elena@nuinui.net ML> ###$' "$F" &&
    grep -q '^### </VIRTUAL elena@nuinui.net ML> ###$' "$F"
check $? "the virtual block is marked"

expect 0 "a list of the same name in the default domain" newml elena
grep -qx "elena: :include:$HOME_PREFIX/elena/include" \
    "$HOME_PREFIX/etc/mail/aliases"
check $? "default-domain elena has its own aliases file"

expect 65 "rmdomain with lists left: EX_DATAERR" rmdomain nuinui.net
grep -q nuinui.net "$SITE/ml_home_prefix"
check $? "a refused rmdomain keeps the map"
expect 0 "rmml elena@nuinui.net" rmml elena@nuinui.net
! grep -q "elena" "$F" && ! grep -q elena "$A"
check $? "rmml removed the alias and virtual blocks"
expect 0 "rmdomain" rmdomain nuinui.net
! grep -q nuinui.net "$SITE/ml_home_prefix"
check $? "rmdomain removed the domain from the map"
expect 65 "newml in the removed domain: EX_DATAERR" newml x@nuinui.net
