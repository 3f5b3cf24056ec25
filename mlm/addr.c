/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	addr - mail addresses: syntax, lookup keys and comparison
 * SYNOPSIS
 *	#include "addr.h"
 * DESCRIPTION
 *	addr_valid() accepts a bare address local@domain: no display
 *	name, no angle brackets, no comments, no white space. The local
 *	part is a dot-atom of RFC 5322 atext (letters, digits and
 *	!#$%&'*+-/=?^_`{|}~ and dots, not at the start) or a
 *	quoted-string of printable ASCII, space and tab, with '"' and
 *	'\' escaped by a backslash. Consecutive dots and a dot before
 *	the '@' break RFC 5322 but are accepted: Japanese mobile
 *	carriers handed out such addresses for years, and lists are full
 *	of them. The domain is a
 *	sequence of dot-separated labels of letters, digits and '-' (not
 *	at either end of a label, at most 63 bytes each) or a domain
 *	literal "[...]" of printable ASCII other than '[', ']' and '\'.
 *	A domain without a dot (localhost) is accepted. Limits: local
 *	part 64 bytes, domain 255, whole address ADDR_MAX. Control
 *	characters, spaces and bytes over 127 are rejected everywhere.
 *
 *	addr_key() returns a malloc'ed copy of the address with ASCII
 *	letters folded to lower case (no locale).
 *
 *	addr_same() compares two addresses under a struct addr_match (a
 *	null pointer means: local part case-insensitive, whole domain).
 *	Each address is split at its last '@'. Domains always compare
 *	case-insensitively; with domain_level N > 0, two different
 *	domains still match when both have at least N labels and their
 *	rightmost N labels are equal. Domain literals match only exactly.
 *	Two strings without '@' compare as local parts; a string with '@'
 *	never matches one without.
 *
 *	addr_domain() points into its argument, after the last '@', or to
 *	"" when there is none.
 *
 *	addr_local_matches() returns 1 when the local part (everything
 *	before the last '@', or the whole string) matches one of the
 *	PCRE2 patterns of a null-terminated array as a whole and without
 *	regard to case, 0 otherwise. Patterns are compiled anchored at
 *	both ends, caseless and without UTF.
 * DIAGNOSTICS
 *	addr_valid() returns 0, or EX_DATAERR with a reason such as
 *	bad address "x": no @. The address is shown with unprintable
 *	bytes as '?' and cut at 100 bytes.
 * BUGS
 *	A pattern that does not compile is skipped, and a match that hits
 *	the match or depth limit counts as no match: a broken
 *	system_special_accounts entry lets mail through rather than
 *	rejecting it. addr_local_matches() compiles its patterns on each
 *	call.
 *
 *	Internationalised (UTF-8) addresses are rejected.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "addr.h"
#include "buf.h"
#include "xmem.h"

#define ADDR_LOCAL_MAX	64
#define ADDR_DOMAIN_MAX	255
#define ADDR_LABEL_MAX	63
#define ADDR_SHOW_MAX	100		/* bytes of an address in a reason */
#define ADDR_MATCH_LIMIT 100000
#define ADDR_DEPTH_LIMIT 1000

/* addr_lower - ASCII lower case, independent of the locale */
static int
addr_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* addr_is_atext - RFC 5322 atext */
static int
addr_is_atext(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* addr_is_ldh - letter, digit or hyphen */
static int
addr_is_ldh(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/* addr_is_vchar - printable ASCII other than space */
static int
addr_is_vchar(int c)
{
	return c > ' ' && c < 0x7f;
}

/* addr_show - a printable, shortened copy of s for a reason text */
static void
addr_show(const char *s, char *out, size_t size)
{
	size_t	 i;
	size_t	 n;

	for (i = n = 0; s[i] != '\0' && n + 4 < size; i++, n++) {
		if (i == ADDR_SHOW_MAX) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		out[n] = addr_is_vchar((unsigned char)s[i]) ? s[i] : '?';
	}
	out[n] = '\0';
}

/* addr_bad - report a syntax error */
static int
addr_bad(const char *addr, const char *reason, int c, struct buf *why)
{
	char	 shown[ADDR_SHOW_MAX + 8];

	addr_show(addr, shown, sizeof(shown));
	if (c < 0)
		BUF_WHY(why, "bad address \"%s\": %s", shown, reason);
	else if (addr_is_vchar(c))
		BUF_WHY(why, "bad address \"%s\": %s '%c'", shown, reason, c);
	else
		BUF_WHY(why, "bad address \"%s\": %s 0x%02x", shown, reason,
		    (unsigned)c);
	return EX_DATAERR;
}

/* addr_scan_quoted - skip a quoted-string; reason on error */
static const char *
addr_scan_quoted(const char *p, const char **reason, int *bad)
{
	int	 c;

	for (p++; (c = (unsigned char)*p) != '"'; p++) {
		if (c == '\0') {
			*reason = "unterminated quoted string";
			return NULL;
		}
		if (c == '\\') {
			c = (unsigned char)*++p;
			if (c == '\0') {
				*reason = "unterminated quoted string";
				return NULL;
			}
		}
		if (!addr_is_vchar(c) && c != ' ' && c != '\t') {
			*reason = "bad character in quoted local part";
			*bad = c;
			return NULL;
		}
	}
	return p + 1;
}

/* addr_scan_dot_atom - skip a dot-atom local part; reason on error */
static const char *
addr_scan_dot_atom(const char *p, const char **reason, int *bad)
{
	const char *start = p;
	int	 c;

	for (; (c = (unsigned char)*p) != '\0' && c != '@'; p++) {
		if (c == '.') {
			if (p == start) {
				*reason = "local part starts with a dot";
				return NULL;
			}
		} else if (!addr_is_atext(c)) {
			*reason = "bad character in local part";
			*bad = c;
			return NULL;
		}
	}
	return p;
}

/* addr_scan_literal - check a domain literal; reason on error */
static int
addr_scan_literal(const char *p, const char **reason, int *bad)
{
	int	 c;

	if (p[1] == ']') {
		*reason = "empty domain literal";
		return -1;
	}
	for (p++; (c = (unsigned char)*p) != ']'; p++) {
		if (c == '\0') {
			*reason = "unterminated domain literal";
			return -1;
		}
		if (!addr_is_vchar(c) || c == '[' || c == '\\') {
			*reason = "bad character in domain literal";
			*bad = c;
			return -1;
		}
	}
	if (p[1] != '\0') {
		*reason = "text after domain literal";
		return -1;
	}
	return 0;
}

/* addr_scan_domain - check a host name domain; reason on error */
static int
addr_scan_domain(const char *p, const char **reason, int *bad)
{
	const char *label = p;
	int	 c;

	for (;; p++) {
		c = (unsigned char)*p;
		if (c == '.' || c == '\0') {
			if (p == label) {
				*reason = "empty label in domain";
				return -1;
			}
			if (p - label > ADDR_LABEL_MAX) {
				*reason = "domain label too long";
				return -1;
			}
			if (*label == '-' || p[-1] == '-') {
				*reason = "'-' at either end of a label";
				return -1;
			}
			if (c == '\0')
				return 0;
			label = p + 1;
		} else if (!addr_is_ldh(c)) {
			*reason = "bad character in domain";
			*bad = c;
			return -1;
		}
	}
}

/* addr_valid - check the syntax of a bare address */
int
addr_valid(const char *addr, struct buf *why)
{
	const char *reason = NULL;
	const char *p;
	size_t	 len;
	int	 bad = -1;

	if (addr == NULL || *addr == '\0')
		return addr_bad("", "empty", -1, why);
	len = strlen(addr);
	if (len > ADDR_MAX)
		return addr_bad(addr, "too long", -1, why);

	if (*addr == '"')
		p = addr_scan_quoted(addr, &reason, &bad);
	else
		p = addr_scan_dot_atom(addr, &reason, &bad);
	if (p == NULL)
		return addr_bad(addr, reason, bad, why);
	if (*p != '@')
		return addr_bad(addr, strchr(p, '@') ? "text after quoted "
		    "local part" : "no @", -1, why);
	if (p == addr)
		return addr_bad(addr, "empty local part", -1, why);
	if (p - addr > ADDR_LOCAL_MAX)
		return addr_bad(addr, "local part too long", -1, why);

	p++;
	if (*p == '\0')
		return addr_bad(addr, "empty domain", -1, why);
	if (strlen(p) > ADDR_DOMAIN_MAX)
		return addr_bad(addr, "domain too long", -1, why);
	if ((*p == '[' ? addr_scan_literal(p, &reason, &bad) :
	    addr_scan_domain(p, &reason, &bad)) != 0)
		return addr_bad(addr, reason, bad, why);
	return 0;
}

/* addr_key - the store key: a lower-cased copy */
char *
addr_key(const char *addr)
{
	char	*key;
	char	*p;

	key = xstrdup(addr);
	for (p = key; *p != '\0'; p++)
		*p = (char)addr_lower((unsigned char)*p);
	return key;
}

/* addr_domain - the part after the last '@', or "" */
const char *
addr_domain(const char *addr)
{
	const char *at;

	if ((at = strrchr(addr, '@')) == NULL)
		return "";
	return at + 1;
}

/* addr_eq_nocase - compare two byte ranges ignoring ASCII case */
static int
addr_eq_nocase(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	 i;

	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++)
		if (addr_lower((unsigned char)a[i]) !=
		    addr_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* addr_labels - number of dot-separated labels */
static int
addr_labels(const char *d, size_t len)
{
	size_t	 i;
	int	 n;

	if (len == 0)
		return 0;
	for (i = 0, n = 1; i < len; i++)
		if (d[i] == '.')
			n++;
	return n;
}

/* addr_domain_level - domains equal in their rightmost level labels */
static int
addr_domain_level(const char *a, size_t alen, const char *b, size_t blen,
    int level)
{
	size_t	 i = alen;
	size_t	 j = blen;
	int	 n;

	if (*a == '[' || *b == '[')
		return 0;
	if (addr_labels(a, alen) < level || addr_labels(b, blen) < level)
		return 0;

	for (n = 0; n < level; n++) {
		size_t	 ai = i, bj = j;

		while (ai > 0 && a[ai - 1] != '.')
			ai--;
		while (bj > 0 && b[bj - 1] != '.')
			bj--;
		if (!addr_eq_nocase(a + ai, i - ai, b + bj, j - bj))
			return 0;
		i = ai > 0 ? ai - 1 : 0;
		j = bj > 0 ? bj - 1 : 0;
	}
	return 1;
}

/* addr_same - compare two addresses under fml8's rules */
int
addr_same(const char *a, const char *b, const struct addr_match *m)
{
	const char *aat = strrchr(a, '@');
	const char *bat = strrchr(b, '@');
	size_t	 alocal, blocal, adom, bdom;
	int	 level = m != NULL ? m->domain_level : 0;

	if ((aat == NULL) != (bat == NULL))
		return 0;
	alocal = aat ? (size_t)(aat - a) : strlen(a);
	blocal = bat ? (size_t)(bat - b) : strlen(b);

	if (m != NULL && m->local_case_sensitive) {
		if (alocal != blocal || memcmp(a, b, alocal) != 0)
			return 0;
	} else if (!addr_eq_nocase(a, alocal, b, blocal))
		return 0;
	if (aat == NULL)
		return 1;

	adom = strlen(aat + 1);
	bdom = strlen(bat + 1);
	if (addr_eq_nocase(aat + 1, adom, bat + 1, bdom))
		return 1;
	if (level <= 0 || adom == 0 || bdom == 0)
		return 0;
	return addr_domain_level(aat + 1, adom, bat + 1, bdom, level);
}

/* addr_match_one - match a subject against one pattern: 1, 0 */
static int
addr_match_one(const char *pattern, const char *subject, size_t len,
    pcre2_match_context *mctx)
{
	pcre2_code *re;
	pcre2_match_data *md;
	PCRE2_SIZE erroff;
	int	 errcode;
	int	 rc;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_CASELESS | PCRE2_ANCHORED | PCRE2_ENDANCHORED |
	    PCRE2_NEVER_UTF, &errcode, &erroff, NULL);
	if (re == NULL)
		return 0;
	if ((md = pcre2_match_data_create_from_pattern(re, NULL)) == NULL) {
		pcre2_code_free(re);
		return 0;
	}
	rc = pcre2_match(re, (PCRE2_SPTR)subject, len, 0, 0, md, mctx);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc >= 0;
}

/* addr_local_matches - does the local part match one of the patterns */
int
addr_local_matches(const char *addr, char **patterns)
{
	pcre2_match_context *mctx;
	const char *at;
	size_t	 len;
	int	 found = 0;
	int	 i;

	if (patterns == NULL)
		return 0;
	at = strrchr(addr, '@');
	len = at ? (size_t)(at - addr) : strlen(addr);
	if ((mctx = pcre2_match_context_create(NULL)) == NULL)
		return 0;
	pcre2_set_match_limit(mctx, ADDR_MATCH_LIMIT);
	pcre2_set_depth_limit(mctx, ADDR_DEPTH_LIMIT);

	for (i = 0; patterns[i] != NULL && !found; i++)
		found = addr_match_one(patterns[i], addr, len, mctx);

	pcre2_match_context_free(mctx);
	return found;
}
