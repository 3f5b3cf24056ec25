/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_subject - subject_tag(), subject_plain() and subject_tag_valid()
 *
 * Each case gives a raw Subject field body and what must come out: the
 * new field unfolded and decoded by a decoder of the test's own (RFC
 * 2047 section 6.2, as a receiving mailer does it), the exact wire form
 * where it is fixed, and the summary text. The wire form is checked
 * for what a receiving mailer needs: lines of at most 78 characters
 * with "Subject: " in front, continuation lines starting with one
 * space, encoded-words of at most 75 characters that are well formed,
 * stand apart from their neighbours and decode alone (no character
 * split, ISO-2022-JP back in ASCII), no raw ESC or 8-bit bytes where
 * the text is encoded, and the tag first. Tagging the result again
 * must give the same field with the next number. The cases named Cnn
 * and Snn carry the Subject bytes of the posts of the same names in
 * the project's subject corpus.
 */

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "check.h"
#include "subject.h"

#define W_ASCII		0x01	/* nothing but ASCII, no encoded-word */
#define W_ENC		0x02	/* no 8-bit byte and no ESC on the wire */
#define W_LONG		0x04	/* an unbreakable word makes a long line */
#define W_GLUE		0x08	/* an encoded-word touches other text */
#define W_LOOSE		0x10	/* words may hold CP932 extensions */

struct tcase {
	const char *name;
	const char *raw;	/* field body after "Subject:"; NULL: none */
	size_t	 len;		/* 0: strlen(raw) */
	const char *tag;	/* NULL: "[ml:%05d]" */
	long	 n;		/* 0: 12 */
	const char *decoded;	/* new field, unfolded and decoded */
	const char *wire;	/* exact new field body, or NULL */
	const char *plain;	/* subject_plain() */
	const char *cs;		/* charset of every encoded-word, or NULL */
	int	 flags;
};

static const struct tcase cases[] = {
	/* The subject corpus. */
	{ .name = "C01 Re and old tag inside one ISO-2022-JP word",
	    .raw = " =?ISO-2022-JP?B?UmU6IFttbDowMDAxMV0gGyRCJDMkcyRLJEEkTxsoQg"
	    "==?=",
	    .decoded = "[ml:00012] Re: こんにちは",
	    .plain = "Re: こんにちは", .cs = "ISO-2022-JP", .flags = W_ENC },
	{ .name = "C03 AW and Re mixed",
	    .raw = " AW: Re: AW: [ml:00011] Termin am Montag",
	    .decoded = "[ml:00012] Re: Termin am Montag",
	    .wire = "[ml:00012] Re: Termin am Montag",
	    .plain = "Re: Termin am Montag", .flags = W_ASCII },
	{ .name = "C05 another list's tag stays",
	    .raw = " Re: [other:00100] Quarterly report",
	    .decoded = "[ml:00012] Re: [other:00100] Quarterly report",
	    .wire = "[ml:00012] Re: [other:00100] Quarterly report",
	    .plain = "Re: [other:00100] Quarterly report",
	    .flags = W_ASCII },
	{ .name = "C06 unchanged word kept byte for byte",
	    .raw = " =?utf-8?Q?Bonjour_=C3=A0_tous?=",
	    .decoded = "[ml:00012] Bonjour à tous",
	    .wire = "[ml:00012] =?utf-8?Q?Bonjour_=C3=A0_tous?=",
	    .plain = "Bonjour à tous", .flags = W_ENC },
	{ .name = "C08 long UTF-8 subject in four words",
	    .raw = " =?UTF-8?B?44CQ44GU5qGI5YaF44CR5p2l5pyI44Gu5a6a5L6L5Lya6K2w"
	    "44Gu6ZaL?=\n =?UTF-8?B?5YKs5pel5pmC44Go5Lya5aC044Gu5aSJ5pu044Gr4"
	    "4Gk44GE44Gm44CB44GK?=\n =?UTF-8?B?44KI44Gz5Lya6K2w6LOH5paZ44Gu5Lq"
	    "L5YmN6YWN5biD44Gr6Zai44GZ44KL?=\n =?UTF-8?B?44GK6aGY44GE?=",
	    .decoded = "[ml:00012] 【ご案内】来月の定例会議の開催日時と会場の"
	    "変更について、および会議資料の事前配布に関するお願い",
	    .plain = "【ご案内】来月の定例会議の開催日時と会場の変更について、"
	    "および会議資料の事前配布に関するお願い",
	    .wire = "[ml:00012]\n"
	    " =?UTF-8?B?44CQ44GU5qGI5YaF44CR5p2l5pyI"
	    "44Gu5a6a5L6L5Lya6K2w44Gu6ZaL?=\n"
	    " =?UTF-8?B?5YKs5pel5pmC44Go5Lya5aC044Gu"
	    "5aSJ5pu044Gr44Gk44GE44Gm44CB44GK?=\n"
	    " =?UTF-8?B?44KI44Gz5Lya6K2w6LOH5paZ44Gu"
	    "5LqL5YmN6YWN5biD44Gr6Zai44GZ44KL?=\n"
	    " =?UTF-8?B?44GK6aGY44GE?=",
	    .cs = "UTF-8", .flags = W_ENC },
	{ .name = "S02 empty subject", .raw = " ",
	    .decoded = "[ml:00012]", .wire = "[ml:00012]", .plain = "",
	    .flags = W_ASCII },
	{ .name = "S03 no subject", .raw = NULL,
	    .decoded = "[ml:00012]", .wire = "[ml:00012]", .plain = "",
	    .flags = W_ASCII },
	{ .name = "S04 run of Re",
	    .raw = " Re: Re: Re: [ml:00011] lunch on Friday",
	    .decoded = "[ml:00012] Re: lunch on Friday",
	    .wire = "[ml:00012] Re: lunch on Friday",
	    .plain = "Re: lunch on Friday", .flags = W_ASCII },
	{ .name = "S05 upper-case RE",
	    .raw = " RE: [ml:00011] Budget 2026 draft",
	    .decoded = "[ml:00012] Re: Budget 2026 draft",
	    .wire = "[ml:00012] Re: Budget 2026 draft",
	    .plain = "Re: Budget 2026 draft", .flags = W_ASCII },
	{ .name = "S06 forward markers stay",
	    .raw = " Fw: Fwd: [ml:00011] slides for Monday",
	    .decoded = "[ml:00012] Fw: Fwd: slides for Monday",
	    .wire = "[ml:00012] Fw: Fwd: slides for Monday",
	    .plain = "Fw: Fwd: slides for Monday", .flags = W_ASCII },
	{ .name = "S08 henshin and full-width Re across two words",
	    .raw = " =?ISO-2022-JP?B?GyRCSlY/LhsoQjogGyRCI1IjZSEnGyhC?=\n"
	    " =?ISO-2022-JP?B?W21sOjAwMDExXSAbJEIycTVEJE43bxsoQg==?=",
	    .decoded = "[ml:00012] Re: 会議の件", .plain = "Re: 会議の件",
	    .cs = "ISO-2022-JP", .flags = W_ENC },
	{ .name = "S09 Re and tag inside a Q word",
	    .raw = " =?UTF-8?Q?Re=3A_=5Bml=3A00011=5D_caf=C3=A9_au_lait_=E2=98"
	    "=95?=",
	    .decoded = "[ml:00012] Re: café au lait ☕",
	    .plain = "Re: café au lait ☕", .cs = "UTF-8", .flags = W_ENC },
	{ .name = "S10 raw UTF-8",
	    .raw = " Re: [ml:00011] \xe6\x9d\xa5\xe9\x80\xb1\xe3\x81\xae\xe4"
	    "\xba\x88\xe5\xae\x9a\xe3\x81\xab\xe3\x81\xa4\xe3\x81\x84\xe3\x81"
	    "\xa6",
	    .decoded = "[ml:00012] Re: 来週の予定について",
	    .wire = "[ml:00012] Re: 来週の予定について",
	    .plain = "Re: 来週の予定について" },
	{ .name = "S11 300 ASCII characters on one line",
	    .raw = " Minutes of the planning committee meeting held on Monday "
	    "the ninth of March, covering the spring event schedule, the new "
	    "registration desk, volunteer shifts for the weekend, catering "
	    "options and their costs, the revised budget for printed "
	    "material, room bookings at the town hall, and open questions.",
	    .decoded = "[ml:00012] Minutes of the planning committee meeting "
	    "held on Monday the ninth of March, covering the spring event "
	    "schedule, the new registration desk, volunteer shifts for the "
	    "weekend, catering options and their costs, the revised budget "
	    "for printed material, room bookings at the town hall, and open "
	    "questions.",
	    .wire = "[ml:00012] Minutes of the planning committee meeting held "
	    "on Monday\n the ninth of March, covering the spring event "
	    "schedule, the new registration\n desk, volunteer shifts for the "
	    "weekend, catering options and their costs, the\n revised budget "
	    "for printed material, room bookings at the town hall, and open\n"
	    " questions.",
	    .plain = "Minutes of the planning committee meeting held on Monday "
	    "the ninth of March, covering the spring event schedule, the new "
	    "registration desk, volunteer shifts for the weekend, catering "
	    "options and their costs, the revised budget for printed "
	    "material, room bookings at the town hall, and open questions.",
	    .flags = W_ASCII },
	{ .name = "S13 old tag in the middle",
	    .raw = " status update [ml:00009] (corrected)",
	    .decoded = "[ml:00012] status update (corrected)",
	    .wire = "[ml:00012] status update (corrected)",
	    .plain = "status update (corrected)", .flags = W_ASCII },

	/* Reply markers. */
	{ .name = "reply markers with counts and in other languages",
	    .raw = " Re[2]: AW: SV: Antw: Odp: VS: Re^3: Re*4: Re(5): Re6: "
	    "Aw: Sv: Antwort: Ynt: hello",
	    .decoded = "[ml:00012] Re: hello", .wire = "[ml:00012] Re: hello",
	    .plain = "Re: hello", .flags = W_ASCII },
	{ .name = "reply markers in Chinese, Japanese, French, Greek, "
	    "Russian, raw UTF-8",
	    .raw = " RE: Réf: Rif: Ref: 回复: 回覆：答复: 返: 返信： ΑΠ: Отв: "
	    "Re : hello",
	    .decoded = "[ml:00012] Re: hello", .wire = "[ml:00012] Re: hello",
	    .plain = "Re: hello", .flags = W_ASCII },
	{ .name = "full-width Re and Re>",
	    .raw = " Ｒｅ：ＲＥ：Ｒｅ［２］：Re>hello",
	    .decoded = "[ml:00012] Re: hello", .wire = "[ml:00012] Re: hello",
	    .plain = "Re: hello", .flags = W_ASCII },
	{ .name = "words that only look like markers stay",
	    .raw = " Results: Re-run Reply: Revenue:",
	    .decoded = "[ml:00012] Results: Re-run Reply: Revenue:",
	    .wire = "[ml:00012] Results: Re-run Reply: Revenue:",
	    .plain = "Results: Re-run Reply: Revenue:", .flags = W_ASCII },
	{ .name = "Re alone", .raw = " Re:",
	    .decoded = "[ml:00012] Re:", .wire = "[ml:00012] Re:",
	    .plain = "Re:", .flags = W_ASCII },
	{ .name = "Re after a forward marker stays",
	    .raw = " Fwd: Re: [ml:00011] minutes",
	    .decoded = "[ml:00012] Fwd: Re: minutes",
	    .wire = "[ml:00012] Fwd: Re: minutes",
	    .plain = "Fwd: Re: minutes", .flags = W_ASCII },
	{ .name = "Re after another list's tag stays",
	    .raw = " [other:00100] Re: hi",
	    .decoded = "[ml:00012] [other:00100] Re: hi",
	    .wire = "[ml:00012] [other:00100] Re: hi",
	    .plain = "[other:00100] Re: hi", .flags = W_ASCII },

	/* This list's tag. */
	{ .name = "tag with other number, spacing and case",
	    .raw = " Re: [ML: 00011 ] hello [ml:7] there [ Ml :123]",
	    .decoded = "[ml:00012] Re: hello there",
	    .wire = "[ml:00012] Re: hello there",
	    .plain = "Re: hello there", .flags = W_ASCII },
	{ .name = "tag at the end", .raw = " hello [ml:00011]",
	    .decoded = "[ml:00012] hello", .wire = "[ml:00012] hello",
	    .plain = "hello", .flags = W_ASCII },
	{ .name = "tag glued to the word before it",
	    .raw = " foo[ml:00011] bar",
	    .decoded = "[ml:00012] foo bar", .wire = "[ml:00012] foo bar",
	    .plain = "foo bar", .flags = W_ASCII },
	{ .name = "tag in the middle of an encoded-word",
	    .raw = " =?UTF-8?Q?status_[ml:00009]_update_=E2=9C=93?=",
	    .decoded = "[ml:00012] status update ✓",
	    .plain = "status update ✓", .cs = "UTF-8", .flags = W_ENC },
	{ .name = "tag between words of two charsets",
	    .raw = " =?UTF-8?B?5pel5pys?= [ml:00011] =?ISO-8859-1?Q?caf=E9?=",
	    .decoded = "[ml:00012] 日本 café", .plain = "日本 café",
	    .flags = W_ENC },
	{ .name = "tag at the end of a word before plain text",
	    .raw = " =?UTF-8?Q?a_=C3=A9_[ml:00011]?= b",
	    .decoded = "[ml:00012] a é b", .plain = "a é b",
	    .cs = "UTF-8", .flags = W_ENC },
	{ .name = "constant tag", .raw = " Re: [ml] hello [ML]",
	    .tag = "[ml]", .decoded = "[ml] Re: hello",
	    .wire = "[ml] Re: hello", .plain = "Re: hello",
	    .flags = W_ASCII },
	{ .name = "(ml %d) tag", .raw = " Re: (ml 11) hello (ML   3) [ml 4]",
	    .tag = "(ml %d)", .decoded = "(ml 12) Re: hello [ml 4]",
	    .wire = "(ml 12) Re: hello [ml 4]", .plain = "Re: hello [ml 4]",
	    .flags = W_ASCII },
	{ .name = "number-only tag leaves shorter numbers",
	    .raw = " Re: [00011] hello [2009] [000123]", .tag = "[%05d]",
	    .decoded = "[00012] Re: hello [2009]",
	    .wire = "[00012] Re: hello [2009]", .plain = "Re: hello [2009]",
	    .flags = W_ASCII },
	{ .name = "space-padded number", .raw = " [ml:   11] x",
	    .tag = "[ml:%5d]", .decoded = "[ml:   12] x",
	    .wire = "[ml:   12] x", .plain = "x", .flags = W_ASCII },
	{ .name = "tag without brackets keeps longer words",
	    .raw = " html:5 ml:11 x", .tag = "ml:%d",
	    .decoded = "ml:12 html:5 x", .wire = "ml:12 html:5 x",
	    .plain = "html:5 x", .flags = W_ASCII },
	{ .name = "wide article number", .raw = " x", .n = 1234567,
	    .decoded = "[ml:1234567] x", .wire = "[ml:1234567] x",
	    .plain = "x", .flags = W_ASCII },

	/* Charsets. */
	{ .name = "long ISO-2022-JP subject stays ISO-2022-JP",
	    .raw = " =?ISO-2022-JP?B?GyRCSlY/LhsoQjogGyRCI1IjZSEnGyhCIFttbDowMD"
	    "AxMV0gGyRCRnxLXDhsJE5EOSQkN29MPiRPJDMkTiRoJCYkS0BeJGpKViQ1JGwkSi"
	    "QxJGwkUCRKJGokXiQ7JHMhIyQ1JGkkS0Q5JC8kOSRrJD8kYSRLSjg7eiRyREkyQy"
	    "Q3JF4kORsoQg==?=",
	    .decoded = "[ml:00012] Re: 日本語の長い件名はこのように折り返され"
	    "なければなりません。さらに長くするために文字を追加します",
	    .plain = "Re: 日本語の長い件名はこのように折り返されなければなり"
	    "ません。さらに長くするために文字を追加します",
	    .cs = "ISO-2022-JP", .flags = W_ENC },
	{ .name = "long UTF-8 subject encoded again in several words",
	    .raw = " =?UTF-8?B?UmU6IFttbDowMDAxMV0g0JTQu9C40L3QvdCw0Y8g0YLQtdC8"
	    "0LAg0L/QuNGB0YzQvNCwINC90LAg0YDRg9GB0YHQutC+0Lwg0Y/Qt9GL0LrQtSwg"
	    "0LrQvtGC0L7RgNCw0Y8g0LTQvtC70LbQvdCwINCx0YvRgtGMINGA0LDQt9Cx0LjR"
	    "gtCwINC90LAg0L3QtdGB0LrQvtC70YzQutC+INGB0LvQvtCy?=",
	    .decoded = "[ml:00012] Re: Длинная тема письма на русском языке, "
	    "которая должна быть разбита на несколько слов",
	    .plain = "Re: Длинная тема письма на русском языке, которая "
	    "должна быть разбита на несколько слов",
	    .cs = "UTF-8", .flags = W_ENC },
	{ .name = "unchanged word over 75 characters is split",
	    .raw = " =?UTF-8?B?44GC44GE44GG44GI44GK44GL44GN44GP44GR44GT44GV44GX"
	    "44GZ44Gb44Gd44Gf44Gh44Gk44Gm44Go44Gq44Gr44Gs44Gt44Gu44Gv44Gy44G1"
	    "44G444G7?=",
	    .decoded = "[ml:00012] あいうえおかきくけこさしすせそたちつてとな"
	    "にぬねのはひふへほ",
	    .plain = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふ"
	    "へほ",
	    .cs = "UTF-8", .flags = W_ENC },
	{ .name = "Shift_JIS word stays Shift_JIS",
	    .raw = " =?Shift_JIS?B?UmU6IFttbDowMDAxMV0gie+LY4LMjI8=?=",
	    .decoded = "[ml:00012] Re: 会議の件", .plain = "Re: 会議の件",
	    .cs = "Shift_JIS", .flags = W_ENC },
	{ .name = "EUC-JP word stays EUC-JP",
	    .raw = " =?EUC-JP?B?UmU6IFttbDowMDAxMV0gsvG1xKTOt+8=?=",
	    .decoded = "[ml:00012] Re: 会議の件", .plain = "Re: 会議の件",
	    .cs = "EUC-JP", .flags = W_ENC },
	{ .name = "GB2312 word stays GB2312",
	    .raw = " =?GB2312?B?UmU6IFttbDowMDAxMV0gu+HS6c2o1qo=?=",
	    .decoded = "[ml:00012] Re: 会议通知", .plain = "Re: 会议通知",
	    .cs = "GB2312", .flags = W_ENC },
	{ .name = "Big5 word stays Big5",
	    .raw = " =?Big5?B?UmU6IFttbDowMDAxMV0gt3zEs7Nxqr4=?=",
	    .decoded = "[ml:00012] Re: 會議通知", .plain = "Re: 會議通知",
	    .cs = "Big5", .flags = W_ENC },
	{ .name = "KS_C_5601-1987 word stays KS_C_5601-1987",
	    .raw = " =?ks_c_5601-1987?B?UmU6IFttbDowMDAxMV0gyLjAxyC+yLO7?=",
	    .decoded = "[ml:00012] Re: 회의 안내", .plain = "Re: 회의 안내",
	    .cs = "ks_c_5601-1987", .flags = W_ENC },
	{ .name = "Latin-1 word encoded again in Q",
	    .raw = " Re: =?ISO-8859-1?Q?[ml:00011]_caf=E9_cr=E8me?=",
	    .decoded = "[ml:00012] Re: café crème",
	    .wire = "[ml:00012] Re: =?ISO-8859-1?Q?caf=E9_cr=E8me?=",
	    .plain = "Re: café crème", .cs = "ISO-8859-1", .flags = W_ENC },
	{ .name = "NEC special character stays ISO-2022-JP",
	    .raw = " =?ISO-2022-JP?B?UmU6IFttbDowMDAxMV0gGyRCLSEbKEI=?=",
	    .decoded = "[ml:00012] Re: ①",
	    .wire = "[ml:00012] Re: =?ISO-2022-JP?B?GyRCLSEbKEI=?=",
	    .plain = "Re: ①", .cs = "ISO-2022-JP",
	    .flags = W_ENC | W_LOOSE },
	{ .name = "half-width katakana leave ISO-2022-JP for UTF-8",
	    .raw = " =?ISO-2022-JP?B?UmU6IFttbDowMDAxMV0gGyhJMTIzGyhC?=",
	    .decoded = "[ml:00012] Re: ｱｲｳ",
	    .wire = "[ml:00012] Re: =?UTF-8?B?772x772y772z?=",
	    .plain = "Re: ｱｲｳ", .cs = "UTF-8", .flags = W_ENC },
	{ .name = "ISO-2022-JP word left outside ASCII is closed",
	    .raw = " =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTw==?=",
	    .decoded = "[ml:00012] こんにちは",
	    .wire = "[ml:00012] =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=",
	    .plain = "こんにちは", .cs = "ISO-2022-JP", .flags = W_ENC },
	{ .name = "unchanged words keep their form",
	    .raw = " =?ISO-8859-1?B?Y2Fm6Q==?= =?UTF-8?b?w6lsw6hyZQ==?=",
	    .decoded = "[ml:00012] caféélère",
	    .wire = "[ml:00012] =?ISO-8859-1?B?Y2Fm6Q==?= "
	    "=?UTF-8?b?w6lsw6hyZQ==?=",
	    .plain = "caféélère", .flags = W_ENC },
	{ .name = "Re outside an unchanged word",
	    .raw = " Re: [ml:00011] =?UTF-8?B?w6lsw6hyZQ==?=",
	    .decoded = "[ml:00012] Re: élère",
	    .wire = "[ml:00012] Re: =?UTF-8?B?w6lsw6hyZQ==?=",
	    .plain = "Re: élère", .flags = W_ENC },

	/* Raw 8-bit and raw ISO-2022-JP. */
	{ .name = "raw ISO-2022-JP stays as it is",
	    .raw = " Re: [ml:00011] \x1b$B2q5D$N7o\x1b(B",
	    .decoded = "[ml:00012] Re: \x1b$B2q5D$N7o\x1b(B",
	    .wire = "[ml:00012] Re: \x1b$B2q5D$N7o\x1b(B",
	    .plain = "Re: 会議の件" },
	{ .name = "raw ISO-2022-JP reply marker goes",
	    .raw = " \x1b$BJV?.\x1b(B: [ml:00011] \x1b$B2q5D$N7o\x1b(B",
	    .decoded = "[ml:00012] Re: \x1b$B2q5D$N7o\x1b(B",
	    .wire = "[ml:00012] Re: \x1b$B2q5D$N7o\x1b(B",
	    .plain = "Re: 会議の件" },
	{ .name = "raw ISO-2022-JP text with the tag inside it",
	    .raw = " \x1b$B2q5D\x1b(B[ml:00011]\x1b$B$N7o\x1b(B",
	    .decoded = "[ml:00012] \x1b$B2q5D\x1b(B\x1b$B$N7o\x1b(B",
	    .wire = "[ml:00012] \x1b$B2q5D\x1b(B\x1b$B$N7o\x1b(B",
	    .plain = "会議の件" },
	{ .name = "raw EUC-KR stays as it is",
	    .raw = " Re: [ml:00011] \xc8\xb8\xc0\xc7 \xbe\xc8\xb3\xbb",
	    .decoded = "[ml:00012] Re: \xc8\xb8\xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd\xc8\xb3\xef\xbf\xbd",
	    .wire = "[ml:00012] Re: \xc8\xb8\xc0\xc7 \xbe\xc8\xb3\xbb",
	    .plain = "Re: \xc8\xb8\xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd\xc8\xb3\xef\xbf\xbd" },
	{ .name = "long raw UTF-8 folds at spaces",
	    .raw = " Re: 今日の会議 について の 議事録 を 送ります 。 ご確認 "
	    "ください 。 来週 の 会議 は 水曜日 の 午後 三時 から です 。 "
	    "よろしく お願い します",
	    .decoded = "[ml:00012] Re: 今日の会議 について の 議事録 を 送りま"
	    "す 。 ご確認 ください 。 来週 の 会議 は 水曜日 の 午後 三時 から"
	    " です 。 よろしく お願い します",
	    .plain = "Re: 今日の会議 について の 議事録 を 送ります 。 ご確認 "
	    "ください 。 来週 の 会議 は 水曜日 の 午後 三時 から です 。 "
	    "よろしく お願い します" },

	/* Broken encoded-words and broken fields. */
	{ .name = "missing ?= at the end", .raw = " =?UTF-8?B?w6lsw6hyZQ==",
	    .decoded = "[ml:00012] élère", .plain = "élère",
	    .cs = "UTF-8", .flags = W_ENC },
	{ .name = "lower-case b, no padding", .raw = " =?utf-8?b?w6lsw6hyZQ?=",
	    .decoded = "[ml:00012] élère", .plain = "élère",
	    .cs = "utf-8", .flags = W_ENC },
	{ .name = "language suffix", .raw = " =?UTF-8*en?Q?Re=3A_hello?=",
	    .decoded = "[ml:00012] Re: hello", .wire = "[ml:00012] Re: hello",
	    .plain = "Re: hello", .flags = W_ASCII },
	{ .name = "unknown charset is kept as text",
	    .raw = " Re: =?x-unknown?Q?hello?= world",
	    .decoded = "[ml:00012] Re: hello world",
	    .wire = "[ml:00012] Re: =?x-unknown?Q?hello?= world",
	    .plain = "Re: =?x-unknown?Q?hello?= world", .flags = W_LOOSE },
	{ .name = "base64 with a foreign character is kept as text",
	    .raw = " =?UTF-8?B?w6#sw6hyZQ==?= x",
	    .decoded = "[ml:00012] =?UTF-8?B?w6#sw6hyZQ==?= x",
	    .wire = "[ml:00012] =?UTF-8?B?w6#sw6hyZQ==?= x",
	    .plain = "=?UTF-8?B?w6#sw6hyZQ==?= x", .flags = W_ASCII },
	{ .name = "word broken by a space is kept as text",
	    .raw = " Re: =?UTF-8?B?w6ls w6hyZQ==?=",
	    .decoded = "[ml:00012] Re: =?UTF-8?B?w6ls w6hyZQ==?=",
	    .wire = "[ml:00012] Re: =?UTF-8?B?w6ls w6hyZQ==?=",
	    .plain = "Re: =?UTF-8?B?w6ls w6hyZQ==?=", .flags = W_ASCII },
	{ .name = "unknown encoding is kept as text",
	    .raw = " =?UTF-8?X?abc?= y",
	    .decoded = "[ml:00012] =?UTF-8?X?abc?= y",
	    .wire = "[ml:00012] =?UTF-8?X?abc?= y",
	    .plain = "=?UTF-8?X?abc?= y", .flags = W_ASCII },
	{ .name = "ASCII left in an encoded-word goes out plain",
	    .raw = " =?UTF-8?Q?Re:_[ml:00011]_plain_words?= =?UTF-8?B?5pel?=",
	    .decoded = "[ml:00012] Re: plain words日",
	    .plain = "Re: plain words日", .cs = "UTF-8", .flags = W_ENC },
	{ .name = "encoded-word inside a word",
	    .raw = " foo=?UTF-8?Q?b=C3=A4r?=baz",
	    .decoded = "[ml:00012] foobärbaz",
	    .wire = "[ml:00012] foo=?UTF-8?Q?b=C3=A4r?=baz",
	    .plain = "foobärbaz", .flags = W_ENC | W_GLUE },
	{ .name = "bad bytes in an encoded-word",
	    .raw = " =?UTF-8?Q?caf=E9_[ml:00011]?=",
	    .decoded = "[ml:00012] caf\xef\xbf\xbd", .plain = "caf\xef\xbf\xbd",
	    .cs = "UTF-8", .flags = W_ENC },
	{ .name = "folded with CR LF and tabs",
	    .raw = " =?UTF-8?Q?Re:_x?=\r\n\t=?UTF-8?Q?_y?=\r\n\tz",
	    .decoded = "[ml:00012] Re: x y z", .plain = "Re: x y z",
	    .cs = "UTF-8", .flags = W_ENC },
	{ .name = "white space only", .raw = " \n \t ",
	    .decoded = "[ml:00012]", .wire = "[ml:00012]", .plain = "",
	    .flags = W_ASCII },
	{ .name = "a line break without a fold does not start a field",
	    .raw = " foo\nBcc: evil@example.com",
	    .decoded = "[ml:00012] foo Bcc: evil@example.com",
	    .wire = "[ml:00012] foo Bcc: evil@example.com",
	    .plain = "foo Bcc: evil@example.com", .flags = W_ASCII },
	{ .name = "NUL and controls", .raw = " a\0b\x01" "c", .len = 6,
	    .decoded = "[ml:00012] ab\x01" "c", .plain = "abc" },
};

/* tv_u8len - length of the UTF-8 character at s, 1 for a bad byte */
static size_t
tv_u8len(const unsigned char *s, size_t n)
{
	size_t	 len, i;

	if (s[0] < 0x80)
		return 1;
	len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (len == 0 || len > n || s[0] > 0xf4)
		return 1;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return len;
}

/* tv_valid - append s with bad UTF-8 bytes as U+FFFD */
static void
tv_valid(const char *s, size_t n, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t	 k;

	for (; n > 0; u += k, n -= k) {
		k = tv_u8len(u, n);
		if (k == 1 && u[0] >= 0x80)
			buf_puts(out, "\xef\xbf\xbd");
		else
			buf_append(out, u, k);
	}
}

/* tv_iconv_name - the converter the test reads a label with */
static void
tv_iconv_name(const char *cs, size_t n, char *name, size_t size)
{
	size_t	 i;

	for (i = 0; i < n && i + 1 < size && cs[i] != '*'; i++)
		name[i] = cs[i];
	name[i] = '\0';
	if (strcasecmp(name, "shift_jis") == 0)
		snprintf(name, size, "CP932");
	else if (strcasecmp(name, "ks_c_5601-1987") == 0)
		snprintf(name, size, "CP949");
}

/*
 * tv_conv - convert bytes in charset name to UTF-8; unknown charsets
 * read as Latin-1. Returns how many bad bytes were replaced.
 */
static int
tv_conv(const char *name, const char *in, size_t len, struct buf *out)
{
	char	 tmp[4096];
	char	*ip = (char *)in, *op;
	size_t	 il = len, ol;
	iconv_t	 cd;
	int	 bad = 0;

	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1 &&
	    (cd = iconv_open("UTF-8", "ISO-8859-1")) == (iconv_t)-1)
		return -1;
	while (il > 0) {
		op = tmp;
		ol = sizeof(tmp);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 &&
		    errno != E2BIG) {
			buf_append(out, tmp, (size_t)(op - tmp));
			buf_puts(out, "\xef\xbf\xbd");
			ip++, il--, bad++;
			continue;
		}
		buf_append(out, tmp, (size_t)(op - tmp));
	}
	op = tmp;
	ol = sizeof(tmp);
	iconv(cd, NULL, NULL, &op, &ol);
	buf_append(out, tmp, (size_t)(op - tmp));
	iconv_close(cd);
	return bad;
}

/* tv_jis_cp932 - ISO-2022-JP with NEC extensions as CP932 bytes */
static void
tv_jis_cp932(const char *in, size_t len, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t	 i;
	int	 kanji = 0, row, b;

	for (i = 0; i < len; i++) {
		if (s[i] == 0x1b && i + 2 < len) {
			kanji = s[i + 1] == '$';
			i += 2;
		} else if (kanji && i + 1 < len) {
			row = s[i] - 0x21;
			b = s[++i];
			buf_putc(out, (row >> 1) + (row < 62 ? 0x81 : 0xc1));
			if (row & 1)
				buf_putc(out, b + 0x7e);
			else
				buf_putc(out, b + (b < 0x60 ? 0x1f : 0x20));
		} else
			buf_putc(out, s[i]);
	}
}

/* tv_read - tv_conv(), reading ISO-2022-JP loosely if asked */
static int
tv_read(const char *name, const char *in, size_t len, struct buf *out,
    int loose)
{
	struct buf *sj;
	int	 r;

	if (!loose || strcasecmp(name, "ISO-2022-JP") != 0)
		return tv_conv(name, in, len, out);
	sj = buf_alloc(len);
	tv_jis_cp932(in, len, sj);
	r = tv_conv("CP932", sj->data, sj->len, out);
	buf_free(sj);
	return r;
}

/* A word as a receiving mailer finds it. */
struct tv_word {
	size_t	 start, end;	/* the whole word */
	size_t	 cs, cslen;	/* charset */
	int	 enc;
	size_t	 text, textlen;
};

/* tv_word_at - is there an encoded-word at s[i] */
static int
tv_word_at(const char *s, size_t n, size_t i, struct tv_word *w)
{
	size_t	 j;

	if (i + 1 >= n || s[i] != '=' || s[i + 1] != '?')
		return 0;
	for (j = i + 2; j < n && s[j] != '?' && s[j] != ' ' &&
	    s[j] != '\t' && s[j] != '\n'; j++)
		;
	if (j == i + 2 || j + 2 >= n || s[j] != '?' || s[j + 2] != '?' ||
	    strchr("BbQq", s[j + 1]) == NULL || s[j + 1] == '\0')
		return 0;
	w->start = i;
	w->cs = i + 2;
	w->cslen = j - w->cs;
	w->enc = s[j + 1] == 'b' || s[j + 1] == 'B' ? 'B' : 'Q';
	for (w->text = j = j + 3; j < n && s[j] != '?' && s[j] != ' ' &&
	    s[j] != '\t' && s[j] != '\n'; j++)
		;
	if (j + 1 >= n || s[j] != '?' || s[j + 1] != '=')
		return 0;
	w->textlen = j - w->text;
	w->end = j + 2;
	return 1;
}

/* tv_hex - value of a hexadecimal digit, or -1 */
static int
tv_hex(int c)
{
	const char *d = "0123456789ABCDEF", *p;

	if (c >= 'a' && c <= 'f')
		c -= 'a' - 'A';
	if (c == '\0' || (p = strchr(d, c)) == NULL)
		return -1;
	return (int)(p - d);
}

/* tv_foreign - does a B word hold a character outside base64 */
static int
tv_foreign(const char *s, const struct tv_word *w)
{
	size_t	 i;

	for (i = 0; w->enc == 'B' && i < w->textlen; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789+/=",
		    s[w->text + i]) == NULL)
			return 1;
	return 0;
}

/* tv_payload - the bytes of a word; -1 when it is not well formed */
static int
tv_payload(const char *s, const struct tv_word *w, struct buf *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *t = s + w->text, *p;
	unsigned int acc = 0;
	size_t	 i, pad = 0;
	int	 bits = 0, ok = 0, hi, lo;

	for (i = 0; w->enc == 'B' && i < w->textlen; i++) {
		if (t[i] == '=') {
			pad++;
			continue;
		}
		if ((p = strchr(tab, t[i])) == NULL || pad > 0)
			ok = -1;
		if (p == NULL)
			continue;
		acc = ((acc << 6) | (unsigned int)(p - tab)) & 0xffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			buf_putc(out, (int)((acc >> bits) & 0xff));
		}
	}
	if (w->enc == 'B' && (w->textlen % 4 != 0 || pad > 2))
		ok = -1;
	for (i = 0; w->enc == 'Q' && i < w->textlen; i++) {
		if (t[i] == '_') {
			buf_putc(out, ' ');
		} else if (t[i] == '=' && i + 2 < w->textlen &&
		    (hi = tv_hex(t[i + 1])) >= 0 &&
		    (lo = tv_hex(t[i + 2])) >= 0) {
			buf_putc(out, hi * 16 + lo);
			i += 2;
		} else {
			if (t[i] == '=')
				ok = -1;
			buf_putc(out, t[i]);
		}
	}
	return ok;
}

/*
 * tv_decode - unfold and decode a field body as a receiving mailer
 * does: adjacent encoded-words in one charset join before decoding
 * and the white space between encoded-words goes. Loose decoding
 * reads ISO-2022-JP with the NEC extensions, as Japanese mailers do.
 */
static void
tv_decode(const char *field, size_t flen, struct buf *res, int loose)
{
	struct buf *u, *out, *bytes;
	struct tv_word w;
	char	 cs[64] = "", wcs[64];
	size_t	 i, pos = 0, k;
	int	 open = 0, adjacent;

	u = buf_alloc(flen);
	for (i = 0; i < flen; i++) {
		if (field[i] == '\r' && i + 1 < flen && field[i + 1] == '\n')
			continue;
		if (field[i] == '\n' && i + 1 < flen &&
		    (field[i + 1] == ' ' || field[i + 1] == '\t'))
			continue;
		buf_putc(u, field[i]);
	}
	out = buf_alloc(flen);
	bytes = buf_alloc(flen);
	for (i = 0; i < u->len; i++) {
		if (!tv_word_at(u->data, u->len, i, &w) ||
		    tv_foreign(u->data, &w))
			continue;
		for (adjacent = open, k = pos; k < i; k++)
			if (u->data[k] != ' ' && u->data[k] != '\t')
				adjacent = 0;
		tv_iconv_name(u->data + w.cs, w.cslen, wcs, sizeof(wcs));
		if (open && (!adjacent || strcasecmp(wcs, cs) != 0)) {
			tv_read(cs, bytes->data, bytes->len, out, loose);
			buf_reset(bytes);
		}
		if (!adjacent)
			buf_append(out, u->data + pos, i - pos);
		tv_payload(u->data, &w, bytes);
		memcpy(cs, wcs, sizeof(cs));
		open = 1;
		pos = w.end;
		i = w.end - 1;
	}
	if (open)
		tv_read(cs, bytes->data, bytes->len, out, loose);
	buf_append(out, u->data + pos, u->len - pos);
	buf_reset(res);
	tv_valid(out->data, out->len, res);
	buf_free(bytes);
	buf_free(out);
	buf_free(u);
}

/* tv_lines - check the folding of the field "Subject: " + body */
static void
tv_lines(const struct tcase *tc, const struct buf *b)
{
	const unsigned char *s = (const unsigned char *)b->data;
	size_t	 i, col = 9, longest = 0;
	int	 folds_ok = 1, ends_ok = 1;

	for (i = 0; i < b->len; i += tv_u8len(s + i, b->len - i)) {
		if (s[i] == '\r' || s[i] == '\0')
			folds_ok = 0;
		if (s[i] != '\n') {
			col++;
			longest = col > longest ? col : longest;
			continue;
		}
		if (i + 1 >= b->len || s[i + 1] != ' ' ||
		    (i + 2 < b->len && (s[i + 2] == ' ' || s[i + 2] == '\t')))
			folds_ok = 0;
		if (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
			ends_ok = 0;
		col = 0;
	}
	if (b->len > 0 && (s[b->len - 1] == ' ' || s[b->len - 1] == '\t'))
		ends_ok = 0;
	CHECK(folds_ok, "%s: each fold is a line break and one space",
	    tc->name);
	CHECK(ends_ok, "%s: no line ends in white space", tc->name);
	if (!(tc->flags & W_LONG))
		CHECK(longest <= 78, "%s: lines <= 78 (longest %zu)",
		    tc->name, longest);
}

/* tv_one_word - check one encoded-word on the wire */
static int
tv_one_word(const struct tcase *tc, const struct buf *b,
    const struct tv_word *w)
{
	struct buf *bytes, *dec;
	char	 name[64];
	int	 ok = 1;

	bytes = buf_alloc(64);
	dec = buf_alloc(64);
	tv_iconv_name(b->data + w->cs, w->cslen, name, sizeof(name));
	if (w->end - w->start > 75)
		ok = 0;
	if (tv_payload(b->data, w, bytes) < 0)
		ok = 0;
	if (!(tc->flags & W_LOOSE) && tv_conv(name, bytes->data, bytes->len,
	    dec) != 0)
		ok = 0;
	if (strcasecmp(name, "ISO-2022-JP") == 0 &&
	    memchr(bytes->data, 0x1b, bytes->len) != NULL &&
	    (bytes->len < 3 ||
	    memcmp(bytes->data + bytes->len - 3, "\x1b(B", 3) != 0))
		ok = 0;
	if (tc->cs != NULL && (strlen(tc->cs) != w->cslen ||
	    strncasecmp(tc->cs, b->data + w->cs, w->cslen) != 0))
		ok = 0;
	if (!(tc->flags & W_GLUE) && ((w->start > 0 &&
	    b->data[w->start - 1] != ' ') || (w->end < b->len &&
	    b->data[w->end] != ' ' && b->data[w->end] != '\n')))
		ok = 0;
	buf_free(bytes);
	buf_free(dec);
	return ok;
}

/* tv_wire - check the new field body against the wire rules */
static void
tv_wire(const struct tcase *tc, const struct buf *b, const char *front)
{
	struct tv_word w;
	size_t	 i, nword = 0, bad = 0, high = 0, esc = 0;

	tv_lines(tc, b);
	for (i = 0; i < b->len; i++) {
		high += (unsigned char)b->data[i] >= 0x80;
		esc += b->data[i] == 0x1b;
		if (!tv_word_at(b->data, b->len, i, &w) ||
		    tv_foreign(b->data, &w))
			continue;
		nword++;
		bad += !tv_one_word(tc, b, &w);
		i = w.end - 1;
	}
	CHECK(bad == 0, "%s: %zu encoded-words, all well formed, <= 75, "
	    "whole characters, charset %s", tc->name, nword,
	    tc->cs ? tc->cs : "any");
	if (tc->flags & W_ASCII)
		CHECK(nword == 0 && high == 0 && esc == 0,
		    "%s: plain ASCII, no encoded-word", tc->name);
	if (tc->flags & W_ENC)
		CHECK(high == 0 && esc == 0, "%s: no raw 8-bit or ESC",
		    tc->name);
	CHECK(strncmp(b->data, front, strlen(front)) == 0 &&
	    (b->data[strlen(front)] == '\0' || b->data[strlen(front)] == ' ' ||
	    b->data[strlen(front)] == '\n'),
	    "%s: starts with the tag %s", tc->name, front);
}

/* tv_again - tagging the output again gives the next number only */
static void
tv_again(const struct tcase *tc, const struct buf *first, long n,
    const char *front)
{
	struct buf *again, *why;
	char	 next[64];
	int	 r;

	again = buf_alloc(64);
	why = buf_alloc(64);
	snprintf(next, sizeof(next), tc->tag ? tc->tag : "[ml:%05d]",
	    (int)n + 1);
	r = subject_tag(first->data, first->len, tc->tag ? tc->tag :
	    "[ml:%05d]", n + 1, again, why);
	CHECK(r == 0 && strlen(next) == strlen(front) &&
	    strncmp(again->data, next, strlen(next)) == 0 &&
	    again->len == first->len && memcmp(again->data + strlen(next),
	    first->data + strlen(front), first->len - strlen(front)) == 0,
	    "%s: tagging again changes only the number", tc->name);
	if (again->len != first->len || memcmp(again->data + strlen(next),
	    first->data + strlen(front), first->len - strlen(front)) != 0)
		printf("#   first %s\n#   again %s\n", first->data,
		    again->data);
	buf_free(again);
	buf_free(why);
}

/* tv_case - run one case */
static void
tv_case(const struct tcase *tc)
{
	struct buf *out, *why, *dec, *plain;
	const char *tag = tc->tag ? tc->tag : "[ml:%05d]";
	char	 front[64];
	size_t	 len;
	long	 n = tc->n ? tc->n : 12;
	int	 r;

	out = buf_alloc(64);
	why = buf_alloc(64);
	dec = buf_alloc(64);
	plain = buf_alloc(64);
	len = tc->raw == NULL ? 0 : tc->len ? tc->len : strlen(tc->raw);
	snprintf(front, sizeof(front), tag, (int)n);

	r = subject_tag(tc->raw, len, tag, n, out, why);
	CHECK(r == 0, "%s: subject_tag succeeds (%s)", tc->name, why->data);
	tv_decode(out->data, out->len, dec, tc->flags & W_LOOSE);
	CHECK_STR(dec->data, tc->decoded, "%s: decoded", tc->name);
	if (tc->wire != NULL)
		CHECK_STR(out->data, tc->wire, "%s: exact wire form",
		    tc->name);
	tv_wire(tc, out, front);
	tv_again(tc, out, n, front);

	r = subject_plain(tc->raw, len, tag, plain, why);
	CHECK(r == 0, "%s: subject_plain succeeds", tc->name);
	CHECK_STR(plain->data, tc->plain, "%s: plain", tc->name);

	buf_free(out);
	buf_free(why);
	buf_free(dec);
	buf_free(plain);
}

/* A tag format and whether it is accepted. */
struct tformat {
	const char *fmt;
	int	 ok;
};

static const struct tformat formats[] = {
	{ .fmt = "[ml:%05d]", .ok = 1 },
	{ .fmt = "(ml %d)", .ok = 1 },
	{ .fmt = "[%05d]", .ok = 1 },
	{ .fmt = "[ml:%5d]", .ok = 1 },
	{ .fmt = "[ml]", .ok = 1 },
	{ .fmt = "100%% [ml:%d]", .ok = 1 },
	{ .fmt = "[ml:%s]", .ok = 0 },
	{ .fmt = "[ml:%n]", .ok = 0 },
	{ .fmt = "[%d:%d]", .ok = 0 },
	{ .fmt = "[ml:%5.2d]", .ok = 0 },
	{ .fmt = "[ml:%-5d]", .ok = 0 },
	{ .fmt = "[ml:%ld]", .ok = 0 },
	{ .fmt = "[ml:%021d]", .ok = 0 },
	{ .fmt = "[ml:%", .ok = 0 },
	{ .fmt = "", .ok = 0 },
	{ .fmt = NULL, .ok = 0 },
	{ .fmt = "%05d", .ok = 0 },
	{ .fmt = " [ml:%d]", .ok = 0 },
	{ .fmt = "[ml:%d] ", .ok = 0 },
	{ .fmt = "[ml\t:%d]", .ok = 0 },
	{ .fmt = "[m\xc3\xa9:%d]", .ok = 0 },
	{ .fmt = "=?ml?%d", .ok = 0 },
	{ .fmt = "[a-very-long-list-name-that-goes-on-and-on-and-on-and-on:%d]",
	    .ok = 1 },
	{ .fmt = "[a-very-long-list-name-that-goes-on-and-on-and-on-and-on-and-"
	    "on:%d]", .ok = 0 },
};

/* tv_formats - subject_tag_valid() and what the others do with a bad tag */
static void
tv_formats(void)
{
	struct buf *why, *out;
	size_t	 i;
	int	 r;

	why = buf_alloc(64);
	out = buf_alloc(64);
	for (i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		buf_reset(why);
		r = subject_tag_valid(formats[i].fmt, why);
		CHECK(formats[i].ok ? r == 0 : r == -1 && why->len > 0,
		    "tag format \"%s\" %s (%s)", formats[i].fmt ?
		    formats[i].fmt : "(null)", formats[i].ok ? "accepted" :
		    "refused", why->data);
		if (formats[i].ok)
			continue;
		CHECK(subject_tag(" x", 2, formats[i].fmt, 1, out, NULL) == -1,
		    "subject_tag refuses \"%s\"", formats[i].fmt ?
		    formats[i].fmt : "(null)");
		if (formats[i].fmt == NULL || *formats[i].fmt == '\0')
			continue;
		CHECK(subject_plain(" x", 2, formats[i].fmt, out, NULL) == -1,
		    "subject_plain refuses \"%s\"", formats[i].fmt);
	}
	r = subject_plain(" Re: [ml:00011] x", 17, "", out, why);
	CHECK(r == 0 && strcmp(out->data, "Re: [ml:00011] x") == 0,
	    "subject_plain without a tag keeps tags (%s)", out->data);
	r = subject_plain(" RE: x", 6, NULL, out, why);
	CHECK(r == 0 && strcmp(out->data, "Re: x") == 0,
	    "subject_plain with a null tag (%s)", out->data);
	buf_free(why);
	buf_free(out);
}

/* tv_random - next number of a fixed pseudo-random sequence */
static uint32_t
tv_random(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/*
 * tv_mutants - damaged copies of the cases: the output must still be
 * one field that starts with the tag, folds properly and holds no CR
 * or NUL, and the plain text must be UTF-8 without controls.
 */
static void
tv_mutants(void)
{
	struct buf *in, *out, *plain, *why;
	uint32_t state = 2463534242u;
	size_t	 i, j, k, bad = 0, runs = 0;

	in = buf_alloc(256);
	out = buf_alloc(256);
	plain = buf_alloc(256);
	why = buf_alloc(64);
	for (i = 0; i < 40; i++) {
		for (j = 0; j < sizeof(cases) / sizeof(*cases); j++, runs++) {
			if (cases[j].raw == NULL)
				continue;
			buf_reset(in);
			buf_puts(in, cases[j].raw);
			for (k = 0; k < 1 + i % 4 && in->len > 0; k++)
				in->data[tv_random(&state) % in->len] =
				    (char)(tv_random(&state) & 0xff);
			if (subject_tag(in->data, in->len, "[ml:%05d]", 7, out,
			    why) != 0 || strncmp(out->data, "[ml:00007]", 10) ||
			    strlen(out->data) != out->len ||
			    strchr(out->data, '\r') != NULL)
				bad++;
			for (k = 0; k + 1 < out->len; k++)
				if (out->data[k] == '\n' &&
				    out->data[k + 1] != ' ')
					bad++;
			if (out->len > 0 && out->data[out->len - 1] == '\n')
				bad++;
			if (subject_plain(in->data, in->len, "[ml:%05d]", plain,
			    why) != 0 || strlen(plain->data) != plain->len)
				bad++;
			for (k = 0; k < plain->len; k += tv_u8len(
			    (const unsigned char *)plain->data + k,
			    plain->len - k))
				if ((unsigned char)plain->data[k] < 0x20 ||
				    plain->data[k] == 0x7f || (tv_u8len(
				    (const unsigned char *)plain->data + k,
				    plain->len - k) == 1 &&
				    (unsigned char)plain->data[k] >= 0x80))
					bad++;
		}
	}
	CHECK(bad == 0, "%zu damaged subjects give sound fields", runs);
	buf_free(in);
	buf_free(out);
	buf_free(plain);
	buf_free(why);
}

int
main(void)
{
	size_t	 i;

	check_name = "subject";
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		tv_case(&cases[i]);
	tv_formats();
	tv_mutants();
	return check_done();
}
