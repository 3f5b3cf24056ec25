/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	fml4cf - read an fml4 config.ph without running Perl
 * SYNOPSIS
 *	#include "fml4cf.h"
 * DESCRIPTION
 *	A small recursive-descent reader of Perl statements. Each statement
 *	is tried as a scalar assignment or a macro call; one that is not
 *	understood is skipped up to its ";" (or the "}" that closes its
 *	block) with quoting, q operators and comments taken into account,
 *	and becomes a note quoting its first line. "=cut" and "__END__"
 *	end the file; POD blocks are skipped.
 *
 *	fml4cf_new(dir) starts with the variable DIR set to dir, since
 *	fml.pl runs with "$DIR" as the list directory.
 * DIAGNOSTICS
 *	fml4cf_load(): EX_NOINPUT, EX_IOERR with the reason in why.
 * BUGS
 *	Perl's numeric and string operators other than "." are not
 *	evaluated; a statement that uses them is a note.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "buf.h"
#include "fml4cf.h"
#include "xmem.h"

/* How many characters of a statement a note quotes. */
#define FML4CF_NOTE_MAX		100
#define FML4CF_FILE_MAX		(16 * 1024 * 1024)
#define FML4CF_DEPTH_MAX	64

/* Parser state over one file's bytes. */
struct fml4cf_p {
	struct fml4cf	*cf;
	const char	*s;
	size_t		 n;
	size_t		 i;
	int		 line;
	const char	*label;
	int		 stop;		/* =cut or __END__ seen */
};

/* fml4cf_new - an empty configuration with $DIR set */
struct fml4cf *
fml4cf_new(const char *dir)
{
	struct fml4cf *cf = xcalloc(1, sizeof(*cf));

	fml4cf_set(cf, "DIR", dir, "(list directory)");
	return cf;
}

/* fml4cf_free - release everything */
struct fml4cf *
fml4cf_free(struct fml4cf *cf)
{
	size_t	 i, j;

	if (cf == NULL)
		return NULL;
	for (i = 0; i < cf->nvar; i++) {
		free(cf->var[i].name);
		free(cf->var[i].value);
		free(cf->var[i].origin);
	}
	for (i = 0; i < cf->ncall; i++) {
		for (j = 0; j < cf->call[i].nargs; j++)
			free(cf->call[i].args[j]);
		free(cf->call[i].args);
		free(cf->call[i].name);
		free(cf->call[i].origin);
	}
	for (i = 0; i < cf->nnote; i++) {
		free(cf->note[i].origin);
		free(cf->note[i].text);
	}
	free(cf->var);
	free(cf->call);
	free(cf->note);
	free(cf);
	return NULL;
}

/* fml4cf_find - the variable of that name, or NULL */
const struct fml4cf_var *
fml4cf_find(const struct fml4cf *cf, const char *name)
{
	size_t	 i;

	for (i = 0; i < cf->nvar; i++)
		if (strcmp(cf->var[i].name, name) == 0)
			return &cf->var[i];
	return NULL;
}

/* fml4cf_get - the value of a variable, or NULL when it is not set */
const char *
fml4cf_get(const struct fml4cf *cf, const char *name)
{
	const struct fml4cf_var *v = fml4cf_find(cf, name);

	return v != NULL ? v->value : NULL;
}

/* fml4cf_set - set a variable; a later value replaces an earlier one */
void
fml4cf_set(struct fml4cf *cf, const char *name, const char *value,
    const char *origin)
{
	struct fml4cf_var *v;
	size_t	 i;

	for (i = 0; i < cf->nvar; i++) {
		v = &cf->var[i];
		if (strcmp(v->name, name) != 0)
			continue;
		free(v->value);
		free(v->origin);
		v->value = xstrdup(value);
		v->origin = xstrdup(origin);
		return;
	}
	cf->var = xrealloc(cf->var, (cf->nvar + 1) * sizeof(*cf->var));
	cf->var[cf->nvar++] = (struct fml4cf_var){
		.name = xstrdup(name),
		.value = xstrdup(value),
		.origin = xstrdup(origin),
	};
}

/* fml4cf_origin - "label:line" for the current statement */
static char *
fml4cf_origin(const struct fml4cf_p *p, int line)
{
	return xasprintf("%s:%d", p->label, line);
}

/* fml4cf_note - record something that was not understood */
static void
fml4cf_note(struct fml4cf_p *p, int line, const char *fmt, const char *arg)
{
	struct fml4cf *cf = p->cf;

	cf->note = xrealloc(cf->note, (cf->nnote + 1) * sizeof(*cf->note));
	cf->note[cf->nnote++] = (struct fml4cf_note){
		.origin = fml4cf_origin(p, line),
		.text = xasprintf(fmt, arg),
	};
}

/* fml4cf_peek - the byte k positions ahead, or 0 at the end */
static int
fml4cf_peek(const struct fml4cf_p *p, size_t k)
{
	return p->i + k < p->n ? (unsigned char)p->s[p->i + k] : 0;
}

/* fml4cf_next - consume one byte, counting lines */
static int
fml4cf_next(struct fml4cf_p *p)
{
	int	 c;

	if (p->i >= p->n)
		return 0;
	c = (unsigned char)p->s[p->i++];
	if (c == '\n')
		p->line++;
	return c;
}

/* fml4cf_at_bol - is the position at the start of a line? */
static int
fml4cf_at_bol(const struct fml4cf_p *p)
{
	return p->i == 0 || p->s[p->i - 1] == '\n';
}

/* fml4cf_ws - skip white space, comments and POD */
static void
fml4cf_ws(struct fml4cf_p *p)
{
	int	 c;

	while (p->i < p->n) {
		c = fml4cf_peek(p, 0);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		    c == '\f') {
			fml4cf_next(p);
		} else if (c == '#') {
			while (p->i < p->n && fml4cf_peek(p, 0) != '\n')
				fml4cf_next(p);
		} else if (c == '=' && fml4cf_at_bol(p) &&
		    isalpha(fml4cf_peek(p, 1))) {
			if (p->n - p->i >= 4 &&
			    strncmp(p->s + p->i, "=cut", 4) == 0) {
				p->stop = 1;
				return;
			}
			while (p->i < p->n && !(fml4cf_at_bol(p) &&
			    p->n - p->i >= 4 &&
			    strncmp(p->s + p->i, "=cut", 4) == 0))
				fml4cf_next(p);
			while (p->i < p->n && fml4cf_peek(p, 0) != '\n')
				fml4cf_next(p);
		} else {
			return;
		}
	}
}

/* fml4cf_is_word - a byte of a Perl identifier */
static int
fml4cf_is_word(int c)
{
	return c == '_' || (c < 0x80 && isalnum(c));
}

/* fml4cf_ident - read an identifier into out; 0 if there is none */
static int
fml4cf_ident(struct fml4cf_p *p, struct buf *out)
{
	int	 c = fml4cf_peek(p, 0);

	buf_reset(out);
	if (!(c == '_' || (c < 0x80 && isalpha(c))))
		return 0;
	while (fml4cf_is_word(fml4cf_peek(p, 0)))
		buf_putc(out, fml4cf_next(p));
	return 1;
}

/* fml4cf_closer - the closing delimiter of a quote-like operator */
static int
fml4cf_closer(int open)
{
	switch (open) {
	case '(':
		return ')';
	case '[':
		return ']';
	case '{':
		return '}';
	case '<':
		return '>';
	default:
		return open;
	}
}

/* fml4cf_skip_element - skip "{...}" or "[...]" after a name */
static void
fml4cf_skip_element(struct fml4cf_p *p)
{
	int	 open = fml4cf_next(p);
	int	 close = fml4cf_closer(open);
	int	 depth = 1, c;

	while (depth > 0 && (c = fml4cf_peek(p, 0)) != 0 && c != '"') {
		fml4cf_next(p);
		if (c == open)
			depth++;
		else if (c == close)
			depth--;
	}
}

/* fml4cf_interp - interpolate "$NAME" or "${NAME}" at the "$" */
static void
fml4cf_interp(struct fml4cf_p *p, struct buf *out, int line)
{
	struct buf *name = buf_alloc(32);
	const char *v;
	int	 braced = 0;

	fml4cf_next(p);
	if (fml4cf_peek(p, 0) == '{') {
		braced = 1;
		fml4cf_next(p);
	}
	if (!fml4cf_ident(p, name)) {
		buf_putc(out, '$');
		if (braced)
			buf_putc(out, '{');
		name = buf_free(name);
		return;
	}
	if (braced && fml4cf_peek(p, 0) == '}')
		fml4cf_next(p);
	if (!braced && (fml4cf_peek(p, 0) == '{' ||
	    fml4cf_peek(p, 0) == '[')) {
		fml4cf_note(p, line, "element of $%s in a string is left "
		    "out", name->data);
		fml4cf_skip_element(p);
		name = buf_free(name);
		return;
	}
	if ((v = fml4cf_get(p->cf, name->data)) != NULL)
		buf_puts(out, v);
	else
		fml4cf_note(p, line, "$%s in a string is not set: empty",
		    name->data);
	name = buf_free(name);
}

/* fml4cf_number - up to max digits in base 16 or 8, as a byte */
static int
fml4cf_number(struct fml4cf_p *p, int base, int max)
{
	int	 c, v = 0, k;

	for (k = 0; k < max; k++) {
		c = fml4cf_peek(p, 0);
		if (c >= '0' && c <= (base == 8 ? '7' : '9'))
			v = v * base + (c - '0');
		else if (base == 16 && isxdigit(c))
			v = v * base + (tolower(c) - 'a' + 10);
		else
			break;
		fml4cf_next(p);
	}
	return v & 0xff;
}

/* fml4cf_quoted - read a string up to close; 0 if it does not end */
static int
fml4cf_quoted(struct fml4cf_p *p, int open, int interp, struct buf *out,
    int line)
{
	int	 close = fml4cf_closer(open);
	int	 depth = 0;
	int	 c, d;

	for (;;) {
		if (p->i >= p->n)
			return 0;
		c = fml4cf_peek(p, 0);
		if (c == '\\') {
			fml4cf_next(p);
			d = fml4cf_next(p);
			if (!interp) {
				if (d != '\\' && d != close && d != open)
					buf_putc(out, '\\');
				buf_putc(out, d);
				continue;
			}
			switch (d) {
			case 'n':
				buf_putc(out, '\n');
				break;
			case 't':
				buf_putc(out, '\t');
				break;
			case 'e':
				buf_putc(out, 0x1b);
				break;
			case 'r':
				buf_putc(out, '\r');
				break;
			case 'f':
				buf_putc(out, '\f');
				break;
			case 'a':
				buf_putc(out, 0x07);
				break;
			case 'x':
				buf_putc(out, fml4cf_number(p, 16, 2));
				break;
			case '0': case '1': case '2': case '3':
			case '4': case '5': case '6': case '7':
				p->i--;
				buf_putc(out, fml4cf_number(p, 8, 3));
				break;
			case 'U': case 'L': case 'u': case 'l':
			case 'Q': case 'E':
				fml4cf_note(p, line, "case escape \\%s in a "
				    "string is left out", d == 'U' ? "U" :
				    d == 'L' ? "L" : d == 'u' ? "u" : d == 'l' ?
				    "l" : d == 'Q' ? "Q" : "E");
				break;
			case '\r':
				break;
			case 0:
				return 0;
			default:
				buf_putc(out, d);
				break;
			}
			continue;
		}
		if (c == close && depth == 0) {
			fml4cf_next(p);
			return 1;
		}
		if (open != close && c == open)
			depth++;
		else if (open != close && c == close)
			depth--;
		if (interp && c == '$') {
			fml4cf_interp(p, out, line);
			continue;
		}
		if (interp && c == '@' && (fml4cf_peek(p, 1) == '_' ||
		    (fml4cf_peek(p, 1) < 0x80 && isalpha(fml4cf_peek(p, 1)))))
			fml4cf_note(p, line, "unescaped \"@\" in a string is "
			    "taken literally%s", "");
		if (c == '\r' && fml4cf_peek(p, 1) == '\n') {
			fml4cf_next(p);
			continue;
		}
		if (c != 0)
			buf_putc(out, c);
		fml4cf_next(p);
	}
}

static int fml4cf_expr(struct fml4cf_p *, struct buf *, int);

/* fml4cf_term - one value: number, string, q operator or variable */
static int
fml4cf_term(struct fml4cf_p *p, struct buf *out, int line)
{
	struct buf *w = buf_alloc(32);
	const char *v;
	size_t	 save;
	int	 c, ok = 0, interp;

	fml4cf_ws(p);
	c = fml4cf_peek(p, 0);
	if (c == '"' || c == '\'') {
		fml4cf_next(p);
		ok = fml4cf_quoted(p, c, c == '"', out, line);
	} else if (c == '-' || c == '+' || isdigit(c)) {
		if (c == '-' || c == '+')
			buf_putc(out, fml4cf_next(p));
		while (isdigit(fml4cf_peek(p, 0)) || fml4cf_peek(p, 0) == '.' ||
		    fml4cf_peek(p, 0) == '_')
			if ((c = fml4cf_next(p)) != '_')
				buf_putc(out, c);
		ok = out->len > 0 && isdigit((unsigned char)
		    out->data[out->len - 1]);
	} else if (c == '$') {
		fml4cf_next(p);
		if (fml4cf_ident(p, w) && fml4cf_peek(p, 0) != '{' &&
		    fml4cf_peek(p, 0) != '[') {
			v = fml4cf_get(p->cf, w->data);
			buf_puts(out, v != NULL ? v : "");
			ok = 1;
		}
	} else if (c == '(') {
		fml4cf_next(p);
		fml4cf_ws(p);
		save = out->len;
		ok = fml4cf_expr(p, out, line);
		fml4cf_ws(p);
		if (ok && fml4cf_peek(p, 0) == ')') {
			fml4cf_next(p);
		} else {
			buf_truncate(out, save);
			ok = 0;
		}
	} else if (fml4cf_ident(p, w)) {
		interp = strcmp(w->data, "qq") == 0;
		if (interp || strcmp(w->data, "q") == 0) {
			while (fml4cf_peek(p, 0) == ' ' ||
			    fml4cf_peek(p, 0) == '\t')
				fml4cf_next(p);
			c = fml4cf_next(p);
			if (c != 0 && !fml4cf_is_word(c) && !isspace(c))
				ok = fml4cf_quoted(p, c, interp, out, line);
		} else if (strcmp(w->data, "undef") == 0) {
			ok = 1;
		}
	}
	w = buf_free(w);
	return ok;
}

/* fml4cf_expr - terms joined with "." */
static int
fml4cf_expr(struct fml4cf_p *p, struct buf *out, int line)
{
	if (!fml4cf_term(p, out, line))
		return 0;
	for (;;) {
		fml4cf_ws(p);
		if (fml4cf_peek(p, 0) != '.' || fml4cf_peek(p, 1) == '=')
			return 1;
		fml4cf_next(p);
		if (!fml4cf_term(p, out, line))
			return 0;
	}
}

/* fml4cf_end - the end of a statement: ";", a closing brace or EOF */
static int
fml4cf_end(struct fml4cf_p *p)
{
	fml4cf_ws(p);
	if (fml4cf_peek(p, 0) == ';') {
		fml4cf_next(p);
		return 1;
	}
	return p->i >= p->n || p->stop;
}

/* fml4cf_skip_quote - skip a quoted run that starts at open */
static void
fml4cf_skip_quote(struct fml4cf_p *p, int open)
{
	struct buf *junk = buf_alloc(64);

	fml4cf_next(p);
	fml4cf_quoted(p, open, 0, junk, p->line);
	junk = buf_free(junk);
}

/* fml4cf_skip - skip a statement that is not understood, note it */
static void
fml4cf_skip(struct fml4cf_p *p, size_t start, int line)
{
	struct buf *w = buf_alloc(16);
	char	*text;
	size_t	 e;
	int	 depth = 0, block = 0, c, prev;

	p->i = start;
	p->line = line;
	while (p->i < p->n) {
		c = fml4cf_peek(p, 0);
		prev = p->i > 0 ? (unsigned char)p->s[p->i - 1] : ' ';
		if (c == '"' || c == '\'' || c == '`') {
			fml4cf_skip_quote(p, c);
			continue;
		}
		if (c == '#' && prev != '$') {
			fml4cf_ws(p);
			continue;
		}
		if ((c == 'q' || c == 'm' || c == 's') &&
		    !fml4cf_is_word(prev) && prev != '$' && prev != '@' &&
		    prev != '%' && prev != '&') {
			size_t	 save = p->i;

			fml4cf_ident(p, w);
			if ((strcmp(w->data, "q") == 0 ||
			    strcmp(w->data, "qq") == 0 ||
			    strcmp(w->data, "qw") == 0) &&
			    fml4cf_peek(p, 0) != 0 &&
			    !fml4cf_is_word(fml4cf_peek(p, 0)) &&
			    !isspace(fml4cf_peek(p, 0)) &&
			    fml4cf_peek(p, 0) != ',' &&
			    fml4cf_peek(p, 0) != ';' &&
			    fml4cf_peek(p, 0) != '=') {
				fml4cf_skip_quote(p, fml4cf_peek(p, 0));
				continue;
			}
			if (p->i == save)
				fml4cf_next(p);
			continue;
		}
		fml4cf_next(p);
		if (c == '(' || c == '[' || c == '{') {
			if (c == '{' && depth == 0 && (prev == ' ' ||
			    prev == '\t' || prev == '\n' || prev == ')'))
				block = 1;
			if (++depth > FML4CF_DEPTH_MAX)
				depth = FML4CF_DEPTH_MAX;
		} else if (c == ')' || c == ']' || c == '}') {
			if (depth > 0)
				depth--;
			if (c == '}' && depth == 0 && block)
				break;
		} else if (c == ';' && depth == 0) {
			break;
		}
	}

	for (e = start; e < p->n && p->s[e] != '\n' && p->s[e] != '\r' &&
	    e - start < FML4CF_NOTE_MAX; e++)
		;
	text = xstrndup(p->s + start, e - start);
	fml4cf_note(p, line, "%s", text);
	free(text);
	w = buf_free(w);
}

/* fml4cf_assign - "$NAME = expr;" or "$NAME .= expr;" */
static int
fml4cf_assign(struct fml4cf_p *p, int line)
{
	struct buf *name = buf_alloc(32);
	struct buf *val = buf_alloc(64);
	const char *old;
	char	*origin;
	int	 append = 0, ok = 0;

	fml4cf_next(p);
	if (!fml4cf_ident(p, name))
		goto out;
	fml4cf_ws(p);
	if (fml4cf_peek(p, 0) == '.' && fml4cf_peek(p, 1) == '=') {
		append = 1;
		fml4cf_next(p);
	}
	if (fml4cf_peek(p, 0) != '=' || fml4cf_peek(p, 1) == '=' ||
	    fml4cf_peek(p, 1) == '~')
		goto out;
	fml4cf_next(p);
	if (append && (old = fml4cf_get(p->cf, name->data)) != NULL)
		buf_puts(val, old);
	if (!fml4cf_expr(p, val, line) || !fml4cf_end(p))
		goto out;
	origin = fml4cf_origin(p, line);
	fml4cf_set(p->cf, name->data, val->data, origin);
	free(origin);
	ok = 1;

out:
	name = buf_free(name);
	val = buf_free(val);
	return ok;
}

/* fml4cf_macro - "&NAME(args);", as a recorded call */
static int
fml4cf_macro(struct fml4cf_p *p, int line)
{
	struct buf *name = buf_alloc(32);
	struct buf *arg = buf_alloc(64);
	struct fml4cf_call call = { .name = NULL };
	struct fml4cf *cf = p->cf;
	char	*origin;
	int	 ok = 0;

	fml4cf_next(p);
	if (!fml4cf_ident(p, name))
		goto out;
	fml4cf_ws(p);
	if (fml4cf_peek(p, 0) == '(') {
		fml4cf_next(p);
		for (;;) {
			fml4cf_ws(p);
			if (fml4cf_peek(p, 0) == ')') {
				fml4cf_next(p);
				break;
			}
			buf_reset(arg);
			if (!fml4cf_expr(p, arg, line))
				goto out;
			call.args = xrealloc(call.args, (call.nargs + 1) *
			    sizeof(*call.args));
			call.args[call.nargs++] = xstrdup(arg->data);
			fml4cf_ws(p);
			if (fml4cf_peek(p, 0) == ',')
				fml4cf_next(p);
			else if (fml4cf_peek(p, 0) != ')')
				goto out;
		}
	}
	if (!fml4cf_end(p))
		goto out;

	origin = fml4cf_origin(p, line);
	call.name = xstrdup(name->data);
	call.origin = origin;
	if (strcmp(call.name, "DEFINE_SUBJECT_TAG") == 0 && call.nargs > 0) {
		fml4cf_set(cf, "SUBJECT_TAG_TYPE", call.args[0], origin);
		call.handled = 1;
	}
	cf->call = xrealloc(cf->call, (cf->ncall + 1) * sizeof(*cf->call));
	cf->call[cf->ncall++] = call;
	call = (struct fml4cf_call){ .name = NULL };
	ok = 1;

out:
	while (call.nargs > 0)
		free(call.args[--call.nargs]);
	free(call.args);
	name = buf_free(name);
	arg = buf_free(arg);
	return ok;
}

/* fml4cf_statement - one statement; notes what is not understood */
static void
fml4cf_statement(struct fml4cf_p *p)
{
	struct buf *w = buf_alloc(16);
	size_t	 start = p->i;
	int	 line = p->line;
	int	 c = fml4cf_peek(p, 0);
	int	 ok = 0;

	p->cf->final_true = 0;
	if (c == ';') {
		fml4cf_next(p);
		ok = 1;
	} else if (c == '$') {
		ok = fml4cf_assign(p, line);
	} else if (c == '&') {
		ok = fml4cf_macro(p, line);
	} else if (isdigit(c)) {
		while (isdigit(fml4cf_peek(p, 0)))
			fml4cf_next(p);
		if ((ok = fml4cf_end(p)) != 0)
			p->cf->final_true = strncmp(p->s + start, "0", 1) != 0;
	} else if (fml4cf_ident(p, w) && (strcmp(w->data, "__END__") == 0 ||
	    strcmp(w->data, "__DATA__") == 0)) {
		p->stop = 1;
		ok = 1;
	}
	if (!ok)
		fml4cf_skip(p, start, line);
	w = buf_free(w);
}

/* fml4cf_parse - parse text (one file) into cf */
void
fml4cf_parse(struct fml4cf *cf, const char *text, size_t len,
    const char *label)
{
	struct fml4cf_p p = {
		.cf = cf, .s = text, .n = len, .line = 1, .label = label,
	};

	cf->final_true = 0;
	for (;;) {
		fml4cf_ws(&p);
		if (p.stop || p.i >= p.n)
			break;
		fml4cf_statement(&p);
	}
}

/* fml4cf_load - read and parse one file */
int
fml4cf_load(struct fml4cf *cf, const char *path, const char *label,
    int flags, struct buf *why)
{
	struct buf *text = buf_alloc(8192);
	char	 chunk[8192];
	size_t	 n;
	FILE	*fp;
	int	 status = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		text = buf_free(text);
		if (errno == ENOENT && (flags & FML4CF_MISSING_OK))
			return 0;
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
		return errno == ENOENT ? EX_NOINPUT : EX_IOERR;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (text->len + n > FML4CF_FILE_MAX) {
			BUF_WHY(why, "%s: larger than %d bytes", path,
			    FML4CF_FILE_MAX);
			status = EX_DATAERR;
			break;
		}
		buf_append(text, chunk, n);
	}
	if (status == 0 && ferror(fp)) {
		BUF_WHY(why, "read %s: %s", path, strerror(errno));
		status = EX_IOERR;
	}
	fclose(fp);
	if (status == 0)
		fml4cf_parse(cf, text->data, text->len, label);
	text = buf_free(text);
	return status;
}
