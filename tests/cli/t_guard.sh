# makefml refuses what would break a list: the list's own addresses as
# members, help for a verb that does not exist; list names are one case.
. "$(dirname "$0")/lib.sh"

expect 0 "newml ml" newml ml
for a in ml@example.org ML-ctl@example.org ml-error@EXAMPLE.ORG \
    ml-admin@example.org ml-request@example.org; do
	expect 65 "add $a: refused" add ml "$a"
done
mf list ml member
[ ! -s "$OUT" ]
check $? "nothing was added"
expect 64 "help for an unknown verb" help bogus
expect 0 "help for a verb" help add
expect 0 "newml MyList" newml MyList
[ -d "$HOME_PREFIX/mylist" ]
check $? "the list directory is in lower case"
expect 0 "add to mylist by another case" add MYLIST a@example.net
expect 73 "newml mylist again: exists" newml mylist

# Typos in config.cf are reported, not silently used.
printf 'article_subject_tag = [$ml_nme:%%05d]\nuse_artcle_filter = no\n' \
    >> "$HOME_PREFIX/ml/config.cf"
mf config ml article_subject_tag
grep -q "unknown variable use_artcle_filter" "$ERR" &&
    grep -q 'refers to \$ml_nme, which is not defined' "$ERR"
check $? "config warns of an unknown variable and an undefined reference"
