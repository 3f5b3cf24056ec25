# makefml check on list trouble that breaks delivery: a configuration
# that does not parse, and an include file that belongs to root.
. "$(dirname "$0")/lib.sh"

expect 0 "newml ml" newml ml
echo "this is not a setting" >> "$HOME_PREFIX/ml/config.cf"
mf check
[ "$RC" = 78 ] && grep -q "need: fix the configuration of 1 list" "$OUT" &&
    grep -q "ml@example.org skipped: .*config.cf:" "$ERR"
check $? "a configuration that does not parse is a need (status $RC)"

sed -i '/this is not a setting/d' "$HOME_PREFIX/ml/config.cf"
mf check
! grep -q "fix the configuration" "$OUT"
check $? "fixed, it is no longer listed"

if [ "$(id -u)" = 0 ]; then
	chown root "$HOME_PREFIX/ml/include"
	mf check
	[ "$RC" = 78 ] && grep -q "need: chown .*$HOME_PREFIX/ml/include " \
	    "$OUT"
	check $? "a root-owned include file is a need (status $RC)"
fi

chmod 0777 "$HOME_PREFIX/ml"
chmod 0666 "$HOME_PREFIX/ml/config.cf"
mf check
grep -q "warn: $HOME_PREFIX/ml is writable by others (mode 777)" "$OUT" &&
    grep -q "warn: $HOME_PREFIX/ml/config.cf is writable by others" "$OUT"
check $? "a list directory and config.cf writable by others are reported"
chmod 0700 "$HOME_PREFIX/ml"
chmod 0600 "$HOME_PREFIX/ml/config.cf"
