/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	test_site - unit tests of the site configuration and list lookup
 * DESCRIPTION
 *	Builds a site directory, a spool and list homes in a mkdtemp(3)
 *	directory and checks main.cf, MLM_CONFIG_DIR, list names, the
 *	ml_home_prefix map and its editing, and opening lists.
 */

#include <sys/stat.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "check.h"
#include "paths.h"
#include "site.h"
#include "xmem.h"

static char *tmpdir;
static char *confdir;
static char *spooldir;

/* rm_entry - nftw callback removing one entry */
static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)type;
	(void)f;
	return remove(path);
}

/* write_file - create a fixture file with exact content */
static void
write_file(const char *path, const char *text)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, fp);
	fclose(fp);
}

/* read_file - the content of a file, malloc'ed; NULL if unreadable */
static char *
read_file(const char *path)
{
	struct buf *b;
	FILE	*fp;
	char	 chunk[1024];
	size_t	 n;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	b = buf_alloc(1024);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(b, chunk, n);
	fclose(fp);
	return buf_steal(b);
}

/* write_at - write a fixture file named relative to a directory */
static void
write_at(const char *dir, const char *rel, const char *text)
{
	char	*path;

	path = xasprintf("%s/%s", dir, rel);
	write_file(path, text);
	free(path);
}

/* open_site - site_open on the fixture directory, or exit */
static struct site *
open_site(void)
{
	struct site *site;
	struct buf *why;

	why = buf_alloc(0);
	if (site_open(confdir, &site, why) != 0) {
		printf("Bail out! site_open: %s\n", buf_str(why));
		exit(2);
	}
	buf_free(why);
	return site;
}

/* test_main_cf - site defaults, main.cf, warnings */
static void
test_main_cf(void)
{
	struct site *site;
	struct buf *why;
	const char **w;
	char	*s, *main_cf;
	int	 rc;

	why = buf_alloc(0);
	main_cf = xasprintf("# site\n"
	    "default_domain = Example.ORG\n"
	    "default_ml_home_prefix = /nonexistent\n"
	    "default_ml_home_prefix = %s\n"
	    "bogus_site = 1\n"
	    "fml_group = \n"
	    "\tmlm\n", spooldir);
	write_at(confdir, "main.cf", main_cf);
	free(main_cf);

	site = open_site();
	CHECK_STR(site->confdir, confdir, "main.cf: confdir");
	CHECK(site->confdir_default == 0, "main.cf: not the default dir");
	CHECK_STR(site_get(site, "default_ml_home_prefix"), spooldir,
	    "main.cf: later lines win");
	CHECK_STR(site_get(site, "default_domain"), "Example.ORG",
	    "main.cf: default_domain as written");
	CHECK_STR(site_get(site, "fml_group"), "mlm",
	    "main.cf: continuation");
	CHECK_STR(site_get(site, "executable_prefix"), MLM_LIBEXECDIR,
	    "main.cf: executable_prefix default");
	CHECK_STR(site_get(site, "fml_owner"), MLM_OWNER,
	    "main.cf: fml_owner default");
	CHECK_STR(site_get(site, "postfix_command_dir"), "/usr/sbin",
	    "main.cf: postfix_command_dir default");
	CHECK_STR(site_get(site, "postfix_config_dir"), "",
	    "main.cf: postfix_config_dir default");
	CHECK_STR(site_get(site, "config_dir"), confdir,
	    "main.cf: config_dir");
	s = xasprintf("%s/ml_home_prefix", confdir);
	CHECK_STR(site_get(site, "ml_home_prefix_map"), s,
	    "main.cf: map in config_dir");
	free(s);
	w = cfg_warnings(site->main);
	s = xasprintf("%s/main.cf:5: unknown variable bogus_site", confdir);
	CHECK_STR(w[0], s, "main.cf: warning for an unknown variable");
	CHECK(w[0] != NULL && w[1] == NULL, "main.cf: one warning");
	free(s);
	site_free(site);

	s = xasprintf("%s/bad", tmpdir);
	mkdir(s, 0700);
	write_at(s, "main.cf", "x = 1\nno operator\n");
	rc = site_open(s, &site, why);
	CHECK(rc == EX_CONFIG && site == NULL, "main.cf: syntax error");
	CHECK(strstr(buf_str(why), "main.cf:2:") != NULL,
	    "main.cf: reason \"%s\"", buf_str(why));
	free(s);

	s = xasprintf("%s/empty", tmpdir);
	mkdir(s, 0700);
	rc = site_open(s, &site, why);
	CHECK(rc == 0, "no main.cf is fine");
	if (rc == 0) {
		CHECK(site_get(site, "default_domain") != NULL &&
		    *site_get(site, "default_domain") != '\0',
		    "default_domain defaults to something (%s)",
		    site_get(site, "default_domain"));
		CHECK_STR(site_get(site, "default_ml_home_prefix"),
		    "/var/spool/ml", "default_ml_home_prefix default");
		site_free(site);
	}
	free(s);
	buf_free(why);
}

/* test_confdir - argument, MLM_CONFIG_DIR, compiled-in default */
static void
test_confdir(void)
{
	static const struct {
		const char	*what;
		const char	*env;		/* NULL: unset */
		int		 arg;		/* pass confdir as argument */
		const char	*suffix;	/* added to the env value */
		int		 want_default;
	} cases[] = {
		{ .what = "env", .env = "fixture", .want_default = 0 },
		{ .what = "env trailing slash", .env = "fixture",
		    .suffix = "//", .want_default = 0 },
		{ .what = "argument beats env", .env = "/nonexistent",
		    .arg = 1, .want_default = 0 },
		{ .what = "unset", .env = NULL, .want_default = 1 },
		{ .what = "empty env", .env = "", .want_default = 1 },
	};
	struct site *site;
	struct buf *why;
	char	*env;
	size_t	 i;
	int	 rc;

	why = buf_alloc(0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].env == NULL)
			unsetenv("MLM_CONFIG_DIR");
		else {
			env = xasprintf("%s%s",
			    strcmp(cases[i].env, "fixture") == 0 ? confdir :
			    cases[i].env,
			    cases[i].suffix ? cases[i].suffix : "");
			setenv("MLM_CONFIG_DIR", env, 1);
			free(env);
		}
		rc = site_open(cases[i].arg ? confdir : NULL, &site, why);
		if (cases[i].want_default && access(MLM_CONFDIR, F_OK) != 0) {
			CHECK(rc == EX_CONFIG, "confdir %s: compiled-in %s "
			    "missing: EX_CONFIG (%s)", cases[i].what,
			    MLM_CONFDIR, buf_str(why));
			continue;
		}
		CHECK(rc == 0, "confdir %s: opens (%s)", cases[i].what,
		    buf_str(why));
		if (rc != 0)
			continue;
		CHECK_STR(site->confdir, cases[i].want_default ? MLM_CONFDIR :
		    confdir, "confdir %s", cases[i].what);
		CHECK(site->confdir_default == cases[i].want_default,
		    "confdir %s: confdir_default", cases[i].what);
		site_free(site);
	}
	setenv("MLM_CONFIG_DIR", "/nonexistent/mlm-site", 1);
	rc = site_open(NULL, &site, why);
	CHECK(rc == EX_CONFIG && strstr(buf_str(why), "/nonexistent") != NULL,
	    "a site directory that does not exist: EX_CONFIG (%s)",
	    buf_str(why));
	unsetenv("MLM_CONFIG_DIR");
	buf_free(why);
}

static const struct parse_case {
	const char	*arg;
	const char	*name;		/* NULL: an error is expected */
	const char	*domain;
	int		 status;
	const char	*err;
} parse_cases[] = {
	{ .arg = "elena", .name = "elena", .domain = "example.org" },
	{ .arg = "elena@Nuinui.NET", .name = "elena",
	    .domain = "nuinui.net" },
	{ .arg = "Elena@example.org", .name = "elena",
	    .domain = "example.org" },
	{ .arg = "a.b_c-d@x-y.z", .name = "a.b_c-d", .domain = "x-y.z" },
	{ .arg = "9@localhost", .name = "9", .domain = "localhost" },
	{ .arg = "elena-ctlx", .name = "elena-ctlx",
	    .domain = "example.org" },
	{ .arg = "x y", .status = EX_USAGE, .err = "bad list name \"x y\"" },
	{ .arg = "", .status = EX_USAGE, .err = "bad list name \"\"" },
	{ .arg = "@example.org", .status = EX_USAGE,
	    .err = "bad list name \"\"" },
	{ .arg = "-x", .status = EX_USAGE, .err = "bad list name \"-x\"" },
	{ .arg = ".x", .status = EX_USAGE, .err = "bad list name \".x\"" },
	{ .arg = "../x", .status = EX_USAGE,
	    .err = "bad list name \"../x\"" },
	{ .arg = "a/b", .status = EX_USAGE, .err = "bad list name \"a/b\"" },
	{ .arg = "elena-ctl", .status = EX_USAGE,
	    .err = "bad list name \"elena-ctl\": names ending in" },
	{ .arg = "elena-ADMIN@example.org", .status = EX_USAGE,
	    .err = "bad list name \"elena-ADMIN\": names ending in" },
	{ .arg = "elena-request", .status = EX_USAGE,
	    .err = "bad list name \"elena-request\"" },
	{ .arg = "elena-error", .status = EX_USAGE,
	    .err = "bad list name \"elena-error\"" },
	{ .arg = "elena\n", .status = EX_USAGE,
	    .err = "bad list name \"elena?\"" },
	{ .arg = "elena@", .status = EX_USAGE, .err = "bad domain \"\"" },
	{ .arg = "elena@.org", .status = EX_USAGE,
	    .err = "bad domain \".org\"" },
	{ .arg = "elena@org.", .status = EX_USAGE,
	    .err = "bad domain \"org.\"" },
	{ .arg = "elena@a..b", .status = EX_USAGE,
	    .err = "bad domain \"a..b\"" },
	{ .arg = "elena@a_b.org", .status = EX_USAGE,
	    .err = "bad domain \"a_b.org\"" },
	{ .arg = "elena@x@y", .status = EX_USAGE,
	    .err = "bad domain \"x@y\"" },
	{ .arg = "elena@x y", .status = EX_USAGE,
	    .err = "bad domain \"x y\"" },
};

/* test_parse - list name parsing, including the length limits */
static void
test_parse(void)
{
	const struct parse_case *c;
	struct site *site;
	struct buf *why, *arg;
	char	*name, *domain;
	size_t	 i;
	int	 rc;

	site = open_site();
	why = buf_alloc(0);
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		c = &parse_cases[i];
		buf_reset(why);
		rc = site_parse_ml(site, c->arg, &name, &domain, why);
		if (c->name != NULL) {
			CHECK(rc == 0, "parse \"%s\": ok (%s)", c->arg,
			    buf_str(why));
			CHECK_STR(name, c->name, "parse \"%s\": name", c->arg);
			CHECK_STR(domain, c->domain, "parse \"%s\": domain",
			    c->arg);
		} else {
			CHECK(rc == c->status && name == NULL &&
			    domain == NULL, "parse: %s fails", buf_str(why));
			CHECK(strncmp(buf_str(why), c->err,
			    strlen(c->err)) == 0, "parse: reason \"%s\"",
			    buf_str(why));
		}
		free(name);
		free(domain);
	}

	arg = buf_alloc(0);
	for (i = 0; i < 64; i++)
		buf_putc(arg, 'a');
	rc = site_parse_ml(site, arg->data, &name, &domain, why);
	CHECK(rc == 0, "parse: 64-character name");
	free(name);
	free(domain);
	buf_putc(arg, 'a');
	rc = site_parse_ml(site, arg->data, &name, &domain, why);
	CHECK(rc == EX_USAGE, "parse: 65-character name (%s)", buf_str(why));
	buf_reset(arg);
	buf_puts(arg, "x@");
	for (i = 0; i < 63; i++)
		buf_puts(arg, "abc.");
	buf_puts(arg, "a");
	rc = site_parse_ml(site, arg->data, &name, &domain, why);
	CHECK(rc == 0 && domain && strlen(domain) == 253,
	    "parse: 253-character domain");
	free(name);
	free(domain);
	buf_puts(arg, "b");
	rc = site_parse_ml(site, arg->data, &name, &domain, why);
	CHECK(rc == EX_USAGE, "parse: 254-character domain");
	buf_free(arg);
	buf_free(why);
	site_free(site);
}

static const struct prefix_case {
	const char	*domain;
	const char	*prefix;	/* "SPOOL": the default prefix */
	int		 status;
} prefix_cases[] = {
	{ .domain = "nuinui.net", .prefix = "/srv/nuinui" },
	{ .domain = "NUINUI.Net", .prefix = "/srv/nuinui" },
	{ .domain = "other.org", .prefix = "/srv/other dir" },
	{ .domain = "first.org", .prefix = "/srv/first" },
	{ .domain = "example.org", .prefix = "SPOOL" },
	{ .domain = "EXAMPLE.org", .prefix = "SPOOL" },
	{ .domain = "unknown.org", .status = EX_DATAERR },
	{ .domain = "junkline", .status = EX_DATAERR },
	{ .domain = "#commented.org", .status = EX_DATAERR },
};

/* test_map - ml_home_prefix lookups */
static void
test_map(void)
{
	const struct prefix_case *c;
	struct site *site;
	struct buf *why;
	char	*prefix, *map;
	size_t	 i;
	int	 rc;

	site = open_site();
	why = buf_alloc(0);
	map = xasprintf("%s/ml_home_prefix", confdir);
	write_file(map, "# virtual domains\n"
	    "Nuinui.NET\t/srv/nuinui\n"
	    "other.org   /srv/other dir  \n"
	    "\n"
	    "junkline\n"
	    "   #commented.org /srv/c\n"
	    "first.org /srv/first\n"
	    "FIRST.org /srv/second\n");
	for (i = 0; i < sizeof(prefix_cases) / sizeof(prefix_cases[0]); i++) {
		c = &prefix_cases[i];
		rc = site_home_prefix(site, c->domain, &prefix, why);
		if (c->prefix != NULL) {
			CHECK(rc == 0, "prefix %s: found (%s)", c->domain,
			    buf_str(why));
			CHECK_STR(prefix, strcmp(c->prefix, "SPOOL") == 0 ?
			    spooldir : c->prefix, "prefix %s", c->domain);
		} else
			CHECK(rc == c->status && prefix == NULL,
			    "prefix %s: %s", c->domain, buf_str(why));
		free(prefix);
	}
	rc = site_home_prefix(site, "unknown.org", &prefix, why);
	CHECK_STR(buf_str(why), "unknown domain \"unknown.org\": add it with "
	    "makefml newdomain", "prefix: unknown domain reason");

	write_file(map, "example.ORG /srv/mapped\n");
	rc = site_home_prefix(site, "example.org", &prefix, why);
	CHECK(rc == 0, "prefix: default domain in the map");
	CHECK_STR(prefix, "/srv/mapped", "prefix: the map wins");
	free(prefix);
	unlink(map);
	rc = site_home_prefix(site, "example.org", &prefix, why);
	CHECK(rc == 0, "prefix: no map file");
	CHECK_STR(prefix, spooldir, "prefix: no map, default domain");
	free(prefix);
	free(map);
	buf_free(why);
	site_free(site);
}

/* count_domain - how many entries of a NULL-terminated list equal d */
static int
count_domain(char **list, const char *d)
{
	int	 n = 0;

	for (; list != NULL && *list != NULL; list++)
		n += strcmp(*list, d) == 0;
	return n;
}

/* test_domain_edit - site_domain_add, site_domain_remove, site_domains */
static void
test_domain_edit(void)
{
	struct site *site;
	struct buf *why;
	struct stat st;
	char	*map, *got, *prefix, **list;
	size_t	 i;
	int	 rc;

	site = open_site();
	why = buf_alloc(0);
	map = xasprintf("%s/ml_home_prefix", confdir);
	unlink(map);

	rc = site_domain_add(site, "New.Example", "/srv/new/", why);
	CHECK(rc == 0, "add: first domain (%s)", buf_str(why));
	got = read_file(map);
	CHECK_STR(got, "new.example\t/srv/new\n", "add: map content");
	free(got);
	CHECK(stat(map, &st) == 0 && (st.st_mode & 07777) == 0644,
	    "add: new map is 0644");
	rc = site_home_prefix(site, "new.EXAMPLE", &prefix, why);
	CHECK(rc == 0, "add: lookup works");
	CHECK_STR(prefix, "/srv/new", "add: lookup gives the directory");
	free(prefix);

	write_file(map, "# keep me\nnew.example\t/srv/new\nb.org /srv/b");
	rc = site_domain_add(site, "NEW.example", "/srv/new", why);
	CHECK(rc == 0, "add: same mapping is idempotent");
	got = read_file(map);
	CHECK_STR(got, "# keep me\nnew.example\t/srv/new\nb.org /srv/b",
	    "add: idempotent add leaves the file");
	free(got);
	rc = site_domain_add(site, "new.example", "/srv/elsewhere", why);
	CHECK(rc == EX_DATAERR, "add: conflicting mapping (%s)",
	    buf_str(why));
	rc = site_domain_add(site, "c.org", "srv/c", why);
	CHECK(rc == EX_USAGE, "add: relative directory (%s)", buf_str(why));
	rc = site_domain_add(site, "c.org", "/srv/c\nd.org /x", why);
	CHECK(rc == EX_USAGE, "add: directory with a newline");
	rc = site_domain_add(site, "c_org", "/srv/c", why);
	CHECK(rc == EX_USAGE, "add: bad domain (%s)", buf_str(why));
	rc = site_domain_add(site, "C.org", "/srv/c", why);
	CHECK(rc == 0, "add: second domain");
	got = read_file(map);
	CHECK_STR(got, "# keep me\nnew.example\t/srv/new\nb.org /srv/b\n"
	    "c.org\t/srv/c\n", "add: appended, comments kept");
	free(got);

	list = site_domains(site);
	CHECK(list != NULL && list[0] != NULL &&
	    strcmp(list[0], "example.org") == 0, "domains: default first");
	CHECK(count_domain(list, "example.org") == 1 &&
	    count_domain(list, "new.example") == 1 &&
	    count_domain(list, "b.org") == 1 &&
	    count_domain(list, "c.org") == 1, "domains: every domain once");
	for (i = 0; list != NULL && list[i] != NULL; i++)
		free(list[i]);
	CHECK(i == 4, "domains: four");
	free(list);

	rc = site_domain_remove(site, "NEW.Example", why);
	CHECK(rc == 0, "remove: ok (%s)", buf_str(why));
	got = read_file(map);
	CHECK_STR(got, "# keep me\nb.org /srv/b\nc.org\t/srv/c\n",
	    "remove: line gone");
	free(got);
	rc = site_domain_remove(site, "new.example", why);
	CHECK(rc == EX_DATAERR, "remove: absent domain (%s)", buf_str(why));
	rc = site_home_prefix(site, "new.example", &prefix, why);
	CHECK(rc == EX_DATAERR, "remove: lookup fails afterwards");

	write_file(map, "example.org /srv/dup\nExample.Org /srv/dup2\n");
	list = site_domains(site);
	CHECK(count_domain(list, "example.org") == 1,
	    "domains: no duplicate of the default domain");
	for (i = 0; list != NULL && list[i] != NULL; i++)
		free(list[i]);
	free(list);
	unlink(map);
	free(map);
	buf_free(why);
	site_free(site);
}

/* test_lists - ml_locate, ml_open, ml_load_config */
static void
test_lists(void)
{
	struct site *site;
	struct ml *ml;
	struct buf *why;
	const char **w;
	char	*home, *path, *s;
	int	 rc;

	site = open_site();
	why = buf_alloc(0);
	write_at(confdir, "ml_home_prefix", "nuinui.net\t/srv/nuinui\n");

	rc = ml_locate(site, "elena@NUINUI.net", &ml, why);
	CHECK(rc == 0, "locate: virtual domain (%s)", buf_str(why));
	if (rc == 0) {
		CHECK_STR(ml->home, "/srv/nuinui/elena", "locate: home");
		CHECK_STR(ml->address, "elena@nuinui.net", "locate: address");
		CHECK(ml->cfg == NULL && ml->site == site, "locate: no cfg");
		path = ml_path(ml, "spool/1");
		CHECK_STR(path, "/srv/nuinui/elena/spool/1", "ml_path");
		free(path);
		CHECK(ml_get(ml, "ml_name") == NULL, "ml_get without cfg");
		ml_free(ml);
	}
	rc = ml_locate(site, "elena@nowhere.org", &ml, why);
	CHECK(rc == EX_DATAERR && ml == NULL, "locate: unknown domain");

	rc = ml_open(site, "ghost", &ml, why);
	CHECK(rc == EX_NOUSER && ml == NULL, "open: missing list");
	CHECK_STR(buf_str(why), "no such list: ghost@example.org",
	    "open: missing list reason");
	home = xasprintf("%s/elena", spooldir);
	mkdir(home, 0700);
	rc = ml_open(site, "elena", &ml, why);
	CHECK(rc == EX_NOUSER, "open: home without config.cf");
	CHECK_STR(buf_str(why), "no such list: elena@example.org",
	    "open: home without config.cf reason");

	write_at(confdir, "default_config.cf",
	    "article_header_rewrite_rules -= rewrite_article_subject_tag\n"
	    "site_only = 1\n");
	write_at(home, "config.cf",
	    "maintainer = boss@$ml_domain\n"
	    "article_header_rewrite_rules -= add_x_sequence\n"
	    "=cut\n1;\n");
	rc = ml_open(site, "elena", &ml, why);
	CHECK(rc == 0, "open: elena (%s)", buf_str(why));
	if (rc == 0) {
		CHECK_STR(ml->home, home, "open: home");
		CHECK_STR(ml_get(ml, "ml_name"), "elena", "open: ml_name");
		CHECK_STR(ml_get(ml, "ml_domain"), "example.org",
		    "open: ml_domain");
		CHECK_STR(ml_get(ml, "ml_home_dir"), home, "open: ml_home_dir");
		CHECK_STR(ml_get(ml, "ml_home_prefix"), spooldir,
		    "open: ml_home_prefix");
		CHECK_STR(ml_get(ml, "config_dir"), confdir,
		    "open: config_dir");
		CHECK_STR(ml_get(ml, "executable_prefix"), MLM_LIBEXECDIR,
		    "open: executable_prefix");
		CHECK_STR(ml_get(ml, "fml_owner"), MLM_OWNER,
		    "open: fml_owner from the site");
		s = xasprintf("%s/spool", home);
		CHECK_STR(ml_get(ml, "spool_dir"), s, "open: spool_dir");
		free(s);
		CHECK_STR(ml_get(ml, "article_post_address"),
		    "elena@example.org", "open: article_post_address");
		CHECK_STR(ml_get(ml, "errors_to_address"),
		    "boss@example.org", "open: list layer over defaults");
		CHECK(!cfg_has_word(ml->cfg, "article_header_rewrite_rules",
		    "rewrite_article_subject_tag") &&
		    !cfg_has_word(ml->cfg, "article_header_rewrite_rules",
		    "add_x_sequence") &&
		    cfg_has_word(ml->cfg, "article_header_rewrite_rules",
		    "add_rfc2369"), "open: -= in site and list layers");
		w = cfg_warnings(ml->cfg);
		s = xasprintf("%s/default_config.cf:2: unknown variable "
		    "site_only", confdir);
		CHECK_STR(w[0], s, "open: site layer warning");
		CHECK(w[0] != NULL && w[1] == NULL, "open: one warning");
		free(s);

		write_at(home, "config.cf", "maintainer boss\n");
		rc = ml_load_config(ml, why);
		CHECK(rc == EX_CONFIG, "reload: syntax error");
		s = xasprintf("%s/config.cf:1: ", home);
		CHECK(strncmp(buf_str(why), s, strlen(s)) == 0,
		    "reload: reason \"%s\"", buf_str(why));
		free(s);
		CHECK_STR(ml_get(ml, "maintainer"), "boss@example.org",
		    "reload: failed reload keeps the old cfg");
		ml_free(ml);
	}
	rc = ml_open(site, "elena", &ml, why);
	CHECK(rc == EX_CONFIG && ml == NULL, "open: bad config.cf");

	free(home);
	buf_free(why);
	site_free(site);
}

int
main(void)
{
	char	 tmpl[] = "/tmp/test_site.XXXXXX";

	check_name = "site";
	unsetenv("MLM_CONFIG_DIR");
	if ((tmpdir = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	confdir = xasprintf("%s/etc", tmpdir);
	spooldir = xasprintf("%s/spool", tmpdir);
	mkdir(confdir, 0700);
	mkdir(spooldir, 0700);

	test_main_cf();
	test_confdir();
	test_parse();
	test_map();
	test_domain_edit();
	test_lists();

	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(confdir);
	free(spooldir);
	return check_done();
}
