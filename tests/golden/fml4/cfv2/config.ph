# CFVersion 2: ML_MEMBER_CHECK = 0 is automatic registration
$CFVersion = 2;
$ML_MEMBER_CHECK = 0;
$MAIL_LIST = "cfv2\@example.org";
$SUBJECT_HML_FORM = 1;
$BRACKET = "cfv2";
$HML_FORM_LONG_ID = 1;
1;
