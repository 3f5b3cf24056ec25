/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	aliasgen - Postfix alias and virtual map blocks for the lists
 * SYNOPSIS
 *	#include "aliasgen.h"
 * DESCRIPTION
 *	aliasgen_alias_block() gives a list's block for the aliases file:
 *	ML and ML-ctl go to the include files, ML-error too (bounces reach
 *	it because it is the envelope sender), ML-admin to the owner
 *	only, ML-request to ML-admin; ML and ML-error get an owner- alias.
 *	ML-ctl gets none on purpose: with Postfix's owner_request_special
 *	an owner-ML-ctl alias replaces the envelope sender of every
 *	command mail, and the command program could no longer tell a
 *	bounce (null sender) from a person. In a virtual domain every
 *	key is name=domain and aliasgen_virtual_block() maps each public
 *	address to that key at a domain Postfix delivers locally
 *	(aliasgen_local_domain()), so the tables work as written. No
 *	"domain anything" line is written: it is wrong when the domain is
 *	declared in virtual_alias_domains or mydestination, which is where
 *	"makefml check" asks for it.
 *
 *	aliasgen_include() gives the one line of an include file: the
 *	program by its full path, "-c confdir" when the site directory is
 *	not the compiled-in one (Postfix passes no environment), and the
 *	list address, in double quotes.
 *
 *	aliasgen_replace() replaces, appends or (block NULL) removes the
 *	block of one list; aliasgen_file_update() does the same to a file.
 *	aliasgen_key_taken() finds a key that a new list would define and
 *	that is already defined outside that list's block.
 *
 *	aliasgen_postfix_open() learns the Postfix parameters; _run() runs
 *	postalias or postmap on a map, _query() looks keys up in a table
 *	with one "postmap -q -". aliasgen_check() writes one line per
 *	requirement: "ok: ...", "need: ..." (something to change) or
 *	"warn: ...", and returns the number of "need" lines.
 * DIAGNOSTICS
 *	EX_DATAERR for a map source with an unterminated block or a name,
 *	domain or path that cannot be written into a map; EX_IOERR for
 *	file errors; EX_UNAVAILABLE when a Postfix program is missing;
 *	EX_SOFTWARE when it ran and failed (its output is in why).
 * BUGS
 *	The main.cf fallback knows the stock defaults of a few parameters
 *	only, and expands $name and ${name} but not ${name?value} forms.
 *	A map source is held in memory whole; it is refused over 64 MiB.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "aliasgen.h"
#include "buf.h"
#include "xmem.h"

#define AG_FILE_MAX	(64L * 1024 * 1024)
#define AG_OUTPUT_MAX	(64 * 1024)
#define AG_EXPAND_DEPTH	10

extern char **environ;

/* The parameters learnt from Postfix, with their stock defaults. */
static const struct {
	const char *name;
	const char *value;
} aliasgen_params[] = {
	{ "alias_maps", "hash:/etc/aliases" },
	{ "alias_database", "hash:/etc/aliases" },
	{ "allow_mail_to_commands", "alias, forward" },
	{ "virtual_maps", "" },
	{ "virtual_alias_maps", "$virtual_maps" },
	{ "virtual_alias_domains", "$virtual_alias_maps" },
	{ "mydestination", "$myhostname, localhost.$mydomain, localhost" },
	{ "myhostname", NULL },
	{ "mydomain", NULL },
	{ "recipient_delimiter", "" },
	{ "mailbox_size_limit", "51200000" },
	{ "default_database_type", "hash" },
};

#define AG_NPARAMS	(sizeof(aliasgen_params) / sizeof(aliasgen_params[0]))

struct aliasgen_postfix {
	char	*command_dir;
	char	*config_dir;		/* -c DIR, or NULL */
	const char *source;		/* "postconf", "main.cf", NULL */
	char	*values[AG_NPARAMS];
};

/* aliasgen_name_valid - may this list name appear in a map key? */
int
aliasgen_name_valid(const char *name, struct buf *why)
{
	const char *p;

	if (*name == '\0' || strlen(name) > 64) {
		BUF_WHY(why, "list name \"%s\": empty or over 64 characters",
		    name);
		return EX_DATAERR;
	}
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-", *p) == NULL)
			break;
	if (*p != '\0' || *name == '.' || *name == '-' || *name == '@') {
		BUF_WHY(why, "list name \"%s\": use letters, digits, '.', "
		    "'_' and '-' only, starting with a letter or digit", name);
		return EX_DATAERR;
	}
	return 0;
}

/* aliasgen_domain_valid - is this a plain DNS domain name? */
int
aliasgen_domain_valid(const char *domain, struct buf *why)
{
	const char *p;
	size_t	 label = 0;

	if (*domain == '\0' || strlen(domain) > 253)
		goto bad;
	for (p = domain; *p; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				goto bad;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			goto bad;
		if ((label == 0 && *p == '-') || ++label > 63)
			goto bad;
	}
	if (label == 0 || p[-1] == '-')
		goto bad;
	return 0;

bad:
	BUF_WHY(why, "domain \"%s\" is not a valid domain name", domain);
	return EX_DATAERR;
}

/* aliasgen_path_valid - can this path go into a map and a quoted line? */
int
aliasgen_path_valid(const char *path, struct buf *why)
{
	const char *p;

	if (*path != '/') {
		BUF_WHY(why, "path \"%s\" is not absolute", path);
		return EX_CONFIG;
	}
	for (p = path; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("/._-+=@~", *p) ==
		    NULL) {
			BUF_WHY(why, "path \"%s\": character '%c' cannot be "
			    "written into a Postfix map", path,
			    isprint((unsigned char)*p) ? *p : '?');
			return EX_CONFIG;
		}
	return 0;
}

/* aliasgen_key - one alias key: name+suffix, with =domain if virtual */
static void
aliasgen_key(const struct aliasgen_list *ml, const char *prefix,
    const char *suffix, struct buf *out)
{
	buf_printf(out, "%s%s%s", prefix, ml->name, suffix);
	if (ml->virtual)
		buf_printf(out, "=%s", ml->domain);
}

/* aliasgen_alias_line - "key: target" with the target an alias or text */
static void
aliasgen_alias_line(const struct aliasgen_list *ml, const char *prefix,
    const char *suffix, const char *fmt, const char *arg, struct buf *out)
{
	aliasgen_key(ml, prefix, suffix, out);
	buf_puts(out, ": ");
	buf_printf(out, fmt, arg);
	buf_putc(out, '\n');
}

/* aliasgen_marker - the begin or end line of a block */
static void
aliasgen_marker(const char *kind, const char *address, int end,
    struct buf *out)
{
	buf_printf(out, "### <%s%s %s ML> ###\n", end ? "/" : "", kind,
	    address);
}

/* aliasgen_alias_block - the list's block for the aliases file */
void
aliasgen_alias_block(const struct aliasgen_list *ml, struct buf *out)
{
	struct buf *t = buf_alloc(64);
	char	*address;

	address = xasprintf("%s@%s", ml->name, ml->domain);
	aliasgen_marker(AG_ALIASES, address, 0, out);

	aliasgen_alias_line(ml, "", "", ":include:%s/include", ml->home,
	    out);
	aliasgen_alias_line(ml, "owner-", "", "%s", ml->owner, out);
	aliasgen_alias_line(ml, "", "-ctl", ":include:%s/include-ctl",
	    ml->home, out);

	aliasgen_key(ml, "", "-admin", t);
	aliasgen_alias_line(ml, "", "-request", "%s", t->data, out);
	aliasgen_alias_line(ml, "", "-admin", "%s", ml->owner, out);

	aliasgen_alias_line(ml, "", "-error", ":include:%s/include-error",
	    ml->home, out);
	aliasgen_alias_line(ml, "owner-", "-error", "%s", ml->owner, out);

	aliasgen_marker(AG_ALIASES, address, 1, out);
	address = xfree(address);
	t = buf_free(t);
}

/* aliasgen_virtual_block - the list's block for the virtual map */
void
aliasgen_virtual_block(const struct aliasgen_list *ml, struct buf *out)
{
	static const char *const suffix[] = {
		"", "-ctl", "-request", "-admin", "-error",
	};
	char	*address;
	size_t	 i;

	address = xasprintf("%s@%s", ml->name, ml->domain);
	aliasgen_marker(AG_VIRTUAL, address, 0, out);
	buf_printf(out, "# %s is to be declared in virtual_alias_domains "
	    "or mydestination\n# (see makefml check), not by a \"%s "
	    "anything\" line here.\n", ml->domain, ml->domain);
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++)
		buf_printf(out, "%s%s@%s\t%s%s=%s@%s\n", ml->name, suffix[i],
		    ml->domain, ml->name, suffix[i], ml->domain,
		    ml->local_domain);
	aliasgen_marker(AG_VIRTUAL, address, 1, out);
	address = xfree(address);
}

/* aliasgen_include - the line of an include file */
void
aliasgen_include(const char *exec_prefix, const char *prog,
    const char *confdir, const char *address, struct buf *out)
{
	buf_printf(out, "\"|%s/%s", exec_prefix, prog);
	if (confdir != NULL)
		buf_printf(out, " -c %s", confdir);
	buf_printf(out, " %s\"\n", address);
}

/* aliasgen_keys - the keys a list's block defines in a map */
char  **
aliasgen_keys(const struct aliasgen_list *ml, const char *kind)
{
	static const char *const akeys[][2] = {
		{ "", "" }, { "owner-", "" }, { "", "-ctl" },
		{ "", "-request" }, { "", "-admin" },
		{ "", "-error" }, { "owner-", "-error" },
	};
	const size_t n = sizeof(akeys) / sizeof(akeys[0]);
	struct buf *t = buf_alloc(64);
	char	**keys;
	size_t	 i, j;

	keys = xcalloc(n + 1, sizeof(*keys));
	for (i = 0; i < n; i++) {
		if (strcmp(kind, AG_VIRTUAL) == 0) {
			if (*akeys[i][0] != '\0')
				continue;
			buf_set(t, "%s%s@%s", ml->name, akeys[i][1],
			    ml->domain);
		} else {
			buf_reset(t);
			aliasgen_key(ml, akeys[i][0], akeys[i][1], t);
		}
		keys[i] = xstrdup(t->data);
	}

	/* Close the gaps the virtual kind left. */
	for (i = 0, j = 0; i < n; i++)
		if (keys[i] != NULL)
			keys[j++] = keys[i];
	keys[j] = NULL;
	t = buf_free(t);
	return keys;
}

/* aliasgen_argv_free - free a NULL-terminated string array */
char  **
aliasgen_argv_free(char **argv)
{
	size_t	 i;

	if (argv != NULL) {
		for (i = 0; argv[i] != NULL; i++)
			free(argv[i]);
		free(argv);
	}
	return NULL;
}

/* aliasgen_line_is - does the line at p (up to end) equal want? */
static int
aliasgen_line_is(const char *p, const char *end, const char *want,
    size_t wlen)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t	 len = (size_t)((nl ? nl : end) - p);

	return len == wlen && memcmp(p, want, wlen) == 0;
}

/* aliasgen_next_line - the start of the line after p */
static const char *
aliasgen_next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

/* aliasgen_find - locate the next block of address at or after from */
static int
aliasgen_find(const char *text, size_t len, size_t from, const char *kind,
    const char *address, size_t *start, size_t *stop)
{
	const char *end = text + len;
	const char *p;
	char	*begin_m, *end_m;
	int	 found = 0;

	begin_m = xasprintf("### <%s %s ML> ###", kind, address);
	end_m = xasprintf("### </%s %s ML> ###", kind, address);
	for (p = text + from; p < end; p = aliasgen_next_line(p, end))
		if (aliasgen_line_is(p, end, begin_m, strlen(begin_m)))
			break;
	if (p >= end)
		goto out;
	*start = (size_t)(p - text);
	found = -1;
	for (p = aliasgen_next_line(p, end); p < end;
	    p = aliasgen_next_line(p, end))
		if (aliasgen_line_is(p, end, end_m, strlen(end_m))) {
			*stop = (size_t)(aliasgen_next_line(p, end) - text);
			found = 1;
			break;
		}

out:
	begin_m = xfree(begin_m);
	end_m = xfree(end_m);
	return found;
}

/* aliasgen_splice - replace text[start, stop) with repl */
static void
aliasgen_splice(struct buf *text, size_t start, size_t stop,
    const char *repl, size_t rlen)
{
	struct buf *t = buf_alloc(text->len + rlen);

	buf_append(t, text->data, start);
	buf_append(t, repl, rlen);
	buf_append(t, text->data + stop, text->len - stop);
	buf_reset(text);
	buf_append(text, t->data, t->len);
	t = buf_free(t);
}

/* aliasgen_replace - put block (or nothing) in place of address's block */
int
aliasgen_replace(struct buf *text, const char *kind, const char *address,
    const char *block, int *changed)
{
	size_t	 start = 0, stop = 0, from = 0;
	size_t	 blen = block ? strlen(block) : 0;
	int	 placed = 0;
	int	 found;
	char	*before;

	before = xstrndup(text->data, text->len);
	while ((found = aliasgen_find(text->data, text->len, from, kind,
	    address, &start, &stop)) != 0) {
		if (found < 0) {
			buf_reset(text);
			buf_puts(text, before);
			before = xfree(before);
			*changed = 0;
			return EX_DATAERR;
		}
		aliasgen_splice(text, start, stop, placed ? "" : block,
		    placed ? 0 : blen);
		from = start + (placed ? 0 : blen);
		placed = 1;
	}

	if (!placed && block != NULL) {
		if (text->len > 0 && text->data[text->len - 1] != '\n')
			buf_putc(text, '\n');
		buf_append(text, block, blen);
	}
	*changed = strlen(before) != text->len ||
	    memcmp(before, text->data, text->len) != 0;
	before = xfree(before);
	return 0;
}

/* aliasgen_blocks - the addresses of the blocks of one kind in text */
char  **
aliasgen_blocks(const char *text, size_t len, const char *kind)
{
	const char *end = text + len;
	const char *p, *q, *nl;
	char	**list;
	size_t	 n = 0, cap = 8;
	char	*head;
	size_t	 hlen;

	head = xasprintf("### <%s ", kind);
	hlen = strlen(head);
	list = xcalloc(cap, sizeof(*list));
	for (p = text; p < end; p = aliasgen_next_line(p, end)) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) <= hlen || memcmp(p, head, hlen) != 0)
			continue;
		for (q = p + hlen; q < nl && *q != ' '; q++)
			;
		if (nl - q != (long)strlen(" ML> ###") ||
		    memcmp(q, " ML> ###", 8) != 0)
			continue;
		if (n + 1 >= cap) {
			cap *= 2;
			list = xrealloc(list, cap * sizeof(*list));
		}
		list[n++] = xstrndup(p + hlen, (size_t)(q - p - hlen));
		list[n] = NULL;
	}
	head = xfree(head);
	return list;
}

/* aliasgen_line_key - the key of a map line, lower-cased, or NULL */
static char *
aliasgen_line_key(const char *p, const char *nl, int alias)
{
	const char *q;
	char	*key;
	size_t	 i;

	if (p == nl || *p == '#' || isspace((unsigned char)*p))
		return NULL;
	for (q = p; q < nl && !isspace((unsigned char)*q); q++)
		if (alias && *q == ':')
			break;
	if (alias && (q == nl || *q != ':'))
		return NULL;
	key = xstrndup(p, (size_t)(q - p));
	for (i = 0; key[i]; i++)
		key[i] = (char)tolower((unsigned char)key[i]);
	return key;
}

/* aliasgen_key_taken - a key of keys already defined outside skip's block */
const char *
aliasgen_key_taken(const char *text, size_t len, const char *kind,
    char **keys, const char *skip)
{
	const char *end = text + len;
	const char *p, *nl;
	const char *taken = NULL;
	char	*inside = NULL, *outside = NULL;
	char	*key;
	int	 in = 0;
	size_t	 i;

	if (skip != NULL) {
		inside = xasprintf("### <%s %s ML> ###", kind, skip);
		outside = xasprintf("### </%s %s ML> ###", kind, skip);
	}
	for (p = text; p < end && taken == NULL;
	    p = aliasgen_next_line(p, end)) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (skip != NULL && aliasgen_line_is(p, end, inside,
		    strlen(inside)))
			in = 1;
		else if (skip != NULL && aliasgen_line_is(p, end, outside,
		    strlen(outside)))
			in = 0;
		if (in || (key = aliasgen_line_key(p, nl,
		    strcmp(kind, AG_ALIASES) == 0)) == NULL)
			continue;
		for (i = 0; keys[i] != NULL; i++)
			if (strcasecmp(keys[i], key) == 0)
				taken = keys[i];
		key = xfree(key);
	}
	inside = xfree(inside);
	outside = xfree(outside);
	return taken;
}

/* aliasgen_words - split a parameter value at commas and white space */
char  **
aliasgen_words(const char *value)
{
	const char *p, *q;
	char	**words;
	size_t	 n = 0;

	words = xcalloc(strlen(value) / 2 + 2, sizeof(*words));
	for (p = value; *p; p = q) {
		while (*p && (*p == ',' || isspace((unsigned char)*p)))
			p++;
		for (q = p; *q && *q != ',' && !isspace((unsigned char)*q);
		    q++)
			;
		if (q > p)
			words[n++] = xstrndup(p, (size_t)(q - p));
	}
	words[n] = NULL;
	return words;
}

/* aliasgen_file_read - read a whole map source; missing means empty */
int
aliasgen_file_read(const char *path, struct buf *out, struct buf *why)
{
	char	 chunk[8192];
	ssize_t	 n;
	int	 fd;

	buf_reset(out);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			return 0;
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
		return EX_IOERR;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || out->len + (size_t)n > (size_t)AG_FILE_MAX) {
			BUF_WHY(why, "read %s: %s", path, n < 0 ?
			    strerror(errno) : "file over 64 MiB");
			close(fd);
			return EX_IOERR;
		}
		buf_append(out, chunk, (size_t)n);
	}
	close(fd);
	if (memchr(out->data, '\0', out->len) != NULL) {
		BUF_WHY(why, "%s holds a NUL byte: not a map source", path);
		return EX_DATAERR;
	}
	return 0;
}

/* aliasgen_mkdirs - create the parent directories of path, mode 0755 */
static int
aliasgen_mkdirs(const char *path, struct buf *why)
{
	char	*dir = xstrdup(path);
	char	*p;
	int	 status = 0;
	int	 last;

	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		goto out;
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		last = *p == '\0';
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			BUF_WHY(why, "mkdir %s: %s", dir, strerror(errno));
			status = EX_CANTCREAT;
			goto out;
		}
		if (last)
			break;
		*p = '/';
	}

out:
	dir = xfree(dir);
	return status;
}

/* aliasgen_file_write - replace a map source atomically, mode 0644 */
int
aliasgen_file_write(const char *path, const struct buf *text,
    struct buf *why)
{
	char	*tmp;
	size_t	 done = 0;
	ssize_t	 n;
	int	 fd = -1;
	int	 status;

	if ((status = aliasgen_mkdirs(path, why)) != 0)
		return status;
	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	status = EX_IOERR;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
	    0644)) < 0) {
		BUF_WHY(why, "create %s: %s", tmp, strerror(errno));
		status = EX_CANTCREAT;
		goto out;
	}
	while (done < text->len) {
		if ((n = write(fd, text->data + done, text->len - done)) < 0) {
			if (errno == EINTR)
				continue;
			BUF_WHY(why, "write %s: %s", tmp, strerror(errno));
			goto out;
		}
		done += (size_t)n;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		BUF_WHY(why, "fsync %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		BUF_WHY(why, "close %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		BUF_WHY(why, "rename %s: %s", tmp, strerror(errno));
		goto out;
	}
	status = 0;

out:
	if (fd >= 0)
		close(fd);
	if (status != 0)
		unlink(tmp);
	tmp = xfree(tmp);
	return status;
}

/* aliasgen_file_update - replace, append or remove one block in a file */
int
aliasgen_file_update(const char *path, const char *kind,
    const char *address, const char *block, int *changed, struct buf *why)
{
	struct buf *text = buf_alloc(4096);
	int	 status;

	*changed = 0;
	if ((status = aliasgen_file_read(path, text, why)) != 0)
		goto out;
	if (text->len == 0 && block == NULL)
		goto out;
	if ((status = aliasgen_replace(text, kind, address, block,
	    changed)) != 0) {
		BUF_WHY(why, "%s: the block of %s has no end marker; "
		    "fix the file by hand", path, address);
		goto out;
	}
	if (*changed)
		status = aliasgen_file_write(path, text, why);

out:
	text = buf_free(text);
	return status;
}

/* aliasgen_drain - read a pipe into a buffer, keeping at most a cap */
static void
aliasgen_drain(int fd, struct buf *out)
{
	char	 chunk[4096];
	ssize_t	 n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (out != NULL && out->len < AG_OUTPUT_MAX)
			buf_append(out, chunk, (size_t)n);
	}
}

/* aliasgen_closepipes - close the descriptors of up to three pipes */
static void
aliasgen_closepipes(int p[3][2])
{
	int	 i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 2; j++)
			if (p[i][j] >= 0) {
				close(p[i][j]);
				p[i][j] = -1;
			}
}

/* aliasgen_feed - write a short input to the child and close its stdin */
static void
aliasgen_feed(int fd, const char *in)
{
	size_t	 len = strlen(in), done = 0;
	ssize_t	 n;

	while (done < len) {
		if ((n = write(fd, in + done, len - done)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		done += (size_t)n;
	}
}

/*
 * aliasgen_exec - run argv with input on stdin (NULL: /dev/null), stdout
 * to out, stderr to err; the exit status, or -1. The input must fit in a
 * pipe buffer (a few lookup keys).
 */
static int
aliasgen_exec(char *const argv[], const char *in, struct buf *out,
    struct buf *err)
{
	int	 p[3][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	int	 wstatus, null;
	pid_t	 pid;

	if ((in != NULL && (strlen(in) > 4096 || pipe(p[0]) < 0)) ||
	    pipe(p[1]) < 0 || pipe(p[2]) < 0 || (pid = fork()) < 0) {
		aliasgen_closepipes(p);
		return -1;
	}
	if (pid == 0) {
		if (in != NULL)
			dup2(p[0][0], 0);
		else if ((null = open("/dev/null", O_RDONLY)) >= 0)
			dup2(null, 0);
		dup2(p[1][1], 1);
		dup2(p[2][1], 2);
		aliasgen_closepipes(p);
		execve(argv[0], argv, environ);
		_exit(127);
	}
	if (in != NULL) {
		close(p[0][0]);
		p[0][0] = -1;
		aliasgen_feed(p[0][1], in);
		close(p[0][1]);
		p[0][1] = -1;
	}
	close(p[1][1]);
	close(p[2][1]);
	aliasgen_drain(p[1][0], out);
	aliasgen_drain(p[2][0], err);
	close(p[1][0]);
	close(p[2][0]);
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	return 128 + (WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
}

/* aliasgen_program - the full path of a Postfix program, if executable */
static char *
aliasgen_program(const struct aliasgen_postfix *pf, const char *prog)
{
	static const char *const dirs[] = {
		"/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin",
	};
	char	*path;
	size_t	 i;

	if (pf->command_dir != NULL) {
		path = xasprintf("%s/%s", pf->command_dir, prog);
		if (access(path, X_OK) == 0)
			return path;
		return xfree(path);
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		path = xasprintf("%s/%s", dirs[i], prog);
		if (access(path, X_OK) == 0)
			return path;
		path = xfree(path);
	}
	return NULL;
}

/* aliasgen_argv - build "prog [-c dir] args..." for a Postfix program */
static char **
aliasgen_argv(const struct aliasgen_postfix *pf, char *path,
    const char *a1, const char *a2, const char *a3)
{
	char	**argv = xcalloc(8, sizeof(*argv));
	size_t	 n = 0;

	argv[n++] = path;
	if (pf->config_dir != NULL) {
		argv[n++] = (char *)"-c";
		argv[n++] = pf->config_dir;
	}
	argv[n++] = (char *)a1;
	if (a2 != NULL)
		argv[n++] = (char *)a2;
	if (a3 != NULL)
		argv[n++] = (char *)a3;
	argv[n] = NULL;
	return argv;
}

/* aliasgen_trim - the first line of a program's output, for a message */
static const char *
aliasgen_trim(struct buf *b)
{
	char	*nl;

	if ((nl = memchr(b->data, '\n', b->len)) != NULL)
		buf_truncate(b, (size_t)(nl - b->data));
	return b->data;
}

/* aliasgen_param_index - the slot of a parameter, or -1 */
static int
aliasgen_param_index(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < AG_NPARAMS; i++)
		if (strlen(aliasgen_params[i].name) == len &&
		    strncmp(aliasgen_params[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* aliasgen_postconf - learn every parameter from one postconf run */
static int
aliasgen_postconf(struct aliasgen_postfix *pf, struct buf *why)
{
	struct buf *out = buf_alloc(1024), *err = buf_alloc(256);
	char	*argv[AG_NPARAMS + 6];
	char	*path, *p, *nl;
	size_t	 i, n = 0;
	int	 status = EX_UNAVAILABLE;
	int	 rc;

	if ((path = aliasgen_program(pf, "postconf")) == NULL) {
		BUF_WHY(why, "postconf not found");
		goto out;
	}
	argv[n++] = path;
	if (pf->config_dir != NULL) {
		argv[n++] = (char *)"-c";
		argv[n++] = pf->config_dir;
	}
	argv[n++] = (char *)"-h";
	argv[n++] = (char *)"-x";
	for (i = 0; i < AG_NPARAMS; i++)
		argv[n++] = (char *)aliasgen_params[i].name;
	argv[n] = NULL;
	if ((rc = aliasgen_exec(argv, NULL, out, err)) != 0) {
		BUF_WHY(why, "postconf failed (status %d): %s", rc,
		    aliasgen_trim(err));
		goto out;
	}

	for (i = 0, p = out->data; i < AG_NPARAMS; i++, p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL) {
			BUF_WHY(why, "postconf printed %zu values, not %zu",
			    i, AG_NPARAMS);
			goto out;
		}
		pf->values[i] = xstrndup(p, (size_t)(nl - p));
	}
	pf->source = "postconf";
	status = 0;

out:
	if (status != 0)
		for (i = 0; i < AG_NPARAMS; i++)
			pf->values[i] = xfree(pf->values[i]);
	path = xfree(path);
	out = buf_free(out);
	err = buf_free(err);
	return status;
}

/* aliasgen_maincf_set - record one "name = value" of main.cf */
static void
aliasgen_maincf_set(char **raw, const char *line, size_t len)
{
	const char *eq = memchr(line, '=', len);
	const char *end = line + len;
	const char *ne, *v;
	int	 i;

	if (eq == NULL)
		return;
	for (ne = eq; ne > line && isspace((unsigned char)ne[-1]); ne--)
		;
	if ((i = aliasgen_param_index(line, (size_t)(ne - line))) < 0)
		return;
	for (v = eq + 1; v < end && isspace((unsigned char)*v); v++)
		;
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	free(raw[i]);
	raw[i] = xstrndup(v, (size_t)(end - v));
}

/* aliasgen_maincf_parse - the raw values main.cf sets, later lines win */
static void
aliasgen_maincf_parse(const struct buf *text, char **raw)
{
	struct buf *line = buf_alloc(256);
	const char *p = text->data, *end = text->data + text->len;
	const char *nl;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (p < nl && isspace((unsigned char)*p) && line->len > 0) {
			buf_putc(line, ' ');
			buf_append(line, p, (size_t)(nl - p));
			continue;
		}
		if (line->len > 0)
			aliasgen_maincf_set(raw, line->data, line->len);
		buf_reset(line);
		if (p < nl && *p != '#' && !isspace((unsigned char)*p))
			buf_append(line, p, (size_t)(nl - p));
	}
	if (line->len > 0)
		aliasgen_maincf_set(raw, line->data, line->len);
	line = buf_free(line);
}

/* aliasgen_expand - expand $name and ${name} in a main.cf value */
static void
aliasgen_expand(char **raw, const char *value, int depth, struct buf *out)
{
	const char *p, *q;
	int	 i;

	for (p = value; *p; p++) {
		if (*p != '$' || depth > AG_EXPAND_DEPTH) {
			buf_putc(out, *p);
			continue;
		}
		if (p[1] == '{' || p[1] == '(') {
			q = strchr(p + 2, p[1] == '{' ? '}' : ')');
			if (q == NULL)
				break;
			i = aliasgen_param_index(p + 2, (size_t)(q - p - 2));
			p = q;
		} else {
			for (q = p + 1; isalnum((unsigned char)*q) ||
			    *q == '_'; q++)
				;
			i = aliasgen_param_index(p + 1, (size_t)(q - p - 1));
			p = q - 1;
		}
		if (i >= 0 && raw[i] != NULL)
			aliasgen_expand(raw, raw[i], depth + 1, out);
	}
}

/* aliasgen_hostnames - the stock myhostname and mydomain */
static void
aliasgen_hostnames(char **raw)
{
	char	 host[256];
	int	 ih = aliasgen_param_index("myhostname", 10);
	int	 id = aliasgen_param_index("mydomain", 8);
	const char *dot;

	if (raw[ih] == NULL) {
		if (gethostname(host, sizeof(host)) < 0)
			strcpy(host, "localhost");
		host[sizeof(host) - 1] = '\0';
		raw[ih] = strchr(host, '.') ? xstrdup(host) :
		    xasprintf("%s.localdomain", host);
	}
	if (raw[id] == NULL) {
		dot = strchr(raw[ih], '.');
		raw[id] = xstrdup(dot && dot[1] ? dot + 1 : "localdomain");
	}
}

/* aliasgen_maincf - learn the parameters from main.cf and the defaults */
static void
aliasgen_maincf(struct aliasgen_postfix *pf, struct buf *why)
{
	struct buf *text = buf_alloc(4096), *t = buf_alloc(256);
	char	*raw[AG_NPARAMS] = { NULL };
	char	*path;
	size_t	 i;

	path = xasprintf("%s/main.cf", pf->config_dir ? pf->config_dir :
	    "/etc/postfix");
	if (aliasgen_file_read(path, text, t) == 0 && text->len > 0) {
		aliasgen_maincf_parse(text, raw);
		pf->source = "main.cf";
		if (why != NULL)
			buf_printf(why, "; read %s", path);
	} else if (why != NULL)
		buf_printf(why, "; no %s: Postfix stock defaults assumed",
		    path);
	for (i = 0; i < AG_NPARAMS; i++)
		if (raw[i] == NULL && aliasgen_params[i].value != NULL)
			raw[i] = xstrdup(aliasgen_params[i].value);
	aliasgen_hostnames(raw);
	for (i = 0; i < AG_NPARAMS; i++) {
		buf_reset(t);
		aliasgen_expand(raw, raw[i], 0, t);
		pf->values[i] = xstrdup(t->data);
	}
	for (i = 0; i < AG_NPARAMS; i++)
		free(raw[i]);
	path = xfree(path);
	text = buf_free(text);
	t = buf_free(t);
}

/* aliasgen_postfix_open - learn the Postfix parameters */
int
aliasgen_postfix_open(const char *command_dir, const char *config_dir,
    struct aliasgen_postfix **pfp, struct buf *why)
{
	struct aliasgen_postfix *pf;
	int	 status;

	pf = xcalloc(1, sizeof(*pf));
	if (command_dir != NULL && *command_dir != '\0')
		pf->command_dir = xstrdup(command_dir);
	if (config_dir != NULL && *config_dir != '\0')
		pf->config_dir = xstrdup(config_dir);
	if ((status = aliasgen_postconf(pf, why)) != 0)
		aliasgen_maincf(pf, why);
	*pfp = pf;
	return status;
}

/* aliasgen_postfix_free - release a Postfix handle */
struct aliasgen_postfix *
aliasgen_postfix_free(struct aliasgen_postfix *pf)
{
	size_t	 i;

	if (pf != NULL) {
		for (i = 0; i < AG_NPARAMS; i++)
			free(pf->values[i]);
		free(pf->command_dir);
		free(pf->config_dir);
		free(pf);
	}
	return NULL;
}

/* aliasgen_postfix_source - where the values came from, or NULL */
const char *
aliasgen_postfix_source(const struct aliasgen_postfix *pf)
{
	return pf->source;
}

/* aliasgen_postfix_get - the expanded value of a parameter, or NULL */
const char *
aliasgen_postfix_get(const struct aliasgen_postfix *pf, const char *name)
{
	int	 i = aliasgen_param_index(name, strlen(name));

	return i < 0 ? NULL : pf->values[i];
}

/* aliasgen_postfix_dbtype - the map type for postalias and postmap */
const char *
aliasgen_postfix_dbtype(const struct aliasgen_postfix *pf)
{
	const char *t = aliasgen_postfix_get(pf, "default_database_type");

	return t != NULL && *t != '\0' ? t : "hash";
}

/* aliasgen_postfix_run - run postalias or postmap on a map source */
int
aliasgen_postfix_run(const struct aliasgen_postfix *pf, const char *prog,
    const char *file, struct buf *why)
{
	struct buf *err = buf_alloc(256);
	char	**argv;
	char	*path, *map;
	int	 rc;
	int	 status = 0;

	if ((path = aliasgen_program(pf, prog)) == NULL) {
		BUF_WHY(why, "%s not found%s%s", prog, pf->command_dir ?
		    " in " : "", pf->command_dir ? pf->command_dir : "");
		err = buf_free(err);
		return EX_UNAVAILABLE;
	}
	map = xasprintf("%s:%s", aliasgen_postfix_dbtype(pf), file);
	argv = aliasgen_argv(pf, path, map, NULL, NULL);
	if ((rc = aliasgen_exec(argv, NULL, err, err)) != 0) {
		BUF_WHY(why, "%s %s failed (status %d): %s", prog, map, rc,
		    err->len ? aliasgen_trim(err) : "no output");
		status = EX_SOFTWARE;
	}
	free(argv);
	path = xfree(path);
	map = xfree(map);
	err = buf_free(err);
	return status;
}

/* aliasgen_output_has - does postmap -q output have a line for key? */
static int
aliasgen_output_has(const char *out, const char *key)
{
	size_t	 len = strlen(key);
	const char *line;

	for (line = out; line != NULL && *line != '\0'; line++) {
		if (strncasecmp(line, key, len) == 0 &&
		    (line[len] == '\t' || line[len] == ' '))
			return 1;
		if ((line = strchr(line, '\n')) == NULL)
			break;
	}
	return 0;
}

/*
 * aliasgen_postfix_query - the first of keys that table holds, or NULL
 * (also when the table cannot be read), with one postmap run.
 */
const char *
aliasgen_postfix_query(const struct aliasgen_postfix *pf, char **keys,
    const char *table)
{
	struct buf *in = buf_alloc(256), *out = buf_alloc(256);
	const char *found = NULL;
	char	**argv;
	char	*path;
	size_t	 i;

	if ((path = aliasgen_program(pf, "postmap")) == NULL)
		goto out;
	for (i = 0; keys[i] != NULL; i++)
		buf_printf(in, "%s\n", keys[i]);
	argv = aliasgen_argv(pf, path, "-q", "-", table);
	if (aliasgen_exec(argv, in->data, out, NULL) == 0)
		for (i = 0; keys[i] != NULL && found == NULL; i++)
			if (aliasgen_output_has(out->data, keys[i]))
				found = keys[i];
	free(argv);

out:
	path = xfree(path);
	in = buf_free(in);
	out = buf_free(out);
	return found;
}

/* aliasgen_has_word - is word (case-insensitive) among words? */
static int
aliasgen_has_word(char **words, const char *word)
{
	size_t	 i;

	for (i = 0; words[i] != NULL; i++)
		if (strcasecmp(words[i], word) == 0)
			return 1;
	return 0;
}

/* aliasgen_local_domain - a domain that Postfix delivers locally */
char   *
aliasgen_local_domain(const struct aliasgen_postfix *pf,
    const char *override, char **virtual_domains)
{
	const char *v;
	char	**words;
	char	*found = NULL;
	size_t	 i;

	if (override != NULL && *override != '\0')
		return xstrdup(override);
	if ((v = aliasgen_postfix_get(pf, "mydestination")) != NULL) {
		words = aliasgen_words(v);
		for (i = 0; words[i] != NULL && found == NULL; i++)
			if (strchr(words[i], ':') == NULL &&
			    strchr(words[i], '/') == NULL &&
			    (virtual_domains == NULL ||
			    !aliasgen_has_word(virtual_domains, words[i])))
				found = xstrdup(words[i]);
		words = aliasgen_argv_free(words);
		if (found != NULL)
			return found;
	}
	v = aliasgen_postfix_get(pf, "myhostname");
	return xstrdup(v != NULL && *v != '\0' ? v : "localhost");
}

/* aliasgen_map_listed - does a parameter value name TYPE:path? */
int
aliasgen_map_listed(const char *value, const char *path)
{
	char	**words = aliasgen_words(value);
	const char *colon;
	int	 found = 0;
	size_t	 i;

	for (i = 0; words[i] != NULL && !found; i++)
		if ((colon = strchr(words[i], ':')) != NULL &&
		    strcmp(colon + 1, path) == 0)
			found = 1;
	words = aliasgen_argv_free(words);
	return found;
}

/* aliasgen_in_domains - is domain in a domain-list parameter? */
static int
aliasgen_in_domains(const struct aliasgen_postfix *pf, const char *param,
    const char *domain)
{
	const char *v = aliasgen_postfix_get(pf, param);
	char	*one[2] = { (char *)domain, NULL };
	char	**words;
	int	 found = 0;
	size_t	 i;

	if (v == NULL)
		return 0;
	words = aliasgen_words(v);
	for (i = 0; words[i] != NULL && !found; i++) {
		if (strchr(words[i], ':') != NULL)
			found = aliasgen_postfix_query(pf, one,
			    words[i]) != NULL;
		else
			found = strcasecmp(words[i], domain) == 0;
	}
	words = aliasgen_argv_free(words);
	return found;
}

/* aliasgen_report - one line of the check report; counts the needs */
static void
aliasgen_report(struct buf *out, int *needs, const char *level,
    const char *fmt, ...)
{
	va_list	 ap;

	if (strcmp(level, "need") == 0)
		(*needs)++;
	buf_printf(out, "%s: ", level);
	va_start(ap, fmt);
	buf_vprintf(out, fmt, ap);
	va_end(ap);
	buf_putc(out, '\n');
}

/* aliasgen_check_param - one map parameter must name every file */
static void
aliasgen_check_param(const struct aliasgen_postfix *pf, const char *param,
    const char **files, size_t n, struct buf *out, int *needs)
{
	const char *type = aliasgen_postfix_dbtype(pf);
	const char *v = aliasgen_postfix_get(pf, param);
	struct buf *add = buf_alloc(256);
	size_t	 i, j;

	if (v == NULL)
		v = "";
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(files[j], files[i]) == 0)
				break;
		if (j < i)
			continue;
		if (aliasgen_map_listed(v, files[i]))
			aliasgen_report(out, needs, "ok", "%s has %s", param,
			    files[i]);
		else
			buf_printf(add, "%s%s:%s", *v || add->len ? ", " : "",
			    type, files[i]);
	}
	if (add->len > 0)
		aliasgen_report(out, needs, "need", "%s = %s%s", param, v,
		    add->data);
	add = buf_free(add);
}

/* aliasgen_check_maps - alias_maps and virtual_alias_maps */
static void
aliasgen_check_maps(const struct aliasgen_postfix *pf,
    const struct aliasgen_map *maps, size_t nmaps, struct buf *out,
    int *needs)
{
	const char **files = xcalloc(nmaps + 1, sizeof(*files));
	size_t	 i, n;

	for (i = 0; i < nmaps; i++)
		files[i] = maps[i].alias_file;
	aliasgen_check_param(pf, "alias_maps", files, nmaps, out, needs);
	for (i = n = 0; i < nmaps; i++)
		if (maps[i].virtual_file != NULL)
			files[n++] = maps[i].virtual_file;
	aliasgen_check_param(pf, "virtual_alias_maps", files, n, out, needs);
	free(files);
}

/* aliasgen_check_domains - where each list domain is declared */
static void
aliasgen_check_domains(const struct aliasgen_postfix *pf,
    const struct aliasgen_map *maps, size_t nmaps, struct buf *out,
    int *needs)
{
	int	 dest, valias;
	size_t	 i;

	for (i = 0; i < nmaps; i++) {
		dest = aliasgen_in_domains(pf, "mydestination",
		    maps[i].domain);
		if (maps[i].virtual_file == NULL) {
			if (dest)
				aliasgen_report(out, needs, "ok", "%s is in "
				    "mydestination", maps[i].domain);
			else
				aliasgen_report(out, needs, "need", "add %s "
				    "to mydestination (the default domain is "
				    "delivered by the aliases file)",
				    maps[i].domain);
			continue;
		}
		valias = aliasgen_in_domains(pf, "virtual_alias_domains",
		    maps[i].domain);
		if (valias && dest)
			aliasgen_report(out, needs, "need", "%s is in both "
			    "mydestination and virtual_alias_domains: keep it "
			    "in virtual_alias_domains only", maps[i].domain);
		else if (valias || dest)
			aliasgen_report(out, needs, "ok", "%s is in %s",
			    maps[i].domain, valias ? "virtual_alias_domains" :
			    "mydestination");
		else
			aliasgen_report(out, needs, "need", "add %s to "
			    "virtual_alias_domains", maps[i].domain);
	}
}

/* aliasgen_check_size - mailbox_size_limit against the stores */
static void
aliasgen_check_size(const struct aliasgen_postfix *pf,
    const struct aliasgen_store *stores, size_t nstores, struct buf *out,
    int *needs)
{
	const char *v = aliasgen_postfix_get(pf, "mailbox_size_limit");
	unsigned long long limit;
	size_t	 i, largest = 0, map = 0;

	limit = strtoull(v ? v : "51200000", NULL, 10);
	if (limit == 0) {
		aliasgen_report(out, needs, "ok", "mailbox_size_limit = 0: "
		    "list stores may grow");
		return;
	}
	for (i = 0; i < nstores; i++) {
		if (stores[i].size > largest)
			largest = stores[i].size;
		if (stores[i].map_size > map)
			map = stores[i].map_size;
		if (stores[i].size > limit / 2)
			aliasgen_report(out, needs, "need", "%s: store %s is "
			    "%zu bytes, over half of mailbox_size_limit = %llu:"
			    " set mailbox_size_limit = 0 or larger", stores[i]
			    .address, stores[i].path, stores[i].size, limit);
	}
	aliasgen_report(out, needs, "warn", "mailbox_size_limit = %llu also "
	    "caps every file a list program writes, the stores included "
	    "(largest now %zu bytes, db_map_size up to %zu): set "
	    "mailbox_size_limit = 0 or larger", limit, largest, map);
}

/* aliasgen_check - report what Postfix still needs for the lists */
int
aliasgen_check(const struct aliasgen_postfix *pf,
    const struct aliasgen_map *maps, size_t nmaps,
    const struct aliasgen_store *stores, size_t nstores, struct buf *out)
{
	const char *v;
	char	**words;
	int	 needs = 0;

	aliasgen_check_maps(pf, maps, nmaps, out, &needs);

	v = aliasgen_postfix_get(pf, "allow_mail_to_commands");
	words = aliasgen_words(v ? v : "");
	if (aliasgen_has_word(words, "include"))
		aliasgen_report(out, &needs, "ok", "allow_mail_to_commands "
		    "has include");
	else
		aliasgen_report(out, &needs, "need", "allow_mail_to_commands "
		    "= alias, forward, include (now \"%s\")", v ? v : "");
	words = aliasgen_argv_free(words);

	aliasgen_check_domains(pf, maps, nmaps, out, &needs);

	v = aliasgen_postfix_get(pf, "recipient_delimiter");
	if (v != NULL && strchr(v, '+') != NULL)
		aliasgen_report(out, &needs, "ok", "recipient_delimiter has "
		    "+");
	else
		aliasgen_report(out, &needs, "need", "recipient_delimiter = + "
		    "(now \"%s\"): extension addresses such as "
		    "ML-error+ADDR reach the lists only then", v ? v : "");

	aliasgen_check_size(pf, stores, nstores, out, &needs);
	return needs;
}
