# -*-Perl-*-
# テスト用のリスト
$CFVersion                     = "6.1";
$DOMAINNAME                    = "example.net";
$MAIL_LIST                     = "odd\@$DOMAINNAME";
$CONTROL_ADDRESS               = 'odd-ctl@example.net';
$MAINTAINER                    = "odd-admin\@" . $DOMAINNAME;
$PERMIT_POST_FROM              = "anyone";
$REJECT_POST_HANDLER           = "ignore";
$SUBJECT_HML_FORM              = 1;
$HML_FORM_LONG_ID              = 4;
$BRACKET                       = q{Odd};
$INCOMING_MAIL_SIZE_LIMIT      = "512K";
$XMLNAME                       = "X-ML-Name: odd";
$SPOOL_DIR                     = "spool";
$MEMBER_LIST                   = "$DIR/members";
$USE_MTI                       = 1;
$DATE_TYPE                     = "original-date";  # mlm does the same
$SMTP_LOG                      = "$DIR/var/log/_smtplog";
$X_ML_INFO_DEFAULT || ($X_ML_INFO_DEFAULT = "info");
push(@ACTIVE_LIST, "$DIR/actives2");
%RELAY_GW = ('example.com', 'relay.example.net');
&DEFINE_FIELD_FORCED('Organization', "Odd \"Club\"");
$START_HOOK = q#
    $e{'h:Reply-To:'} = "odd\@example.net";  ' " ; } still the hook
#;
$COMMAND_HOOK = q@ &Log("x"); @;
