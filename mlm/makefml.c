/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	makefml - the administration command of the lists
 * SYNOPSIS
 *	makefml [-c confdir] VERB [ML] [ARGS...]
 *	makefml [-c confdir] ML::VERB [ARGS...]
 * DESCRIPTION
 *	ML is name@domain, or a bare name in the default domain. The verbs
 *	and fml8's other names for them are in makefml_verbs[] and
 *	makefml_aliases[]; "makefml help" prints them.
 *
 *	newml creates a list: its directory (0700) with config.cf, the
 *	include files, seq and the working directories (all 0700, files
 *	0600) and the LMDB store, then its blocks in the home prefix's
 *	etc/mail/aliases and, in a virtual domain, etc/postfix/virtual,
 *	and runs postalias and postmap. A Postfix that is missing or not
 *	set up is a warning; the list is made. rmml moves a list aside to
 *	ml_home_prefix/@name.YYYYMMDD.N and removes exactly its blocks.
 *	aliases rewrites every list's blocks and include files and drops
 *	blocks of lists that are gone; a second run changes nothing. check
 *	prints what Postfix still needs, one line per requirement.
 *
 *	Member verbs work in one store transaction each: either every
 *	address given is handled or none is. Results go to stdout, one
 *	line per address (add -f prints counts); errors are one line on
 *	stderr with a sysexits status.
 *
 *	Run as root, makefml creates the directories that need root (the
 *	home prefix, its etc/ directories, the list directory) and gives
 *	them to the owner account (fml_owner in main.cf), edits the
 *	ml_home_prefix map for newdomain and rmdomain, and then becomes
 *	the owner account (the owner of the list directory for the verbs
 *	on one list) before it writes anything else. The owner aliases
 *	(owner-ML, ML-admin) go to newml_command_ml_admin_default_address,
 *	or to the owner account's local mailbox when that is not set.
 * DIAGNOSTICS
 *	EX_USAGE bad usage or list name, EX_NOUSER unknown list or address,
 *	EX_DATAERR bad address or data, EX_CANTCREAT existing list or name
 *	taken, EX_TEMPFAIL store busy, EX_CONFIG bad configuration (and a
 *	check with something still to do), EX_NOPERM missing owner account.
 * BUGS
 *	Two domains mapped to the same home prefix share its lists.
 *	newml and rmml do not take a lock against each other.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "../aliases-gen/aliasgen.h"
#include "../convert/mergeml.h"
#include "addr.h"
#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "moderate.h"
#include "msg.h"
#include "priv.h"
#include "prog.h"
#include "queue.h"
#include "site.h"
#include "spool.h"
#include "store.h"
#include "xmem.h"

#define MF_LOG_LINES	100
#define MF_LINE_MAX	4096

/* An open list for the member verbs. */
struct mf_list {
	struct ml	*ml;
	struct db	*db;
	struct store	*store;
};

/* The lists of the site, for aliases, check and rmdomain. */
struct mf_lists {
	struct ml	**ml;
	size_t		 n;
	size_t		 skipped;	/* lists whose configuration failed */
};

struct mf_verb {
	const char	*name;
	int		(*fn)(struct site *, int, char **, struct buf *);
	int		 min;		/* arguments after the verb */
	int		 max;		/* -1: any number */
	const char	*usage;
};

static int makefml_help(struct site *, int, char **, struct buf *);
static int makefml_newdomain(struct site *, int, char **, struct buf *);
static int makefml_rmdomain(struct site *, int, char **, struct buf *);
static int makefml_newml(struct site *, int, char **, struct buf *);
static int makefml_rmml(struct site *, int, char **, struct buf *);
static int makefml_add(struct site *, int, char **, struct buf *);
static int makefml_bye(struct site *, int, char **, struct buf *);
static int makefml_chaddr(struct site *, int, char **, struct buf *);
static int makefml_on(struct site *, int, char **, struct buf *);
static int makefml_off(struct site *, int, char **, struct buf *);
static int makefml_addadmin(struct site *, int, char **, struct buf *);
static int makefml_byeadmin(struct site *, int, char **, struct buf *);
static int makefml_list(struct site *, int, char **, struct buf *);
static int makefml_config(struct site *, int, char **, struct buf *);
static int makefml_flushq(struct site *, int, char **, struct buf *);
static int makefml_log(struct site *, int, char **, struct buf *);
static int makefml_aliases(struct site *, int, char **, struct buf *);
static int makefml_check(struct site *, int, char **, struct buf *);

static const struct mf_verb makefml_verbs[] = {
	{ "newdomain", makefml_newdomain, 2, 2, "newdomain DOMAIN DIR" },
	{ "rmdomain", makefml_rmdomain, 1, 1, "rmdomain DOMAIN" },
	{ "newml", makefml_newml, 1, 1, "newml ML" },
	{ "rmml", makefml_rmml, 1, 1, "rmml ML" },
	{ "add", makefml_add, 2, -1, "add ML ADDR... | add ML -f FILE" },
	{ "bye", makefml_bye, 2, -1, "bye ML ADDR..." },
	{ "chaddr", makefml_chaddr, 3, 3, "chaddr ML OLD NEW" },
	{ "on", makefml_on, 2, -1, "on ML ADDR..." },
	{ "off", makefml_off, 2, -1, "off ML ADDR..." },
	{ "addadmin", makefml_addadmin, 2, -1, "addadmin ML ADDR..." },
	{ "byeadmin", makefml_byeadmin, 2, -1, "byeadmin ML ADDR..." },
	{ "list", makefml_list, 1, 2,
	    "list ML [member|recipient|admin]" },
	{ "config", makefml_config, 1, 2, "config ML [VARIABLE]" },
	{ "flushq", makefml_flushq, 1, 1, "flushq ML" },
	{ "log", makefml_log, 1, 1, "log ML" },
	{ "error", error_makefml, 1, 1, "error ML" },
	{ "aliases", makefml_aliases, 0, 0, "aliases" },
	{ "check", makefml_check, 0, 0, "check" },
	{ "isolated", moderate_verb_isolated, 1, 1, "isolated ML" },
	{ "approve", moderate_verb_approve, 2, 2, "approve ML ID" },
	{ "discard", moderate_verb_discard, 2, 2, "discard ML ID" },
	{ "addmoderator", moderate_verb_addmoderator, 2, -1,
	    "addmoderator ML ADDR..." },
	{ "byemoderator", moderate_verb_byemoderator, 2, -1,
	    "byemoderator ML ADDR..." },
	{ "mergeml", mergeml_main, 2, 3, "mergeml [--dry-run] ML DIR" },
	{ "mergeml-all", mergeml_all_main, 1, 2,
	    "mergeml-all [--dry-run] DIR" },
	{ "help", makefml_help, 0, 1, "help [VERB]" },
};

#define MF_NVERBS	(sizeof(makefml_verbs) / sizeof(makefml_verbs[0]))

static const struct {
	const char	*alias;
	const char	*verb;
} makefml_aliases_tab[] = {
	{ "subscribe", "add" }, { "adduser", "add" },
	{ "unsubscribe", "bye" }, { "remove", "bye" },
	{ "resign", "bye" }, { "signoff", "bye" }, { "deluser", "bye" },
	{ "admin_add", "addadmin" }, { "admin_bye", "byeadmin" },
	{ "usage", "help" }, { "aliases_update", "aliases" },
};

/* The kinds of "list", with fml8's names for them. */
static const struct {
	const char	*name;
	int		 kind;
} makefml_kinds[] = {
	{ "member", 'm' }, { "members", 'm' }, { "member_maps", 'm' },
	{ "recipient", 'r' }, { "recipients", 'r' }, { "actives", 'r' },
	{ "active", 'r' }, { "recipient_maps", 'r' },
	{ "admin", 'a' }, { "admins", 'a' }, { "admin_member", 'a' },
	{ "admin_members", 'a' }, { "members-admin", 'a' },
	{ "admin_member_maps", 'a' },
};

/* makefml_fail - print one error line and pass the status on */
static int
makefml_fail(int status, struct buf *why)
{
	msg_error("%s", why->len ? why->data : "failed");
	return status;
}

/* makefml_owner - the account that owns the lists */
static const char *
makefml_owner(struct site *site)
{
	const char *o = site_get(site, "fml_owner");

	return o != NULL && *o != '\0' ? o : "mlm";
}

/* makefml_owner_check - as root, the owner account must exist */
static int
makefml_owner_check(struct site *site, struct buf *why)
{
	uid_t	 uid;
	gid_t	 gid;

	if (!priv_is_root())
		return 0;
	return priv_lookup(makefml_owner(site), &uid, &gid, why);
}

/* makefml_drop - as root, become the owner account */
static int
makefml_drop(struct site *site, struct buf *why)
{
	return priv_drop(makefml_owner(site), why);
}

/* makefml_postfix - learn the Postfix setup (postconf, main.cf, defaults) */
static struct aliasgen_postfix *
makefml_postfix(struct site *site)
{
	struct aliasgen_postfix *pf;

	aliasgen_postfix_open(site_get(site, "postfix_command_dir"),
	    site_get(site, "postfix_config_dir"), &pf, NULL);
	return pf;
}

/* makefml_map_files - the aliases and virtual files of a home prefix */
static void
makefml_map_files(const char *prefix, char **aliases, char **virtual)
{
	if (aliases != NULL)
		*aliases = xasprintf("%s/etc/mail/aliases", prefix);
	if (virtual != NULL)
		*virtual = xasprintf("%s/etc/postfix/virtual", prefix);
}

/* makefml_is_virtual - is this domain other than the default one? */
static int
makefml_is_virtual(struct site *site, const char *domain)
{
	const char *def = site_get(site, "default_domain");

	return def == NULL || strcasecmp(def, domain) != 0;
}

/* makefml_virtual_domains - every domain but the default one */
static char **
makefml_virtual_domains(struct site *site)
{
	char	**all = site_domains(site);
	size_t	 i, j;

	if (all == NULL)
		return xcalloc(1, sizeof(char *));
	for (i = j = 0; all[i] != NULL; i++)
		if (makefml_is_virtual(site, all[i]))
			all[j++] = all[i];
		else
			free(all[i]);
	all[j] = NULL;
	return all;
}

/* makefml_confdir - the site directory for the include files, or NULL */
static int
makefml_confdir(struct site *site, char **dirp, struct buf *why)
{
	*dirp = NULL;
	if (site->confdir_default)
		return 0;
	if ((*dirp = realpath(site->confdir, NULL)) == NULL) {
		BUF_WHY(why, "site directory %s: %s", site->confdir,
		    strerror(errno));
		return EX_CONFIG;
	}
	return aliasgen_path_valid(*dirp, why);
}

/* makefml_owner_address - the target of owner-ML and ML-admin */
static int
makefml_owner_address(struct site *site, const char **addrp,
    struct buf *why)
{
	const char *a = site_get(site,
	    "newml_command_ml_admin_default_address");

	if (a == NULL || *a == '\0') {
		*addrp = makefml_owner(site);
		return aliasgen_name_valid(*addrp, why) ? EX_CONFIG : 0;
	}
	if (addr_valid(a, why) != 0 || strpbrk(a, ",:\"\\#") != NULL) {
		BUF_WHY(why, "newml_command_ml_admin_default_address \"%s\" "
		    "cannot be an alias target", a);
		return EX_CONFIG;
	}
	*addrp = a;
	return 0;
}

/* makefml_describe - fill in the map description of a list */
static int
makefml_describe(struct site *site, struct ml *ml,
    struct aliasgen_postfix *pf, struct aliasgen_list *al, char **local,
    struct buf *why)
{
	const char *over;
	char	**virt;
	int	 status;

	*local = NULL;
	*al = (struct aliasgen_list){
		.name = ml->name,
		.domain = ml->domain,
		.home = ml->home,
		.virtual = makefml_is_virtual(site, ml->domain),
	};
	if ((status = aliasgen_path_valid(ml->home, why)) != 0 ||
	    (status = makefml_owner_address(site, &al->owner, why)) != 0)
		return status;
	if (al->virtual) {
		over = site_get(site, "postfix_local_domain");
		virt = makefml_virtual_domains(site);
		*local = aliasgen_local_domain(pf, over, virt);
		virt = aliasgen_argv_free(virt);
		if (aliasgen_postfix_source(pf) == NULL &&
		    (over == NULL || *over == '\0'))
			msg_warn("%s: Postfix not set up; virtual targets go "
			    "to %s: set postfix_local_domain in main.cf if "
			    "that is wrong", ml->address, *local);
		if ((status = aliasgen_domain_valid(*local, why)) != 0) {
			BUF_WHY(why, "local domain \"%s\" for virtual targets: "
			    "set postfix_local_domain in main.cf", *local);
			return EX_CONFIG;
		}
		al->local_domain = *local;
	}
	return 0;
}

/* makefml_include_text - the include file of one program */
static int
makefml_include_text(struct site *site, struct ml *ml, const char *prog,
    struct buf *out, struct buf *why)
{
	const char *exec = site_get(site, "executable_prefix");
	char	*confdir;
	int	 status;

	if (exec == NULL || *exec == '\0') {
		BUF_WHY(why, "executable_prefix is empty in main.cf");
		return EX_CONFIG;
	}
	if ((status = aliasgen_path_valid(exec, why)) != 0 ||
	    (status = makefml_confdir(site, &confdir, why)) != 0)
		return status;
	buf_reset(out);
	aliasgen_include(exec, prog, confdir, ml->address, out);
	free(confdir);
	return 0;
}

/* makefml_write_includes - write include, include-ctl, include-error */
static int
makefml_write_includes(struct site *site, struct ml *ml, int *changed,
    struct buf *why)
{
	static const char *const files[][2] = {
		{ "include", "distribute" },
		{ "include-ctl", "command" },
		{ "include-error", "error" },
	};
	struct buf *text = buf_alloc(256), *old = buf_alloc(256);
	char	*path;
	size_t	 i;
	int	 status = 0;

	for (i = 0; i < 3 && status == 0; i++) {
		if ((status = makefml_include_text(site, ml, files[i][1],
		    text, why)) != 0)
			break;
		path = ml_path(ml, files[i][0]);
		if (aliasgen_file_read(path, old, NULL) != 0 ||
		    old->len != text->len ||
		    memcmp(old->data, text->data, text->len) != 0) {
			status = spool_write_file(path, text->data, text->len,
			    0600, why);
			if (changed != NULL)
				*changed = 1;
		}
		path = xfree(path);
	}
	text = buf_free(text);
	old = buf_free(old);
	return status;
}

/* makefml_run_map - run postalias or postmap; failure is a warning */
static void
makefml_run_map(struct aliasgen_postfix *pf, const char *prog,
    const char *file)
{
	struct buf *why = buf_alloc(128);
	struct stat st;

	if (stat(file, &st) == 0 &&
	    aliasgen_postfix_run(pf, prog, file, why) != 0)
		msg_warn("%s; the list works once Postfix reads %s",
		    why->data, file);
	why = buf_free(why);
}

/* makefml_help - print the usage of every verb */
static int
makefml_help(struct site *site, int argc, char **argv, struct buf *why)
{
	size_t	 i;

	(void)site;
	(void)why;
	size_t	 shown = 0;

	for (i = 0; i < MF_NVERBS; i++)
		if (argc == 0 || strcmp(argv[0], makefml_verbs[i].name) == 0) {
			printf("makefml %s\n", makefml_verbs[i].usage);
			shown++;
		}
	if (shown == 0) {
		fprintf(stderr, "makefml: no verb \"%s\"; \"makefml help\" "
		    "lists them\n", argv[0]);
		return EX_USAGE;
	}
	if (argc == 0) {
		printf("also: subscribe, adduser = add; unsubscribe, remove, "
		    "resign, signoff,\n  deluser = bye; makefml ML::VERB "
		    "ARGS works too.\n");
		printf("ML is name@domain, or name in the default domain.\n");
	}
	return 0;
}

/* makefml_lists_free - release the lists of the site */
static void
makefml_lists_free(struct mf_lists *ls)
{
	size_t	 i;

	for (i = 0; i < ls->n; i++)
		ml_free(ls->ml[i]);
	ls->ml = xfree(ls->ml);
	ls->n = 0;
}

/* makefml_name_cmp - qsort order of directory names */
static int
makefml_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* makefml_scan - the names of the lists in a home prefix, sorted */
static char **
makefml_scan(const char *prefix, size_t *np)
{
	struct dirent *de;
	struct stat st;
	char	**names = NULL;
	char	*path;
	size_t	 n = 0;
	DIR	*dir;

	*np = 0;
	if ((dir = opendir(prefix)) == NULL)
		return NULL;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.' || de->d_name[0] == '@')
			continue;
		path = xasprintf("%s/%s/config.cf", prefix, de->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
		path = xfree(path);
	}
	closedir(dir);
	if (n > 0)
		qsort(names, n, sizeof(*names), makefml_name_cmp);
	*np = n;
	return names;
}

/* makefml_lists - every list of every domain, in domain then name order */
static int
makefml_lists(struct site *site, int load, struct mf_lists *ls,
    struct buf *why)
{
	char	**domains, **names;
	char	*prefix, *arg;
	struct ml *ml;
	size_t	 d, i, n;
	int	 status = 0;

	ls->ml = NULL;
	ls->n = 0;
	if ((domains = site_domains(site)) == NULL) {
		BUF_WHY(why, "cannot read the ml_home_prefix map of %s",
		    site->confdir);
		return EX_CONFIG;
	}
	for (d = 0; domains[d] != NULL && status == 0; d++) {
		if (site_home_prefix(site, domains[d], &prefix, NULL) != 0)
			continue;
		names = makefml_scan(prefix, &n);
		for (i = 0; i < n; i++) {
			arg = xasprintf("%s@%s", names[i], domains[d]);
			if (ml_locate(site, arg, &ml, why) != 0 ||
			    (load && ml_load_config(ml, why) != 0)) {
				msg_warn("%s skipped: %s", arg, why->data);
				ml = ml_free(ml);
				ls->skipped++;
			} else {
				ls->ml = xrealloc(ls->ml, (ls->n + 1) *
				    sizeof(*ls->ml));
				ls->ml[ls->n++] = ml;
			}
			free(arg);
			free(names[i]);
		}
		free(names);
		free(prefix);
	}
	aliasgen_argv_free(domains);
	return status;
}

/* makefml_newdomain - map a domain to a home prefix, creating it */
static int
makefml_newdomain(struct site *site, int argc, char **argv,
    struct buf *why)
{
	const char *domain = argv[0], *dir = argv[1];
	int	 made = 0;
	int	 status;

	(void)argc;
	if (aliasgen_domain_valid(domain, why) != 0 ||
	    aliasgen_path_valid(dir, why) != 0)
		return makefml_fail(EX_USAGE, why);
	if (!makefml_is_virtual(site, domain)) {
		BUF_WHY(why, "%s is the default domain; its lists live in "
		    "default_ml_home_prefix", domain);
		return makefml_fail(EX_USAGE, why);
	}
	if ((status = makefml_owner_check(site, why)) != 0 ||
	    (status = priv_mkdir(dir, 0755, makefml_owner(site), &made,
	    why)) != 0)
		return makefml_fail(status, why);
	if ((status = site_domain_add(site, domain, dir, why)) != 0) {
		if (made)
			rmdir(dir);
		return makefml_fail(status, why);
	}
	printf("domain %s: lists in %s\n", domain, dir);
	return 0;
}

/* makefml_rmdomain - remove a domain that has no lists left */
static int
makefml_rmdomain(struct site *site, int argc, char **argv,
    struct buf *why)
{
	char	*prefix, **names;
	size_t	 n, i;
	int	 status;

	(void)argc;
	if ((status = site_home_prefix(site, argv[0], &prefix, why)) != 0) {
		buf_set(why, "%s is not a domain of this site", argv[0]);
		return makefml_fail(status, why);
	}
	names = makefml_scan(prefix, &n);
	if (n > 0) {
		buf_set(why, "domain %s still has %zu list%s (%s%s): rmml "
		    "them first", argv[0], n, n == 1 ? "" : "s", names[0],
		    n > 1 ? ", ..." : "");
		status = EX_DATAERR;
	} else
		status = site_domain_remove(site, argv[0], why);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(prefix);
	if (status != 0)
		return makefml_fail(status, why);
	printf("domain %s removed (its directory is kept)\n", argv[0]);
	return 0;
}

/* makefml_newml_taken - is the name or a key the list needs in use? */
static int
makefml_newml_taken(struct ml *ml, struct aliasgen_postfix *pf,
    const struct aliasgen_list *al,
    struct buf *why)
{
	struct buf *text = buf_alloc(4096);
	const char *kinds[] = { AG_ALIASES, AG_VIRTUAL };
	char	*files[2], **keys = NULL, **maps;
	const char *taken = NULL, *am;
	size_t	 k, i;
	int	 status = 0;

	if (!al->virtual && getpwnam(ml->name) != NULL) {
		BUF_WHY(why, "%s: \"%s\" is a local account", ml->address,
		    ml->name);
		text = buf_free(text);
		return EX_CANTCREAT;
	}

	makefml_map_files(ml->home_prefix, &files[0], &files[1]);
	for (k = 0; k < 2 && status == 0 && taken == NULL; k++) {
		if (k == 1 && !al->virtual)
			break;
		keys = aliasgen_argv_free(keys);
		keys = aliasgen_keys(al, kinds[k]);
		if ((status = aliasgen_file_read(files[k], text, why)) != 0)
			break;
		if ((taken = aliasgen_key_taken(text->data, text->len,
		    kinds[k], keys, NULL)) != NULL)
			BUF_WHY(why, "%s: \"%s\" is already defined in %s",
			    ml->address, taken, files[k]);
	}

	if (status == 0 && taken == NULL && !al->virtual &&
	    strcmp(aliasgen_postfix_source(pf) ? aliasgen_postfix_source(pf) :
	    "", "postconf") == 0 &&
	    (am = aliasgen_postfix_get(pf, "alias_maps")) != NULL) {
		keys = aliasgen_argv_free(keys);
		keys = aliasgen_keys(al, AG_ALIASES);
		maps = aliasgen_words(am);
		for (i = 0; maps[i] != NULL && taken == NULL; i++)
			if (!aliasgen_map_listed(maps[i], files[0]) &&
			    (taken = aliasgen_postfix_query(pf, keys,
			    maps[i])) != NULL)
				BUF_WHY(why, "%s: \"%s\" is already defined "
				    "in %s", ml->address, taken, maps[i]);
		maps = aliasgen_argv_free(maps);
	}
	if (status == 0 && taken != NULL)
		status = EX_CANTCREAT;
	keys = aliasgen_argv_free(keys);
	free(files[0]);
	free(files[1]);
	text = buf_free(text);
	return status;
}

/* makefml_rmtree_one - nftw callback that removes one entry */
static int
makefml_rmtree_one(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* makefml_rmtree - remove a directory that this run created */
static void
makefml_rmtree(const char *path)
{
	nftw(path, makefml_rmtree_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* makefml_mkdir_p - create a directory and its missing parents */
static int
makefml_mkdir_p(const char *path, mode_t mode, struct buf *why)
{
	char	*dir = xstrdup(path);
	char	*p, c;
	int	 status = 0;

	for (p = dir + 1; status == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(dir, mode) < 0 && errno != EEXIST) {
			BUF_WHY(why, "mkdir %s: %s", dir, strerror(errno));
			status = EX_CANTCREAT;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(dir);
	return status;
}

/* makefml_newml_dirs - the root-only steps: directories for the owner */
static int
makefml_newml_dirs(struct site *site, struct ml *ml, int virtual,
    int *made_home, struct buf *why)
{
	const char *owner = makefml_owner(site);
	const char *sub[] = { "", "/etc", "/etc/mail", "/etc/postfix" };
	char	*path;
	size_t	 i;
	int	 made, status = 0;

	*made_home = 0;
	for (i = 0; i < 4 && status == 0; i++) {
		if (i == 3 && !virtual)
			break;
		path = xasprintf("%s%s", ml->home_prefix, sub[i]);
		if (i == 0 && !priv_is_root())
			status = makefml_mkdir_p(path, 0755, why);
		else
			status = priv_mkdir(path, 0755, owner, &made, why);
		free(path);
	}
	if (status == 0)
		status = priv_mkdir(ml->home, 0700, owner, made_home, why);
	if (status == 0 && !*made_home) {
		BUF_WHY(why, "%s: %s exists already", ml->address, ml->home);
		status = EX_CANTCREAT;
	}
	return status;
}

/* makefml_newml_files - config.cf, seq, the directories, the store */
static int
makefml_newml_files(struct site *site, struct ml *ml, struct buf *why)
{
	static const char *const dirs[] = {
		"spool_dir", "tmp_dir", "var_dir", "db_dir", "lock_dir",
		"queue_dir", "isolated_queue_dir",
	};
	struct db *db;
	char	*path, *text;
	size_t	 i;
	int	 status;

	path = ml_path(ml, "config.cf");
	text = xasprintf("# %s: list configuration, fml8 config.cf syntax.\n"
	    "# Lines here override %s/default_config.cf and the built-in\n"
	    "# defaults; \"makefml config %s\" shows the values in force.\n"
	    "# A line \"=cut\" ends the settings: what follows it is "
	    "ignored.\n\n", ml->address, site->confdir, ml->address);
	status = spool_write_file(path, text, strlen(text), 0600, why);
	free(path);
	free(text);
	if (status != 0 || (status = ml_load_config(ml, why)) != 0)
		return status;

	path = ml_path(ml, "etc");
	status = makefml_mkdir_p(path, 0700, why);
	free(path);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && status == 0; i++)
		status = makefml_mkdir_p(ml_get(ml, dirs[i]), 0700, why);
	if (status != 0)
		return status;

	if ((status = spool_write_file(ml_get(ml, "sequence_file"), "0\n", 2,
	    0600, why)) != 0 ||
	    (status = makefml_write_includes(site, ml, NULL, why)) != 0)
		return status;
	if ((status = db_open(ml_get(ml, "db_dir"), (size_t)cfg_long(ml->cfg,
	    "db_map_size", 0), &db, why)) != 0)
		return status;
	db_close(db);
	return 0;
}

/* makefml_blocks - write (block) or remove (NULL) a list's map blocks */
static int
makefml_blocks(struct ml *ml, const struct aliasgen_list *al, int add,
    int *changed, struct buf *why)
{
	struct buf *block = buf_alloc(1024);
	char	*afile, *vfile;
	int	 ch = 0, status;

	makefml_map_files(ml->home_prefix, &afile, &vfile);
	changed[0] = changed[1] = 0;
	if (add)
		aliasgen_alias_block(al, block);
	status = aliasgen_file_update(afile, AG_ALIASES, ml->address,
	    add ? block->data : NULL, &changed[0], why);
	if (status == 0 && (al->virtual || !add)) {
		buf_reset(block);
		if (add)
			aliasgen_virtual_block(al, block);
		status = aliasgen_file_update(vfile, AG_VIRTUAL, ml->address,
		    add ? block->data : NULL, &changed[1], why);
		if (status != 0 && add && changed[0])
			aliasgen_file_update(afile, AG_ALIASES, ml->address,
			    NULL, &ch, NULL);
	}
	free(afile);
	free(vfile);
	block = buf_free(block);
	return status;
}

/* makefml_postmaps - rebuild the tables whose sources changed */
static void
makefml_postmaps(struct aliasgen_postfix *pf, const char *prefix,
    const int *changed)
{
	char	*afile, *vfile;

	makefml_map_files(prefix, &afile, &vfile);
	if (changed[0])
		makefml_run_map(pf, "postalias", afile);
	if (changed[1])
		makefml_run_map(pf, "postmap", vfile);
	free(afile);
	free(vfile);
}

/* makefml_newml - create a list */
static int
makefml_newml(struct site *site, int argc, char **argv, struct buf *why)
{
	struct aliasgen_postfix *pf = NULL;
	struct aliasgen_list al;
	struct ml *ml = NULL;
	char	*local = NULL;
	int	 changed[2] = { 0, 0 };
	int	 made_home = 0;
	int	 status;

	(void)argc;
	if ((status = ml_locate(site, argv[0], &ml, why)) != 0)
		goto out;
	if (access(ml->home, F_OK) == 0) {
		BUF_WHY(why, "%s: %s exists already", ml->address, ml->home);
		status = EX_CANTCREAT;
		goto out;
	}
	if ((status = makefml_owner_check(site, why)) != 0)
		goto out;
	pf = makefml_postfix(site);
	if ((status = makefml_describe(site, ml, pf, &al, &local, why)) != 0)
		goto out;
	if ((status = makefml_newml_taken(ml, pf, &al, why)) != 0)
		goto out;

	if ((status = makefml_newml_dirs(site, ml, al.virtual, &made_home,
	    why)) != 0)
		goto out;
	if ((status = makefml_drop(site, why)) != 0)
		goto out;
	if ((status = makefml_newml_files(site, ml, why)) != 0)
		goto out;
	if ((status = makefml_blocks(ml, &al, 1, changed, why)) != 0)
		goto out;

	makefml_postmaps(pf, ml->home_prefix, changed);
	printf("created %s in %s\n", ml->address, ml->home);
	if (al.virtual)
		printf("virtual domain %s: targets at %s\n", ml->domain,
		    local);

out:
	if (status != 0) {
		if (made_home)
			makefml_rmtree(ml->home);
		makefml_fail(status, why);
	}
	free(local);
	aliasgen_postfix_free(pf);
	ml_free(ml);
	return status;
}

/* makefml_newml_create - create a list as newml does (for mergeml) */
int
makefml_newml_create(struct site *site, const char *address,
    struct buf *why)
{
	char	*argv[] = { (char *)address, NULL };

	return makefml_newml(site, 1, argv, why);
}

/* makefml_aside - the first free @name.YYYYMMDD.N in the home prefix */
static char *
makefml_aside(struct ml *ml)
{
	char	 date[16];
	time_t	 now = time(NULL);
	char	*path;
	long	 n;

	strftime(date, sizeof(date), "%Y%m%d", localtime(&now));
	for (n = 1; ; n++) {
		path = xasprintf("%s/@%s.%s.%ld", ml->home_prefix, ml->name,
		    date, n);
		if (access(path, F_OK) != 0 && errno == ENOENT)
			return path;
		free(path);
	}
}

/* makefml_rmml - move a list aside and remove its map blocks */
static int
makefml_rmml(struct site *site, int argc, char **argv, struct buf *why)
{
	struct aliasgen_postfix *pf = NULL;
	struct aliasgen_list al = { .name = NULL };
	struct ml *ml = NULL;
	char	*aside = NULL;
	int	 changed[2] = { 0, 0 };
	int	 status;

	(void)argc;
	if ((status = ml_open(site, argv[0], &ml, why)) != 0)
		goto out;
	if ((status = makefml_owner_check(site, why)) != 0)
		goto out;
	aside = makefml_aside(ml);
	if (rename(ml->home, aside) < 0) {
		BUF_WHY(why, "rename %s to %s: %s", ml->home, aside,
		    strerror(errno));
		status = EX_CANTCREAT;
		goto out;
	}
	printf("removed %s: %s moved to %s\n", ml->address, ml->home, aside);

	if ((status = makefml_drop(site, why)) != 0)
		goto out;
	al.virtual = makefml_is_virtual(site, ml->domain);
	if ((status = makefml_blocks(ml, &al, 0, changed, why)) != 0) {
		buf_printf(why, "; run makefml aliases to remove the blocks");
		goto out;
	}
	pf = makefml_postfix(site);
	makefml_postmaps(pf, ml->home_prefix, changed);

out:
	if (status != 0)
		makefml_fail(status, why);
	free(aside);
	aliasgen_postfix_free(pf);
	ml_free(ml);
	return status;
}

/* makefml_open_list - open a list, its store, as its owner */
static int
makefml_open_list(struct site *site, const char *arg, int store,
    struct mf_list *l, struct buf *why)
{
	const char **warn;
	const char *log;
	int	 status;

	*l = (struct mf_list){ .ml = NULL };
	if ((status = ml_open(site, arg, &l->ml, why)) != 0)
		return status;
	for (warn = cfg_warnings(l->ml->cfg); warn && *warn; warn++)
		fprintf(stderr, "makefml: warn: %s: %s\n", l->ml->address,
		    *warn);
	if ((status = priv_drop_to_owner(l->ml->home, why)) != 0)
		return status;
	if ((log = ml_get(l->ml, "log_file")) != NULL && *log != '\0')
		msg_logfile(log);
	if (!store)
		return 0;
	if ((status = db_open(ml_get(l->ml, "db_dir"),
	    (size_t)cfg_long(l->ml->cfg, "db_map_size", 0), &l->db,
	    why)) != 0)
		return status;
	return store_open(l->db, &l->store, why);
}

/* makefml_close_list - release what makefml_open_list opened */
static void
makefml_close_list(struct mf_list *l)
{
	l->store = store_close(l->store);
	l->db = db_close(l->db);
	l->ml = ml_free(l->ml);
}

/* makefml_not_own - refuse the list's own addresses as members */
static int
makefml_not_own(struct ml *ml, char **addrs, size_t n, struct buf *why)
{
	static const char *const vars[] = { "article_post_address",
	    "command_mail_address", "maintainer", "request_mail_address",
	    "error_mail_address", NULL };
	const char *own;
	size_t	 i, j;

	for (i = 0; i < n; i++)
		for (j = 0; vars[j] != NULL; j++)
			if ((own = ml_get(ml, vars[j])) != NULL &&
			    strcasecmp(addrs[i], own) == 0) {
				BUF_WHY(why, "%s is the list's own address "
				    "(%s): it would mail itself", addrs[i],
				    vars[j]);
				return EX_DATAERR;
			}
	return 0;
}

/* makefml_addr_check - reject an address that cannot be stored */
static int
makefml_addr_check(const char *addr, const char *where, struct buf *why)
{
	struct buf *t = buf_alloc(128);
	int	 status;

	if ((status = addr_valid(addr, t)) != 0) {
		if (t->len == 0)
			buf_set(t, "bad address \"%s\"", addr);
		BUF_WHY(why, "%s%s%s", where ? where : "", where ? ": " : "",
		    t->data);
		status = EX_DATAERR;
	}
	t = buf_free(t);
	return status;
}

/* makefml_read_addrs - the addresses of a file, one a line */
static int
makefml_read_addrs(const char *file, char ***addrsp, size_t *np,
    struct buf *why)
{
	char	 line[MF_LINE_MAX];
	char	 where[64];
	char	**addrs = NULL;
	char	*tok, *save;
	size_t	 n = 0, lineno = 0;
	FILE	*fp;
	int	 status = 0;

	if (strcmp(file, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(file, "r")) == NULL) {
		BUF_WHY(why, "open %s: %s", file, strerror(errno));
		return EX_NOINPUT;
	}
	while (status == 0 && fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			BUF_WHY(why, "%s:%zu: line too long", file, lineno);
			status = EX_DATAERR;
			break;
		}
		if ((tok = strtok_r(line, " \t\r\n", &save)) == NULL ||
		    *tok == '#')
			continue;
		snprintf(where, sizeof(where), "%s:%zu", file, lineno);
		if ((status = makefml_addr_check(tok, where, why)) != 0)
			break;
		addrs = xrealloc(addrs, (n + 1) * sizeof(*addrs));
		addrs[n++] = xstrdup(tok);
	}
	if (status == 0 && ferror(fp)) {
		BUF_WHY(why, "read %s: %s", file, strerror(errno));
		status = EX_IOERR;
	}
	if (fp != stdin)
		fclose(fp);
	if (status != 0) {
		while (n > 0)
			free(addrs[--n]);
		addrs = xfree(addrs);
	}
	*addrsp = addrs;
	*np = n;
	return status;
}

/* Result messages of the add and remove verbs. */
struct mf_change {
	unsigned	 flags;
	int		 remove;
	int		 check;		/* validate addresses first */
	const char	*done;		/* "added %s" */
	const char	*same;		/* "%s is already a member" */
	const char	*log;		/* list log line */
};

/* makefml_change_all - add or remove roles for many addresses at once */
static int
makefml_change_all(struct mf_list *l, const struct mf_change *c,
    char **addrs, size_t n, int counts, struct buf *why)
{
	int	*rc;
	long	 done = 0;
	size_t	 i;
	int	 status;

	rc = xcalloc(n ? n : 1, sizeof(*rc));
	if ((status = store_txn_begin(l->store, why)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		rc[i] = c->remove ? store_remove(l->store, addrs[i], c->flags,
		    why) : store_add(l->store, addrs[i], c->flags, why);
		if (rc[i] == STORE_NOTFOUND && c->remove)
			rc[i] = STORE_UNCHANGED;
		if (rc[i] != 0 && rc[i] != STORE_UNCHANGED) {
			store_txn_abort(l->store);
			status = rc[i] < 0 ? EX_SOFTWARE : rc[i];
			goto out;
		}
	}
	if ((status = store_txn_commit(l->store, why)) != 0)
		goto out;

	for (i = 0; i < n; i++) {
		if (rc[i] == 0) {
			done++;
			if (!counts)
				msg_info(c->log, addrs[i]);
		}
		if (!counts)
			printf(rc[i] == 0 ? c->done : c->same, addrs[i]);
		if (!counts)
			putchar('\n');
	}
	if (counts) {
		msg_info("%s %ld of %zu addresses by makefml -f",
		    c->remove ? "removed" : "added", done, n);
		printf("%s: %ld %s, %ld unchanged\n", l->ml->address, done,
		    c->remove ? "removed" : "added", (long)n - done);
	}

out:
	free(rc);
	return status;
}

/* makefml_change - the add, bye, addadmin and byeadmin verbs */
static int
makefml_change(struct site *site, int argc, char **argv,
    const struct mf_change *c, struct buf *why)
{
	struct mf_list l;
	char	**addrs = argv + 1, **owned = NULL;
	size_t	 n = (size_t)argc - 1, i;
	int	 counts = 0;
	int	 status;

	if (argc >= 2 && strcmp(argv[1], "-f") == 0) {
		if (argc != 3) {
			BUF_WHY(why, "usage: makefml %s ML -f FILE",
			    c->remove ? "bye" : "add");
			return makefml_fail(EX_USAGE, why);
		}
		if ((status = makefml_read_addrs(argv[2], &owned, &n,
		    why)) != 0)
			return makefml_fail(status, why);
		addrs = owned;
		counts = 1;
	}
	for (i = 0; i < n && owned == NULL; i++) {
		if (c->check)
			status = makefml_addr_check(addrs[i], NULL, why);
		else if (*addrs[i] == '\0' || strlen(addrs[i]) > ADDR_MAX)
			status = makefml_addr_check(addrs[i], NULL, why);
		else
			status = 0;
		if (status != 0)
			return makefml_fail(status, why);
	}

	if ((status = makefml_open_list(site, argv[0], 1, &l, why)) == 0 &&
	    (c->remove || (status = makefml_not_own(l.ml, addrs, n,
	    why)) == 0))
		status = makefml_change_all(&l, c, addrs, n, counts, why);
	makefml_close_list(&l);
	for (i = 0; owned != NULL && i < n; i++)
		free(owned[i]);
	free(owned);
	return status ? makefml_fail(status, why) : 0;
}

/* makefml_add - subscribe addresses */
static int
makefml_add(struct site *site, int argc, char **argv, struct buf *why)
{
	static const struct mf_change c = {
		.flags = STORE_MEMBER | STORE_RECIPIENT,
		.check = 1,
		.done = "added %s",
		.same = "%s is already a member",
		.log = "added %s by makefml",
	};

	return makefml_change(site, argc, argv, &c, why);
}

/* makefml_bye - unsubscribe addresses */
static int
makefml_bye(struct site *site, int argc, char **argv, struct buf *why)
{
	static const struct mf_change c = {
		.flags = STORE_MEMBER | STORE_RECIPIENT,
		.remove = 1,
		.done = "removed %s",
		.same = "%s is not a member",
		.log = "removed %s by makefml",
	};

	return makefml_change(site, argc, argv, &c, why);
}

/* makefml_addadmin - add admin members */
static int
makefml_addadmin(struct site *site, int argc, char **argv,
    struct buf *why)
{
	static const struct mf_change c = {
		.flags = STORE_ADMIN | STORE_ADMIN_RCPT,
		.check = 1,
		.done = "added %s as an admin",
		.same = "%s is already an admin",
		.log = "added admin %s by makefml",
	};

	return makefml_change(site, argc, argv, &c, why);
}

/* makefml_byeadmin - remove admin members */
static int
makefml_byeadmin(struct site *site, int argc, char **argv,
    struct buf *why)
{
	static const struct mf_change c = {
		.flags = STORE_ADMIN | STORE_ADMIN_RCPT,
		.remove = 1,
		.done = "removed admin %s",
		.same = "%s is not an admin",
		.log = "removed admin %s by makefml",
	};

	return makefml_change(site, argc, argv, &c, why);
}

/* makefml_chaddr - change a member's address */
static int
makefml_chaddr(struct site *site, int argc, char **argv, struct buf *why)
{
	struct mf_list l;
	int	 status;

	(void)argc;
	if ((status = makefml_addr_check(argv[2], NULL, why)) != 0)
		return makefml_fail(status, why);
	if ((status = makefml_open_list(site, argv[0], 1, &l, why)) == 0) {
		status = store_chaddr(l.store, argv[1], argv[2], why);
		if (status == STORE_NOTFOUND) {
			buf_set(why, "%s is not a member of %s", argv[1],
			    l.ml->address);
			status = EX_NOUSER;
		} else if (status == STORE_UNCHANGED) {
			printf("%s is already spelled %s\n", argv[1], argv[2]);
			status = 0;
		} else if (status == 0) {
			msg_info("chaddr %s %s by makefml", argv[1], argv[2]);
			printf("changed %s to %s\n", argv[1], argv[2]);
		}
	}
	makefml_close_list(&l);
	return status ? makefml_fail(status, why) : 0;
}

/* makefml_onoff - switch receiving on or off for recipients */
static int
makefml_onoff(struct site *site, int argc, char **argv, int off,
    struct buf *why)
{
	struct store_rec rec = { .addr = NULL };
	struct mf_list l;
	int	*was;
	int	 i, status;

	for (i = 1; i < argc; i++)
		if ((status = makefml_addr_check(argv[i], NULL, why)) != 0)
			return makefml_fail(status, why);
	was = xcalloc((size_t)argc, sizeof(*was));
	if ((status = makefml_open_list(site, argv[0], 1, &l, why)) != 0 ||
	    (status = store_txn_begin(l.store, why)) != 0)
		goto out;
	for (i = 1; i < argc && status == 0; i++) {
		store_rec_clear(&rec);
		if ((status = store_get(l.store, argv[i], &rec, why)) ==
		    STORE_NOTFOUND) {
			buf_set(why, "%s is not a member of %s", argv[i],
			    l.ml->address);
			status = EX_NOUSER;
		} else if (status == 0 && (rec.flags & STORE_RECIPIENT) == 0) {
			buf_set(why, "%s is not a recipient of %s", argv[i],
			    l.ml->address);
			status = EX_NOUSER;
		} else if (status == 0) {
			was[i] = (rec.flags & STORE_OFF) != 0;
			if (was[i] != off)
				status = store_set_attr(l.store, argv[i],
				    off ? STORE_OFF : 0, off ? 0 : STORE_OFF,
				    NULL, why);
		}
	}
	store_rec_clear(&rec);
	if (status != 0) {
		store_txn_abort(l.store);
		goto out;
	}
	if ((status = store_txn_commit(l.store, why)) != 0)
		goto out;
	for (i = 1; i < argc; i++) {
		if (was[i] != off)
			msg_info("%s %s by makefml", off ? "off" : "on",
			    argv[i]);
		printf("%s: receiving %s%s\n", argv[i], was[i] == off ?
		    "was already " : "", off ? "off" : "on");
	}

out:
	free(was);
	makefml_close_list(&l);
	return status ? makefml_fail(status < 0 ? EX_SOFTWARE : status,
	    why) : 0;
}

/* makefml_on - resume receiving */
static int
makefml_on(struct site *site, int argc, char **argv, struct buf *why)
{
	return makefml_onoff(site, argc, argv, 0, why);
}

/* makefml_off - stop receiving, keep the right to post */
static int
makefml_off(struct site *site, int argc, char **argv, struct buf *why)
{
	return makefml_onoff(site, argc, argv, 1, why);
}

/* makefml_list_one - store_walk callback: print a matching address */
static int
makefml_list_one(const struct store_rec *rec, void *arg)
{
	int	 kind = *(int *)arg;
	int	 show;

	if (kind == 'm')
		show = (rec->flags & (STORE_MEMBER | STORE_ADMIN)) != 0;
	else if (kind == 'a')
		show = (rec->flags & STORE_ADMIN) != 0;
	else
		show = store_is_recipient(rec);
	if (show)
		puts(rec->addr);
	return 0;
}

/* makefml_list - print members, recipients or admins */
static int
makefml_list(struct site *site, int argc, char **argv, struct buf *why)
{
	struct mf_list l;
	size_t	 i;
	int	 kind = 'r';
	int	 status;

	if (argc == 2) {
		kind = 0;
		for (i = 0; i < sizeof(makefml_kinds) /
		    sizeof(makefml_kinds[0]); i++)
			if (strcmp(argv[1], makefml_kinds[i].name) == 0)
				kind = makefml_kinds[i].kind;
		if (kind == 0) {
			BUF_WHY(why, "unknown map \"%s\": use member, "
			    "recipient or admin", argv[1]);
			return makefml_fail(EX_USAGE, why);
		}
	}
	if ((status = makefml_open_list(site, argv[0], 1, &l, why)) == 0)
		status = store_walk(l.store, NULL, makefml_list_one, &kind,
		    why);
	makefml_close_list(&l);
	if (status == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
		BUF_WHY(why, "write to stdout: %s", strerror(errno));
		status = EX_IOERR;
	}
	return status ? makefml_fail(status, why) : 0;
}

/* makefml_config_one - print "name = value" on one line */
static void
makefml_config_one(struct ml *ml, const char *name)
{
	const char *v = cfg_get(ml->cfg, name);
	const char *p;

	printf("%s = ", name);
	for (p = v ? v : ""; *p; p++)
		putchar(*p == '\n' || *p == '\t' ? ' ' : *p);
	putchar('\n');
}

/* makefml_config - print the values in force after every layer */
static int
makefml_config(struct site *site, int argc, char **argv, struct buf *why)
{
	struct mf_list l;
	const char **names;
	int	 status;

	if ((status = makefml_open_list(site, argv[0], 0, &l, why)) != 0)
		goto out;
	if (argc == 2) {
		if (!cfg_defined(l.ml->cfg, argv[1])) {
			buf_set(why, "%s: unknown variable \"%s\"",
			    l.ml->address, argv[1]);
			status = EX_USAGE;
			goto out;
		}
		makefml_config_one(l.ml, argv[1]);
		goto out;
	}
	for (names = cfg_names(l.ml->cfg); *names != NULL; names++)
		makefml_config_one(l.ml, *names);

out:
	makefml_close_list(&l);
	return status ? makefml_fail(status, why) : 0;
}

/* makefml_flushq - deliver what the list's queue holds */
static int
makefml_flushq(struct site *site, int argc, char **argv, struct buf *why)
{
	struct queue_stats qs = { .notify = error_watch_event };
	struct mf_list l;
	int	 status;

	(void)argc;
	if ((status = makefml_open_list(site, argv[0], 1, &l, why)) == 0) {
		qs.notify_arg = error_watch_open(l.ml, l.db, l.store);
		status = queue_flush(l.ml, l.db, l.store, &qs, why);
		error_watch_close(qs.notify_arg);
	}
	if (status == 0)
		printf("%s: %ld sent, %ld deferred, %ld failed; %ld items "
		    "done, %ld left\n", l.ml->address, qs.sent, qs.deferred,
		    qs.failed, qs.items_done, qs.items_left);
	makefml_close_list(&l);
	return status ? makefml_fail(status, why) : 0;
}

/* makefml_tail - print the last lines of a file */
static int
makefml_tail(const char *path, int lines, struct buf *why)
{
	struct buf *b = buf_alloc(8192);
	struct stat st;
	char	*nl;
	off_t	 from;
	size_t	 start, i;
	int	 fd, seen = 0, status = 0;
	ssize_t	 n;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			goto out;
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
		status = EX_NOINPUT;
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		BUF_WHY(why, "stat %s: %s", path, strerror(errno));
		status = EX_IOERR;
		goto out;
	}
	from = st.st_size > 256 * 1024 ? st.st_size - 256 * 1024 : 0;
	buf_reserve(b, (size_t)(st.st_size - from));
	if (lseek(fd, from, SEEK_SET) < 0) {
		BUF_WHY(why, "seek %s: %s", path, strerror(errno));
		status = EX_IOERR;
		goto out;
	}
	while ((n = read(fd, b->data + b->len, b->size - b->len - 1)) > 0)
		b->len += (size_t)n;
	b->data[b->len] = '\0';

	start = b->len;
	if (start > 0 && b->data[start - 1] == '\n')
		start--;
	for (i = start; i > 0; i--)
		if (b->data[i - 1] == '\n' && ++seen == lines)
			break;
	if (i == 0 && from > 0 && (nl = memchr(b->data, '\n', b->len)))
		i = (size_t)(nl - b->data) + 1;
	fwrite(b->data + i, 1, b->len - i, stdout);

out:
	if (fd >= 0)
		close(fd);
	b = buf_free(b);
	return status;
}

/* makefml_log - the last 100 lines of the list log */
static int
makefml_log(struct site *site, int argc, char **argv, struct buf *why)
{
	struct mf_list l;
	int	 status;

	(void)argc;
	if ((status = makefml_open_list(site, argv[0], 0, &l, why)) == 0) {
		msg_logfile(NULL);
		status = makefml_tail(ml_get(l.ml, "log_file"), MF_LOG_LINES,
		    why);
	}
	makefml_close_list(&l);
	return status ? makefml_fail(status, why) : 0;
}

/* makefml_regen_file - rewrite every block of one map source */
static int
makefml_regen_file(struct site *site, struct aliasgen_postfix *pf,
    struct mf_lists *ls, const char *prefix, const char *kind,
    const char *file, int *changed, struct buf *why)
{
	struct buf *text = buf_alloc(8192), *orig = buf_alloc(8192);
	struct buf *block = buf_alloc(1024);
	struct aliasgen_list al;
	char	**have, *local;
	size_t	 i, j;
	int	 ch, status, virt = strcmp(kind, AG_VIRTUAL) == 0;

	*changed = 0;
	if ((status = aliasgen_file_read(file, text, why)) != 0)
		goto out;
	buf_append(orig, text->data, text->len);
	for (i = 0; i < ls->n && status == 0; i++) {
		if (strcmp(ls->ml[i]->home_prefix, prefix) != 0 ||
		    (virt && !makefml_is_virtual(site, ls->ml[i]->domain)))
			continue;
		if ((status = makefml_describe(site, ls->ml[i], pf, &al,
		    &local, why)) == 0) {
			buf_reset(block);
			if (virt)
				aliasgen_virtual_block(&al, block);
			else
				aliasgen_alias_block(&al, block);
			status = aliasgen_replace(text, kind,
			    ls->ml[i]->address, block->data, &ch);
			if (status != 0)
				BUF_WHY(why, "%s: the block of %s has no end "
				    "marker; fix the file by hand", file,
				    ls->ml[i]->address);
		}
		free(local);
	}

	have = aliasgen_blocks(text->data, text->len, kind);
	for (j = 0; have[j] != NULL && status == 0; j++) {
		for (i = 0; i < ls->n; i++)
			if (strcmp(ls->ml[i]->address, have[j]) == 0)
				break;
		if (i < ls->n)
			continue;
		if ((status = aliasgen_replace(text, kind, have[j], NULL,
		    &ch)) == 0)
			printf("%s: removed the block of %s (no such list)\n",
			    file, have[j]);
		else
			BUF_WHY(why, "%s: the block of %s has no end marker; "
			    "fix the file by hand", file, have[j]);
	}
	aliasgen_argv_free(have);
	if (status == 0 && (text->len != orig->len ||
	    memcmp(text->data, orig->data, text->len) != 0)) {
		*changed = 1;
		status = aliasgen_file_write(file, text, why);
	}

out:
	text = buf_free(text);
	orig = buf_free(orig);
	block = buf_free(block);
	return status;
}

/* makefml_aliases - regenerate every list's blocks and include files */
static int
makefml_aliases(struct site *site, int argc, char **argv, struct buf *why)
{
	struct aliasgen_postfix *pf = NULL;
	struct mf_lists ls = { .ml = NULL };
	char	*files[2];
	int	 changed[2], inc = 0, nvirt;
	size_t	 i, j;
	int	 status;

	(void)argc;
	(void)argv;
	if ((status = makefml_lists(site, 0, &ls, why)) != 0 ||
	    (status = makefml_owner_check(site, why)) != 0)
		goto out;
	pf = makefml_postfix(site);
	if ((status = makefml_drop(site, why)) != 0)
		goto out;

	for (i = 0; i < ls.n && status == 0; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(ls.ml[j]->home_prefix,
			    ls.ml[i]->home_prefix) == 0)
				break;
		if (j == i) {
			for (nvirt = 0, j = i; j < ls.n; j++)
				nvirt += strcmp(ls.ml[j]->home_prefix,
				    ls.ml[i]->home_prefix) == 0 &&
				    makefml_is_virtual(site, ls.ml[j]->domain);
			makefml_map_files(ls.ml[i]->home_prefix, &files[0],
			    &files[1]);
			status = makefml_regen_file(site, pf, &ls,
			    ls.ml[i]->home_prefix, AG_ALIASES, files[0],
			    &changed[0], why);
			changed[1] = 0;
			if (status == 0 && (nvirt > 0 ||
			    access(files[1], F_OK) == 0))
				status = makefml_regen_file(site, pf, &ls,
				    ls.ml[i]->home_prefix, AG_VIRTUAL,
				    files[1], &changed[1], why);
			if (status == 0) {
				changed[0] = changed[1] = 1;
				makefml_postmaps(pf, ls.ml[i]->home_prefix,
				    changed);
			}
			free(files[0]);
			free(files[1]);
		}
		if (status == 0)
			status = makefml_write_includes(site, ls.ml[i], &inc,
			    why);
	}
	if (status == 0)
		printf("aliases: %zu list%s\n", ls.n, ls.n == 1 ? "" : "s");

out:
	makefml_lists_free(&ls);
	aliasgen_postfix_free(pf);
	return status ? makefml_fail(status, why) : 0;
}

/* makefml_check_maps - the map sources each domain in use needs */
static size_t
makefml_check_maps(struct site *site, struct aliasgen_map **mapsp,
    char ***filesp)
{
	char	**domains = site_domains(site);
	struct aliasgen_map *maps;
	char	**files, *prefix;
	size_t	 d, n = 0;

	for (d = 0; domains != NULL && domains[d] != NULL; d++)
		;
	maps = xcalloc(d + 1, sizeof(*maps));
	files = xcalloc(2 * d + 1, sizeof(*files));
	for (d = 0; domains != NULL && domains[d] != NULL; d++) {
		if (site_home_prefix(site, domains[d], &prefix, NULL) != 0) {
			free(domains[d]);
			continue;
		}
		makefml_map_files(prefix, &files[2 * n], &files[2 * n + 1]);
		maps[n].domain = domains[d];
		maps[n].alias_file = files[2 * n];
		maps[n].virtual_file = makefml_is_virtual(site, domains[d]) ?
		    files[2 * n + 1] : NULL;
		n++;
		free(prefix);
	}
	free(domains);
	*mapsp = maps;
	*filesp = files;
	return n;
}

/* makefml_check_owners - include files Postfix would run as root */
static int
makefml_check_owners(struct mf_lists *ls, const char *owner)
{
	static const char *const files[] = { "include", "include-ctl",
	    "include-error", "config.cf", NULL };
	struct stat st;
	char	*path;
	size_t	 i, j;
	int	 needs = 0;

	for (i = 0; i < ls->n; i++) {
		if (stat(ls->ml[i]->home, &st) == 0 && (st.st_mode & 022))
			printf("warn: %s is writable by others (mode %03o): "
			    "chmod 700 %s\n", ls->ml[i]->home,
			    (unsigned)(st.st_mode & 0777), ls->ml[i]->home);
		for (j = 0; files[j] != NULL; j++) {
			path = ml_path(ls->ml[i], files[j]);
			if (stat(path, &st) == 0 && (st.st_mode & 022))
				printf("warn: %s is writable by others "
				    "(mode %03o): chmod 600 %s\n", path,
				    (unsigned)(st.st_mode & 0777), path);
			if (stat(path, &st) == 0 && st.st_uid == 0) {
				printf("need: chown %s %s (Postfix runs an "
				    "include file as its owner, and the "
				    "programs refuse root)\n", owner, path);
				needs++;
			}
			free(path);
		}
	}
	return needs;
}

/* makefml_check - what Postfix still needs for the lists */
static int
makefml_check(struct site *site, int argc, char **argv, struct buf *why)
{
	struct aliasgen_postfix *pf;
	struct aliasgen_store *stores;
	struct aliasgen_map *maps;
	struct mf_lists ls = { .ml = NULL };
	struct buf *out = buf_alloc(4096), *pwhy = buf_alloc(128);
	struct stat st;
	char	**files;
	const char *owner = makefml_owner(site);
	size_t	 nmaps, i;
	int	 needs = 0, status;

	(void)argc;
	(void)argv;
	if ((status = makefml_lists(site, 1, &ls, why)) != 0) {
		out = buf_free(out);
		pwhy = buf_free(pwhy);
		return makefml_fail(status, why);
	}
	if (aliasgen_postfix_open(site_get(site, "postfix_command_dir"),
	    site_get(site, "postfix_config_dir"), &pf, pwhy) == 0)
		printf("ok: Postfix parameters from postconf\n");
	else
		printf("warn: %s\n", pwhy->data);
	if (getpwnam(owner) != NULL)
		printf("ok: owner account %s exists\n", owner);
	else {
		printf("need: create the owner account %s (or set fml_owner "
		    "in main.cf)\n", owner);
		needs++;
	}

	if (ls.skipped > 0) {
		printf("need: fix the configuration of %zu list%s (see the "
		    "warnings above): their mail is deferred until then\n",
		    ls.skipped, ls.skipped == 1 ? "" : "s");
		needs++;
	}
	needs += makefml_check_owners(&ls, owner);

	nmaps = makefml_check_maps(site, &maps, &files);
	stores = xcalloc(ls.n + 1, sizeof(*stores));
	for (i = 0; i < ls.n; i++) {
		stores[i].address = ls.ml[i]->address;
		stores[i].path = xasprintf("%s/data.mdb",
		    ml_get(ls.ml[i], "db_dir"));
		stores[i].size = stat(stores[i].path, &st) == 0 ?
		    (size_t)st.st_size : 0;
		stores[i].map_size = (size_t)cfg_long(ls.ml[i]->cfg,
		    "db_map_size", 0);
	}
	needs += aliasgen_check(pf, maps, nmaps, stores, ls.n, out);
	fputs(out->data, stdout);
	if (needs)
		printf("%d thing%s to do\n", needs, needs == 1 ? "" : "s");
	else
		printf("nothing to do\n");

	for (i = 0; i < ls.n; i++)
		free((char *)stores[i].path);
	free(stores);
	for (i = 0; i < nmaps; i++)
		free((char *)maps[i].domain);
	aliasgen_argv_free(files);
	free(maps);
	makefml_lists_free(&ls);
	aliasgen_postfix_free(pf);
	out = buf_free(out);
	pwhy = buf_free(pwhy);
	return needs ? EX_CONFIG : 0;
}

/* makefml_usage - the usage line of every verb, on stderr */
static int
makefml_usage(const struct mf_verb *v)
{
	size_t	 i;

	for (i = 0; i < MF_NVERBS; i++)
		if (v == NULL || v == &makefml_verbs[i])
			fprintf(stderr, "usage: makefml %s\n",
			    makefml_verbs[i].usage);
	return EX_USAGE;
}

/* makefml_find - the verb for a name or one of fml8's aliases */
static const struct mf_verb *
makefml_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(makefml_aliases_tab) /
	    sizeof(makefml_aliases_tab[0]); i++)
		if (strcmp(name, makefml_aliases_tab[i].alias) == 0)
			name = makefml_aliases_tab[i].verb;
	for (i = 0; i < MF_NVERBS; i++)
		if (strcmp(name, makefml_verbs[i].name) == 0)
			return &makefml_verbs[i];
	return NULL;
}

/* makefml_main - parse the command line and run one verb */
int
makefml_main(int argc, char **argv)
{
	const struct mf_verb *v;
	const char *confdir = NULL;
	const char **warn;
	struct site *site = NULL;
	struct buf *why;
	char	**args = NULL, *ml = NULL, *sep;
	int	 nargs, status;

	msg_init("makefml", 0);
	argc--;
	argv++;
	if (argc >= 2 && strcmp(argv[0], "-c") == 0) {
		confdir = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (argc < 1 || argv[0][0] == '-')
		return makefml_usage(NULL);

	/* fml8's "makefml ML::VERB ARGS" form. */
	args = xcalloc((size_t)argc + 2, sizeof(*args));
	if ((sep = strstr(argv[0], "::")) != NULL) {
		ml = xstrndup(argv[0], (size_t)(sep - argv[0]));
		v = makefml_find(sep + 2);
		args[0] = ml;
		memcpy(args + 1, argv + 1, (size_t)(argc - 1) * sizeof(*args));
		nargs = argc;
	} else {
		v = makefml_find(argv[0]);
		memcpy(args, argv + 1, (size_t)(argc - 1) * sizeof(*args));
		nargs = argc - 1;
	}
	if (v == NULL) {
		fprintf(stderr, "makefml: unknown verb \"%s\"; "
		    "\"makefml help\" lists them\n", sep ? sep + 2 : argv[0]);
		status = EX_USAGE;
		goto out;
	}
	if (nargs < v->min || (v->max >= 0 && nargs > v->max)) {
		status = makefml_usage(v);
		goto out;
	}

	why = buf_alloc(256);
	if (v->fn == makefml_help) {
		status = makefml_help(NULL, nargs, args, why);
		why = buf_free(why);
		goto out;
	}
	if ((status = site_open(confdir, &site, why)) != 0) {
		makefml_fail(status, why);
		why = buf_free(why);
		goto out;
	}
	for (warn = cfg_warnings(site->main); warn && *warn; warn++)
		msg_warn("%s", *warn);
	status = v->fn(site, nargs, args, why);
	if (fflush(stdout) != 0 && status == 0) {
		msg_error("write to stdout: %s", strerror(errno));
		status = EX_IOERR;
	}
	why = buf_free(why);

out:
	site_free(site);
	free(ml);
	free(args);
	return status;
}
