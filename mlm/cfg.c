/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	cfg - layered configuration in fml8's config.cf syntax
 * SYNOPSIS
 *	#include "cfg.h"
 * DESCRIPTION
 *	A cfg is a sorted array of variables, each with its raw value as
 *	the layers left it, and caches of its expanded value and of its
 *	words. Any change empties every cache, so a value read later sees
 *	the variables it names as they are then (fml8 expands lazily too).
 *
 *	A layer is parsed completely before it is applied: a syntax error
 *	leaves the cfg as it was. Applying a statement "name += words"
 *	appends to the raw value so far; "name -= words" drops each of the
 *	words from it and joins what is left with single spaces.
 *
 *	Expansion marks the variable it is working on, so a reference back
 *	to it (a loop) expands to nothing. An expanded value is kept for
 *	later references only when no loop, depth limit or work limit cut
 *	it short, together with how deep its references went; a later
 *	reference reuses it only where the depth limit would not have cut
 *	it either. The result therefore does not depend on the order in
 *	which variables are read, and each variable is expanded once.
 *
 *	cfg_file_write() writes a temporary file next to the target (after
 *	resolving symbolic links), gives it the old file's mode and owner,
 *	flushes it, renames it over the target and then flushes the
 *	directory.
 * DIAGNOSTICS
 *	Loaders return EX_CONFIG with "ORIGIN:LINE: reason" for a line that
 *	does not parse, EX_CONFIG for a required file that is missing,
 *	EX_TEMPFAIL when a file cannot be read. Writers return EX_DATAERR
 *	for a line that is not one valid statement, EX_CANTCREAT, EX_NOPERM
 *	or EX_IOERR when the new file cannot be made.
 * BUGS
 *	Expansion stops after CFG_DEPTH_MAX nested references and after
 *	CFG_BUDGET variable expansions per value; what is cut expands to
 *	the empty string without a diagnostic.
 *
 *	Flushing the directory after the rename is best effort: a failure
 *	there is not reported, since the new file is already in place.
 *
 *	Two programs that add lines to the same file at the same time may
 *	lose one of the additions; callers that can race hold the list
 *	lock.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "xmem.h"

#define CFG_DEPTH_MAX	16		/* nested $name references */
#define CFG_BUDGET	100000		/* variable expansions per value */
#define CFG_FILE_MAX	(16L * 1024 * 1024)	/* bytes in one file */

extern const char cfg_defaults_text[];

struct cfg_var {
	char		*name;
	char		*raw;		/* as the layers left it */
	char		*exp;		/* expanded value, cached */
	char	       **words;		/* exp split on white space, cached */
	int		 height;	/* nesting levels below exp, and 1 */
	unsigned	 known:1;	/* defined by the defaults */
	unsigned	 exp_clean:1;	/* exp was not cut by a limit */
	unsigned	 busy:1;	/* being expanded */
	unsigned	 keep:1;	/* preset before the defaults */
};

struct cfg {
	struct cfg_var	*vars;		/* sorted by name (strcmp) */
	size_t		 nvars;
	size_t		 avars;
	char	       **warn;		/* NULL-terminated */
	size_t		 nwarn;
	const char     **names;		/* cache for cfg_names() */
	int		 registry;	/* some names are known */
	long		 budget;	/* expansions left for this value */
};

enum cfg_opcode {
	CFG_OP_SET,			/* name = value */
	CFG_OP_ADD,			/* name += words */
	CFG_OP_DEL,			/* name -= words */
};

struct cfg_op {
	char		*name;
	enum cfg_opcode	 code;
	struct buf	*value;
	size_t		 line;
};

struct cfg_ops {
	struct cfg_op	*op;
	size_t		 n;
	size_t		 a;
};

static char *cfg_no_words[] = { NULL };

static int cfg_expand_text(struct cfg *, struct buf *, const char *,
    int, int *);

/* cfg_is_space - white space within a line */
static int
cfg_is_space(int c)
{
	return c == ' ' || c == '\t';
}

/* cfg_is_word_space - white space between words of a value */
static int
cfg_is_word_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/* cfg_name_char - whether c may appear in a name (first: may start it) */
static int
cfg_name_char(int c, int first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_')
		return 1;
	return !first && c >= '0' && c <= '9';
}

/* cfg_name_span - length of the variable name at s (before end), or 0 */
static size_t
cfg_name_span(const char *s, const char *end)
{
	size_t	 n = 0;

	while (s + n < end && cfg_name_char((unsigned char)s[n], n == 0))
		n++;
	return n;
}

/* cfg_lookup - find name[0..len); *pos gets the index or insert point */
static struct cfg_var *
cfg_lookup(struct cfg *cfg, const char *name, size_t len, size_t *pos)
{
	size_t	 lo = 0, hi = cfg->nvars, mid;
	int	 cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strncmp(name, cfg->vars[mid].name, len);
		if (cmp == 0 && cfg->vars[mid].name[len] != '\0')
			cmp = -1;
		if (cmp == 0) {
			if (pos != NULL)
				*pos = mid;
			return &cfg->vars[mid];
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (pos != NULL)
		*pos = lo;
	return NULL;
}

/* cfg_find - find a variable by its C-string name */
static struct cfg_var *
cfg_find(struct cfg *cfg, const char *name)
{
	return cfg_lookup(cfg, name, strlen(name), NULL);
}

/* cfg_make - find or create a variable; moves the others in memory */
static struct cfg_var *
cfg_make(struct cfg *cfg, const char *name)
{
	struct cfg_var *v;
	size_t	 pos;

	if ((v = cfg_lookup(cfg, name, strlen(name), &pos)) != NULL)
		return v;
	if (cfg->nvars == cfg->avars) {
		cfg->avars = cfg->avars ? cfg->avars * 2 : 64;
		cfg->vars = xrealloc(cfg->vars,
		    cfg->avars * sizeof(cfg->vars[0]));
	}
	memmove(cfg->vars + pos + 1, cfg->vars + pos,
	    (cfg->nvars - pos) * sizeof(cfg->vars[0]));
	cfg->nvars++;
	v = &cfg->vars[pos];
	*v = (struct cfg_var){ .name = xstrdup(name), .raw = xstrdup("") };
	return v;
}

/* cfg_words_free - free a NULL-terminated word array */
static char **
cfg_words_free(char **words)
{
	size_t	 i;

	if (words == NULL || words == cfg_no_words)
		return NULL;
	for (i = 0; words[i] != NULL; i++)
		free(words[i]);
	free(words);
	return NULL;
}

/* cfg_split - split text on white space into a NULL-terminated array */
static char **
cfg_split(const char *text)
{
	const char *p, *q;
	char	**words;
	size_t	 n = 0;

	for (p = text; *p != '\0'; p = q) {
		while (cfg_is_word_space((unsigned char)*p))
			p++;
		for (q = p; *q != '\0' && !cfg_is_word_space((unsigned char)*q);
		    q++)
			;
		if (q > p)
			n++;
	}
	words = xcalloc(n + 1, sizeof(words[0]));
	n = 0;
	for (p = text; *p != '\0'; p = q) {
		while (cfg_is_word_space((unsigned char)*p))
			p++;
		for (q = p; *q != '\0' && !cfg_is_word_space((unsigned char)*q);
		    q++)
			;
		if (q > p)
			words[n++] = xstrndup(p, (size_t)(q - p));
	}
	words[n] = NULL;
	return words;
}

/* cfg_flush - forget every cached expansion, word list and name list */
static void
cfg_flush(struct cfg *cfg)
{
	size_t	 i;

	for (i = 0; i < cfg->nvars; i++) {
		cfg->vars[i].exp = xfree(cfg->vars[i].exp);
		cfg->vars[i].words = cfg_words_free(cfg->vars[i].words);
		cfg->vars[i].exp_clean = 0;
	}
	cfg->names = xfree(cfg->names);
}

/* cfg_warn - record a warning */
static void
cfg_warn(struct cfg *cfg, const char *origin, size_t line, const char *name)
{
	cfg->warn = xrealloc(cfg->warn, (cfg->nwarn + 2) * sizeof(char *));
	cfg->warn[cfg->nwarn++] = xasprintf("%s:%zu: unknown variable %s",
	    origin, line, name);
	cfg->warn[cfg->nwarn] = NULL;
}

/* cfg_new - create an empty cfg */
struct cfg *
cfg_new(void)
{
	struct cfg *cfg;

	cfg = xcalloc(1, sizeof(*cfg));
	cfg->warn = xcalloc(1, sizeof(char *));
	return cfg;
}

/* cfg_free - destroy a cfg; returns a null pointer */
struct cfg *
cfg_free(struct cfg *cfg)
{
	size_t	 i;

	if (cfg == NULL)
		return NULL;
	cfg_flush(cfg);
	for (i = 0; i < cfg->nvars; i++) {
		free(cfg->vars[i].name);
		free(cfg->vars[i].raw);
	}
	free(cfg->vars);
	for (i = 0; i < cfg->nwarn; i++)
		free(cfg->warn[i]);
	free(cfg->warn);
	free(cfg);
	return NULL;
}

/* cfg_var_append - apply "+= words" to a raw value */
static void
cfg_var_append(struct cfg_var *v, const char *words)
{
	char	*old;

	if (*words == '\0')
		return;
	old = v->raw;
	if (*old == '\0')
		v->raw = xstrdup(words);
	else
		v->raw = xasprintf("%s %s", old, words);
	free(old);
}

/* cfg_var_remove - apply "-= words" to a raw value */
static void
cfg_var_remove(struct cfg_var *v, const char *words)
{
	char	**have, **drop;
	struct buf *out;
	size_t	 i, j;

	have = cfg_split(v->raw);
	drop = cfg_split(words);
	out = buf_alloc(strlen(v->raw));
	for (i = 0; have[i] != NULL; i++) {
		for (j = 0; drop[j] != NULL; j++)
			if (strcmp(have[i], drop[j]) == 0)
				break;
		if (drop[j] != NULL)
			continue;
		if (out->len > 0)
			buf_putc(out, ' ');
		buf_puts(out, have[i]);
	}
	free(v->raw);
	v->raw = buf_steal(out);
	cfg_words_free(have);
	cfg_words_free(drop);
}

/* cfg_ops_free - release parsed statements */
static void
cfg_ops_free(struct cfg_ops *ops)
{
	size_t	 i;

	for (i = 0; i < ops->n; i++) {
		free(ops->op[i].name);
		buf_free(ops->op[i].value);
	}
	ops->op = xfree(ops->op);
	ops->n = ops->a = 0;
}

/* cfg_trim_end - move end back over trailing white space */
static const char *
cfg_trim_end(const char *start, const char *end)
{
	while (end > start && cfg_is_space((unsigned char)end[-1]))
		end--;
	return end;
}

/* cfg_parse_statement - parse "name OP value"; NULL or a reason */
static const char *
cfg_parse_statement(const char *p, const char *eol, struct cfg_op *op)
{
	const char *q;
	size_t	 n;

	if ((n = cfg_name_span(p, eol)) == 0)
		return "bad variable name";
	q = p + n;
	if (q < eol && !cfg_is_space((unsigned char)*q) && *q != '=' &&
	    *q != '+' && *q != '-')
		return "bad variable name";
	while (q < eol && cfg_is_space((unsigned char)*q))
		q++;
	if (q < eol && *q == '=') {
		op->code = CFG_OP_SET;
		q++;
	} else if (eol - q >= 2 && q[0] == '+' && q[1] == '=') {
		op->code = CFG_OP_ADD;
		q += 2;
	} else if (eol - q >= 2 && q[0] == '-' && q[1] == '=') {
		op->code = CFG_OP_DEL;
		q += 2;
	} else
		return "expected \"=\", \"+=\" or \"-=\" after the name";
	while (q < eol && cfg_is_space((unsigned char)*q))
		q++;
	op->name = xstrndup(p, n);
	op->value = buf_alloc((size_t)(eol - q));
	buf_append(op->value, q, (size_t)(cfg_trim_end(q, eol) - q));
	return NULL;
}

/* cfg_is_cut - whether the line [p, eol) is "=cut" */
static int
cfg_is_cut(const char *p, const char *eol)
{
	if (eol - p < 4 || memcmp(p, "=cut", 4) != 0)
		return 0;
	return p + 4 == eol || cfg_is_space((unsigned char)p[4]);
}

/* cfg_add_op - append a parsed statement */
static struct cfg_op *
cfg_add_op(struct cfg_ops *ops)
{
	if (ops->n == ops->a) {
		ops->a = ops->a ? ops->a * 2 : 32;
		ops->op = xrealloc(ops->op, ops->a * sizeof(ops->op[0]));
	}
	ops->op[ops->n] = (struct cfg_op){ .name = NULL };
	return &ops->op[ops->n++];
}

/* cfg_parse - split text into statements; 0 or EX_CONFIG */
static int
cfg_parse(const char *text, size_t len, const char *origin,
    struct cfg_ops *ops, struct buf *why)
{
	const char *p, *nl, *eol, *s, *end = text + len, *reason;
	struct cfg_op *cur = NULL, op;
	size_t	 line = 0, n;

	for (p = text; p < end; p = nl < end ? nl + 1 : end) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		eol = p + n;
		if (memchr(p, '\0', n) != NULL) {
			reason = "NUL byte in line";
			goto bad;
		}

		for (s = p; s < eol && cfg_is_space((unsigned char)*s); s++)
			;
		if (s == eol || *s == '#')
			continue;

		if (s > p) {
			if (cur == NULL) {
				reason = "continuation line without a variable";
				goto bad;
			}
			if (cur->value->len > 0)
				buf_putc(cur->value, ' ');
			buf_append(cur->value, s,
			    (size_t)(cfg_trim_end(s, eol) - s));
			continue;
		}

		if (cfg_is_cut(p, eol))
			break;
		op = (struct cfg_op){ .line = line };
		if ((reason = cfg_parse_statement(p, eol, &op)) != NULL)
			goto bad;
		cur = cfg_add_op(ops);
		*cur = op;
	}
	return 0;

bad:
	BUF_WHY(why, "%s:%zu: %s", origin, line, reason);
	cfg_ops_free(ops);
	return EX_CONFIG;
}

/* cfg_apply - apply parsed statements in order */
static void
cfg_apply(struct cfg *cfg, const struct cfg_ops *ops, const char *origin,
    int defaults)
{
	const struct cfg_op *op;
	struct cfg_var *v;
	size_t	 i;

	for (i = 0; i < ops->n; i++) {
		op = &ops->op[i];
		v = cfg_make(cfg, op->name);
		if (defaults) {
			v->known = 1;
			cfg->registry = 1;
			if (v->keep)
				continue;
		} else if (cfg->registry && !v->known)
			cfg_warn(cfg, origin, op->line, op->name);

		switch (op->code) {
		case CFG_OP_SET:
			free(v->raw);
			v->raw = xstrdup(buf_str(op->value));
			break;
		case CFG_OP_ADD:
			cfg_var_append(v, buf_str(op->value));
			break;
		case CFG_OP_DEL:
			cfg_var_remove(v, buf_str(op->value));
			break;
		}
	}
}

/* cfg_load - parse and apply one layer */
static int
cfg_load(struct cfg *cfg, const char *text, size_t len, const char *origin,
    int defaults, struct buf *why)
{
	struct cfg_ops ops = { .op = NULL };
	size_t	 i;
	int	 status;

	if ((status = cfg_parse(text, len, origin, &ops, why)) != 0)
		return status;

	cfg_flush(cfg);
	for (i = 0; i < cfg->nvars; i++)
		cfg->vars[i].keep = defaults;
	cfg_apply(cfg, &ops, origin, defaults);
	for (i = 0; i < cfg->nvars; i++)
		cfg->vars[i].keep = 0;

	cfg_ops_free(&ops);
	return 0;
}

/* cfg_load_defaults - load the compiled-in defaults; names become known */
int
cfg_load_defaults(struct cfg *cfg, struct buf *why)
{
	return cfg_load(cfg, cfg_defaults_text, strlen(cfg_defaults_text),
	    "defaults.cf", 1, why);
}

/* cfg_load_text - load a layer from memory */
int
cfg_load_text(struct cfg *cfg, const char *text, size_t len,
    const char *origin, struct buf *why)
{
	return cfg_load(cfg, text, len, origin, 0, why);
}

/* cfg_read_file - read a whole file; *missing says it does not exist */
static int
cfg_read_file(const char *path, struct buf *out, int *missing,
    struct buf *why)
{
	struct stat st;
	char	 chunk[8192];
	ssize_t	 n;
	int	 fd, status = 0;

	*missing = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT) {
			*missing = 1;
			return 0;
		}
		BUF_WHY(why, "cannot open %s: %s", path, strerror(errno));
		return EX_TEMPFAIL;
	}
	if (fstat(fd, &st) < 0) {
		BUF_WHY(why, "cannot stat %s: %s", path, strerror(errno));
		status = EX_TEMPFAIL;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		BUF_WHY(why, "%s is not a regular file", path);
		status = EX_CONFIG;
		goto out;
	}

	for (;;) {
		if ((n = read(fd, chunk, sizeof(chunk))) < 0) {
			if (errno == EINTR)
				continue;
			BUF_WHY(why, "cannot read %s: %s", path,
			    strerror(errno));
			status = EX_TEMPFAIL;
			goto out;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > CFG_FILE_MAX) {
			BUF_WHY(why, "%s is larger than %ld bytes", path,
			    CFG_FILE_MAX);
			status = EX_CONFIG;
			goto out;
		}
		buf_append(out, chunk, (size_t)n);
	}

out:
	close(fd);
	return status;
}

/* cfg_load_file - load a layer from a file */
int
cfg_load_file(struct cfg *cfg, const char *path, int flags, struct buf *why)
{
	struct buf *text;
	int	 missing, status;

	text = buf_alloc(4096);
	if ((status = cfg_read_file(path, text, &missing, why)) != 0)
		goto out;
	if (missing) {
		if ((flags & CFG_MISSING_OK) == 0) {
			BUF_WHY(why, "cannot open %s: %s", path,
			    strerror(ENOENT));
			status = EX_CONFIG;
		}
		goto out;
	}
	status = cfg_load(cfg, text->data, text->len, path, 0, why);

out:
	buf_free(text);
	return status;
}

/* cfg_set - set a raw value, replacing any layer's */
void
cfg_set(struct cfg *cfg, const char *name, const char *value)
{
	struct cfg_var *v;

	cfg_flush(cfg);
	v = cfg_make(cfg, name);
	free(v->raw);
	v->raw = xstrdup(value);
}

/* cfg_declare - set a raw value and make the name known */
void
cfg_declare(struct cfg *cfg, const char *name, const char *value)
{
	cfg_set(cfg, name, value);
	cfg_find(cfg, name)->known = 1;
	cfg->registry = 1;
}

/* cfg_expand_ref - append the expansion of variable name[0..len) */
static int
cfg_expand_ref(struct cfg *cfg, struct buf *out, const char *name,
    size_t len, int depth, int *height)
{
	struct cfg_var *v;
	struct buf *tmp;
	int	 clean, below;

	*height = 0;
	if ((v = cfg_lookup(cfg, name, len, NULL)) == NULL)
		return 1;
	if (v->exp != NULL && v->exp_clean &&
	    depth + v->height <= CFG_DEPTH_MAX) {
		buf_puts(out, v->exp);
		*height = v->height;
		return 1;
	}
	if (v->busy || depth >= CFG_DEPTH_MAX || cfg->budget <= 0)
		return 0;
	cfg->budget--;

	tmp = buf_alloc(strlen(v->raw));
	v->busy = 1;
	clean = cfg_expand_text(cfg, tmp, v->raw, depth + 1, &below);
	v->busy = 0;
	buf_append(out, tmp->data, tmp->len);
	*height = below + 1;

	if (clean && v->exp == NULL) {
		v->exp = buf_steal(tmp);
		v->exp_clean = 1;
		v->height = *height;
	} else
		buf_free(tmp);
	return clean;
}

/* cfg_expand_text - append text with $name expanded; 0 when cut short */
static int
cfg_expand_text(struct cfg *cfg, struct buf *out, const char *text,
    int depth, int *height)
{
	const char *p, *q, *end = text + strlen(text);
	size_t	 n;
	int	 clean = 1, h;

	*height = 0;
	for (p = text; p < end; p = q) {
		h = 0;
		if (*p != '$') {
			if ((q = strchr(p, '$')) == NULL)
				q = end;
			buf_append(out, p, (size_t)(q - p));
		} else if (p[1] == '$') {
			buf_putc(out, '$');
			q = p + 2;
		} else if (p[1] == '{' &&
		    (n = cfg_name_span(p + 2, end)) > 0 && p[2 + n] == '}') {
			clean &= cfg_expand_ref(cfg, out, p + 2, n, depth, &h);
			q = p + 3 + n;
		} else if ((n = cfg_name_span(p + 1, end)) > 0) {
			clean &= cfg_expand_ref(cfg, out, p + 1, n, depth, &h);
			q = p + 1 + n;
		} else {
			buf_putc(out, '$');
			q = p + 1;
		}
		if (h > *height)
			*height = h;
	}
	return clean;
}

/* cfg_get - the expanded value of a variable, NULL when undefined */
const char *
cfg_get(struct cfg *cfg, const char *name)
{
	struct cfg_var *v;
	struct buf *tmp;
	int	 clean, below;

	if ((v = cfg_find(cfg, name)) == NULL)
		return NULL;
	if (v->exp != NULL)
		return v->exp;

	cfg->budget = CFG_BUDGET;
	tmp = buf_alloc(strlen(v->raw));
	v->busy = 1;
	clean = cfg_expand_text(cfg, tmp, v->raw, 0, &below);
	v->busy = 0;
	v->exp = buf_steal(tmp);
	v->exp_clean = clean;
	v->height = below + 1;
	return v->exp;
}

/* cfg_expand - expand arbitrary text; the result is malloc'ed */
char *
cfg_expand(struct cfg *cfg, const char *text)
{
	struct buf *out;
	int	 height;

	cfg->budget = CFG_BUDGET;
	out = buf_alloc(strlen(text));
	cfg_expand_text(cfg, out, text, 0, &height);
	return buf_steal(out);
}

/* cfg_raw - the value as written, NULL when undefined */
const char *
cfg_raw(struct cfg *cfg, const char *name)
{
	struct cfg_var *v;

	return (v = cfg_find(cfg, name)) != NULL ? v->raw : NULL;
}

/* cfg_defined - whether any layer or cfg_set defined the variable */
int
cfg_defined(struct cfg *cfg, const char *name)
{
	return cfg_find(cfg, name) != NULL;
}

/* cfg_known - whether the defaults define the variable */
int
cfg_known(struct cfg *cfg, const char *name)
{
	struct cfg_var *v;

	return (v = cfg_find(cfg, name)) != NULL && v->known;
}

/* cfg_bool - 1 for yes, y, on, true or 1 (any case), else 0 */
int
cfg_bool(struct cfg *cfg, const char *name)
{
	static const char *const yes[] = { "yes", "y", "on", "true", "1" };
	const char *value, *end;
	size_t	 i, len;

	if ((value = cfg_get(cfg, name)) == NULL)
		return 0;
	while (cfg_is_word_space((unsigned char)*value))
		value++;
	for (end = value + strlen(value);
	    end > value && cfg_is_word_space((unsigned char)end[-1]); end--)
		;
	len = (size_t)(end - value);
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strlen(yes[i]) == len &&
		    strncasecmp(value, yes[i], len) == 0)
			return 1;
	return 0;
}

/* cfg_long - the value as a decimal number, or def if it is not one */
long
cfg_long(struct cfg *cfg, const char *name, long def)
{
	const char *value;
	char	*end;
	long	 n;

	if ((value = cfg_get(cfg, name)) == NULL)
		return def;
	errno = 0;
	n = strtol(value, &end, 10);
	if (end == value || errno == ERANGE)
		return def;
	while (cfg_is_word_space((unsigned char)*end))
		end++;
	return *end == '\0' ? n : def;
}

/* cfg_words - the expanded value split on white space */
char **
cfg_words(struct cfg *cfg, const char *name)
{
	struct cfg_var *v;
	const char *value;

	if ((v = cfg_find(cfg, name)) == NULL)
		return cfg_no_words;
	if (v->words == NULL) {
		value = cfg_get(cfg, name);
		v->words = cfg_split(value);
	}
	return v->words;
}

/* cfg_has_word - whether word is one of the words of the value */
int
cfg_has_word(struct cfg *cfg, const char *name, const char *word)
{
	char	**w;

	for (w = cfg_words(cfg, name); *w != NULL; w++)
		if (strcmp(*w, word) == 0)
			return 1;
	return 0;
}

/* cfg_names - every defined name, sorted, NULL-terminated */
const char **
cfg_names(struct cfg *cfg)
{
	size_t	 i;

	if (cfg->names == NULL) {
		cfg->names = xcalloc(cfg->nvars + 1, sizeof(char *));
		for (i = 0; i < cfg->nvars; i++)
			cfg->names[i] = cfg->vars[i].name;
		cfg->names[cfg->nvars] = NULL;
	}
	return cfg->names;
}

/* cfg_check_refs - warn about references to variables nobody defines */
void
cfg_check_refs(struct cfg *cfg)
{
	const char **names = cfg_names(cfg);
	const char *p, *end;
	size_t	 i, n;

	for (i = 0; names != NULL && names[i] != NULL; i++) {
		const char *raw = cfg_raw(cfg, names[i]);

		end = raw + strlen(raw);
		for (p = raw; (p = strchr(p, '$')) != NULL; p += n + 1) {
			n = 0;
			if (p[1] == '$') {
				p++;
				continue;
			}
			if (p[1] == '{' && (n = cfg_name_span(p + 2, end)) > 0)
				p++;
			else
				n = cfg_name_span(p + 1, end);
			if (n == 0 || cfg_lookup(cfg, p + 1, n, NULL) != NULL)
				continue;
			cfg->warn = xrealloc(cfg->warn, (cfg->nwarn + 2) *
			    sizeof(char *));
			cfg->warn[cfg->nwarn++] = xasprintf("%s refers to "
			    "$%.*s, which is not defined (it expands to "
			    "nothing)", names[i], (int)n, p + 1);
			cfg->warn[cfg->nwarn] = NULL;
		}
	}
}

/* cfg_warnings - the unknown-variable warnings so far, NULL-terminated */
const char **
cfg_warnings(struct cfg *cfg)
{
	return (const char **)cfg->warn;
}

/* cfg_check_line - verify that line is one line that parses alone */
static int
cfg_check_line(const char *line, size_t len, struct buf *why)
{
	struct cfg *scratch;
	int	 status;

	if (memchr(line, '\n', len) != NULL || memchr(line, '\r', len)) {
		BUF_WHY(why, "the line to add holds a line break");
		return EX_DATAERR;
	}
	if (cfg_is_cut(line, line + len)) {
		BUF_WHY(why, "the line to add is \"=cut\"");
		return EX_DATAERR;
	}
	scratch = cfg_new();
	status = cfg_load_text(scratch, line, len, "line to add", why);
	cfg_free(scratch);
	return status ? EX_DATAERR : 0;
}

/* cfg_cut_offset - offset of the first "=cut" line, or len */
static size_t
cfg_cut_offset(const char *text, size_t len)
{
	const char *p, *nl, *eol, *end = text + len;

	for (p = text; p < end; p = nl < end ? nl + 1 : end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		eol = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		if (cfg_is_cut(p, eol))
			return (size_t)(p - text);
	}
	return len;
}

/* cfg_file_add_line - add a line before "=cut", or at the end */
int
cfg_file_add_line(const char *path, const char *line, struct buf *why)
{
	struct buf *old, *new;
	const char *eol, *nl;
	size_t	 len, at;
	int	 missing, status;

	len = strlen(line);
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if ((status = cfg_check_line(line, len, why)) != 0)
		return status;

	old = buf_alloc(4096);
	new = NULL;
	if ((status = cfg_read_file(path, old, &missing, why)) != 0)
		goto out;

	nl = memchr(old->data, '\n', old->len);
	eol = nl != NULL && nl > old->data && nl[-1] == '\r' ? "\r\n" : "\n";
	at = cfg_cut_offset(old->data, old->len);
	new = buf_alloc(old->len + len + 2);
	buf_append(new, old->data, at);
	if (at > 0 && new->data[at - 1] != '\n')
		buf_puts(new, eol);
	buf_append(new, line, len);
	buf_puts(new, eol);
	buf_append(new, old->data + at, old->len - at);
	status = cfg_file_write(path, new->data, new->len, 0600, why);

out:
	buf_free(old);
	buf_free(new);
	return status;
}

/* cfg_write_all - write len bytes to fd; 0 or -1 */
static int
cfg_write_all(int fd, const char *data, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, data, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* cfg_sync_dir - flush the directory that holds path, best effort */
static void
cfg_sync_dir(const char *path)
{
	const char *slash;
	char	*dir;
	int	 fd;

	if ((slash = strrchr(path, '/')) == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	if ((fd = open(dir, O_RDONLY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

/* cfg_file_write - replace a file atomically, keeping mode and owner */
int
cfg_file_write(const char *path, const char *data, size_t len, int mode,
    struct buf *why)
{
	struct stat old, st;
	const char *base;
	char	*real, *tmp = NULL;
	int	 fd = -1, exists, status = 0;

	if ((real = realpath(path, NULL)) == NULL)
		real = xstrdup(path);
	exists = stat(real, &old) == 0;
	if (exists && !S_ISREG(old.st_mode)) {
		BUF_WHY(why, "%s is not a regular file", path);
		status = EX_DATAERR;
		goto out;
	}
	if ((base = strrchr(real, '/')) != NULL)
		base++;
	else
		base = real;
	tmp = xasprintf("%.*s.%s.XXXXXX", (int)(base - real), real, base);

	if ((fd = mkstemp(tmp)) < 0) {
		BUF_WHY(why, "cannot create a file next to %s: %s", path,
		    strerror(errno));
		status = EX_CANTCREAT;
		tmp = xfree(tmp);
		goto out;
	}
	if (fchmod(fd, exists ? old.st_mode & 07777 : (mode_t)mode) < 0 ||
	    fstat(fd, &st) < 0) {
		BUF_WHY(why, "cannot set the mode of %s: %s", tmp,
		    strerror(errno));
		status = EX_IOERR;
		goto out;
	}
	if (exists && (st.st_uid != old.st_uid || st.st_gid != old.st_gid) &&
	    fchown(fd, old.st_uid, old.st_gid) < 0) {
		BUF_WHY(why, "cannot give %s the owner of %s: %s", tmp, path,
		    strerror(errno));
		status = EX_NOPERM;
		goto out;
	}

	if (cfg_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		BUF_WHY(why, "cannot write %s: %s", tmp, strerror(errno));
		status = EX_IOERR;
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		BUF_WHY(why, "cannot write %s: %s", tmp, strerror(errno));
		status = EX_IOERR;
		goto out;
	}
	fd = -1;
	if (rename(tmp, real) < 0) {
		BUF_WHY(why, "cannot rename %s to %s: %s", tmp, real,
		    strerror(errno));
		status = EX_IOERR;
		goto out;
	}
	tmp = xfree(tmp);
	cfg_sync_dir(real);

out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(real);
	return status;
}
