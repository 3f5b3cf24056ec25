/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	site - the site configuration and the lists it holds
 * SYNOPSIS
 *	#include "site.h"
 * DESCRIPTION
 *	site_open() picks the site directory (the argument, else
 *	MLM_CONFIG_DIR, else the compiled-in one) and reads main.cf over
 *	the site defaults of site_vars[]. Those are the known names of the
 *	site level; main.cf setting any other draws a cfg warning (see
 *	cfg_warnings(site->main)). config_dir always names the site
 *	directory. site_get() returns an expanded value.
 *
 *	site_parse_ml() splits "name@domain" or "name" (default_domain),
 *	checks both parts and folds both to lower case (Postfix compares
 *	alias keys case-insensitively, so Elena and elena are one list).
 *	A list name
 *	is 1-64 of [A-Za-z0-9._-], starting with a letter or digit, and not
 *	ending in -ctl, -admin, -request or -error, which would collide
 *	with the addresses of another list.
 *
 *	The ml_home_prefix map (ml_home_prefix_map, by default
 *	config_dir/ml_home_prefix) has "domain<TAB>dir" lines; any white
 *	space separates them, the directory is the rest of the line, "#"
 *	starts a comment line; an empty ml_home_prefix_map means no map.
 *	Domains compare case-insensitively and the first line for a domain
 *	counts. site_home_prefix() prefers the map
 *	and falls back to default_ml_home_prefix for the default domain.
 *	site_domain_add() and site_domain_remove() rewrite the map with
 *	cfg_file_write() (mode 0644 for a new map), keeping other lines.
 *	site_domains() lists the default domain, then the map's domains,
 *	in lower case and without duplicates; it returns NULL when the map
 *	cannot be read.
 *
 *	ml_locate() fills a struct ml from its name without touching the
 *	list; ml_open() also requires home/config.cf and loads the list's
 *	configuration: ml_name, ml_domain, ml_home_prefix, ml_home_dir,
 *	config_dir, executable_prefix and fml_owner are preset, then come
 *	the built-in defaults, config_dir/default_config.cf (optional) and
 *	home/config.cf. ml_load_config() replaces ml->cfg only when every
 *	layer loaded.
 * DIAGNOSTICS
 *	EX_USAGE for a malformed list name, domain or directory; EX_CONFIG
 *	for a main.cf that does not parse or lacks a needed setting;
 *	EX_DATAERR for an unknown domain or a map change that conflicts;
 *	EX_NOUSER "no such list: name@domain"; EX_TEMPFAIL when a file
 *	cannot be read.
 * BUGS
 *	The map is rewritten without a lock: two concurrent changes may
 *	lose one of them.
 *
 *	The fml8 list argument in the form of a home directory path is
 *	not accepted, nor is the old "virtual" map file.
 */

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "paths.h"
#include "site.h"
#include "xmem.h"

#define SITE_NAME_MAX	64		/* bytes in a list name */
#define SITE_DOMAIN_MAX	253		/* bytes in a domain */
#define SITE_QUOTE_MAX	80		/* bytes of input quoted in reasons */

/*
 * The site-level variables and their defaults. A NULL value is filled
 * in at run time; "literal" values are protected from expansion.
 */
static const struct site_var {
	const char	*name;
	const char	*value;
	int		 literal;
} site_vars[] = {
	{ .name = "default_ml_home_prefix", .value = "/var/spool/ml" },
	{ .name = "default_domain", .value = NULL },
	{ .name = "executable_prefix", .value = MLM_LIBEXECDIR,
	    .literal = 1 },
	{ .name = "fml_owner", .value = MLM_OWNER, .literal = 1 },
	{ .name = "fml_group", .value = "" },
	{ .name = "postfix_config_dir", .value = "" },
	{ .name = "postfix_command_dir", .value = "/usr/sbin" },
	{ .name = "postfix_local_domain", .value = "" },
	{ .name = "newml_command_ml_admin_default_address", .value = "" },
	{ .name = "ml_home_prefix_map", .value = "$config_dir/ml_home_prefix" },
};

static const char *const site_reserved[] = {
	"-ctl", "-admin", "-request", "-error",
};

/* One line of the ml_home_prefix map. */
struct site_map_line {
	char		*text;		/* the line, without its newline */
	char		*domain;	/* NULL for comments and junk */
	char		*dir;
};

struct site_map {
	struct site_map_line *line;
	size_t		 n;
	char		*path;
};

/* site_literal - a copy of s with "$" doubled, so that it expands to s */
static char *
site_literal(const char *s)
{
	struct buf *b;

	b = buf_alloc(strlen(s));
	for (; *s != '\0'; s++) {
		if (*s == '$')
			buf_putc(b, '$');
		buf_putc(b, *s);
	}
	return buf_steal(b);
}

/* site_set_literal - set a variable to a literal string */
static void
site_set_literal(struct cfg *cfg, const char *name, const char *value)
{
	char	*raw;

	raw = site_literal(value);
	cfg_set(cfg, name, raw);
	free(raw);
}

/* site_quote - printable, bounded copy of untrusted text for a reason */
static char *
site_quote(const char *s, size_t len)
{
	struct buf *b;
	size_t	 i;

	b = buf_alloc(len < SITE_QUOTE_MAX ? len : SITE_QUOTE_MAX);
	for (i = 0; i < len && i < SITE_QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		buf_putc(b, c < 0x20 || c >= 0x7f || c == '"' ? '?' : c);
	}
	if (len > SITE_QUOTE_MAX)
		buf_puts(b, "...");
	return buf_steal(b);
}

/* site_lower - a lower-case copy of an ASCII string */
static char *
site_lower(const char *s)
{
	char	*p, *copy;

	copy = xstrdup(s);
	for (p = copy; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return copy;
}

/* site_domain_ok - letters, digits, '-' and '.', no empty label */
static int
site_domain_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > SITE_DOMAIN_MAX || s[0] == '.' ||
	    s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.' && s[i + 1] == '.')
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/* site_name_ok - check a list name; NULL, or a detail for the reason */
static const char *
site_name_ok(const char *s, size_t len)
{
	size_t	 i, n;

	if (len == 0)
		return ": it is empty";
	if (len > SITE_NAME_MAX)
		return ": longer than 64 characters";
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '.' || c == '_' || c == '-'))
			continue;
		return "";
	}
	for (i = 0; i < sizeof(site_reserved) / sizeof(site_reserved[0]);
	    i++) {
		n = strlen(site_reserved[i]);
		if (len > n &&
		    strncasecmp(s + len - n, site_reserved[i], n) == 0)
			return ": names ending in -ctl, -admin, -request or "
			    "-error collide with the addresses of a list";
	}
	return NULL;
}

/* site_host_domain - the domain part of the host name, or "localhost" */
static char *
site_host_domain(void)
{
	char	 host[256];
	const char *dot;

	if (gethostname(host, sizeof(host)) < 0)
		return xstrdup("localhost");
	host[sizeof(host) - 1] = '\0';
	if ((dot = strchr(host, '.')) == NULL ||
	    !site_domain_ok(dot + 1, strlen(dot + 1)))
		return xstrdup("localhost");
	return site_lower(dot + 1);
}

/* site_set_defaults - declare the site variables with their defaults */
static void
site_set_defaults(struct site *site)
{
	const struct site_var *v;
	char	*value;
	size_t	 i;

	site_set_literal(site->main, "config_dir", site->confdir);
	for (i = 0; i < sizeof(site_vars) / sizeof(site_vars[0]); i++) {
		v = &site_vars[i];
		if (v->value == NULL)
			value = site_host_domain();
		else if (v->literal)
			value = site_literal(v->value);
		else
			value = xstrdup(v->value);
		cfg_declare(site->main, v->name, value);
		free(value);
	}
}

/* site_open - find the site directory and read its main.cf */
int
site_open(const char *confdir, struct site **sitep, struct buf *why)
{
	struct site *site;
	struct stat st;
	const char *env;
	char	*path = NULL;
	size_t	 len;
	int	 status;

	*sitep = NULL;
	if (confdir == NULL && (env = getenv("MLM_CONFIG_DIR")) != NULL &&
	    *env != '\0')
		confdir = env;
	if (confdir == NULL)
		confdir = MLM_CONFDIR;
	if (*confdir == '\0') {
		BUF_WHY(why, "empty configuration directory name");
		return EX_USAGE;
	}

	site = xcalloc(1, sizeof(*site));
	for (len = strlen(confdir); len > 1 && confdir[len - 1] == '/'; len--)
		;
	site->confdir = xstrndup(confdir, len);
	site->confdir_default = strcmp(site->confdir, MLM_CONFDIR) == 0;
	site->main = cfg_new();
	site_set_defaults(site);
	errno = 0;
	if (stat(site->confdir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		BUF_WHY(why, "site directory %s: %s", site->confdir,
		    errno ? strerror(errno) : "not a directory");
		status = EX_CONFIG;
		goto out;
	}

	path = xasprintf("%s/main.cf", site->confdir);
	if ((status = cfg_load_file(site->main, path, CFG_MISSING_OK,
	    why)) != 0)
		goto out;
	site_set_literal(site->main, "config_dir", site->confdir);
	*sitep = site;
	site = NULL;

out:
	free(path);
	site_free(site);
	return status;
}

/* site_free - destroy a site; returns a null pointer */
struct site *
site_free(struct site *site)
{
	if (site == NULL)
		return NULL;
	free(site->confdir);
	cfg_free(site->main);
	free(site);
	return NULL;
}

/* site_get - the expanded value of a site variable, NULL if undefined */
const char *
site_get(struct site *site, const char *name)
{
	return cfg_get(site->main, name);
}

/* site_parse_ml - split "name@domain" or "name" and check both parts */
int
site_parse_ml(struct site *site, const char *arg, char **namep,
    char **domainp, struct buf *why)
{
	const char *at, *domain, *reason;
	char	*q;
	size_t	 nlen;

	*namep = *domainp = NULL;
	at = strchr(arg, '@');
	nlen = at != NULL ? (size_t)(at - arg) : strlen(arg);
	if ((reason = site_name_ok(arg, nlen)) != NULL) {
		q = site_quote(arg, nlen);
		BUF_WHY(why, "bad list name \"%s\"%s", q, reason);
		free(q);
		return EX_USAGE;
	}

	if (at != NULL)
		domain = at + 1;
	else if ((domain = site_get(site, "default_domain")) == NULL ||
	    *domain == '\0') {
		BUF_WHY(why, "no default_domain in %s/main.cf", site->confdir);
		return EX_CONFIG;
	}
	if (!site_domain_ok(domain, strlen(domain))) {
		q = site_quote(domain, strlen(domain));
		BUF_WHY(why, "bad %sdomain \"%s\"", at ? "" : "default_",
		    q);
		free(q);
		return at != NULL ? EX_USAGE : EX_CONFIG;
	}

	*namep = xstrndup(arg, nlen);
	for (q = *namep; *q != '\0'; q++)
		*q = (char)tolower((unsigned char)*q);
	*domainp = site_lower(domain);
	return 0;
}

/* site_map_free - release a parsed map */
static void
site_map_free(struct site_map *map)
{
	size_t	 i;

	for (i = 0; i < map->n; i++) {
		free(map->line[i].text);
		free(map->line[i].domain);
		free(map->line[i].dir);
	}
	free(map->line);
	free(map->path);
	*map = (struct site_map){ .line = NULL };
}

/* site_map_parse - split a map line into domain and directory */
static void
site_map_parse(struct site_map_line *ml)
{
	const char *p = ml->text, *d, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#' || *p == '\0')
		return;
	for (d = p; *d != '\0' && *d != ' ' && *d != '\t'; d++)
		;
	for (e = d; *e == ' ' || *e == '\t'; e++)
		;
	if (*e == '\0')
		return;
	ml->domain = xstrndup(p, (size_t)(d - p));
	d = e + strlen(e);
	while (d > e && (d[-1] == ' ' || d[-1] == '\t' || d[-1] == '\r'))
		d--;
	ml->dir = xstrndup(e, (size_t)(d - e));
}

/* site_map_read - read the ml_home_prefix map; a missing one is empty */
static int
site_map_read(struct site *site, struct site_map *map, struct buf *why)
{
	const char *path;
	FILE	*fp;
	char	*line = NULL;
	size_t	 cap = 0, alloc = 0;
	ssize_t	 n;
	int	 status = 0;

	*map = (struct site_map){ .line = NULL };
	if ((path = site_get(site, "ml_home_prefix_map")) == NULL ||
	    *path == '\0')
		return 0;
	map->path = xstrdup(path);
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		BUF_WHY(why, "cannot open %s: %s", path, strerror(errno));
		site_map_free(map);
		return EX_TEMPFAIL;
	}

	while ((n = getline(&line, &cap, fp)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (map->n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			map->line = xrealloc(map->line,
			    alloc * sizeof(map->line[0]));
		}
		map->line[map->n] = (struct site_map_line){
			.text = xstrndup(line, (size_t)n) };
		site_map_parse(&map->line[map->n++]);
	}
	if (ferror(fp)) {
		BUF_WHY(why, "cannot read %s: %s", path, strerror(errno));
		status = EX_TEMPFAIL;
		site_map_free(map);
	}

	free(line);
	fclose(fp);
	return status;
}

/* site_map_find - the first line for a domain, or NULL */
static struct site_map_line *
site_map_find(struct site_map *map, const char *domain)
{
	size_t	 i;

	for (i = 0; i < map->n; i++)
		if (map->line[i].domain != NULL &&
		    strcasecmp(map->line[i].domain, domain) == 0)
			return &map->line[i];
	return NULL;
}

/* site_map_write - write the map back, skipping lines for a domain */
static int
site_map_write(struct site_map *map, const char *skip, const char *add,
    struct buf *why)
{
	struct buf *text;
	size_t	 i;
	int	 status;

	text = buf_alloc(1024);
	for (i = 0; i < map->n; i++) {
		if (skip != NULL && map->line[i].domain != NULL &&
		    strcasecmp(map->line[i].domain, skip) == 0)
			continue;
		buf_puts(text, map->line[i].text);
		buf_putc(text, '\n');
	}
	if (add != NULL)
		buf_puts(text, add);
	if (map->path == NULL) {
		BUF_WHY(why, "ml_home_prefix_map is empty");
		status = EX_CONFIG;
	} else
		status = cfg_file_write(map->path, text->data, text->len,
		    0644, why);
	buf_free(text);
	return status;
}

/* site_home_prefix - the ml_home_prefix of a domain */
int
site_home_prefix(struct site *site, const char *domain, char **prefixp,
    struct buf *why)
{
	struct site_map map;
	struct site_map_line *ml;
	const char *def;
	char	*q;
	int	 status;

	*prefixp = NULL;
	if ((status = site_map_read(site, &map, why)) != 0)
		return status;

	if ((ml = site_map_find(&map, domain)) != NULL)
		*prefixp = xstrdup(ml->dir);
	else if ((def = site_get(site, "default_domain")) != NULL &&
	    strcasecmp(def, domain) == 0) {
		def = site_get(site, "default_ml_home_prefix");
		if (def == NULL || *def == '\0') {
			BUF_WHY(why, "default_ml_home_prefix is empty in "
			    "%s/main.cf", site->confdir);
			status = EX_CONFIG;
		} else
			*prefixp = xstrdup(def);
	} else {
		q = site_quote(domain, strlen(domain));
		BUF_WHY(why, "unknown domain \"%s\": add it with makefml "
		    "newdomain", q);
		free(q);
		status = EX_DATAERR;
	}

	site_map_free(&map);
	return status;
}

/* site_dir_len - length of dir without trailing slashes (keeps "/") */
static size_t
site_dir_len(const char *dir)
{
	size_t	 len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		len--;
	return len;
}

/* site_domain_check - validate a domain argument */
static int
site_domain_check(const char *domain, struct buf *why)
{
	char	*q;

	if (site_domain_ok(domain, strlen(domain)))
		return 0;
	q = site_quote(domain, strlen(domain));
	BUF_WHY(why, "bad domain \"%s\"", q);
	free(q);
	return EX_USAGE;
}

/* site_domain_add - map a domain to a directory */
int
site_domain_add(struct site *site, const char *domain, const char *dir,
    struct buf *why)
{
	struct site_map map = { .line = NULL };
	struct site_map_line *ml;
	const char *p;
	char	*line = NULL, *lower = NULL, *q;
	size_t	 len;
	int	 status;

	if ((status = site_domain_check(domain, why)) != 0)
		return status;
	for (p = dir; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			break;
	if (dir[0] != '/' || *p != '\0') {
		q = site_quote(dir, strlen(dir));
		BUF_WHY(why, "bad directory \"%s\": it must be an absolute "
		    "path without control characters", q);
		free(q);
		return EX_USAGE;
	}
	len = site_dir_len(dir);

	if ((status = site_map_read(site, &map, why)) != 0)
		return status;
	if ((ml = site_map_find(&map, domain)) != NULL) {
		if (site_dir_len(ml->dir) != len ||
		    strncmp(ml->dir, dir, len) != 0) {
			BUF_WHY(why, "domain %s is already mapped to %s in %s",
			    ml->domain, ml->dir, map.path);
			status = EX_DATAERR;
		}
		goto out;
	}

	lower = site_lower(domain);
	line = xasprintf("%s\t%.*s\n", lower, (int)len, dir);
	status = site_map_write(&map, NULL, line, why);

out:
	free(line);
	free(lower);
	site_map_free(&map);
	return status;
}

/* site_domain_remove - remove a domain from the map */
int
site_domain_remove(struct site *site, const char *domain, struct buf *why)
{
	struct site_map map;
	int	 status;

	if ((status = site_domain_check(domain, why)) != 0)
		return status;
	if ((status = site_map_read(site, &map, why)) != 0)
		return status;
	if (site_map_find(&map, domain) == NULL) {
		BUF_WHY(why, "domain %s is not in %s", domain,
		    map.path != NULL ? map.path : "the ml_home_prefix map");
		status = EX_DATAERR;
	} else
		status = site_map_write(&map, domain, NULL, why);
	site_map_free(&map);
	return status;
}

/* site_domains_add - append a lower-cased domain unless it is there */
static void
site_domains_add(char ***list, size_t *n, const char *domain)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		if (strcasecmp((*list)[i], domain) == 0)
			return;
	*list = xrealloc(*list, (*n + 2) * sizeof(char *));
	(*list)[(*n)++] = site_lower(domain);
	(*list)[*n] = NULL;
}

/* site_domains - the default domain and the mapped ones */
char **
site_domains(struct site *site)
{
	struct site_map map;
	const char *def;
	char	**list;
	size_t	 i, n = 0;

	if (site_map_read(site, &map, NULL) != 0)
		return NULL;
	list = xcalloc(1, sizeof(char *));
	if ((def = site_get(site, "default_domain")) != NULL && *def != '\0')
		site_domains_add(&list, &n, def);
	for (i = 0; i < map.n; i++)
		if (map.line[i].domain != NULL)
			site_domains_add(&list, &n, map.line[i].domain);
	site_map_free(&map);
	return list;
}

/* ml_locate - name a list and find its home; nothing is checked on disk */
int
ml_locate(struct site *site, const char *arg, struct ml **mlp,
    struct buf *why)
{
	struct ml *ml;
	int	 status;

	*mlp = NULL;
	ml = xcalloc(1, sizeof(*ml));
	ml->site = site;
	if ((status = site_parse_ml(site, arg, &ml->name, &ml->domain,
	    why)) != 0)
		goto out;
	if ((status = site_home_prefix(site, ml->domain, &ml->home_prefix,
	    why)) != 0)
		goto out;
	ml->address = xasprintf("%s@%s", ml->name, ml->domain);
	ml->home = xasprintf("%.*s/%s", (int)site_dir_len(ml->home_prefix),
	    ml->home_prefix, ml->name);
	*mlp = ml;
	ml = NULL;

out:
	ml_free(ml);
	return status;
}

/* ml_open - locate an existing list and load its configuration */
int
ml_open(struct site *site, const char *arg, struct ml **mlp,
    struct buf *why)
{
	struct ml *ml;
	struct stat st;
	char	*path = NULL;
	int	 status;

	*mlp = NULL;
	if ((status = ml_locate(site, arg, &ml, why)) != 0)
		return status;

	path = ml_path(ml, "config.cf");
	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			BUF_WHY(why, "no such list: %s", ml->address);
			status = EX_NOUSER;
		} else {
			BUF_WHY(why, "cannot access %s: %s", path,
			    strerror(errno));
			status = EX_TEMPFAIL;
		}
		goto out;
	}
	if ((status = ml_load_config(ml, why)) != 0)
		goto out;
	*mlp = ml;
	ml = NULL;

out:
	free(path);
	ml_free(ml);
	return status;
}

/* ml_load_config - build the list's configuration from every layer */
int
ml_load_config(struct ml *ml, struct buf *why)
{
	struct cfg *cfg;
	const char *value;
	char	*path = NULL;
	int	 status;

	cfg = cfg_new();
	site_set_literal(cfg, "ml_name", ml->name);
	site_set_literal(cfg, "ml_domain", ml->domain);
	site_set_literal(cfg, "ml_home_prefix", ml->home_prefix);
	site_set_literal(cfg, "ml_home_dir", ml->home);
	site_set_literal(cfg, "config_dir", ml->site->confdir);
	if ((value = site_get(ml->site, "executable_prefix")) != NULL)
		site_set_literal(cfg, "executable_prefix", value);
	if ((value = site_get(ml->site, "fml_owner")) != NULL)
		site_set_literal(cfg, "fml_owner", value);

	if ((status = cfg_load_defaults(cfg, why)) != 0)
		goto out;
	path = xasprintf("%s/default_config.cf", ml->site->confdir);
	if ((status = cfg_load_file(cfg, path, CFG_MISSING_OK, why)) != 0)
		goto out;
	free(path);
	path = ml_path(ml, "config.cf");
	if ((status = cfg_load_file(cfg, path, 0, why)) != 0)
		goto out;
	cfg_check_refs(cfg);

	cfg_free(ml->cfg);
	ml->cfg = cfg;
	cfg = NULL;

out:
	free(path);
	cfg_free(cfg);
	return status;
}

/* ml_free - destroy a list handle (not its site); returns NULL */
struct ml *
ml_free(struct ml *ml)
{
	if (ml == NULL)
		return NULL;
	free(ml->name);
	free(ml->domain);
	free(ml->address);
	free(ml->home_prefix);
	free(ml->home);
	cfg_free(ml->cfg);
	free(ml);
	return NULL;
}

/* ml_path - a path inside the list's home, malloc'ed */
char *
ml_path(const struct ml *ml, const char *rel)
{
	return xasprintf("%s/%s", ml->home, rel);
}

/* ml_get - the expanded value of a list variable, NULL if undefined */
const char *
ml_get(struct ml *ml, const char *name)
{
	return ml->cfg != NULL ? cfg_get(ml->cfg, name) : NULL;
}
