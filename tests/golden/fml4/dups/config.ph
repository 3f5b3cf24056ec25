# the same member on several actives lines: a plain line gets each post
$MAIL_LIST = "dups\@example.org";
$SUBJECT_TAG_TYPE = "[:]";
$BRACKET = "dups";
1;
