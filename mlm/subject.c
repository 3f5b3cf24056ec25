/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	subject - the article subject tag
 * SYNOPSIS
 *	#include "subject.h"
 * DESCRIPTION
 *	The field body is unfolded and cut into segments: plain text, runs
 *	of adjacent encoded-words in one charset, and raw ISO-2022-JP runs
 *	(from a designation of a Japanese set to the return to ASCII). The
 *	text of all segments forms one logical string: encoded-words and
 *	raw ISO-2022-JP runs appear there decoded to UTF-8, plain text with
 *	its own bytes, 8-bit or not. Reply markers, this list's tags and
 *	the spaces that go with them are marked deleted in that string.
 *
 *	A segment that lost nothing is sent with its original bytes. An
 *	encoded-word run or a raw ISO-2022-JP run that lost something is
 *	encoded again from what is left, in its own charset when that
 *	charset can hold it, in UTF-8 otherwise. Encoded-words that are
 *	too long, split a character, lack their "?=" or end outside ASCII
 *	state are encoded again too. The result is folded at spaces and
 *	between encoded-words.
 *
 *	Each label has a converter for the charset itself and, for some,
 *	a superset that senders mean by it (EUC-JP and EUC-JP-MS, EUC-KR
 *	and KS_C_5601-1987 and CP949, GB2312 and GBK, Big5 and CP950,
 *	ISO-2022-JP and ISO-2022-JP read by way of CP932 so that the NEC
 *	and IBM extensions of Windows mailers survive; Shift_JIS is CP932
 *	throughout). Text is read with the charset, then with the superset;
 *	it is written in the charset, then in the superset under the same
 *	label, then in UTF-8. Half-width katakana are never written in
 *	ISO-2022-JP. Stateful and unusual charsets are only read; text
 *	from them that must be encoded again goes out in UTF-8.
 * DIAGNOSTICS
 *	subject_tag_valid() says why a tag format is refused. Broken
 *	encoded-words, unknown charsets and bytes that do not convert are
 *	not errors: they are kept as text or replaced by U+FFFD.
 * BUGS
 *	Raw 8-bit text in a charset other than UTF-8 or ISO-2022-JP is not
 *	decoded: reply markers written in it are not recognised, and
 *	subject_plain() shows U+FFFD for it.
 *
 *	A tag of punctuation and a number only, such as "[%05d]", also
 *	removes other bracketed numbers of at least as many digits.
 */

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "subject.h"
#include "xmem.h"

#define SUBJECT_COLS		78	/* longest line, field name included */
#define SUBJECT_WORD		75	/* longest encoded-word */
#define SUBJECT_NAME		9	/* strlen("Subject: ") */
#define SUBJECT_TAG_MAX		64	/* longest tag format */
#define SUBJECT_LABEL_MAX	40	/* longest charset label */
#define SUBJECT_PAD_MAX		20	/* widest number field */
#define SUBJECT_BAD		0xFFFFFFFFu	/* not a character */
#define SUBJECT_ESC		0x1b
#define SUBJECT_FFFD		"\xef\xbf\xbd"
#define SUBJECT_JIS_WIDE	"ISO-2022-JP+CP932"	/* own converter */

enum { SUBJECT_CS_ICONV, SUBJECT_CS_UTF8, SUBJECT_CS_JIS };	/* converters */
enum { SUBJECT_TEXT, SUBJECT_WORDS, SUBJECT_JIS };	/* segments */
enum { SUBJECT_NONE, SUBJECT_PLAIN, SUBJECT_ENC };	/* what they send */
/* The sets of ISO-2022-JP that a designation selects. */
enum { SUBJECT_JIS_ASCII, SUBJECT_JIS_KANJI, SUBJECT_JIS_KANA };

/* A charset as a label names it. */
struct subject_cs {
	char	 label[SUBJECT_LABEL_MAX + 1];	/* as written, no language */
	char	 conv[SUBJECT_LABEL_MAX + 1];	/* converter */
	char	 wide[SUBJECT_LABEL_MAX + 1];	/* superset, or empty */
	int	 keep;				/* text may be written in it */
};

/* A label and the converters for it. */
struct subject_alias {
	const char *label;			/* lower case */
	const char *conv;			/* the charset itself */
	const char *wide;			/* what senders mean by it */
};

static const struct subject_alias subject_aliases[] = {
	{ .label = "utf-8", .conv = "UTF-8" },
	{ .label = "utf8", .conv = "UTF-8" },
	{ .label = "us-ascii", .conv = "ASCII" },
	{ .label = "ascii", .conv = "ASCII" },
	{ .label = "iso-2022-jp", .conv = "ISO-2022-JP",
	    .wide = SUBJECT_JIS_WIDE },
	{ .label = "csiso2022jp", .conv = "ISO-2022-JP",
	    .wide = SUBJECT_JIS_WIDE },
	{ .label = "shift_jis", .conv = "CP932" },
	{ .label = "shift-jis", .conv = "CP932" },
	{ .label = "sjis", .conv = "CP932" },
	{ .label = "x-sjis", .conv = "CP932" },
	{ .label = "ms_kanji", .conv = "CP932" },
	{ .label = "csshiftjis", .conv = "CP932" },
	{ .label = "windows-31j", .conv = "CP932" },
	{ .label = "cp932", .conv = "CP932" },
	{ .label = "euc-jp", .conv = "EUC-JP", .wide = "EUC-JP-MS" },
	{ .label = "x-euc-jp", .conv = "EUC-JP", .wide = "EUC-JP-MS" },
	{ .label = "eucjp", .conv = "EUC-JP", .wide = "EUC-JP-MS" },
	{ .label = "cseucpkdfmtjapanese", .conv = "EUC-JP",
	    .wide = "EUC-JP-MS" },
	{ .label = "euc-kr", .conv = "EUC-KR", .wide = "CP949" },
	{ .label = "cseuckr", .conv = "EUC-KR", .wide = "CP949" },
	{ .label = "ks_c_5601-1987", .conv = "EUC-KR", .wide = "CP949" },
	{ .label = "ks_c_5601-1989", .conv = "EUC-KR", .wide = "CP949" },
	{ .label = "ks_c_5601", .conv = "EUC-KR", .wide = "CP949" },
	{ .label = "ksc5601", .conv = "EUC-KR", .wide = "CP949" },
	{ .label = "cp949", .conv = "CP949" },
	{ .label = "gb2312", .conv = "GB2312", .wide = "GBK" },
	{ .label = "csgb2312", .conv = "GB2312", .wide = "GBK" },
	{ .label = "euc-cn", .conv = "GB2312", .wide = "GBK" },
	{ .label = "gbk", .conv = "GBK", .wide = "GB18030" },
	{ .label = "x-gbk", .conv = "GBK", .wide = "GB18030" },
	{ .label = "cp936", .conv = "GBK", .wide = "GB18030" },
	{ .label = "gb18030", .conv = "GB18030" },
	{ .label = "big5", .conv = "BIG5", .wide = "CP950" },
	{ .label = "x-big5", .conv = "BIG5", .wide = "CP950" },
	{ .label = "csbig5", .conv = "BIG5", .wide = "CP950" },
	{ .label = "cp950", .conv = "CP950" },
	{ .label = "big5-hkscs", .conv = "BIG5-HKSCS" },
};

/* Label prefixes of single-byte charsets that may be written again. */
static const char *const subject_families[] = {
	"iso-8859-", "iso8859-", "windows-125", "cp125", "koi8-", "tis-620",
};

/*
 * Reply markers, lower case after subject_fold(): Re, AW, SV, VS,
 * Antw(ort), Odp, Ref, Rif, Ref with e acute, Atb, Ats, Ynt, Greek Ap
 * and Schet, Russian Otv, and Chinese and Japanese reply words.
 */
static const char *const subject_markers[] = {
	"antwort", "antw", "odp", "ref", "rif", "r\xc3\xa9\x66", "atb", "ats",
	"ynt", "re", "aw", "sv", "vs",
	"\xce\xb1\xcf\x80",			/* Greek Ap */
	"\xcf\x83\xcf\x87\xce\xb5\xcf\x84",	/* Greek Schet */
	"\xd0\xbe\xd1\x82\xd0\xb2",		/* Russian Otv */
	"\xe5\x9b\x9e\xe5\xa4\x8d",		/* Chinese huifu, simplified */
	"\xe5\x9b\x9e\xe8\xa6\x86",		/* Chinese huifu, traditional */
	"\xe7\xad\x94\xe5\xa4\x8d",		/* Chinese dafu */
	"\xe8\xbf\x94\xe4\xbf\xa1",		/* Japanese henshin */
	"\xe8\xbf\x94",				/* Japanese hen */
};

/* A parsed tag format. */
struct subject_fmt {
	char	 lit[SUBJECT_TAG_MAX + 1];	/* the text, "%%" as "%" */
	size_t	 len;
	size_t	 at;		/* where the number goes in lit */
	int	 conv;		/* there is a number */
	int	 zero;		/* padded with zeros */
	int	 width;
	int	 named;		/* letters or digits besides the number */
};

/* A converter between a charset and UTF-8. */
struct subject_conv {
	iconv_t	 cd;
	int	 kind;
};

/* One segment of the field. */
struct subject_seg {
	int	 kind;		/* SUBJECT_TEXT, _WORDS or _JIS */
	struct subject_cs cs;	/* WORDS: the run's charset */
	int	 clean;		/* WORDS: the words may be sent as they are */
	struct buf *orig;	/* WORDS: words one space apart; JIS: bytes */
	size_t	 off;		/* start in the logical text */
	size_t	 len;		/* length in the logical text */
	int	 out;		/* SUBJECT_NONE, _PLAIN or _ENC */
	int	 keep;		/* ENC: send orig */
	struct buf *text;	/* PLAIN: bytes to send; ENC: UTF-8 text */
};

/* The field cut into segments, and what is deleted. */
struct subject_parse {
	struct buf *text;	/* the logical text */
	char	*del;		/* one flag per byte of text */
	struct subject_seg *seg;
	size_t	 nseg;
	size_t	 aseg;
	int	 reply;		/* there was a reply marker */
};

/* An encoded-word just parsed. */
struct subject_word {
	struct subject_cs cs;
	size_t	 end;		/* offset just after the word */
	int	 clean;		/* well formed */
};

/* Where the folded output stands. */
struct subject_pack {
	struct buf *out;
	size_t	 col;		/* length of the current line */
	const char *sep;	/* pending white space */
	size_t	 seplen;
	int	 prev;		/* kind of the last thing written */
};

/* subject_wsp - is c a space or a tab */
static int
subject_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* subject_alnum - is c an ASCII letter or digit */
static int
subject_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

/* subject_u8 - decode one UTF-8 character; returns its length */
static size_t
subject_u8(const char *p, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t	 len, i;
	uint32_t c, min;

	*cp = SUBJECT_BAD;
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else
		return 1;
	if (len > n)
		return 1;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 1;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 1;
	*cp = c;
	return len;
}

/* subject_width - characters in s, each invalid byte counting one */
static size_t
subject_width(const char *s, size_t n)
{
	size_t	 w, k;
	uint32_t cp;

	for (w = 0; n > 0; w++, s += k, n -= k)
		k = subject_u8(s, n, &cp);
	return w;
}

/* subject_fold - map full-width ASCII to ASCII and capitals to small */
static uint32_t
subject_fold(uint32_t cp)
{
	if (cp >= 0xff01 && cp <= 0xff5e)
		cp -= 0xfee0;
	if (cp >= 'A' && cp <= 'Z')
		cp += 0x20;
	else if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		cp += 0x20;
	else if (cp >= 0x391 && cp <= 0x3a9)
		cp += 0x20;
	else if (cp >= 0x410 && cp <= 0x42f)
		cp += 0x20;
	return cp;
}

/* subject_space - length of the white space at s (ideographic too) */
static size_t
subject_space(const char *s, size_t n)
{
	size_t	 i, k;
	uint32_t cp;

	for (i = 0; i < n; i += k) {
		k = subject_u8(s + i, n - i, &cp);
		if (cp != ' ' && cp != '\t' && cp != 0x3000)
			break;
	}
	return i;
}

/* subject_fmt_conv - parse the %d, %Nd or %0Nd at p; NULL if bad */
static const char *
subject_fmt_conv(const char *p, struct subject_fmt *f, const char *fmt,
    struct buf *why)
{
	const char *q = p + 1;

	if (*q == '0') {
		f->zero = 1;
		q++;
	}
	while (*q >= '0' && *q <= '9') {
		f->width = f->width * 10 + (*q - '0');
		if (f->width > SUBJECT_PAD_MAX) {
			BUF_WHY(why, "subject tag format \"%s\": number "
			    "wider than %d", fmt, SUBJECT_PAD_MAX);
			return NULL;
		}
		q++;
	}
	if (*q != 'd') {
		BUF_WHY(why, "subject tag format \"%s\": only %%d, %%Nd "
		    "and %%0Nd are allowed", fmt);
		return NULL;
	}
	f->conv = 1;
	f->at = f->len;
	return q;
}

/* subject_fmt_parse - check and parse a tag format */
static int
subject_fmt_parse(const char *fmt, struct subject_fmt *f, struct buf *why)
{
	const char *p;
	size_t	 n;

	memset(f, 0, sizeof(*f));
	if (fmt == NULL || *fmt == '\0') {
		BUF_WHY(why, "empty subject tag format");
		return -1;
	}
	if ((n = strlen(fmt)) > SUBJECT_TAG_MAX) {
		BUF_WHY(why, "subject tag format longer than %d characters",
		    SUBJECT_TAG_MAX);
		return -1;
	}
	if (fmt[0] == ' ' || fmt[n - 1] == ' ') {
		BUF_WHY(why, "subject tag format begins or ends with a space");
		return -1;
	}
	if (strstr(fmt, "=?") != NULL) {
		BUF_WHY(why, "subject tag format contains \"=?\"");
		return -1;
	}
	for (p = fmt; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
			BUF_WHY(why, "subject tag format has a control or "
			    "non-ASCII character");
			return -1;
		}
		if (*p != '%') {
			f->named |= subject_alnum(*p);
			f->lit[f->len++] = *p;
			continue;
		}
		if (p[1] == '%') {
			f->lit[f->len++] = *p++;
			continue;
		}
		if (f->conv) {
			BUF_WHY(why, "subject tag format \"%s\" has more than "
			    "one conversion", fmt);
			return -1;
		}
		p = subject_fmt_conv(p, f, fmt, why);
		if (p == NULL)
			return -1;
	}
	if (f->len == 0) {
		BUF_WHY(why, "subject tag format \"%s\" is only a number",
		    fmt);
		return -1;
	}
	return 0;
}

/* subject_conv_open - converter from (decode) or to a charset */
static int
subject_conv_open(struct subject_conv *c, const char *name, int decode)
{
	c->cd = (iconv_t)-1;
	c->kind = SUBJECT_CS_ICONV;
	if (strcmp(name, "UTF-8") == 0) {
		c->kind = SUBJECT_CS_UTF8;
		return 0;
	}
	if (strcmp(name, SUBJECT_JIS_WIDE) == 0) {
		c->kind = SUBJECT_CS_JIS;
		name = "CP932";
	}
	if (decode)
		c->cd = iconv_open("UTF-8", name);
	else
		c->cd = iconv_open(name, "UTF-8");
	return c->cd == (iconv_t)-1 ? -1 : 0;
}

/* subject_conv_close - release a converter */
static void
subject_conv_close(struct subject_conv *c)
{
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	c->cd = (iconv_t)-1;
}

/* subject_conv_test - can text in this charset be read */
static int
subject_conv_test(const char *name)
{
	struct subject_conv c;
	int	 r;

	r = subject_conv_open(&c, name, 1);
	subject_conv_close(&c);
	return r;
}

/* subject_label_char - may c appear in a charset label */
static int
subject_label_char(int c)
{
	return subject_alnum(c) || c == '-' || c == '_' || c == '.' ||
	    c == ':';
}

/* subject_cs_find - the charset a label names; -1 if unknown */
static int
subject_cs_find(const char *label, size_t len, struct subject_cs *cs)
{
	const struct subject_alias *a;
	char	 low[SUBJECT_LABEL_MAX + 1];
	size_t	 i;

	if (len == 0 || len > SUBJECT_LABEL_MAX)
		return -1;
	memset(cs, 0, sizeof(*cs));
	for (i = 0; i < len; i++) {
		if (!subject_label_char(label[i]))
			return -1;
		cs->label[i] = label[i];
		low[i] = (char)tolower((unsigned char)label[i]);
		cs->conv[i] = (char)toupper((unsigned char)label[i]);
	}
	low[len] = '\0';
	for (i = 0; i < sizeof(subject_aliases) / sizeof(*subject_aliases);
	    i++) {
		a = &subject_aliases[i];
		if (strcmp(low, a->label) != 0)
			continue;
		memcpy(cs->conv, a->conv, strlen(a->conv) + 1);
		if (a->wide != NULL)
			memcpy(cs->wide, a->wide, strlen(a->wide) + 1);
		cs->keep = 1;
		break;
	}
	for (i = 0; i < sizeof(subject_families) / sizeof(*subject_families);
	    i++)
		if (strncmp(low, subject_families[i],
		    strlen(subject_families[i])) == 0)
			cs->keep = 1;
	if (subject_conv_test(cs->conv) < 0)
		cs->conv[0] = '\0';
	if (cs->wide[0] != '\0' && subject_conv_test(cs->wide) < 0)
		cs->wide[0] = '\0';
	if (cs->conv[0] == '\0' && cs->wide[0] == '\0')
		return -1;
	if (cs->conv[0] == '\0') {
		memcpy(cs->conv, cs->wide, sizeof(cs->conv));
		cs->wide[0] = '\0';
	}
	return 0;
}

/* subject_cs_is_jis - is the charset ISO-2022-JP */
static int
subject_cs_is_jis(const struct subject_cs *cs)
{
	return strcmp(cs->conv, "ISO-2022-JP") == 0 ||
	    strcmp(cs->conv, SUBJECT_JIS_WIDE) == 0 ||
	    strcmp(cs->wide, SUBJECT_JIS_WIDE) == 0;
}

/* subject_cs_utf8 - the UTF-8 charset, for text nothing else holds */
static void
subject_cs_utf8(struct subject_cs *cs)
{
	memset(cs, 0, sizeof(*cs));
	memcpy(cs->label, "UTF-8", sizeof("UTF-8"));
	memcpy(cs->conv, "UTF-8", sizeof("UTF-8"));
	cs->keep = 1;
}

/*
 * subject_iconv - convert with iconv(3), appending to out. Lenient
 * conversion (to UTF-8 only) replaces each bad byte with U+FFFD and
 * returns how many it replaced; strict conversion returns -1 at the
 * first bad byte.
 */
static int
subject_iconv(iconv_t cd, const char *in, size_t len, struct buf *out,
    int lenient)
{
	char	*ip = (char *)in;
	char	*op;
	size_t	 il = len, ol, r;
	int	 bad = 0, flush;

	iconv(cd, NULL, NULL, NULL, NULL);
	for (;;) {
		buf_reserve(out, il * 4 + 16);
		op = out->data + out->len;
		ol = out->size - out->len - 1;
		flush = il == 0;
		if (flush)
			r = iconv(cd, NULL, NULL, &op, &ol);
		else
			r = iconv(cd, &ip, &il, &op, &ol);
		out->len = (size_t)(op - out->data);
		out->data[out->len] = '\0';
		if (r != (size_t)-1) {
			if (flush)
				return bad;
			continue;
		}
		if (errno == E2BIG)
			continue;
		if ((errno != EILSEQ && errno != EINVAL) || !lenient || flush)
			return -1;
		buf_append(out, SUBJECT_FFFD, 3);
		ip++;
		il--;
		bad++;
	}
}

/* subject_utf8_copy - append UTF-8, bad bytes as U+FFFD; returns those */
static int
subject_utf8_copy(const char *s, size_t n, struct buf *out)
{
	size_t	 k;
	uint32_t cp;
	int	 bad = 0;

	for (; n > 0; s += k, n -= k) {
		k = subject_u8(s, n, &cp);
		if (cp == SUBJECT_BAD) {
			buf_append(out, SUBJECT_FFFD, 3);
			bad++;
		} else
			buf_append(out, s, k);
	}
	return bad;
}

/* subject_jis_esc - length of the ISO-2022-JP designation at s, or 0 */
static size_t
subject_jis_esc(const char *s, size_t n, int *set)
{
	if (n < 3 || s[0] != SUBJECT_ESC)
		return 0;
	if (s[1] == '(' && (s[2] == 'B' || s[2] == 'J'))
		*set = SUBJECT_JIS_ASCII;
	else if (s[1] == '$' && (s[2] == 'B' || s[2] == '@'))
		*set = SUBJECT_JIS_KANJI;
	else if (s[1] == '(' && s[2] == 'I')
		*set = SUBJECT_JIS_KANA;
	else
		return 0;
	return 3;
}

/* subject_jis_sjis - append the CP932 bytes of a JIS X 0208 pair */
static void
subject_jis_sjis(int j1, int j2, struct buf *out)
{
	int	 s1, s2;

	s1 = ((j1 - 0x21) >> 1) + 0x81;
	if (s1 > 0x9f)
		s1 += 0x40;
	if (j1 & 1) {
		s2 = j2 + 0x1f;
		if (s2 >= 0x7f)
			s2++;
	} else
		s2 = j2 + 0x7e;
	buf_putc(out, s1);
	buf_putc(out, s2);
}

/* subject_sjis_jis - append the JIS X 0208 pair of a CP932 character */
static void
subject_sjis_jis(int s1, int s2, struct buf *out)
{
	int	 j1, j2;

	if (s1 >= 0xe0)
		s1 -= 0x40;
	j1 = (s1 - 0x81) * 2 + 0x21;
	if (s2 >= 0x9f) {
		j1++;
		j2 = s2 - 0x7e;
	} else {
		j2 = s2 - 0x1f;
		if (s2 >= 0x80)
			j2--;
	}
	buf_putc(out, j1);
	buf_putc(out, j2);
}

/*
 * subject_jis_decode - ISO-2022-JP to UTF-8 by way of CP932. Lenient
 * decoding replaces bad bytes and returns how many; strict decoding
 * returns -1 at the first.
 */
static int
subject_jis_decode(iconv_t cd, const char *in, size_t len,
    struct buf *out, int lenient)
{
	const unsigned char *s = (const unsigned char *)in;
	struct buf *sj;
	size_t	 i = 0, k;
	int	 set = SUBJECT_JIS_ASCII, bad = 0, r;

	sj = buf_alloc(len);
	while (i < len) {
		if ((k = subject_jis_esc(in + i, len - i, &set)) > 0) {
			i += k;
		} else if (set == SUBJECT_JIS_ASCII && s[i] < 0x80 &&
		    s[i] != SUBJECT_ESC) {
			buf_putc(sj, s[i++]);
		} else if (set == SUBJECT_JIS_KANA && s[i] >= 0x21 &&
		    s[i] <= 0x5f) {
			buf_putc(sj, s[i++] | 0x80);
		} else if (set == SUBJECT_JIS_KANJI && i + 1 < len &&
		    s[i] >= 0x21 && s[i] <= 0x7e && s[i + 1] >= 0x21 &&
		    s[i + 1] <= 0x7e) {
			subject_jis_sjis(s[i], s[i + 1], sj);
			i += 2;
		} else if (!lenient ||
		    (r = subject_iconv(cd, sj->data, sj->len, out, 1)) < 0) {
			bad = -1;
			goto out;
		} else {
			buf_reset(sj);
			buf_append(out, SUBJECT_FFFD, 3);
			bad += r + 1;
			i++;
		}
	}
	r = subject_iconv(cd, sj->data, sj->len, out, lenient);
	bad = r < 0 ? -1 : bad + r;

out:
	buf_free(sj);
	return bad;
}

/* subject_jis_encode - UTF-8 to ISO-2022-JP; -1 if it cannot hold it */
static int
subject_jis_encode(iconv_t cd, const char *in, size_t len, struct buf *out)
{
	const unsigned char *s;
	struct buf *sj;
	size_t	 i;
	int	 set = SUBJECT_JIS_ASCII, ret = -1, s1, s2;

	sj = buf_alloc(len * 2);
	if (subject_iconv(cd, in, len, sj, 0) < 0)
		goto out;
	s = (const unsigned char *)sj->data;
	for (i = 0; i < sj->len; i++) {
		if (s[i] < 0x80) {
			if (s[i] == SUBJECT_ESC)
				goto out;
			if (set != SUBJECT_JIS_ASCII)
				buf_append(out, "\x1b(B", 3);
			set = SUBJECT_JIS_ASCII;
			buf_putc(out, s[i]);
			continue;
		}
		s1 = s[i];
		s2 = i + 1 < sj->len ? s[i + 1] : 0;
		if (!((s1 >= 0x81 && s1 <= 0x9f) || (s1 >= 0xe0 &&
		    s1 <= 0xef)) || s2 < 0x40 || s2 > 0xfc || s2 == 0x7f)
			goto out;
		if (set != SUBJECT_JIS_KANJI)
			buf_append(out, "\x1b$B", 3);
		set = SUBJECT_JIS_KANJI;
		subject_sjis_jis(s1, s2, out);
		i++;
	}
	if (set != SUBJECT_JIS_ASCII)
		buf_append(out, "\x1b(B", 3);
	ret = 0;

out:
	buf_free(sj);
	return ret;
}

/* subject_jis_ascii - does ISO-2022-JP text end in ASCII state */
static int
subject_jis_ascii(const char *s, size_t n)
{
	size_t	 i;
	int	 set = SUBJECT_JIS_ASCII;

	for (i = 0; i < n; i++)
		if (s[i] == SUBJECT_ESC)
			subject_jis_esc(s + i, n - i, &set);
	return set == SUBJECT_JIS_ASCII;
}

/*
 * subject_decode - text in the converter's charset to UTF-8, appended.
 * Returns the number of bad bytes replaced (lenient), or -1 (strict,
 * with nothing appended). Strict decoding also refuses an escape left
 * in the output, as iconv(3) leaves escapes it does not know.
 */
static int
subject_decode(struct subject_conv *c, const char *in, size_t len,
    struct buf *out, int lenient)
{
	size_t	 mark = out->len;
	int	 r;

	if (c->kind == SUBJECT_CS_UTF8)
		r = subject_utf8_copy(in, len, out);
	else if (c->kind == SUBJECT_CS_JIS)
		r = subject_jis_decode(c->cd, in, len, out, lenient);
	else
		r = subject_iconv(c->cd, in, len, out, lenient);
	if (r < 0 || (!lenient && (r > 0 || memchr(out->data + mark,
	    SUBJECT_ESC, out->len - mark) != NULL))) {
		buf_truncate(out, mark);
		return -1;
	}
	return r;
}

/*
 * subject_encode - UTF-8 to the converter's charset; -1 if it cannot
 * hold the text, or the text has an escape outside UTF-8
 */
static int
subject_encode(struct subject_conv *c, const char *in, size_t len,
    struct buf *out)
{
	size_t	 mark = out->len;
	int	 r;

	if (c->kind == SUBJECT_CS_UTF8) {
		buf_append(out, in, len);
		return 0;
	}
	if (memchr(in, SUBJECT_ESC, len) != NULL)
		return -1;
	if (c->kind == SUBJECT_CS_JIS)
		r = subject_jis_encode(c->cd, in, len, out);
	else
		r = subject_iconv(c->cd, in, len, out, 0);
	if (r < 0) {
		buf_truncate(out, mark);
		return -1;
	}
	return 0;
}

/* subject_read - decode with the named converter; see subject_decode */
static int
subject_read(const char *name, const char *in, size_t len, struct buf *out,
    int lenient)
{
	struct subject_conv c;
	int	 r = -1;

	if (subject_conv_open(&c, name, 1) == 0)
		r = subject_decode(&c, in, len, out, lenient);
	subject_conv_close(&c);
	return r;
}

/*
 * subject_cs_read - decode text in a charset to UTF-8, trying the
 * charset itself, then its superset. Returns 0; or, when neither
 * reads it cleanly, -1 (strict) or a positive count (lenient, with bad
 * bytes replaced).
 */
static int
subject_cs_read(const struct subject_cs *cs, const char *in, size_t len,
    struct buf *out, int lenient)
{
	int	 r;

	if (subject_read(cs->conv, in, len, out, 0) == 0)
		return 0;
	if (cs->wide[0] != '\0' && subject_read(cs->wide, in, len, out, 0) == 0)
		return 0;
	if (!lenient)
		return -1;
	r = subject_read(cs->wide[0] != '\0' ? cs->wide : cs->conv, in, len,
	    out, 1);
	if (r < 0)
		subject_utf8_copy(in, len, out);
	return r > 0 ? r : 1;
}

/*
 * subject_cs_write - open an encoder for UTF-8 text to a charset that
 * holds all of it (the charset itself, then its superset) and encode
 * the text into out; -1 if neither does, or the charset is not one
 * to write.
 */
static int
subject_cs_write(struct subject_conv *c, const struct subject_cs *cs,
    const char *text, size_t len, struct buf *out)
{
	const char *name[2] = { cs->conv, cs->wide };
	size_t	 i;

	c->cd = (iconv_t)-1;
	for (i = 0; i < 2 && cs->keep; i++) {
		if (name[i][0] == '\0')
			continue;
		if (subject_conv_open(c, name[i], 0) == 0 &&
		    subject_encode(c, text, len, out) == 0)
			return 0;
		subject_conv_close(c);
	}
	return -1;
}

/* subject_hex - value of a hexadecimal digit, or -1 */
static int
subject_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* subject_b64 - decode base64, padding optional; -1 on a foreign byte */
static int
subject_b64(const char *s, size_t n, struct buf *out, int *clean)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p;
	unsigned int acc = 0;
	size_t	 i, pad = 0, data = 0;
	int	 bits = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (s[i] == '\0' || (p = strchr(tab, s[i])) == NULL)
			return -1;
		if (pad > 0)
			*clean = 0;
		acc = ((acc << 6) | (unsigned int)(p - tab)) & 0xffff;
		bits += 6;
		data++;
		if (bits >= 8) {
			bits -= 8;
			buf_putc(out, (int)((acc >> bits) & 0xff));
		}
	}
	if (data % 4 == 1 || pad != (4 - data % 4) % 4)
		*clean = 0;
	return 0;
}

/* subject_q - decode Q encoding; an "=" without two hex digits stays */
static int
subject_q(const char *s, size_t n, struct buf *out, int *clean)
{
	size_t	 i;
	int	 hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '_') {
			buf_putc(out, ' ');
		} else if (s[i] == '=' && i + 2 < n &&
		    (hi = subject_hex(s[i + 1])) >= 0 &&
		    (lo = subject_hex(s[i + 2])) >= 0) {
			buf_putc(out, (hi << 4) | lo);
			i += 2;
		} else {
			if (s[i] == '=')
				*clean = 0;
			buf_putc(out, s[i]);
		}
	}
	return 0;
}

/* subject_blank - is s all spaces (or empty) */
static int
subject_blank(const char *s, size_t n)
{
	while (n > 0 && subject_wsp(*s))
		s++, n--;
	return n == 0;
}

/*
 * subject_word - parse and decode the encoded-word at s[i] into bytes.
 * The last word of the field may lack its "?=". Returns 0 when there
 * is none there: a bad label or encoding, an unknown charset, or a
 * payload that is not base64.
 */
static int
subject_word(const char *s, size_t n, size_t i, struct subject_word *w,
    struct buf *bytes)
{
	size_t	 j, lab, labend, txt, tend;
	int	 enc, r;

	for (j = lab = i + 2; j < n && subject_label_char(s[j]); j++)
		;
	labend = j;
	if (j < n && s[j] == '*')
		for (j++; j < n && (subject_alnum(s[j]) || s[j] == '-'); j++)
			;
	if (j + 2 >= n || s[j] != '?' || s[j + 2] != '?')
		return 0;
	enc = toupper((unsigned char)s[j + 1]);
	if (enc != 'B' && enc != 'Q')
		return 0;
	for (txt = j = j + 3; j < n && s[j] > ' ' && s[j] < 0x7f &&
	    s[j] != '?'; j++)
		;
	tend = j;
	w->clean = 1;
	if (j + 1 < n && s[j] == '?' && s[j + 1] == '=') {
		j += 2;
	} else if (subject_blank(s + j, n - j)) {
		w->clean = 0;
	} else if (s[j] == '?' && subject_blank(s + j + 1, n - j - 1)) {
		w->clean = 0;
		j++;
	} else
		return 0;
	if (j - i > SUBJECT_WORD)
		w->clean = 0;
	if (subject_cs_find(s + lab, labend - lab, &w->cs) < 0)
		return 0;
	buf_reset(bytes);
	if (enc == 'B')
		r = subject_b64(s + txt, tend - txt, bytes, &w->clean);
	else
		r = subject_q(s + txt, tend - txt, bytes, &w->clean);
	if (r < 0)
		return 0;
	w->end = j;
	return 1;
}

/*
 * subject_unfold - the field body on one line: line breaks before
 * white space and NUL bytes go, tabs become spaces, and any other line
 * break becomes a space.
 */
static struct buf *
subject_unfold(const char *raw, size_t len)
{
	struct buf *u;
	size_t	 i, j;

	u = buf_alloc(len);
	for (i = 0; i < len; i++) {
		if (raw[i] == '\r' || raw[i] == '\n') {
			for (j = i; j < len && (raw[j] == '\r' ||
			    raw[j] == '\n'); j++)
				;
			if (j < len && !subject_wsp(raw[j]))
				buf_putc(u, ' ');
			i = j - 1;
		} else if (raw[i] == '\t')
			buf_putc(u, ' ');
		else if (raw[i] != '\0')
			buf_putc(u, raw[i]);
	}
	return u;
}

/* subject_seg_new - append an empty segment of the given kind */
static struct subject_seg *
subject_seg_new(struct subject_parse *p, int kind)
{
	struct subject_seg *g;

	if (p->nseg == p->aseg) {
		p->aseg = p->aseg ? p->aseg * 2 : 8;
		p->seg = xrealloc(p->seg, p->aseg * sizeof(*p->seg));
	}
	g = &p->seg[p->nseg++];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->off = p->text->len;
	g->orig = buf_alloc(16);
	g->text = buf_alloc(16);
	return g;
}

/* subject_seg_text - append plain text, bytes as they are */
static void
subject_seg_text(struct subject_parse *p, const char *s, size_t n)
{
	struct subject_seg *g;

	if (n == 0)
		return;
	g = subject_seg_new(p, SUBJECT_TEXT);
	buf_append(p->text, s, n);
	g->len = n;
}

/* subject_jis_span - length of the raw ISO-2022-JP run at s, or 0 */
static size_t
subject_jis_span(const char *s, size_t n)
{
	size_t	 i;
	int	 set;

	if (subject_jis_esc(s, n, &set) == 0 || set == SUBJECT_JIS_ASCII)
		return 0;
	for (i = 3; i + 2 < n; i++)
		if (subject_jis_esc(s + i, n - i, &set) > 0 &&
		    set == SUBJECT_JIS_ASCII)
			return i + 3;
	return n;
}

/* subject_cs_jis - the ISO-2022-JP charset */
static void
subject_cs_jis(struct subject_cs *cs)
{
	memset(cs, 0, sizeof(*cs));
	memcpy(cs->label, "ISO-2022-JP", sizeof("ISO-2022-JP"));
	memcpy(cs->conv, "ISO-2022-JP", sizeof("ISO-2022-JP"));
	memcpy(cs->wide, SUBJECT_JIS_WIDE, sizeof(SUBJECT_JIS_WIDE));
	cs->keep = 1;
}

/*
 * subject_text - append text found outside encoded-words: raw
 * ISO-2022-JP runs that decode become segments of their own, the rest
 * stays bytes.
 */
static void
subject_text(struct subject_parse *p, const char *s, size_t n)
{
	struct subject_seg *g;
	struct subject_cs jis;
	struct buf *u;
	size_t	 i = 0, from = 0, k;

	subject_cs_jis(&jis);
	u = buf_alloc(n * 2);
	while (i < n) {
		if (s[i] != SUBJECT_ESC ||
		    (k = subject_jis_span(s + i, n - i)) == 0) {
			i++;
			continue;
		}
		buf_reset(u);
		if (subject_cs_read(&jis, s + i, k, u, 0) < 0) {
			i += k;
			continue;
		}
		subject_seg_text(p, s + from, i - from);
		g = subject_seg_new(p, SUBJECT_JIS);
		g->cs = jis;
		buf_append(g->orig, s + i, k);
		buf_append(p->text, u->data, u->len);
		g->len = u->len;
		i = from = i + k;
	}
	subject_seg_text(p, s + from, n - from);
	buf_free(u);
}

/* subject_run_word - add an encoded-word to the run of segment g */
static void
subject_run_word(struct subject_seg *g, const struct subject_word *w,
    const char *word, size_t wlen, const struct buf *bytes, struct buf *run)
{
	struct buf *tmp;

	if (g->orig->len > 0)
		buf_putc(g->orig, ' ');
	buf_append(g->orig, word, wlen);
	buf_append(run, bytes->data, bytes->len);
	if (!w->clean || (subject_cs_is_jis(&g->cs) &&
	    !subject_jis_ascii(bytes->data, bytes->len))) {
		g->clean = 0;
		return;
	}
	tmp = buf_alloc(bytes->len * 2);
	if (subject_cs_read(&g->cs, bytes->data, bytes->len, tmp, 0) < 0)
		g->clean = 0;
	buf_free(tmp);
}

/* subject_run_close - decode the bytes of a run into the logical text */
static void
subject_run_close(struct subject_parse *p, struct subject_seg *g,
    const struct buf *run)
{
	g->off = p->text->len;
	if (subject_cs_read(&g->cs, run->data, run->len, p->text, 1) != 0)
		g->clean = 0;
	g->len = p->text->len - g->off;
}

/*
 * subject_parse - unfold the field body and cut it into segments. An
 * encoded-word joins the run before it when only white space separates
 * them and the charset is the same; that white space is dropped.
 */
static void
subject_parse(struct subject_parse *p, const char *raw, size_t len)
{
	struct subject_word w;
	struct buf *u, *bytes, *run;
	const char *s;
	size_t	 i, from, gi = 0;
	int	 open = 0, blank;

	u = subject_unfold(raw, len);
	bytes = buf_alloc(64);
	run = buf_alloc(64);
	s = u->data;
	for (i = from = 0; i + 1 < u->len; ) {
		if (s[i] != '=' || s[i + 1] != '?' ||
		    !subject_word(s, u->len, i, &w, bytes)) {
			i++;
			continue;
		}
		blank = subject_blank(s + from, i - from);
		if (!open || !blank ||
		    strcasecmp(w.cs.label, p->seg[gi].cs.label) != 0) {
			if (open)
				subject_run_close(p, &p->seg[gi], run);
			if (!open || !blank)
				subject_text(p, s + from, i - from);
			subject_seg_new(p, SUBJECT_WORDS);
			gi = p->nseg - 1;
			p->seg[gi].cs = w.cs;
			p->seg[gi].clean = 1;
			buf_reset(run);
			open = 1;
		}
		subject_run_word(&p->seg[gi], &w, s + i, w.end - i, bytes, run);
		i = from = w.end;
	}
	if (open)
		subject_run_close(p, &p->seg[gi], run);
	subject_text(p, s + from, u->len - from);
	p->del = xcalloc(p->text->len + 1, 1);

	buf_free(bytes);
	buf_free(run);
	buf_free(u);
}

/* subject_prefix - bytes of s that spell word once folded, or 0 */
static size_t
subject_prefix(const char *s, size_t n, const char *word)
{
	size_t	 i = 0, wi = 0, wl = strlen(word), k, kw;
	uint32_t a, b;

	while (wi < wl) {
		kw = subject_u8(word + wi, wl - wi, &b);
		k = subject_u8(s + i, n - i, &a);
		if (k == 0 || subject_fold(a) != b)
			return 0;
		i += k;
		wi += kw;
	}
	return i;
}

/* subject_count - length of a reply count: [2], (2), ^2, *2 or 2 */
static size_t
subject_count(const char *s, size_t n)
{
	uint32_t open, cp;
	size_t	 i, k, d;

	k = subject_u8(s, n, &open);
	open = subject_fold(open);
	if (open >= '0' && open <= '9')
		k = 0;
	else if (open != '[' && open != '(' && open != '^' && open != '*')
		return 0;
	for (i = k, d = 0; i < n; i += k, d++) {
		k = subject_u8(s + i, n - i, &cp);
		cp = subject_fold(cp);
		if (cp < '0' || cp > '9')
			break;
	}
	if (d == 0)
		return 0;
	if (open == '[' || open == '(') {
		k = subject_u8(s + i, n - i, &cp);
		if (subject_fold(cp) != (open == '[' ? ']' : ')'))
			return 0;
		i += k;
	}
	return i;
}

/* subject_marker - length of the reply marker at s, or 0 */
static size_t
subject_marker(const char *s, size_t n)
{
	const char *m;
	size_t	 i, j, k;
	uint32_t cp;

	for (i = 0; i < sizeof(subject_markers) / sizeof(*subject_markers);
	    i++) {
		m = subject_markers[i];
		if ((j = subject_prefix(s, n, m)) == 0)
			continue;
		j += subject_count(s + j, n - j);
		while (j < n && s[j] == ' ')
			j++;
		k = subject_u8(s + j, n - j, &cp);
		cp = subject_fold(cp);
		if (cp == ':' || (cp == '>' && strcmp(m, "re") == 0))
			return j + k;
	}
	return 0;
}

/* subject_skip - index after the spaces at s[j] */
static size_t
subject_skip(const char *s, size_t n, size_t j)
{
	while (j < n && subject_wsp(s[j]))
		j++;
	return j;
}

/* subject_tag_lit - match one literal character of the tag at s[*j] */
static int
subject_tag_lit(const struct subject_fmt *f, size_t k, const char *s,
    size_t n, size_t *j)
{
	int	 c = (unsigned char)f->lit[k];
	int	 last;

	if (c == ' ') {
		*j = subject_skip(s, n, *j);
		return 1;
	}
	if (subject_alnum(c)) {
		if (*j >= n || tolower((unsigned char)s[*j]) != tolower(c))
			return 0;
		(*j)++;
		return 1;
	}
	if (f->named && k > 0)
		*j = subject_skip(s, n, *j);
	if (*j >= n || s[*j] != c)
		return 0;
	(*j)++;
	last = k + 1 == f->len && !(f->conv && f->at == f->len);
	if (f->named && !last)
		*j = subject_skip(s, n, *j);
	return 1;
}

/*
 * subject_tag_at - length of this list's tag at s[i], or 0. Letters
 * match in either case, the number matches any digits, and a tag with
 * letters in it may have spaces around its punctuation.
 */
static size_t
subject_tag_at(const struct subject_fmt *f, const char *s, size_t n,
    size_t i)
{
	size_t	 j = i, k, d;
	int	 first, last;

	if (f->len == 0)
		return 0;
	first = (f->conv && f->at == 0) || subject_alnum(f->lit[0]);
	last = (f->conv && f->at == f->len) ||
	    subject_alnum(f->lit[f->len - 1]);
	if (first && i > 0 && subject_alnum(s[i - 1]))
		return 0;
	for (k = 0; ; k++) {
		if (f->conv && k == f->at) {
			for (d = 0; j + d < n && s[j + d] >= '0' &&
			    s[j + d] <= '9'; d++)
				;
			if (d == 0 || (!f->named && f->zero &&
			    d < (size_t)f->width))
				return 0;
			j += d;
		}
		if (k == f->len)
			break;
		if (!subject_tag_lit(f, k, s, n, &j))
			return 0;
	}
	if (last && j < n && subject_alnum(s[j]))
		return 0;
	return j - i;
}

/*
 * subject_strip - mark deleted: the leading run of reply markers, this
 * list's tags and white space; every other occurrence of the tag with
 * the white space after it when the last byte kept before it is white
 * space (or there is none); trailing white space.
 */
static void
subject_strip(struct subject_parse *p, const struct subject_fmt *f)
{
	const char *s = p->text->data;
	size_t	 n = p->text->len, i = 0, kept = 0, k;

	for (;;) {
		if ((k = subject_space(s + i, n - i)) > 0)
			;
		else if ((k = subject_marker(s + i, n - i)) > 0)
			p->reply = 1;
		else if ((k = subject_tag_at(f, s, n, i)) == 0)
			break;
		memset(p->del + i, 1, k);
		i += k;
	}
	while (i < n) {
		if ((k = subject_tag_at(f, s, n, i)) == 0) {
			kept = ++i;
			continue;
		}
		if (kept == 0 || subject_wsp(s[kept - 1]))
			k = subject_skip(s, n, i + k) - i;
		memset(p->del + i, 1, k);
		i += k;
	}
	for (i = n; i > 0 && (p->del[i - 1] || subject_wsp(s[i - 1])); i--)
		p->del[i - 1] = 1;
}

/* subject_jis_again - encode the text of a raw ISO-2022-JP run again */
static int
subject_jis_again(struct subject_seg *g)
{
	struct subject_conv c;
	struct buf *jis;
	int	 ret = -1;

	jis = buf_alloc(g->text->len * 2);
	if (subject_cs_write(&c, &g->cs, g->text->data, g->text->len,
	    jis) == 0) {
		buf_reset(g->text);
		buf_append(g->text, jis->data, jis->len);
		ret = 0;
	}
	subject_conv_close(&c);
	buf_free(jis);
	return ret;
}

/*
 * subject_finish - what each segment sends: plain text less what was
 * deleted; a raw ISO-2022-JP run as it came or encoded again (in an
 * encoded-word if ISO-2022-JP cannot hold it); an encoded-word run as
 * it came, or its text to encode again.
 */
static void
subject_finish(struct subject_parse *p)
{
	struct subject_seg *g;
	size_t	 i, k;
	int	 changed;

	for (i = 0; i < p->nseg; i++) {
		g = &p->seg[i];
		for (k = g->off; k < g->off + g->len; k++)
			if (!p->del[k])
				buf_putc(g->text, p->text->data[k]);
		changed = g->text->len != g->len;
		if (g->text->len == 0)
			g->out = SUBJECT_NONE;
		else if (g->kind == SUBJECT_WORDS)
			g->out = SUBJECT_ENC;
		else
			g->out = SUBJECT_PLAIN;
		if (g->kind == SUBJECT_WORDS)
			g->keep = !changed && g->clean;
		if (g->kind != SUBJECT_JIS || g->out == SUBJECT_NONE)
			continue;
		if (!changed) {
			buf_reset(g->text);
			buf_append(g->text, g->orig->data, g->orig->len);
		} else if (subject_jis_again(g) < 0) {
			g->out = SUBJECT_ENC;
			subject_cs_utf8(&g->cs);
		}
	}
}

/* subject_prev - the nearest segment before i that sends something */
static struct subject_seg *
subject_prev(struct subject_parse *p, size_t i)
{
	while (i-- > 0)
		if (p->seg[i].out != SUBJECT_NONE)
			return &p->seg[i];
	return NULL;
}

/* subject_next - the nearest segment after i that sends something */
static struct subject_seg *
subject_next(struct subject_parse *p, size_t i)
{
	while (++i < p->nseg)
		if (p->seg[i].out != SUBJECT_NONE)
			return &p->seg[i];
	return NULL;
}

/*
 * subject_tidy_ends - white space at the ends of a run becomes spaces,
 * and moves out to the plain text beside it
 */
static void
subject_tidy_ends(struct subject_seg *g, struct subject_seg *prev,
    struct subject_seg *next)
{
	struct buf *t = g->text, *nt;
	size_t	 k;

	for (k = 0; k < t->len && subject_wsp(t->data[k]); k++)
		;
	memset(t->data, ' ', k);
	if (k > 0 && (prev == NULL || prev->out == SUBJECT_PLAIN)) {
		if (prev != NULL)
			buf_append(prev->text, t->data, k);
		memmove(t->data, t->data + k, t->len - k);
		buf_truncate(t, t->len - k);
	}
	for (k = t->len; k > 0 && subject_wsp(t->data[k - 1]); k--)
		;
	memset(t->data + k, ' ', t->len - k);
	if (k < t->len && (next == NULL || next->out == SUBJECT_PLAIN)) {
		if (next != NULL) {
			nt = buf_alloc(next->text->len + t->len - k);
			buf_append(nt, t->data + k, t->len - k);
			buf_append(nt, next->text->data, next->text->len);
			buf_free(next->text);
			next->text = nt;
		}
		buf_truncate(t, k);
	}
	if (t->len == 0)
		g->out = SUBJECT_NONE;
}

/* subject_ascii - is text printable ASCII that reads the same unencoded */
static int
subject_ascii(const struct buf *t)
{
	size_t	 i;

	for (i = 0; i < t->len; i++)
		if (t->data[i] < 0x20 || t->data[i] > 0x7e ||
		    (t->data[i] == '=' && i + 1 < t->len &&
		    t->data[i + 1] == '?'))
			return 0;
	return 1;
}

/*
 * subject_tidy - white space alone between two encoded-word runs goes
 * into the first, where decoders keep it; white space at the ends of
 * a run to be encoded again goes out to the plain text beside it; a
 * run to be encoded again that is left with plain ASCII between plain
 * texts becomes plain text.
 */
static void
subject_tidy(struct subject_parse *p)
{
	struct subject_seg *g, *prev, *next;
	size_t	 i;

	for (i = 0; i < p->nseg; i++) {
		g = &p->seg[i];
		if (g->out != SUBJECT_PLAIN ||
		    !subject_blank(g->text->data, g->text->len))
			continue;
		prev = subject_prev(p, i);
		next = subject_next(p, i);
		if (prev != NULL && next != NULL && prev->out == SUBJECT_ENC &&
		    next->out == SUBJECT_ENC) {
			buf_append(prev->text, g->text->data, g->text->len);
			prev->keep = 0;
			g->out = SUBJECT_NONE;
		}
	}
	for (i = 0; i < p->nseg; i++) {
		g = &p->seg[i];
		if (g->out == SUBJECT_ENC && !g->keep)
			subject_tidy_ends(g, subject_prev(p, i),
			    subject_next(p, i));
	}
	for (i = 0; i < p->nseg; i++) {
		g = &p->seg[i];
		if (g->out != SUBJECT_ENC || g->keep || !subject_ascii(g->text))
			continue;
		prev = subject_prev(p, i);
		next = subject_next(p, i);
		if ((prev == NULL || prev->out == SUBJECT_PLAIN) &&
		    (next == NULL || next->out == SUBJECT_PLAIN))
			g->out = SUBJECT_PLAIN;
	}
}

/* subject_put - write the pending space and an atom, folding if long */
static void
subject_put(struct subject_pack *k, const char *atom, size_t len)
{
	size_t	 w = subject_width(atom, len);

	if (k->seplen > 0 && k->col + k->seplen + w > SUBJECT_COLS) {
		buf_append(k->out, k->sep, k->seplen - 1);
		buf_putc(k->out, '\n');
		buf_putc(k->out, k->sep[k->seplen - 1]);
		k->col = 1;
	} else {
		buf_append(k->out, k->sep, k->seplen);
		k->col += k->seplen;
	}
	buf_append(k->out, atom, len);
	k->col += w;
	k->sep = "";
	k->seplen = 0;
}

/* subject_put_plain - write plain text, folding at its white space */
static void
subject_put_plain(struct subject_pack *k, const char *s, size_t n)
{
	size_t	 i = 0, j;

	while (i < n) {
		for (j = i; j < n && !subject_wsp(s[j]); j++)
			;
		if (j > i)
			subject_put(k, s + i, j - i);
		for (i = j; j < n && subject_wsp(s[j]); j++)
			;
		if (j > i) {
			k->sep = s + i;
			k->seplen = j - i;
		}
		i = j;
	}
	k->prev = SUBJECT_PLAIN;
}

/* subject_put_words - write encoded-words as they came */
static void
subject_put_words(struct subject_pack *k, const struct buf *words)
{
	const char *s = words->data, *e;
	size_t	 n = words->len;

	if (k->prev == SUBJECT_ENC && k->seplen == 0) {
		k->sep = " ";
		k->seplen = 1;
	}
	while (n > 0) {
		if ((e = memchr(s, ' ', n)) == NULL)
			e = s + n;
		subject_put(k, s, (size_t)(e - s));
		n -= (size_t)(e - s);
		s = e;
		if (n > 0) {
			s++, n--;
			k->sep = " ";
			k->seplen = 1;
		}
	}
	k->prev = SUBJECT_ENC;
}

/* subject_q_safe - may byte c stand for itself in a Q-encoded word */
static int
subject_q_safe(int c)
{
	return subject_alnum(c) || c == '!' || c == '*' || c == '+' ||
	    c == '-' || c == '/';
}

/* subject_q_len - length of bytes in Q encoding */
static size_t
subject_q_len(const struct buf *b)
{
	size_t	 i, n = 0;

	for (i = 0; i < b->len; i++)
		n += subject_q_safe(b->data[i]) || b->data[i] == ' ' ? 1 : 3;
	return n;
}

/* subject_enc_len - length of bytes in B or Q encoding */
static size_t
subject_enc_len(int enc, const struct buf *b)
{
	return enc == 'B' ? (b->len + 2) / 3 * 4 : subject_q_len(b);
}

/* subject_enc_put - append bytes in B or Q encoding */
static void
subject_enc_put(struct buf *out, int enc, const struct buf *b)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)b->data;
	unsigned int v;
	size_t	 i;

	for (i = 0; enc == 'B' && i < b->len; i += 3) {
		v = (unsigned int)s[i] << 16;
		if (i + 1 < b->len)
			v |= (unsigned int)s[i + 1] << 8;
		if (i + 2 < b->len)
			v |= s[i + 2];
		buf_putc(out, tab[(v >> 18) & 63]);
		buf_putc(out, tab[(v >> 12) & 63]);
		buf_putc(out, i + 1 < b->len ? tab[(v >> 6) & 63] : '=');
		buf_putc(out, i + 2 < b->len ? tab[v & 63] : '=');
	}
	for (i = 0; enc == 'Q' && i < b->len; i++) {
		if (s[i] == ' ')
			buf_putc(out, '_');
		else if (subject_q_safe(s[i]))
			buf_putc(out, s[i]);
		else
			buf_printf(out, "=%02X", s[i]);
	}
}

/*
 * subject_word_make - one encoded-word of at most budget characters
 * from the start of text, split on a character boundary. Returns the
 * bytes of text it holds: 0 when not even one character fits, unless
 * force, which takes one character whatever its length.
 */
static size_t
subject_word_make(struct subject_conv *c, const struct subject_cs *cs,
    int enc, const char *text, size_t len, size_t budget, int force,
    struct buf *word)
{
	struct buf *try, *best, *t;
	size_t	 end = 0, next, over;
	uint32_t cp;

	over = strlen(cs->label) + 7;
	try = buf_alloc(64);
	best = buf_alloc(64);
	while (end < len) {
		next = end + subject_u8(text + end, len - end, &cp);
		buf_reset(try);
		if (subject_encode(c, text, next, try) < 0)
			break;
		if (over + subject_enc_len(enc, try) > budget &&
		    !(force && end == 0))
			break;
		t = best;
		best = try;
		try = t;
		end = next;
	}
	if (end > 0) {
		buf_reset(word);
		buf_printf(word, "=?%s?%c?", cs->label, enc);
		subject_enc_put(word, enc, best);
		buf_puts(word, "?=");
	}
	buf_free(try);
	buf_free(best);
	return end;
}

/* subject_room - columns left on the line after the pending space */
static size_t
subject_room(const struct subject_pack *k)
{
	size_t	 used = k->col + k->seplen;

	return used >= SUBJECT_COLS ? 0 : SUBJECT_COLS - used;
}

/* subject_enc_open - the charset and encoding to write text in */
static void
subject_enc_open(struct subject_conv *c, struct subject_cs *cs, int *enc,
    const struct buf *text)
{
	struct buf *all;

	all = buf_alloc(text->len * 2);
	if (subject_cs_write(c, cs, text->data, text->len, all) < 0) {
		subject_cs_utf8(cs);
		subject_conv_open(c, cs->conv, 0);
		buf_reset(all);
		buf_append(all, text->data, text->len);
	}
	if (subject_cs_is_jis(cs) ||
	    subject_q_len(all) > subject_enc_len('B', all))
		*enc = 'B';
	else
		*enc = 'Q';
	buf_free(all);
}

/*
 * subject_put_enc - write the text of a run as encoded-words, the first
 * filling the current line when there is room, the others folded.
 */
static void
subject_put_enc(struct subject_pack *k, struct subject_seg *g)
{
	struct subject_conv c;
	struct subject_cs cs = g->cs;
	struct buf *word;
	const char *s = g->text->data;
	size_t	 n = g->text->len, pos = 0, used, room;
	int	 enc;

	word = buf_alloc(SUBJECT_WORD + 1);
	subject_enc_open(&c, &cs, &enc, g->text);
	if (k->prev == SUBJECT_ENC && k->seplen == 0) {
		k->sep = " ";
		k->seplen = 1;
	}
	while (pos < n) {
		room = subject_room(k);
		if (room > SUBJECT_WORD)
			room = SUBJECT_WORD;
		used = 0;
		if (k->seplen == 0 || room >= strlen(cs.label) + 7 + 16)
			used = subject_word_make(&c, &cs, enc, s + pos,
			    n - pos, room, 0, word);
		if (used == 0)
			used = subject_word_make(&c, &cs, enc, s + pos,
			    n - pos, SUBJECT_WORD, 1, word);
		if (used == 0) {
			subject_conv_close(&c);
			subject_cs_utf8(&cs);
			subject_conv_open(&c, cs.conv, 0);
			enc = 'B';
			continue;
		}
		subject_put(k, word->data, word->len);
		pos += used;
		k->sep = " ";
		k->seplen = 1;
	}
	k->sep = "";
	k->seplen = 0;
	k->prev = SUBJECT_ENC;
	subject_conv_close(&c);
	buf_free(word);
}

/* subject_tag_text - append the tag of article n */
static void
subject_tag_text(const struct subject_fmt *f, long n, struct buf *out)
{
	size_t	 at = f->conv ? f->at : f->len;

	buf_append(out, f->lit, at);
	if (f->conv && f->zero)
		buf_printf(out, "%0*ld", f->width, n);
	else if (f->conv)
		buf_printf(out, "%*ld", f->width, n);
	buf_append(out, f->lit + at, f->len - at);
}

/*
 * subject_open - parse the field and mark what goes; -1 on a bad tag.
 * With notag, a null or empty format stands for no tag at all.
 */
static int
subject_open(struct subject_parse *p, struct subject_fmt *f,
    const char *raw, size_t len, const char *fmt, int notag,
    struct buf *why)
{
	memset(p, 0, sizeof(*p));
	if (notag && (fmt == NULL || *fmt == '\0'))
		memset(f, 0, sizeof(*f));
	else if (subject_fmt_parse(fmt, f, why) < 0)
		return -1;
	p->text = buf_alloc(128);
	subject_parse(p, raw != NULL ? raw : "", raw != NULL ? len : 0);
	subject_strip(p, f);
	return 0;
}

/* subject_close - release what subject_open() made */
static void
subject_close(struct subject_parse *p)
{
	size_t	 i;

	for (i = 0; i < p->nseg; i++) {
		buf_free(p->seg[i].orig);
		buf_free(p->seg[i].text);
	}
	p->seg = xfree(p->seg);
	p->del = xfree(p->del);
	p->text = buf_free(p->text);
}

/* subject_printable - append UTF-8 without controls or bad bytes */
static void
subject_printable(const char *s, size_t n, struct buf *out)
{
	size_t	 k, start = out->len;
	uint32_t cp;

	for (; n > 0; s += k, n -= k) {
		k = subject_u8(s, n, &cp);
		if (cp == SUBJECT_BAD)
			buf_append(out, SUBJECT_FFFD, 3);
		else if (cp == ' ' && out->len == start)
			continue;
		else if (cp >= 0x20 && (cp < 0x7f || cp > 0x9f))
			buf_append(out, s, k);
	}
	while (out->len > start && out->data[out->len - 1] == ' ')
		buf_truncate(out, out->len - 1);
}

/* subject_tag_valid - check a tag format */
int
subject_tag_valid(const char *fmt, struct buf *why)
{
	struct subject_fmt f;

	return subject_fmt_parse(fmt, &f, why);
}

/* subject_tag - the new Subject field body for article n */
int
subject_tag(const char *raw, size_t len, const char *fmt, long n,
    struct buf *out, struct buf *why)
{
	struct subject_fmt f;
	struct subject_parse p;
	struct subject_pack k;
	struct subject_seg *g;
	size_t	 i;

	if (subject_open(&p, &f, raw, len, fmt, 0, why) < 0)
		return -1;
	subject_finish(&p);
	subject_tidy(&p);

	buf_reset(out);
	subject_tag_text(&f, n, out);
	k = (struct subject_pack){ .out = out, .sep = " ", .seplen = 1,
	    .col = SUBJECT_NAME + out->len, .prev = SUBJECT_PLAIN };
	if (p.reply) {
		subject_put(&k, "Re:", 3);
		k.sep = " ";
		k.seplen = 1;
	}
	for (i = 0; i < p.nseg; i++) {
		g = &p.seg[i];
		if (g->out == SUBJECT_PLAIN)
			subject_put_plain(&k, g->text->data, g->text->len);
		else if (g->out == SUBJECT_ENC && g->keep)
			subject_put_words(&k, g->orig);
		else if (g->out == SUBJECT_ENC)
			subject_put_enc(&k, g);
	}

	subject_close(&p);
	return 0;
}

/* subject_plain - the decoded subject without this list's tag */
int
subject_plain(const char *raw, size_t len, const char *fmt,
    struct buf *out, struct buf *why)
{
	struct subject_fmt f;
	struct subject_parse p;
	struct buf *rest;
	size_t	 i;

	if (subject_open(&p, &f, raw, len, fmt, 1, why) < 0)
		return -1;
	rest = buf_alloc(p.text->len);
	for (i = 0; i < p.text->len; i++)
		if (!p.del[i])
			buf_putc(rest, p.text->data[i]);

	buf_reset(out);
	if (p.reply)
		buf_puts(out, "Re: ");
	subject_printable(rest->data, rest->len, out);
	if (out->len > 0 && out->data[out->len - 1] == ' ')
		buf_truncate(out, out->len - 1);

	buf_free(rest);
	subject_close(&p);
	return 0;
}
