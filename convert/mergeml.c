/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	mergeml - import an fml4 or fml8 list directory into an mlm list
 * SYNOPSIS
 *	#include "mergeml.h"
 * DESCRIPTION
 *	The conversion reads everything it needs from the old directory
 *	first (configuration, member files, seq), then creates the list
 *	when it is missing, and writes: the store in one transaction, the
 *	config.cf lines, seq, spool, summary and log, the report.
 *
 *	fml4: config.ph is read with fml4cf (never run), after
 *	$ML_DIR/etc/fml/site_init.ph and before site_force.ph and
 *	sitedef.ph when those exist. The member map is every address of
 *	members (switched-off "#" entries included) plus members-admin;
 *	the delivery list is actives, or members in auto_regist mode.
 *	Entries with m= become digest recipients, s= skip members, "#"
 *	entries of the delivery list are switched off; an address that
 *	also has a plain delivery line gets each post, as in fml4. A seq
 *	that is not a number is refused. Every setting is
 *	either translated, equal to what mlm does anyway, or named in the
 *	report with its file and line.
 *
 *	fml8: config.cf is read with the mlm loader over the site layer
 *	(site_default_config.cf, or fml8's stock one, which removes the
 *	subject tag), and every variable mlm knows is written with its
 *	effective value; the member files are imported as they are.
 *
 *	An existing config.cf that already holds the mergeml marker is
 *	left alone on a second run; the store only gains what is missing;
 *	seq is raised, never lowered; an article already in the spool is
 *	kept; summary and log are prepended only when they do not start
 *	with the old text already.
 * DIAGNOSTICS
 *	EX_USAGE for bad arguments or a conversion into the same
 *	directory, EX_NOINPUT for a directory that is no list, and the
 *	statuses of the store and file functions.
 * BUGS
 *	Digest frequency and format are kept as the digest option; mlm
 *	sends no digests yet. Relays (r=), admin passwords that are not
 *	SHA-512 crypt hashes, HTML archives and hooks are reported, not
 *	converted.
 *	Run as root, the spool, summary and log are read as the list
 *	owner.
 */

#include <crypt.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "addr.h"
#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "fml4cf.h"
#include "fml4members.h"
#include "mergeml.h"
#include "msg.h"
#include "priv.h"
#include "site.h"
#include "spool.h"
#include "store.h"
#include "subject.h"
#include "xmem.h"

#define MM_MARKER	"# mergeml: settings imported from "
#define MM_REPORT	"mergeml.report"
#define MM_FILE_MAX	((size_t)1 << 30)
#define MM_WARN_MAX	20		/* warnings of one kind listed */

/* One address to store: all its roles merged. */
struct mm_addr {
	char	*addr;			/* as first spelled */
	char	*key;
	unsigned flags;
	char	*digest;
	int	 case_dup;		/* seen spelled otherwise */
	int	 plain;			/* a plain delivery line */
};

/* One conversion. */
struct mm {
	struct site	*site;
	const char	*address;	/* ML as given */
	char		*src;		/* the old directory, resolved */
	int		 dry_run;
	int		 fml8;
	struct fml4cf	*cf;
	struct buf	*settings;	/* config.cf lines to add */
	struct buf	*unconv;	/* report: not converted */
	struct buf	*warn;		/* report: list warnings */
	struct buf	*done;		/* report: what was done */
	struct mm_addr	**tab;		/* open hash by key */
	size_t		 tab_size;
	size_t		 naddr;
	long		 seq;
	int		 anyone;
	int		 auto_regist;
	int		 nwarn[9];
	char		*spool_dir;	/* old paths */
	char		*summary;
	char		*log;
	char		*ml_name;	/* from the old configuration */
	char		*ml_domain;
	long		 narticles;
	long		 nbye;
	struct buf	*passwd;	/* "address hash" lines to keep */
};

/* mm_path - a path of the old list: absolute, $DIR/x, or relative */
static char *
mm_path(struct mm *m, const char *var, const char *def)
{
	const char *v = m->cf != NULL ? fml4cf_get(m->cf, var) : NULL;

	if (v == NULL || *v == '\0')
		v = def;
	if (*v == '/')
		return xstrdup(v);
	return xasprintf("%s/%s", m->src, v);
}

/* mm_printable - a value as a one-line, ASCII-safe quotation */
static void
mm_printable(struct buf *out, const char *s, size_t max)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			buf_puts(out, "\\n");
		else if (c == '\t')
			buf_puts(out, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			buf_printf(out, "\\x%02x", c);
		else
			buf_putc(out, c);
	}
	if (s[i] != '\0')
		buf_puts(out, "...");
}

/* mm_unconv - name a setting that is not carried over */
static void
mm_unconv(struct mm *m, const char *origin, const char *what,
    const char *value, const char *why)
{
	buf_printf(m->unconv, "  %s: %s", origin, what);
	if (value != NULL) {
		buf_puts(m->unconv, " = \"");
		mm_printable(m->unconv, value, 60);
		buf_puts(m->unconv, "\"");
	}
	if (why != NULL)
		buf_printf(m->unconv, " (%s)", why);
	buf_puts(m->unconv, "\n");
}

/* mm_warn - a list warning, at most MM_WARN_MAX of each kind */
static void
mm_warn(struct mm *m, int kind, const char *fmt, const char *a,
    const char *b)
{
	if (kind >= 0 && m->nwarn[kind]++ >= MM_WARN_MAX) {
		if (m->nwarn[kind] == MM_WARN_MAX + 1)
			buf_puts(m->warn, "  (more of the same left out)\n");
		return;
	}
	buf_puts(m->warn, "  ");
	buf_printf(m->warn, fmt, a, b);
	buf_puts(m->warn, "\n");
}

/* mm_setting - a config.cf line with the comment naming its origin */
static void
mm_setting(struct mm *m, const char *origin, const char *line)
{
	buf_printf(m->settings, "# %s\n%s\n", origin, line);
}

/* mm_hash - FNV-1a of a key */
static size_t
mm_hash(const char *k)
{
	size_t	 h = 2166136261u;

	for (; *k != '\0'; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return h;
}

/* mm_grow - double the address table */
static void
mm_grow(struct mm *m)
{
	struct mm_addr **old = m->tab;
	size_t	 n = m->tab_size, i, j;

	m->tab_size = n ? n * 2 : 1024;
	m->tab = xcalloc(m->tab_size, sizeof(*m->tab));
	for (i = 0; i < n; i++) {
		if (old[i] == NULL)
			continue;
		for (j = mm_hash(old[i]->key) & (m->tab_size - 1);
		    m->tab[j] != NULL; j = (j + 1) & (m->tab_size - 1))
			;
		m->tab[j] = old[i];
	}
	free(old);
}

/* mm_add - merge roles for an address; where names the line */
static void
mm_add(struct mm *m, const char *addr, unsigned flags, const char *digest,
    const char *where)
{
	struct buf *t;
	struct mm_addr *a;
	char	*key;
	size_t	 j;

	if (strchr(addr, '@') == NULL) {
		mm_warn(m, 0, "%s: \"%s\" is a bare local part, not imported",
		    where, addr);
		return;
	}
	t = buf_alloc(64);
	if (addr_valid(addr, t) != 0) {
		mm_warn(m, 1, "%s: bad address, not imported: %s", where,
		    t->data);
		t = buf_free(t);
		return;
	}
	t = buf_free(t);
	if ((m->naddr + 1) * 2 > m->tab_size)
		mm_grow(m);
	key = addr_key(addr);
	for (j = mm_hash(key) & (m->tab_size - 1); m->tab[j] != NULL;
	    j = (j + 1) & (m->tab_size - 1))
		if (strcmp(m->tab[j]->key, key) == 0)
			break;
	if ((a = m->tab[j]) == NULL) {
		a = m->tab[j] = xcalloc(1, sizeof(*a));
		a->addr = xstrdup(addr);
		a->key = key;
		m->naddr++;
	} else {
		free(key);
		if (strcmp(a->addr, addr) != 0 && !a->case_dup) {
			a->case_dup = 1;
			mm_warn(m, 2, "mixed-case duplicates %s and %s are "
			    "one address", a->addr, addr);
		}
	}
	a->flags |= flags;
	if (a->plain)
		a->flags &= ~(STORE_OFF | STORE_SKIP | STORE_DIGEST);
	if (digest != NULL && a->digest == NULL)
		a->digest = xstrdup(*digest != '\0' ? digest : "0");
}

/* mm_find - the merged record of an address, or NULL */
static struct mm_addr *
mm_find(struct mm *m, const char *addr)
{
	char	*key;
	size_t	 j;

	if (m->tab_size == 0)
		return NULL;
	key = addr_key(addr);
	for (j = mm_hash(key) & (m->tab_size - 1); m->tab[j] != NULL;
	    j = (j + 1) & (m->tab_size - 1))
		if (strcmp(m->tab[j]->key, key) == 0)
			break;
	free(key);
	return m->tab[j];
}

/* mm_entry - one parsed line of an fml4 list file */
static void
mm_entry(struct mm *m, const struct fml4members_entry *e, int what,
    const char *where)
{
	struct mm_addr *a;
	unsigned flags = 0;
	int	 deliver = what == 'r' || (what == 'm' && m->auto_regist);

	if (what == 'x') {
		if ((e->kind == FML4M_ACTIVE || e->kind == FML4M_OFF) &&
		    mm_find(m, e->addr) == NULL)
			mm_warn(m, 8, "%s: %s is only in the stale actives "
			    "file: it got nothing in fml4, not imported",
			    where, e->addr);
		return;
	}

	switch (e->kind) {
	case FML4M_ANYONE:
		if (what == 'm')
			m->anyone = 1;
		mm_warn(m, 3, "%s: \"+\": anyone may post%s", where,
		    what == 'm' ? "" : " (ignored outside members)");
		return;
	case FML4M_NAME:
		mm_warn(m, 4, "%s: \"<%s>\" in name form is never matched "
		    "by fml4, not imported from this line", where, e->addr);
		return;
	case FML4M_BAD:
		mm_warn(m, 1, "%s: line not understood%s, not imported",
		    where, "");
		return;
	case FML4M_BYE:
		m->nbye++;
		return;
	case FML4M_ACTIVE:
	case FML4M_OFF:
		break;
	default:
		return;
	}

	if (e->leading_space)
		mm_warn(m, 5, "%s: %s has leading white space", where, e->addr);
	if (e->unknown[0] != '\0')
		mm_warn(m, 5, "%s: unknown option \"%s\" ignored", where,
		    e->unknown);
	if (what == 'm')
		flags |= STORE_MEMBER;
	else if (what == 'a')
		flags |= STORE_ADMIN | STORE_ADMIN_RCPT;
	else if (what == 'o')
		flags |= STORE_MODERATOR;
	if (deliver) {
		flags |= STORE_RECIPIENT;
		if (e->kind == FML4M_OFF)
			flags |= STORE_OFF;
		if (e->skip)
			flags |= STORE_SKIP;
		if (e->has_digest)
			flags |= STORE_DIGEST;
		if (e->relay[0] != '\0')
			mm_warn(m, 6, "%s: relay %s is not kept: mlm hands "
			    "every copy to the local MTA", where, e->relay);
		if (e->v1)
			mm_warn(m, 7, "%s: %s uses the old option forms "
			    "(matome/skip/relay host)", where, e->addr);
	}
	mm_add(m, e->addr, flags, deliver && e->has_digest ? e->digest :
	    NULL, where);

	/* fml4 delivers each post to an address with one plain line. */
	if (deliver && e->kind == FML4M_ACTIVE && !e->skip &&
	    !e->has_digest && (a = mm_find(m, e->addr)) != NULL) {
		a->plain = 1;
		a->flags &= ~(STORE_OFF | STORE_SKIP | STORE_DIGEST);
	}
}

/* mm_read_list - feed every line of an old list file to mm_entry */
static int
mm_read_list(struct mm *m, const char *path, int what, int fml8,
    long *lines, struct buf *why)
{
	struct fml4members_state st = { .mode = fml8 ? FML4M_FML8 : 0 };
	struct fml4members_entry e;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 :
	    path;
	char	*line = NULL, where[128];
	size_t	 cap = 0;
	ssize_t	 n;
	long	 no = 0, crlf = 0;
	FILE	*fp;

	*lines = -1;
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
		return EX_IOERR;
	}
	while ((n = getline(&line, &cap, fp)) >= 0) {
		no++;
		if (n >= 2 && line[n - 2] == '\r' && !crlf++)
			mm_warn(m, -1, "%s has CR LF line ends (read as "
			    "lines)%s", base, "");
		if (fml4members_line(&st, line, (size_t)n, &e) == FML4M_NONE)
			continue;
		snprintf(where, sizeof(where), "%s:%ld", base, no);
		mm_entry(m, &e, what, where);
	}
	free(line);
	if (ferror(fp)) {
		BUF_WHY(why, "read %s: %s", path, strerror(errno));
		fclose(fp);
		return EX_IOERR;
	}
	fclose(fp);
	*lines = no;
	return 0;
}

/* mm_read_seq - the first line of seq; empty or missing means 0 */
static int
mm_read_seq(struct mm *m, const char *path, struct buf *why)
{
	char	 text[64] = "";
	char	*end, *p;
	FILE	*fp;

	m->seq = 0;
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
		return EX_IOERR;
	}
	if (fgets(text, sizeof(text), fp) == NULL)
		text[0] = '\0';
	fclose(fp);
	p = text + strspn(text, " \t");
	p[strcspn(p, "\r\n \t")] = '\0';
	if (p[0] == '\0')
		return 0;
	errno = 0;
	m->seq = strtol(p, &end, 10);
	if (*end != '\0' || errno != 0 || m->seq < 0) {
		BUF_WHY(why, "%s: not a number: \"%s\"", path, p);
		return EX_DATAERR;
	}
	return 0;
}

/* mm_is_true - Perl truth of a value */
static int
mm_is_true(const char *v)
{
	return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

/* mm_digits - SUBJECT_FORM_LONG_ID rule: empty or below 2 means 5 */
static int
mm_digits(const char *v)
{
	long	 n;

	if (v == NULL || *v == '\0')
		return 5;
	n = strtol(v, NULL, 10);
	return n < 2 ? 5 : n > 20 ? 20 : (int)n;
}

/* mm_lit - append text to a tag format, "%" and "$" escaped */
static void
mm_lit(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '%')
			buf_puts(out, "%%");
		else if (*s == '$')
			buf_puts(out, "$$");
		else
			buf_putc(out, *s);
	}
}

/* mm_tag - fml4's subject tag as an article_subject_tag format */
static void
mm_tag(struct mm *m)
{
	struct fml4cf *cf = m->cf;
	struct buf *tag = buf_alloc(64), *t = buf_alloc(64);
	struct buf *from = buf_alloc(128);
	const struct fml4cf_var *tv = fml4cf_find(cf, "SUBJECT_TAG_TYPE");
	const char *br = fml4cf_get(cf, "BRACKET");
	const char *sep, *beg, *end;
	char	 type[16], fmt[16], *line;
	size_t	 i, k;
	int	 digits = mm_digits(fml4cf_get(cf, "SUBJECT_FORM_LONG_ID"));
	int	 lost = 0;

	for (i = k = 0; tv != NULL && tv->value[i] != '\0' &&
	    k + 1 < sizeof(type); i++)
		if (tv->value[i] != '\'' && tv->value[i] != '"')
			type[k++] = tv->value[i];
	type[k] = '\0';
	if (br == NULL || *br == '\0')
		br = "Elena";
	snprintf(fmt, sizeof(fmt), "%%0%dd", digits);

	if (type[0] != '\0') {
		buf_printf(from, "$SUBJECT_TAG_TYPE %s (%s)", type, tv->origin);
		if (strcmp(type, "[ID]") == 0 || strcmp(type, "(ID)") == 0) {
			buf_printf(tag, "%c%s%c", type[0], fmt, type[3]);
		} else if (strlen(type) == 2 && (strcmp(type, "[]") == 0 ||
		    strcmp(type, "()") == 0)) {
			buf_putc(tag, type[0]);
			mm_lit(tag, br);
			buf_putc(tag, type[1]);
		} else if (strlen(type) == 3 && strchr("[(", type[0]) &&
		    strchr(":, ", type[1]) && type[2] == (type[0] == '[' ?
		    ']' : ')')) {
			buf_putc(tag, type[0]);
			mm_lit(tag, br);
			buf_printf(tag, "%c%s%c", type[1], fmt, type[2]);
		} else {
			mm_unconv(m, tv->origin, "SUBJECT_TAG_TYPE", type,
			    "unknown tag type: the list is left untagged");
			lost = 1;
		}
	} else if (mm_is_true(fml4cf_get(cf, "SUBJECT_FREE_FORM"))) {
		buf_printf(from, "$SUBJECT_FREE_FORM (%s)",
		    fml4cf_find(cf, "SUBJECT_FREE_FORM")->origin);
		beg = fml4cf_get(cf, "BEGIN_BRACKET");
		sep = fml4cf_get(cf, "BRACKET_SEPARATOR");
		end = fml4cf_get(cf, "END_BRACKET");
		mm_lit(tag, beg != NULL ? beg : "[");
		mm_lit(tag, br);
		if (sep == NULL || *sep != '\0') {
			mm_lit(tag, sep != NULL ? sep : ":");
			buf_puts(tag, fmt);
		}
		mm_lit(tag, end != NULL ? end : "]");
	} else if (mm_is_true(fml4cf_get(cf, "SUBJECT_HML_FORM"))) {
		buf_printf(from, "$SUBJECT_HML_FORM (%s)",
		    fml4cf_find(cf, "SUBJECT_HML_FORM")->origin);
		buf_putc(tag, '[');
		mm_lit(tag, br);
		buf_printf(tag, ":%%0%dd]",
		    mm_digits(fml4cf_get(cf, "HML_FORM_LONG_ID")));
	}

	if (tag->len > 0 && subject_tag_valid(tag->data, t) != 0) {
		mm_unconv(m, from->data, "subject tag", tag->data, t->data);
		buf_reset(tag);
		lost = 1;
	}
	if (lost) {
		buf_set(from, "fml4's subject tag cannot be carried over (see "
		    "the report): no tag");
	} else if (tag->len > 0) {
		buf_printf(from, ", $BRACKET %s", br);
		if (fml4cf_find(cf, "SUBJECT_FORM_LONG_ID") != NULL)
			buf_printf(from, ", $SUBJECT_FORM_LONG_ID %d digits",
			    digits);
	} else {
		buf_set(from, "fml4 added no subject tag");
	}
	line = xasprintf("article_subject_tag = %s", tag->data);
	mm_setting(m, from->data, line);
	free(line);
	tag = buf_free(tag);
	t = buf_free(t);
	from = buf_free(from);
}

/* mm_origin - "config.ph:12 $NAME = value" for a comment */
static char *
mm_origin(const struct fml4cf_var *v)
{
	struct buf *b = buf_alloc(128);

	buf_printf(b, "%s $%s = \"", v->origin, v->name);
	mm_printable(b, v->value, 60);
	buf_puts(b, "\"");
	return buf_steal(b);
}

/* mm_handler_auto - a REJECT_*_HANDLER that registers the sender */
static int
mm_handler_auto(const char *h)
{
	return h != NULL && (strcmp(h, "auto_regist") == 0 ||
	    strcmp(h, "autoregist") == 0 || strcmp(h, "auto_subscribe") == 0 ||
	    strcmp(h, "auto_asymmetric_regist") == 0);
}

/* mm_handler_regist - a handler that means auto_regist mode */
static int
mm_handler_regist(const char *h)
{
	return h != NULL && (strcmp(h, "auto_regist") == 0 ||
	    strcmp(h, "autoregist") == 0);
}

/* mm_policy - PERMIT_POST_FROM and REJECT_POST_HANDLER */
static void
mm_policy(struct mm *m)
{
	struct fml4cf *cf = m->cf;
	const struct fml4cf_var *pv = fml4cf_find(cf, "PERMIT_POST_FROM");
	const struct fml4cf_var *hv = fml4cf_find(cf, "REJECT_POST_HANDLER");
	const struct fml4cf_var *cv;
	const char *permit = pv != NULL ? pv->value : "members_only";
	const char *handler = hv != NULL ? hv->value : "reject";
	const char *rule, *last = "reject";
	struct buf *from = buf_alloc(128);
	char	*line, *o;

	if (strcmp(permit, "anyone") == 0 || m->anyone)
		rule = "permit_anyone";
	else if (strcmp(permit, "moderator") == 0)
		rule = NULL;
	else
		rule = "permit_member_maps";
	if (strcmp(handler, "ignore") == 0)
		last = "ignore";
	else if (strcmp(handler, "reject") != 0 && hv != NULL)
		mm_unconv(m, hv->origin, "REJECT_POST_HANDLER", handler,
		    mm_handler_auto(handler) ? "a post from a non-member "
		    "starts no subscription in mlm: it is rejected" :
		    "unknown handler: rejected");
	if (hv == NULL && (cv = fml4cf_find(cf, "ML_MEMBER_CHECK")) != NULL &&
	    !mm_is_true(cv->value) && fml4cf_get(cf, "CFVersion") != NULL &&
	    strtod(fml4cf_get(cf, "CFVersion"), NULL) < 3)
		mm_unconv(m, cv->origin, "ML_MEMBER_CHECK", cv->value,
		    "CFVersion below 3: automatic registration; a post from "
		    "a non-member starts no subscription in mlm: it is "
		    "rejected");
	if (rule == NULL) {
		last = "isolate";
		mm_unconv(m, pv->origin, "PERMIT_POST_FROM", permit,
		    "moderated: every post is held for the maintainer "
		    "(isolate)");
	}

	o = pv != NULL ? mm_origin(pv) : xstrdup("PERMIT_POST_FROM default");
	buf_puts(from, o);
	free(o);
	if (hv != NULL) {
		o = mm_origin(hv);
		buf_printf(from, ", %s", o);
		free(o);
	}
	if (m->anyone)
		buf_puts(from, ", a \"+\" line in members");
	line = xasprintf("article_post_restrictions = "
	    "reject_system_special_accounts reject_spammer_maps %s%s%s",
	    rule ? rule : "", rule ? " " : "", last);
	mm_setting(m, from->data, line);
	free(line);
	from = buf_free(from);
}

/* mm_size - "2M", "500K" or bytes; -1 if it is no size */
static long
mm_size(const char *v)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (end == v || errno != 0 || n < 0)
		return -1;
	if (*end == 'k' || *end == 'K')
		n *= 1024, end++;
	else if (*end == 'm' || *end == 'M')
		n *= 1024 * 1024, end++;
	return *end == '\0' ? n : -1;
}

/* What mlm does with an fml4 variable. */
enum {
	MM_IGNORE,		/* no meaning for mlm */
	MM_SAME,		/* mlm behaves so when the value is in same */
	MM_DONE,		/* translated by a function */
	MM_PATH,		/* a file of the old list, read */
};

struct mm_rule {
	const char	*name;
	int		 kind;
	const char	*same;		/* "|"-separated values */
	const char	*why;
};

static const struct mm_rule mm_rules[] = {
	{ .name = "DIR", .kind = MM_IGNORE },
	{ .name = "CFVersion", .kind = MM_IGNORE },
	{ .name = "debug", .kind = MM_IGNORE },
	{ .name = "DOMAINNAME", .kind = MM_IGNORE },
	{ .name = "FQDN", .kind = MM_IGNORE },
	{ .name = "CPU_TYPE_MANUFACTURER_OS", .kind = MM_IGNORE },
	{ .name = "STRUCT_SOCKADDR", .kind = MM_IGNORE },
	{ .name = "USE_FLOCK", .kind = MM_IGNORE },
	{ .name = "TZone", .kind = MM_IGNORE },
	{ .name = "ML_FN", .kind = MM_IGNORE },
	{ .name = "MESSAGE_LANGUAGE", .kind = MM_IGNORE },
	{ .name = "OUTGOING_ADDRESS", .kind = MM_IGNORE },
	{ .name = "NOTIFY_MAIL_SIZE_OVERFLOW", .kind = MM_IGNORE },
	{ .name = "AMLIST_NEWSYSLOG_LIMIT", .kind = MM_IGNORE },
	{ .name = "PGP_PATH", .kind = MM_IGNORE },
	{ .name = "ML_MEMBER_CHECK", .kind = MM_IGNORE },
	{ .name = "AUTO_REGISTRATION_TYPE", .kind = MM_IGNORE },
	{ .name = "REMOTE_ADMINISTRATION_AUTH_TYPE", .kind = MM_DONE },
	{ .name = "HOST", .kind = MM_SAME, .same = "localhost|127.0.0.1",
	  .why = "mlm uses smtp_servers" },
	{ .name = "PORT", .kind = MM_SAME, .same = "25",
	  .why = "mlm uses smtp_servers" },
	{ .name = "USE_MIME", .kind = MM_SAME, .same = "1" },
	{ .name = "PASS_ALL_FIELDS_IN_HEADER", .kind = MM_SAME, .same = "1" },
	{ .name = "REWRITE_TO", .kind = MM_SAME, .same = "0",
	  .why = "mlm leaves To: as it is" },
	{ .name = "DATE_TYPE", .kind = MM_SAME, .same = "original-date",
	  .why = "mlm keeps the original Date:" },
	{ .name = "MAIL_LIST_ACCEPT_COMMAND", .kind = MM_SAME, .same = "0",
	  .why = "commands go to the command address only" },
	{ .name = "PERMIT_COMMAND_FROM", .kind = MM_SAME,
	  .same = "members_only" },
	{ .name = "REJECT_COMMAND_HANDLER", .kind = MM_SAME, .same = "reject",
	  .why = "no automatic subscription by command mail" },
	{ .name = "REMOTE_ADMINISTRATION", .kind = MM_DONE },
	{ .name = "USE_MEMBER_NAME", .kind = MM_SAME, .same = "0",
	  .why = "no members-name file" },
	{ .name = "AUTO_HTML_GEN", .kind = MM_SAME, .same = "0",
	  .why = "no HTML archive" },
	{ .name = "HTML_INDEX_UNIT", .kind = MM_SAME, .same = "day",
	  .why = "no HTML archive" },
	{ .name = "SUBJECT_FREE_FORM_REGEXP", .kind = MM_SAME, .same = "",
	  .why = "mlm removes its own tag itself" },
	{ .name = "STRIP_BRACKETS", .kind = MM_SAME, .same = "",
	  .why = "mlm removes its own tag itself" },
	{ .name = "MAX_MEMBER_LIMIT", .kind = MM_SAME, .same = "",
	  .why = "mlm has no member limit" },
	{ .name = "MAIL_LIST", .kind = MM_DONE },
	{ .name = "CONTROL_ADDRESS", .kind = MM_DONE },
	{ .name = "MAINTAINER", .kind = MM_DONE },
	{ .name = "PERMIT_POST_FROM", .kind = MM_DONE },
	{ .name = "REJECT_POST_HANDLER", .kind = MM_DONE },
	{ .name = "SUBJECT_TAG_TYPE", .kind = MM_DONE },
	{ .name = "BRACKET", .kind = MM_DONE },
	{ .name = "SUBJECT_FORM_LONG_ID", .kind = MM_DONE },
	{ .name = "SUBJECT_HML_FORM", .kind = MM_DONE },
	{ .name = "HML_FORM_LONG_ID", .kind = MM_DONE },
	{ .name = "SUBJECT_FREE_FORM", .kind = MM_DONE },
	{ .name = "BEGIN_BRACKET", .kind = MM_DONE },
	{ .name = "BRACKET_SEPARATOR", .kind = MM_DONE },
	{ .name = "END_BRACKET", .kind = MM_DONE },
	{ .name = "XMLNAME", .kind = MM_DONE },
	{ .name = "XMLCOUNT", .kind = MM_DONE },
	{ .name = "LANGUAGE", .kind = MM_DONE },
	{ .name = "INCOMING_MAIL_SIZE_LIMIT", .kind = MM_DONE },
	{ .name = "REJECT_ADDR", .kind = MM_DONE },
	{ .name = "SKIP_FIELDS", .kind = MM_DONE },
	{ .name = "ADDR_CHECK_MAX", .kind = MM_DONE },
	{ .name = "WELCOME_STATEMENT", .kind = MM_DONE },
	{ .name = "MEMBER_LIST", .kind = MM_PATH },
	{ .name = "ACTIVE_LIST", .kind = MM_PATH },
	{ .name = "ADMIN_MEMBER_LIST", .kind = MM_PATH },
	{ .name = "MODERATOR_MEMBER_LIST", .kind = MM_PATH },
	{ .name = "SEQUENCE_FILE", .kind = MM_PATH },
	{ .name = "SUMMARY_FILE", .kind = MM_PATH },
	{ .name = "LOGFILE", .kind = MM_PATH },
	{ .name = "SPOOL_DIR", .kind = MM_PATH },
	{ .name = "TMP_DIR", .kind = MM_PATH },
	{ .name = "VAR_DIR", .kind = MM_PATH },
	{ .name = "VARLOG_DIR", .kind = MM_PATH },
	{ .name = "VARRUN_DIR", .kind = MM_PATH },
	{ .name = "VARDB_DIR", .kind = MM_PATH },
	{ .name = "PASSWD_FILE", .kind = MM_PATH },
	{ .name = "HTML_DIR", .kind = MM_PATH },
	{ .name = "GUIDE_FILE", .kind = MM_PATH },
	{ .name = "OBJECTIVE_FILE", .kind = MM_PATH },
	{ .name = "WELCOME_FILE", .kind = MM_PATH },
	{ .name = "DENY_FILE", .kind = MM_PATH },
	{ .name = "CONFIRMATION_FILE", .kind = MM_PATH },
	{ .name = "REJECT_ADDR_LIST", .kind = MM_PATH },
	{ .name = "FILE_TO_REGIST", .kind = MM_PATH },
};

/* mm_rule - the rule for a variable, or NULL */
static const struct mm_rule *
mm_rule(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(mm_rules) / sizeof(mm_rules[0]); i++)
		if (strcmp(mm_rules[i].name, name) == 0)
			return &mm_rules[i];
	return NULL;
}

/* mm_in - is v one of the "|"-separated values? */
static int
mm_in(const char *v, const char *set)
{
	size_t	 n = strlen(v);
	const char *p, *e;

	for (p = set;; p = e + 1) {
		e = strchr(p, '|');
		if ((size_t)((e ? e : p + strlen(p)) - p) == n &&
		    strncmp(p, v, n) == 0)
			return 1;
		if (e == NULL)
			return 0;
	}
}

/* mm_one_line - is the value fit for one config.cf line? */
static int
mm_one_line(const char *v)
{
	return strpbrk(v, "\r\n$") == NULL;
}

/* mm_var_setting - "name = value" from one fml4 variable */
static void
mm_var_setting(struct mm *m, const char *var, const char *fmt,
    const char *value)
{
	const struct fml4cf_var *v = fml4cf_find(m->cf, var);
	char	*o, *line;

	if (v == NULL)
		return;
	if (!mm_one_line(value != NULL ? value : v->value)) {
		mm_unconv(m, v->origin, v->name, v->value, "a line break or "
		    "\"$\" cannot be written to config.cf");
		return;
	}
	o = mm_origin(v);
	line = xasprintf(fmt, value != NULL ? value : v->value);
	mm_setting(m, o, line);
	free(o);
	free(line);
}

/* mm_settings - translate the fml4 variables; report the others */
static void
mm_settings(struct mm *m)
{
	static const char fml4_reject_addr[] = "root|postmaster|"
	    "MAILER-DAEMON|msgs|nobody|news|majordomo|listserv|listproc|"
	    "\\S+\\-help|\\S+\\-subscribe|\\S+\\-unsubscribe";
	static const char perl_reject_addr[] = "root|postmaster|"
	    "MAILER-DAEMON|msgs|nobody|news|majordomo|listserv|listproc|"
	    "S+-help|S+-subscribe|S+-unsubscribe";
	struct fml4cf *cf = m->cf;
	const struct fml4cf_var *v;
	const struct mm_rule *r;
	const char *s, *fn;
	char	*t, *p;
	long	 n;
	size_t	 i;

	mm_var_setting(m, "MAIL_LIST", "article_post_address = %s", NULL);
	mm_var_setting(m, "CONTROL_ADDRESS", "command_mail_address = %s",
	    NULL);
	mm_var_setting(m, "MAINTAINER", "maintainer = %s", NULL);
	mm_tag(m);
	mm_policy(m);

	if ((s = fml4cf_get(cf, "XMLNAME")) != NULL) {
		if (*s == '\0')
			mm_var_setting(m, "XMLNAME", "article_header_"
			    "rewrite_rules -= add_fml_ml_name%s", "");
		else if (strncasecmp(s, "X-ML-Name:", 10) == 0)
			mm_var_setting(m, "XMLNAME", "x_ml_name = %s",
			    s + 10 + strspn(s + 10, " \t"));
		else
			mm_unconv(m, fml4cf_find(cf, "XMLNAME")->origin,
			    "XMLNAME", s, "mlm writes X-ML-Name: only");
	}
	if ((s = fml4cf_get(cf, "XMLCOUNT")) != NULL) {
		if (*s == '\0')
			mm_var_setting(m, "XMLCOUNT", "article_header_rewrite_"
			    "rules -= add_fml_traditional_article_id%s", "");
		else if (strcasecmp(s, "X-Mail-Count") != 0)
			mm_unconv(m, fml4cf_find(cf, "XMLCOUNT")->origin,
			    "XMLCOUNT", s, "mlm writes X-Mail-Count: only");
	}
	if ((s = fml4cf_get(cf, "LANGUAGE")) != NULL && *s != '\0')
		mm_var_setting(m, "LANGUAGE", "language = %s",
		    strcasecmp(s, "Japanese") == 0 ? "ja" : "en");
	if ((v = fml4cf_find(cf, "INCOMING_MAIL_SIZE_LIMIT")) != NULL) {
		if ((n = mm_size(v->value)) > 0) {
			t = xasprintf("%ld", n);
			mm_var_setting(m, v->name,
			    "incoming_mail_body_size_limit = %s", t);
			free(t);
		} else {
			mm_unconv(m, v->origin, v->name, v->value,
			    "no limit in fml4; mlm keeps its "
			    "incoming_mail_body_size_limit");
		}
	}
	if ((v = fml4cf_find(cf, "REJECT_ADDR")) != NULL &&
	    strcmp(v->value, fml4_reject_addr) != 0 &&
	    strcmp(v->value, perl_reject_addr) != 0) {
		t = xstrdup(v->value);
		for (p = t; *p != '\0'; p++)
			if (*p == '|')
				*p = ' ';
		if (mm_one_line(t))
			mm_var_setting(m, v->name, "system_special_accounts = "
			    "%s", t);
		else
			mm_unconv(m, v->origin, v->name, v->value, NULL);
		free(t);
	}
	if ((v = fml4cf_find(cf, "SKIP_FIELDS")) != NULL &&
	    strcasecmp(v->value, "Return-Receipt-To") != 0 &&
	    *v->value != '\0') {
		t = xstrdup(v->value);
		for (p = t; *p != '\0'; p++)
			if (*p == '|')
				*p = ' ';
		mm_var_setting(m, v->name, "unsafe_header_fields += %s", t);
		free(t);
	}
	if ((v = fml4cf_find(cf, "ADDR_CHECK_MAX")) != NULL &&
	    (n = strtol(v->value, NULL, 10)) > 0) {
		t = xasprintf("%ld", n);
		mm_var_setting(m, v->name, "address_compare_function_domain_"
		    "matching_level = %s", t);
		free(t);
	}
	if ((v = fml4cf_find(cf, "REMOTE_ADMINISTRATION")) != NULL &&
	    mm_is_true(v->value)) {
		mm_var_setting(m, v->name, "use_admin_command_mail_function = "
		    "%s", "yes");
		s = fml4cf_get(cf, "REMOTE_ADMINISTRATION_AUTH_TYPE");
		if (s != NULL && *s != '\0' && strcmp(s, "crypt") != 0 &&
		    strcmp(s, "md5") != 0)
			mm_unconv(m, fml4cf_find(cf, "REMOTE_ADMINISTRATION_"
			    "AUTH_TYPE")->origin, "REMOTE_ADMINISTRATION_"
			    "AUTH_TYPE", s, "mlm checks passwords only");
	}
	if ((v = fml4cf_find(cf, "WELCOME_STATEMENT")) != NULL) {
		fn = fml4cf_get(cf, "ML_FN");
		t = xasprintf("Welcome to our %s\n         You are added "
		    "automatically", fn != NULL ? fn : "");
		if (strcmp(t, v->value) != 0)
			mm_unconv(m, v->origin, v->name, v->value,
			    "mlm's welcome text is a template");
		free(t);
	}

	for (i = 0; i < cf->nvar; i++) {
		v = &cf->var[i];
		r = mm_rule(v->name);
		if (r != NULL && r->kind != MM_SAME)
			continue;
		if (r == NULL) {
			if (strlen(v->name) > 5 && strcmp(v->name +
			    strlen(v->name) - 5, "_HOOK") == 0) {
				if (*v->value != '\0')
					mm_unconv(m, v->origin, v->name,
					    v->value, "Perl hook");
				continue;
			}
			if (*v->value != '\0' && strcmp(v->value, "0") != 0)
				mm_unconv(m, v->origin, v->name, v->value,
				    "not supported");
			continue;
		}
		if (mm_in(v->value, r->same) || (strcmp(r->same, "0") == 0 &&
		    *v->value == '\0'))
			continue;
		mm_unconv(m, v->origin, v->name, v->value, r->why);
	}
	for (i = 0; i < cf->ncall; i++)
		if (!cf->call[i].handled)
			mm_unconv(m, cf->call[i].origin, cf->call[i].name,
			    NULL, "macro call not carried over");
	for (i = 0; i < cf->nnote; i++)
		mm_unconv(m, cf->note[i].origin, cf->note[i].text, NULL,
		    "Perl statement not carried over");
}

/* mm_fml4_files - the list files named by the configuration */
static int
mm_fml4_files(struct mm *m, struct buf *why)
{
	static const struct {
		const char *var, *def;
		int what;
	} files[] = {
		{ "MEMBER_LIST", "members", 'm' },
		{ "ACTIVE_LIST", "actives", 'r' },
		{ "ADMIN_MEMBER_LIST", "members-admin", 'a' },
		{ "MODERATOR_MEMBER_LIST", "moderators", 'o' },
	};
	const char *ver;
	char	*path[4], *flag;
	long	 lines;
	size_t	 i;
	int	 status = 0;

	for (i = 0; i < 4; i++)
		path[i] = mm_path(m, files[i].var, files[i].def);
	flag = xasprintf("%s/actives_is_dummy_when_auto_regist", m->src);
	ver = fml4cf_get(m->cf, "CFVersion");
	if (access(flag, F_OK) == 0 ||
	    mm_handler_regist(fml4cf_get(m->cf, "REJECT_POST_HANDLER")) ||
	    mm_handler_regist(fml4cf_get(m->cf, "REJECT_COMMAND_HANDLER")) ||
	    strcmp(path[0], path[1]) == 0 ||
	    (ver != NULL && strtod(ver, NULL) < 3 &&
	    fml4cf_get(m->cf, "ML_MEMBER_CHECK") != NULL &&
	    !mm_is_true(fml4cf_get(m->cf, "ML_MEMBER_CHECK"))))
		m->auto_regist = 1;
	free(flag);

	for (i = 0; i < 4 && status == 0; i++) {
		if (i == 1 && m->auto_regist) {
			if (access(path[1], F_OK) != 0 ||
			    strcmp(path[0], path[1]) == 0)
				continue;
			mm_warn(m, -1, "auto_regist mode: members is the "
			    "delivery list, %s is stale and ignored%s",
			    path[1], "");
			status = mm_read_list(m, path[1], 'x', 0, &lines,
			    why);
			continue;
		}
		status = mm_read_list(m, path[i], files[i].what, 0, &lines,
		    why);
		if (status == 0 && lines < 0 && i < 2)
			mm_warn(m, -1, "%s does not exist%s", path[i], "");
	}
	if (m->auto_regist)
		buf_puts(m->done, "auto_regist mode: members is also the "
		    "delivery list\n");
	for (i = 0; i < 4; i++)
		free(path[i]);
	return status;
}

/* mm_read_passwd - etc/passwd: keep the hashes mlm can check */
static int
mm_read_passwd(struct mm *m, const char *path, struct buf *why)
{
	char	*line = NULL, *a, *h, *sp, where[64], what[80];
	const char *c, *kind;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t	 cap = 0;
	long	 no = 0;
	int	 weak = 0;
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
		return EX_IOERR;
	}
	while (getline(&line, &cap, fp) >= 0) {
		no++;
		if ((a = strtok_r(line, " \t\r\n", &sp)) == NULL ||
		    *a == '#' || (h = strtok_r(NULL, " \t\r\n", &sp)) == NULL)
			continue;
		snprintf(where, sizeof(where), "etc/%s:%ld", base, no);
		kind = strncmp(h, "$6$", 3) == 0 ? "a SHA-512 hash" :
		    strncmp(h, "$1$", 3) == 0 ? "an MD5 hash" :
		    h[0] == '$' ? "a hash" : "a DES crypt hash";
		if ((c = crypt("", h)) != NULL && c[0] != '*' &&
		    strlen(c) == strlen(h)) {
			buf_printf(m->passwd, "%s %s\n", a, h);
			if (strncmp(h, "$6$", 3) != 0)
				weak++;
			continue;
		}
		snprintf(what, sizeof(what), "%s that crypt(3) cannot check "
		    "here: set it again", kind);
		mm_unconv(m, where, "admin password", a, what);
	}
	free(line);
	fclose(fp);
	if (no > 0)
		buf_printf(m->done, "%s: admin password hashes that crypt(3) "
		    "can check are kept in etc/passwd-admin%s\n", base, weak ?
		    "; some are DES or MD5 hashes, which are weak: set new "
		    "ones (mkpasswd -m sha-512)" : "");
	return 0;
}

/* mm_read_fml4 - configuration and lists of an fml4 directory */
static int
mm_read_fml4(struct mm *m, struct buf *why)
{
	static const char *const site[] = {
		"site_init.ph", NULL, "site_force.ph", "sitedef.ph",
	};
	struct stat cfst, phst;
	char	*mldir, *path, *label;
	const char *ml;
	size_t	 i;
	int	 status = 0;

	m->cf = fml4cf_new(m->src);
	mldir = xstrdup(m->src);
	if (strrchr(mldir, '/') != NULL && strrchr(mldir, '/') != mldir)
		*strrchr(mldir, '/') = '\0';
	for (i = 0; i < 4 && status == 0; i++) {
		if (site[i] == NULL) {
			path = xasprintf("%s/config.ph", m->src);
			status = fml4cf_load(m->cf, path, "config.ph", 0, why);
			if (status == 0 && !m->cf->final_true)
				mm_warn(m, -1, "config.ph has no final "
				    "\"1;\"%s%s", "", "");
			free(path);
			continue;
		}
		path = xasprintf("%s/etc/fml/%s", mldir, site[i]);
		label = xasprintf("etc/fml/%s", site[i]);
		if (access(path, F_OK) == 0) {
			buf_printf(m->done, "read %s\n", path);
			status = fml4cf_load(m->cf, path, label, 0, why);
		}
		free(label);
		free(path);
	}
	free(mldir);
	if (status != 0)
		return status;

	path = xasprintf("%s/cf", m->src);
	label = xasprintf("%s/config.ph", m->src);
	if (stat(path, &cfst) == 0 && stat(label, &phst) == 0 &&
	    cfst.st_mtime < phst.st_mtime)
		mm_warn(m, -1, "cf is older than config.ph; config.ph is "
		    "what the list ran with%s%s", "", "");
	free(path);
	free(label);
	if (mm_is_true(fml4cf_get(m->cf, "USE_DATABASE")))
		mm_warn(m, -1, "$USE_DATABASE is set: the member files may "
		    "not be what the list used%s%s", "", "");

	ml = fml4cf_get(m->cf, "MAIL_LIST");
	if (ml != NULL && strchr(ml, '@') != NULL) {
		m->ml_name = xstrndup(ml, (size_t)(strchr(ml, '@') - ml));
		m->ml_domain = xstrdup(strchr(ml, '@') + 1);
	}
	if ((status = mm_fml4_files(m, why)) != 0)
		return status;
	path = mm_path(m, "SEQUENCE_FILE", "seq");
	status = mm_read_seq(m, path, why);
	free(path);
	if (status != 0)
		return status;
	m->spool_dir = mm_path(m, "SPOOL_DIR", "spool");
	m->summary = mm_path(m, "SUMMARY_FILE", "summary");
	m->log = mm_path(m, "LOGFILE", "log");
	mm_settings(m);

	path = mm_path(m, "PASSWD_FILE", "etc/passwd");
	status = mm_read_passwd(m, path, why);
	free(path);
	if (status != 0)
		return status;
	path = xasprintf("%s/var/log/msendrc", m->src);
	if (access(path, F_OK) == 0)
		mm_unconv(m, path, "digest positions", NULL,
		    "digest members are kept with their option");
	free(path);
	return status;
}

/* mm_fml8_site - the fml8 site layer, or fml8's stock one */
static int
mm_fml8_site(struct mm *m, struct cfg *c, char **sitep, struct buf *why)
{
	static const char stock[] = "article_header_rewrite_rules -= "
	    "rewrite_article_subject_tag\n";
	char	*mldir = xstrdup(m->src), *cand[3];
	size_t	 i;
	int	 status = 0, found = 0;

	if (strrchr(mldir, '/') != NULL && strrchr(mldir, '/') != mldir)
		*strrchr(mldir, '/') = '\0';
	cand[0] = xasprintf("%s/etc/fml/site_default_config.cf", mldir);
	cand[1] = xstrdup("/usr/local/etc/fml/site_default_config.cf");
	cand[2] = xstrdup("/etc/fml/site_default_config.cf");
	for (i = 0; i < 3 && !found; i++) {
		if (access(cand[i], R_OK) != 0)
			continue;
		found = 1;
		buf_printf(m->done, "fml8 site layer: %s\n", cand[i]);
		status = cfg_load_file(c, cand[i], 0, why);
		*sitep = xstrdup(cand[i]);
	}
	if (!found) {
		buf_puts(m->done, "fml8 site layer: not found; fml8's stock "
		    "one is assumed (it removes rewrite_article_subject_tag)"
		    "\n");
		status = cfg_load_text(c, stock, strlen(stock),
		    "stock site layer", why);
	}
	for (i = 0; i < 3; i++)
		free(cand[i]);
	free(mldir);
	return status;
}

/* mm_has_setting - is "name =" among the settings already? */
static int
mm_has_setting(struct mm *m, const char *name)
{
	const char *p = m->settings->data;
	size_t	 n = strlen(name);

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 :
	    NULL)
		if (strncmp(p, name, n) == 0 && p[n] == ' ')
			return 1;
	return 0;
}

/* mm_fml8_config - write the effective value of each variable set */
static void
mm_fml8_config(struct mm *m, struct cfg *c, const char *path,
    const char *label)
{
	char	*line = NULL, name[128], where[64], *o;
	const char *raw;
	size_t	 cap = 0, k;
	ssize_t	 n;
	long	 no = 0, cut = 0;
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL)
		return;
	while ((n = getline(&line, &cap, fp)) >= 0) {
		no++;
		if (cut) {
			cut++;
			continue;
		}
		if (strncmp(line, "=cut", 4) == 0) {
			cut = 1;
			continue;
		}
		if (!isalpha((unsigned char)line[0]) && line[0] != '_')
			continue;
		for (k = 0; k + 1 < sizeof(name) && (isalnum((unsigned char)
		    line[k]) || line[k] == '_'); k++)
			name[k] = line[k];
		name[k] = '\0';
		snprintf(where, sizeof(where), "%s:%ld", label, no);
		if (!cfg_known(c, name)) {
			mm_unconv(m, where, name, NULL, "not an mlm "
			    "variable");
			continue;
		}
		if ((raw = cfg_raw(c, name)) == NULL ||
		    mm_has_setting(m, name))
			continue;
		if (strpbrk(raw, "\r\n") != NULL) {
			mm_unconv(m, where, name, NULL, "value not on one "
			    "line");
			continue;
		}
		o = xasprintf("%s %s (effective value)", where, name);
		buf_printf(m->settings, "# %s\n%s = %s\n", o, name, raw);
		free(o);
	}
	if (cut > 1)
		mm_unconv(m, label, "Perl after =cut", NULL,
		    "hooks are not carried over");
	free(line);
	fclose(fp);
}

/* mm_read_fml8 - configuration and lists of an fml8 directory */
static int
mm_read_fml8(struct mm *m, struct buf *why)
{
	static const struct {
		const char *file;
		unsigned flags;
	} files[] = {
		{ "members", STORE_MEMBER },
		{ "recipients", STORE_RECIPIENT },
		{ "members-admin", STORE_ADMIN },
		{ "recipients-admin", STORE_ADMIN_RCPT },
		{ "members-moderator", STORE_MODERATOR },
		{ "recipients-moderator", STORE_MODERATOR },
		{ "recipients-digest", STORE_DIGEST },
	};
	struct fml4members_state st = { .mode = FML4M_FML8 };
	struct fml4members_entry e;
	struct cfg *c = cfg_new();
	char	*path, *line = NULL, where[128], *sitefile = NULL;
	size_t	 i, cap = 0;
	ssize_t	 n;
	long	 no;
	FILE	*fp;
	int	 status;

	if ((status = cfg_load_defaults(c, why)) != 0 ||
	    (status = mm_fml8_site(m, c, &sitefile, why)) != 0)
		goto out;
	path = xasprintf("%s/config.cf", m->src);
	status = cfg_load_file(c, path, 0, why);
	if (status == 0)
		mm_fml8_config(m, c, path, "config.cf");
	if (status == 0 && sitefile != NULL)
		mm_fml8_config(m, c, sitefile, "site_default_config.cf");
	free(path);
	if (status != 0)
		goto out;
	if (!cfg_has_word(c, "article_header_rewrite_rules",
	    "rewrite_article_subject_tag"))
		mm_setting(m, "fml8 removed rewrite_article_subject_tag: "
		    "the list stays untagged", "article_subject_tag =");

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		path = xasprintf("%s/%s", m->src, files[i].file);
		if ((fp = fopen(path, "r")) == NULL) {
			free(path);
			continue;
		}
		no = 0;
		while ((n = getline(&line, &cap, fp)) >= 0) {
			no++;
			if (fml4members_line(&st, line, (size_t)n, &e) !=
			    FML4M_ACTIVE)
				continue;
			snprintf(where, sizeof(where), "%s:%ld",
			    files[i].file, no);
			mm_add(m, e.addr, files[i].flags, NULL, where);
		}
		fclose(fp);
		free(path);
	}
	path = xasprintf("%s/seq", m->src);
	status = mm_read_seq(m, path, why);
	free(path);
	m->spool_dir = xasprintf("%s/spool", m->src);
	m->summary = xasprintf("%s/summary", m->src);
	m->log = xasprintf("%s/log", m->src);

out:
	free(sitefile);
	free(line);
	cfg_free(c);
	return status;
}

/* mm_free - release a conversion */
static void
mm_free(struct mm *m)
{
	size_t	 i;

	for (i = 0; i < m->tab_size; i++) {
		if (m->tab[i] == NULL)
			continue;
		free(m->tab[i]->addr);
		free(m->tab[i]->key);
		free(m->tab[i]->digest);
		free(m->tab[i]);
	}
	free(m->tab);
	m->cf = fml4cf_free(m->cf);
	m->settings = buf_free(m->settings);
	m->unconv = buf_free(m->unconv);
	m->warn = buf_free(m->warn);
	m->done = buf_free(m->done);
	m->passwd = buf_free(m->passwd);
	free(m->src);
	free(m->spool_dir);
	free(m->summary);
	free(m->log);
	free(m->ml_name);
	free(m->ml_domain);
}

/* mm_store - every address in one store transaction */
static int
mm_store(struct mm *m, struct ml *ml, struct buf *why)
{
	struct db *db = NULL;
	struct store *st = NULL;
	struct mm_addr *a;
	long	 added = 0;
	size_t	 i;
	int	 rc, status;

	if ((status = db_open(ml_get(ml, "db_dir"), (size_t)cfg_long(ml->cfg,
	    "db_map_size", 0), &db, why)) != 0)
		return status;
	if ((status = store_open(db, &st, why)) != 0 ||
	    (status = store_txn_begin(st, why)) != 0)
		goto out;
	for (i = 0; i < m->tab_size; i++) {
		if ((a = m->tab[i]) == NULL || (a->flags & STORE_ROLES) == 0)
			continue;
		rc = store_add(st, a->addr, a->flags, why);
		if (rc == 0)
			added++;
		else if (rc != STORE_UNCHANGED)
			break;
		rc = 0;
		if (a->digest != NULL && (a->flags & STORE_DIGEST) &&
		    (rc = store_set_attr(st, a->addr, 0, 0, a->digest,
		    why)) == STORE_UNCHANGED)
			rc = 0;
		if (rc != 0)
			break;
	}
	if (i < m->tab_size) {
		store_txn_abort(st);
		status = rc > 0 ? rc : EX_SOFTWARE;
		goto out;
	}
	if ((status = store_txn_commit(st, why)) != 0)
		goto out;
	buf_reset(why);
	buf_printf(m->done, "store: %ld addresses added or changed, %zu in "
	    "the old list\n", added, m->naddr);
	buf_printf(m->done, "  may post %ld, delivery list %ld (digest %ld, "
	    "skip %ld, off %ld), admins %ld, moderators %ld\n",
	    store_count(st, STORE_MEMBER | STORE_ADMIN),
	    store_count(st, STORE_RECIPIENT), store_count(st, STORE_DIGEST),
	    store_count(st, STORE_SKIP), store_count(st, STORE_OFF),
	    store_count(st, STORE_ADMIN), store_count(st, STORE_MODERATOR));

out:
	st = store_close(st);
	db = db_close(db);
	return status;
}

/* mm_read_all - a whole file; 1 if it exists, 0 if not, -1 on error */
static int
mm_read_all(const char *path, struct buf *out, struct buf *why)
{
	char	 chunk[65536];
	size_t	 n;
	FILE	*fp;

	buf_reset(out);
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (out->len + n > MM_FILE_MAX) {
			BUF_WHY(why, "%s: too large", path);
			fclose(fp);
			return -1;
		}
		buf_append(out, chunk, n);
	}
	if (ferror(fp)) {
		BUF_WHY(why, "read %s: %s", path, strerror(errno));
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 1;
}

/* mm_prepend - keep an old file's bytes ahead of the new file's */
static int
mm_prepend(struct mm *m, const char *from, const char *to,
    const char *what, struct buf *why)
{
	struct buf *old = buf_alloc(4096), *cur = buf_alloc(4096);
	int	 status = 0, r;

	if ((r = mm_read_all(from, old, why)) <= 0) {
		status = r < 0 ? EX_IOERR : 0;
		if (r == 0)
			buf_printf(m->done, "%s: none in the old list\n", what);
		goto out;
	}
	if (mm_read_all(to, cur, why) < 0) {
		status = EX_IOERR;
		goto out;
	}
	if (cur->len >= old->len && memcmp(cur->data, old->data,
	    old->len) == 0) {
		buf_printf(m->done, "%s: kept already\n", what);
		goto out;
	}
	buf_append(old, cur->data, cur->len);
	if ((status = spool_write_file(to, old->data, old->len, 0600,
	    why)) == 0)
		buf_printf(m->done, "%s: kept (%zu bytes)\n", what,
		    old->len - cur->len);

out:
	old = buf_free(old);
	cur = buf_free(cur);
	return status;
}

/* mm_spool - copy spool/N under the same numbers, bytes unchanged */
static int
mm_spool(struct mm *m, struct ml *ml, struct buf *why)
{
	struct buf *a = buf_alloc(65536), *b = buf_alloc(65536);
	struct dirent *de;
	char	*src, *dst, *end;
	long	 n, lo = 0, hi = 0, copied = 0, kept = 0, differ = 0;
	DIR	*d;
	int	 status = 0, r;

	if ((d = opendir(m->spool_dir)) == NULL) {
		buf_puts(m->done, "spool: no articles in the old list\n");
		goto out;
	}
	while (status == 0 && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]) ||
		    de->d_name[0] == '0')
			continue;
		n = strtol(de->d_name, &end, 10);
		if (*end != '\0' || n <= 0)
			continue;
		src = xasprintf("%s/%s", m->spool_dir, de->d_name);
		dst = spool_path(ml, n);
		if ((r = mm_read_all(src, a, why)) < 0) {
			status = EX_IOERR;
		} else if (r > 0 && (r = mm_read_all(dst, b, why)) < 0) {
			status = EX_IOERR;
		} else if (r > 0) {
			if (a->len == b->len && memcmp(a->data, b->data,
			    a->len) == 0)
				kept++;
			else
				differ++;
		} else {
			status = spool_write_file(dst, a->data, a->len, 0600,
			    why);
			copied++;
		}
		free(src);
		free(dst);
		m->narticles++;
		lo = lo == 0 || n < lo ? n : lo;
		hi = n > hi ? n : hi;
	}
	closedir(d);
	buf_printf(m->done, "spool: %ld articles (%ld-%ld): %ld copied, %ld "
	    "there already", m->narticles, lo, hi, copied, kept);
	if (differ > 0)
		buf_printf(m->done, ", %ld differ and were left as they are",
		    differ);
	buf_puts(m->done, "\n");

out:
	a = buf_free(a);
	b = buf_free(b);
	return status;
}

/* mm_spool_count - the old list's articles, for a dry run */
static void
mm_spool_count(struct mm *m)
{
	struct dirent *de;
	char	*end;
	DIR	*d;

	if ((d = opendir(m->spool_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (isdigit((unsigned char)de->d_name[0]) &&
		    de->d_name[0] != '0' &&
		    strtol(de->d_name, &end, 10) > 0 && *end == '\0')
			m->narticles++;
	closedir(d);
	buf_printf(m->done, "spool: %ld articles would be copied\n",
	    m->narticles);
}

/* mm_has_line_key - does a line of text start with key? */
static int
mm_has_line_key(const char *text, const char *key, size_t n)
{
	const char *p;

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p ? p + 1 : NULL)
		if (strncmp(p, key, n) == 0)
			return 1;
	return 0;
}

/* mm_passwd - add the kept hashes to etc/passwd-admin, once each */
static int
mm_passwd(struct mm *m, struct ml *ml, struct buf *why)
{
	struct buf *cur = buf_alloc(1024);
	char	*path = ml_path(ml, "etc/passwd-admin");
	const char *p, *nl, *sp;
	int	 status = 0, added = 0;

	if (m->passwd->len == 0)
		goto out;
	if (mm_read_all(path, cur, why) < 0) {
		status = EX_IOERR;
		goto out;
	}
	for (p = m->passwd->data; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		sp = strchr(p, ' ');
		if (nl == NULL || sp == NULL)
			break;
		if (mm_has_line_key(cur->data, p, (size_t)(sp - p) + 1))
			continue;
		buf_append(cur, p, (size_t)(nl - p) + 1);
		added++;
	}
	if (added > 0 && (status = spool_write_file(path, cur->data,
	    cur->len, 0600, why)) == 0)
		buf_printf(m->done, "etc/passwd-admin: %d passwords added\n",
		    added);

out:
	free(path);
	cur = buf_free(cur);
	return status;
}

/* mm_seq - carry seq over; never lower it */
static int
mm_seq(struct mm *m, struct ml *ml, struct buf *why)
{
	long	 cur = 0;
	int	 status;

	if ((status = spool_seq_read(ml, &cur, why)) != 0)
		return status;
	if (cur >= m->seq) {
		buf_printf(m->done, "seq: %ld (old list %ld), left as it is\n",
		    cur, m->seq);
		return 0;
	}
	if ((status = spool_seq_write(ml, m->seq, why)) == 0)
		buf_printf(m->done, "seq: %ld; the next post is %ld\n", m->seq,
		    m->seq + 1);
	return status;
}

/* mm_config - add the settings to config.cf, once */
static int
mm_config(struct mm *m, struct ml *ml, struct buf *why)
{
	struct buf *cur = buf_alloc(4096);
	char	*path = ml_path(ml, "config.cf"), *line, *nl, *p;
	int	 status = 0, lines = 0;

	if (mm_read_all(path, cur, why) < 0) {
		status = EX_IOERR;
		goto out;
	}
	if (strstr(cur->data, MM_MARKER) != NULL) {
		buf_puts(m->done, "config.cf: holds the settings of an "
		    "earlier run, left as it is\n");
		goto out;
	}
	line = xasprintf("%s%s (%s)", MM_MARKER, m->src, m->fml8 ?
	    "fml8" : "fml4");
	status = cfg_file_add_line(path, line, why);
	free(line);
	for (p = m->settings->data; status == 0 && *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
		status = cfg_file_add_line(path, p, why);
		*nl = '\n';
		lines += *p != '#';
	}
	if (status == 0)
		buf_printf(m->done, "config.cf: %d settings added\n", lines);

out:
	free(path);
	cur = buf_free(cur);
	return status;
}

/* mm_block - the text of a list's block in a map source */
static void
mm_block(const char *file, const char *kind, const char *address,
    struct buf *out)
{
	struct buf *text = buf_alloc(4096), *junk = buf_alloc(64);
	char	*open, *close;
	const char *a, *b;

	open = xasprintf("### <%s %s ML> ###", kind, address);
	close = xasprintf("### </%s %s ML> ###", kind, address);
	if (mm_read_all(file, text, junk) > 0 &&
	    (a = strstr(text->data, open)) != NULL &&
	    (b = strstr(a, close)) != NULL) {
		buf_printf(out, "  in %s:\n", file);
		buf_append(out, a, (size_t)(b - a) + strlen(close));
		buf_puts(out, "\n");
	}
	free(open);
	free(close);
	text = buf_free(text);
	junk = buf_free(junk);
}

/* mm_alias_key - is this alias key one of the old list's? */
static int
mm_alias_key(const char *key, size_t n, const char *name)
{
	static const char *const form[] = {
		"%s", "%s-ctl", "%s-request", "%s-admin", "owner-%s",
		"owner-%s-ctl", "%s-outgoing",
	};
	char	 want[256];
	size_t	 i;

	for (i = 0; i < sizeof(form) / sizeof(form[0]); i++) {
		snprintf(want, sizeof(want), form[i], name);
		if (strlen(want) == n && strncasecmp(want, key, n) == 0)
			return 1;
	}
	return 0;
}

/* mm_include_dir - the list directory fml4's include file names */
static char *
mm_include_dir(struct mm *m)
{
	struct buf *text = buf_alloc(256), *junk = buf_alloc(64);
	char	*path = xasprintf("%s/include", m->src), *dir = NULL;
	const char *p;
	size_t	 n;

	if (mm_read_all(path, text, junk) > 0 &&
	    (p = strstr(text->data, "fml.pl")) != NULL) {
		p += 6 + strspn(p + 6, " \t");
		n = strcspn(p, " \t\"\r\n");
		if (n > 0 && *p == '/')
			dir = xstrndup(p, n);
	}
	free(path);
	text = buf_free(text);
	junk = buf_free(junk);
	return dir != NULL ? dir : xstrdup(m->src);
}

/* mm_old_aliases - the fml4 alias lines the administrator removes */
static void
mm_old_aliases(struct mm *m, const char *name, struct buf *out)
{
	struct buf *text = buf_alloc(4096), *junk = buf_alloc(64);
	char	*mldir = xstrdup(m->src), *file[2], *dir;
	const char *p, *nl;
	size_t	 i, k, found = 0;

	if (strrchr(mldir, '/') != NULL && strrchr(mldir, '/') != mldir)
		*strrchr(mldir, '/') = '\0';
	file[0] = xasprintf("%s/aliases", m->src);
	file[1] = xasprintf("%s/etc/aliases", mldir);
	for (i = 0; i < 2 && found == 0; i++) {
		if (mm_read_all(file[i], text, junk) <= 0)
			continue;
		for (p = text->data; *p != '\0'; p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL)
				nl = p + strlen(p);
			k = strcspn(p, ": \t\r\n");
			if (p[k] == ':' && mm_alias_key(p, k, name)) {
				if (found++ == 0)
					buf_printf(out, "  from %s:\n",
					    file[i]);
				buf_puts(out, "    ");
				buf_append(out, p, (size_t)(nl - p) -
				    (nl > p && nl[-1] == '\r'));
				buf_puts(out, "\n");
			}
			if (*nl == '\0')
				break;
		}
	}
	if (found == 0) {
		dir = mm_include_dir(m);
		buf_printf(out, "  (no aliases file found; fml4's makefml "
		    "writes these keys:)\n    %s: :include:%s/include\n"
		    "    %s-ctl: :include:%s/include-ctl\n    %s-request, "
		    "%s-admin, owner-%s, owner-%s-ctl\n", name, dir, name,
		    dir, name, name, name, name);
		free(dir);
	}
	for (i = 0; i < 2; i++)
		free(file[i]);
	free(mldir);
	text = buf_free(text);
	junk = buf_free(junk);
}

/* mm_counts - what the old list holds, from the merged table */
static void
mm_counts(struct mm *m, struct buf *out)
{
	const struct mm_addr *a;
	long	 c[7] = { 0 }, only_r = 0, only_m = 0;
	size_t	 i;

	for (i = 0; i < m->tab_size; i++) {
		if ((a = m->tab[i]) == NULL)
			continue;
		c[0] += (a->flags & (STORE_MEMBER | STORE_ADMIN)) != 0;
		c[1] += (a->flags & STORE_RECIPIENT) != 0 && (a->flags &
		    (STORE_OFF | STORE_SKIP | STORE_DIGEST)) == 0;
		c[2] += (a->flags & STORE_DIGEST) != 0;
		c[3] += (a->flags & STORE_SKIP) != 0;
		c[4] += (a->flags & STORE_OFF) != 0;
		c[5] += (a->flags & STORE_ADMIN) != 0;
		c[6] += (a->flags & STORE_MODERATOR) != 0;
		if ((a->flags & STORE_RECIPIENT) && !(a->flags &
		    (STORE_MEMBER | STORE_ADMIN)) && only_r++ < 5)
			buf_printf(m->warn, "  %s is only in the delivery "
			    "list: receives, cannot post\n", a->addr);
		if ((a->flags & STORE_MEMBER) && !(a->flags &
		    STORE_RECIPIENT) && !m->fml8 && only_m++ < 5)
			buf_printf(m->warn, "  %s is only in members: may "
			    "post, receives nothing\n", a->addr);
	}
	buf_printf(out, "old list: %zu addresses: %ld may post, %ld get "
	    "every post, %ld digest, %ld skip, %ld off, %ld admins, %ld "
	    "moderators; %ld unsubscribed (##BYE) left out; seq %ld\n",
	    m->naddr, c[0], c[1], c[2], c[3], c[4], c[5], c[6], m->nbye,
	    m->seq);
	if (only_r > 5 || only_m > 5)
		buf_printf(m->warn, "  (%ld only in the delivery list, %ld "
		    "only in members in all)\n", only_r, only_m);
}

/* mm_report - the whole report */
static void
mm_report(struct mm *m, struct ml *ml, struct buf *out)
{
	char	*afile, *vfile;

	buf_printf(out, "mergeml: %s list %s -> %s%s\n", m->fml8 ? "fml8" :
	    "fml4", m->src, ml->address, m->dry_run ? " (dry run: nothing "
	    "changed)" : "");
	buf_printf(out, "list directory: %s\n", ml->home);
	mm_counts(m, out);
	if (m->done->len > 0)
		buf_printf(out, "\ndone:\n%s", m->done->data);
	buf_printf(out, "\nconfig.cf settings%s:\n", m->dry_run ?
	    " that would be added" : "");
	buf_append(out, m->settings->data, m->settings->len);
	buf_printf(out, "\nnot converted:\n%s", m->unconv->len ?
	    m->unconv->data : "  (nothing)\n");
	buf_printf(out, "\nlist warnings:\n%s", m->warn->len ?
	    m->warn->data : "  (none)\n");

	afile = xasprintf("%s/etc/mail/aliases", ml->home_prefix);
	vfile = xasprintf("%s/etc/postfix/virtual", ml->home_prefix);
	if (m->dry_run && access(ml->home, F_OK) != 0) {
		buf_printf(out, "\nMTA: the new list's blocks would be "
		    "written to %s (as makefml newml does)\n", afile);
	} else {
		buf_puts(out, "\nMTA: the new list's blocks (makefml newml "
		    "wrote them; postalias/postmap ran):\n");
		mm_block(afile, "ALIASES", ml->address, out);
		mm_block(vfile, "VIRTUAL", ml->address, out);
	}
	free(afile);
	free(vfile);
	buf_puts(out, "MTA: remove these fml4 alias lines, then run "
	    "newaliases (or postalias on that file):\n");
	if (m->fml8)
		buf_puts(out, "  (fml8 list: remove its block from fml8's "
		    "etc/mail/aliases)\n");
	else
		mm_old_aliases(m, m->ml_name ? m->ml_name : ml->name, out);
}

/* mm_args - [--dry-run] and the positional arguments */
static int
mm_args(int argc, char **argv, int want, char **pos, int *dry,
    struct buf *why)
{
	int	 i, n = 0;

	*dry = 0;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0 ||
		    strcmp(argv[i], "-n") == 0)
			*dry = 1;
		else if (n < want)
			pos[n++] = argv[i];
		else
			n = want + 1;
	}
	if (n != want) {
		BUF_WHY(why, "usage: makefml %s", want == 2 ?
		    "mergeml [--dry-run] ML DIR" :
		    "mergeml-all [--dry-run] DIR");
		return EX_USAGE;
	}
	return 0;
}

/* mm_kind - fml4 (config.ph), fml8 (config.cf) or neither */
static int
mm_kind(const char *dir, int *fml8)
{
	char	*p = xasprintf("%s/config.ph", dir);
	int	 rc = 0;

	*fml8 = 0;
	if (access(p, F_OK) != 0) {
		free(p);
		p = xasprintf("%s/config.cf", dir);
		if (access(p, F_OK) == 0)
			*fml8 = 1;
		else
			rc = EX_NOINPUT;
	}
	free(p);
	return rc;
}

/* mm_write - create the list if needed and write everything */
static int
mm_write(struct mm *m, struct ml **mlp, struct buf *why)
{
	struct ml *ml = *mlp;
	int	 status;

	if (access(ml->home, F_OK) != 0) {
		ml = *mlp = ml_free(ml);
		if ((status = makefml_newml_create(m->site, m->address,
		    why)) != 0)
			return status;
		buf_reset(why);
		if ((status = ml_open(m->site, m->address, mlp, why)) != 0)
			return status;
		ml = *mlp;
	} else if ((status = ml_load_config(ml, why)) != 0) {
		return status;
	}
	if ((status = priv_drop_to_owner(ml->home, why)) != 0)
		return status;
	if ((status = mm_store(m, ml, why)) != 0 ||
	    (status = mm_config(m, ml, why)) != 0 ||
	    (status = mm_seq(m, ml, why)) != 0 ||
	    (status = mm_passwd(m, ml, why)) != 0 ||
	    (status = mm_spool(m, ml, why)) != 0 ||
	    (status = mm_prepend(m, m->summary, ml_get(ml, "summary_file"),
	    "summary", why)) != 0 ||
	    (status = mm_prepend(m, m->log, ml_get(ml, "log_file"), "log",
	    why)) != 0)
		return status;
	return 0;
}

/* mm_convert - one conversion; the summary line goes to table */
static int
mm_convert(struct site *site, const char *address, const char *dir,
    int dry, struct buf *table, struct buf *why)
{
	struct mm m = { .site = site, .address = address, .dry_run = dry };
	struct ml *ml = NULL;
	struct buf *rep = buf_alloc(8192);
	char	*path;
	int	 status;

	m.settings = buf_alloc(2048);
	m.unconv = buf_alloc(1024);
	m.warn = buf_alloc(1024);
	m.done = buf_alloc(1024);
	m.passwd = buf_alloc(256);
	if ((m.src = realpath(dir, NULL)) == NULL) {
		BUF_WHY(why, "%s: %s", dir, strerror(errno));
		status = EX_NOINPUT;
		goto out;
	}
	if ((status = mm_kind(m.src, &m.fml8)) != 0) {
		BUF_WHY(why, "%s: neither config.ph (fml4) nor config.cf "
		    "(fml8)", m.src);
		goto out;
	}
	if ((status = ml_locate(site, address, &ml, why)) != 0)
		goto out;
	path = realpath(ml->home, NULL);
	if (path != NULL && strcmp(path, m.src) == 0) {
		BUF_WHY(why, "%s: the old list is the new list's directory; "
		    "convert into another directory", m.src);
		status = EX_USAGE;
	}
	free(path);
	if (status != 0)
		goto out;
	status = m.fml8 ? mm_read_fml8(&m, why) : mm_read_fml4(&m, why);
	if (status != 0)
		goto out;
	if (!dry && (status = mm_write(&m, &ml, why)) != 0)
		goto out;
	if (dry)
		mm_spool_count(&m);

	mm_report(&m, ml, rep);
	fwrite(rep->data, 1, rep->len, stdout);
	if (!dry) {
		path = ml_path(ml, MM_REPORT);
		status = spool_write_file(path, rep->data, rep->len, 0600,
		    why);
		if (status == 0)
			printf("report: %s\n", path);
		free(path);
	}
	if (table != NULL)
		buf_printf(table, "%-24s %-4s %9zu %9ld %8ld  %s\n",
		    ml->address, m.fml8 ? "fml8" : "fml4", m.naddr, m.seq,
		    m.narticles, dry ? "dry run" : "converted");

out:
	if (status != 0 && table != NULL)
		buf_printf(table, "%-24s %-4s %9s %9s %8s  failed: %s\n",
		    address, m.fml8 ? "fml8" : "fml4", "-", "-", "-",
		    why->data);
	mm_free(&m);
	ml = ml_free(ml);
	rep = buf_free(rep);
	return status;
}

/* mergeml_main - makefml mergeml [--dry-run] ML DIR */
int
mergeml_main(struct site *site, int argc, char **argv, struct buf *why)
{
	char	*pos[2];
	int	 dry, status;

	if ((status = mm_args(argc, argv, 2, pos, &dry, why)) == 0)
		status = mm_convert(site, pos[0], pos[1], dry, NULL, why);
	if (status != 0)
		msg_error("%s", why->len ? why->data : "mergeml failed");
	return status;
}

/* mm_all_address - the address to give a list found under $ML_DIR */
static char *
mm_all_address(struct site *site, const char *dir, const char *name,
    int fml8)
{
	struct fml4cf *cf;
	struct ml *ml = NULL;
	struct buf *junk = buf_alloc(64);
	const char *mail;
	char	*path, *addr = NULL;

	if (!fml8) {
		cf = fml4cf_new(dir);
		path = xasprintf("%s/config.ph", dir);
		if (fml4cf_load(cf, path, "config.ph", 0, junk) == 0 &&
		    (mail = fml4cf_get(cf, "MAIL_LIST")) != NULL &&
		    strchr(mail, '@') != NULL)
			addr = xasprintf("%s@%s", name, strchr(mail, '@') + 1);
		free(path);
		cf = fml4cf_free(cf);
	}
	if (addr != NULL && ml_locate(site, addr, &ml, junk) != 0)
		addr = xfree(addr);
	ml = ml_free(ml);
	junk = buf_free(junk);
	return addr != NULL ? addr : xstrdup(name);
}

/* mergeml_all_main - makefml mergeml-all [--dry-run] DIR */
int
mergeml_all_main(struct site *site, int argc, char **argv, struct buf *why)
{
	struct buf *table = buf_alloc(1024);
	struct dirent **names = NULL;
	char	*pos[1], *dir, *addr, line[1024];
	int	 dry, fml8, status, n = 0, i, failed = 0, fd[2], ws;
	ssize_t	 r;
	pid_t	 pid;

	if ((status = mm_args(argc, argv, 1, pos, &dry, why)) != 0)
		goto out;
	if ((n = scandir(pos[0], &names, NULL, alphasort)) < 0) {
		BUF_WHY(why, "%s: %s", pos[0], strerror(errno));
		status = EX_NOINPUT;
		goto out;
	}
	buf_printf(table, "%-24s %-4s %9s %9s %8s  %s\n", "list", "from",
	    "addresses", "seq", "articles", "result");
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] == '.' || names[i]->d_name[0] == '@' ||
		    strncmp(names[i]->d_name, "etc", 3) == 0)
			continue;
		dir = xasprintf("%s/%s", pos[0], names[i]->d_name);
		if (mm_kind(dir, &fml8) != 0) {
			free(dir);
			continue;
		}
		addr = mm_all_address(site, dir, names[i]->d_name, fml8);
		fflush(stdout);
		if (pipe(fd) < 0 || (pid = fork()) < 0) {
			BUF_WHY(why, "fork: %s", strerror(errno));
			status = EX_OSERR;
			free(dir);
			free(addr);
			goto out;
		}
		if (pid == 0) {
			struct buf *row = buf_alloc(256);

			close(fd[0]);
			buf_reset(why);
			status = mm_convert(site, addr, dir, dry, row, why);
			if (status != 0)
				msg_error("%s: %s", addr, why->data);
			fflush(stdout);
			if (write(fd[1], row->data, row->len) < 0)
				status = EX_IOERR;
			_exit(status);
		}
		close(fd[1]);
		while ((r = read(fd[0], line, sizeof(line))) > 0)
			buf_append(table, line, (size_t)r);
		close(fd[0]);
		while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
			failed++;
		free(dir);
		free(addr);
	}
	printf("\n%s", table->data);
	if (failed > 0) {
		BUF_WHY(why, "%d of the lists failed", failed);
		status = EX_SOFTWARE;
	}

out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	table = buf_free(table);
	if (status != 0)
		msg_error("%s", why->len ? why->data : "mergeml-all failed");
	return status;
}
