# free form tag, auto_regist by the command handler
$MAIL_LIST = "free\@example.org";
$REJECT_POST_HANDLER = "reject";
$REJECT_COMMAND_HANDLER = "autoregist";
$SUBJECT_FREE_FORM = 1;
$BEGIN_BRACKET = '<<';
$BRACKET = "Free";
$BRACKET_SEPARATOR = '';
$END_BRACKET = ">>";
$WELCOME_STATEMENT = "•\\ ‰ï‹c—p";
=cut
$NOT_READ = "after cut";
