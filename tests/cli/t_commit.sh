# distribute when the post cannot be committed: a lock held by another
# process, a spool it cannot write, a store it cannot open. Each time it
# must exit 75 (the MTA retries), leave seq and the spool as they were,
# and take the next number normally once the trouble is gone.
. "$(dirname "$0")/lib.sh"

DIST=$MLM_PREFIX/libexec/mlm/distribute
# add_setting FILE TEXT: add a line to a config.cf before its =cut line
add_setting() {
	awk -v line="$2" '
	    !done && /^=cut/ { print line; done = 1 }
	    { print }
	    END { if (!done) print line }' "$1" > "$1.new" &&
	    cat "$1.new" > "$1" && rm -f "$1.new"
}
expect 0 "newml ml" newml ml
D=$HOME_PREFIX/ml
add_setting "$D/config.cf" "smtp_servers = 127.0.0.1:9"
add_setting "$D/config.cf" "lock_timeout = 1"
mf add ml alice@example.net

n=0
post() {
	n=$((n + 1))
	printf 'From: alice@example.net\nTo: ml@example.org\nSubject: t%d\n'`
	    `'Date: Thu, 03 Dec 2026 10:00:00 +0900\n'`
	    `'Message-ID: <commit-%d@example.net>\n\nbody %d\n' $n $n $n |
	    env -i PATH=/usr/bin:/bin SENDER=alice@example.net \
	    MLM_CONFIG_DIR="$MLM_CONFIG_DIR" "$DIST" ml >"$OUT" 2>"$ERR"
	RC=$?
}

spool_count() {
	ls "$D/spool" | wc -l | tr -d ' '
}

# A lock held elsewhere: deferred after lock_timeout. The lock file is
# the list owner's, as distribute would have made it.
touch "$D/var/lock/article_sequence"
[ "$(id -u)" = 0 ] && chown "$(owner "$D")" "$D/var/lock/article_sequence"
python3 - "$D/var/lock/article_sequence" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.lockf(fd, fcntl.LOCK_EX)
open(sys.argv[1] + ".held", "w").close()
time.sleep(6)
PY
holder=$!
i=0
while [ ! -e "$D/var/lock/article_sequence.held" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
post
[ "$RC" = 75 ] && [ "$(cat "$D/seq")" = 0 ] && [ "$(spool_count)" = 0 ]
check $? "a held lock defers the post (status $RC, seq $(cat "$D/seq"))"
grep -q "4.3.0" "$ERR"
check $? "the deferral says 4.3.0 on stderr"
kill $holder 2>/dev/null
wait $holder 2>/dev/null
rm -f "$D/var/lock/article_sequence.held"

# A spool the list owner cannot write.
chmod 0500 "$D/spool"
if [ "$(id -u)" = 0 ] || [ ! -w "$D/spool" ]; then
	post
	[ "$RC" = 75 ] && [ "$(cat "$D/seq")" = 0 ]
	check $? "an unwritable spool defers the post (status $RC)"
fi
chmod 0700 "$D/spool"

# A store that cannot be opened.
mv "$D/var/db" "$D/var/db.away"
: > "$D/var/db"
post
[ "$RC" = 75 ] && [ "$(cat "$D/seq")" = 0 ] && [ "$(spool_count)" = 0 ]
check $? "an unusable store defers the post (status $RC)"
rm -f "$D/var/db"
mv "$D/var/db.away" "$D/var/db"

# The trouble gone: the next post is article 1, and nothing is left over.
post
[ "$RC" = 0 ] && [ "$(cat "$D/seq")" = 1 ] && [ -f "$D/spool/1" ] &&
    [ "$(spool_count)" = 1 ]
check $? "then the next post is article 1 (status $RC)"
# The same Message-ID again: not sent twice.
n=$((n - 1))
post
[ "$RC" = 0 ] && [ "$(cat "$D/seq")" = 1 ] && grep -q duplicate "$D/log"
check $? "a Message-ID seen before is not distributed again"

# Once the cache has forgotten it (lifetime 0, sweep at every post), the
# same Message-ID is a new post.
add_setting "$D/config.cf" "message_id_cache_lifetime = 0"
add_setting "$D/config.cf" "message_id_cache_expire_interval = 0"
sleep 1
post
post
n=$((n - 3))
sleep 1
post
[ "$RC" = 0 ] && [ "$(cat "$D/seq")" = 4 ]
check $? "an expired Message-ID is distributed again (seq $(cat "$D/seq"))"

[ -z "$(find "$D" -name '*.tmp.*')" ]
check $? "no temporary files are left behind"
if [ "$(id -u)" = 0 ]; then
	[ -z "$(find "$D" -user root)" ]
	check $? "no file in the list belongs to root"
fi
