/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fml4merge - makefml mergeml on the lists in tests/golden/fml4
 *
 * Each fixture directory holds an expected.txt with the answer (the
 * same keys as the conversion corpus, plus "report": strings the report
 * must contain, and "spool": articles that must be copied unchanged).
 * The subject tag forms are tested on small config.ph files written
 * here. Run from the top of the work tree. As root, the checks run in a
 * child process as "nobody", so that makefml makes no owner changes.
 */

#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../../convert/mergeml.h"
#include "buf.h"
#include "cfg.h"
#include "check.h"
#include "db.h"
#include "site.h"
#include "spool.h"
#include "store.h"
#include "xmem.h"

#define FIXTURES	"tests/golden/fml4"

static char	 root[256];
static struct site *site;
static struct buf *sum;
static struct passwd *owner;

/* fixture - one list to convert */
struct fixture {
	const char	*dir;		/* under FIXTURES */
	const char	*ml;		/* the mlm list */
};

static const struct fixture fixtures[] = {
	{ .dir = "odd", .ml = "odd" },
	{ .dir = "free", .ml = "free" },
	{ .dir = "dups", .ml = "dups" },
	{ .dir = "cfv2", .ml = "cfv2" },
	{ .dir = "fml8site/tagged", .ml = "tagged" },
	{ .dir = "fml8site/named", .ml = "named" },
	{ .dir = "plain8", .ml = "plain8" },
};

/* tag - a config.ph and the article_subject_tag it must give */
struct tagcase {
	const char	*ph;
	const char	*want;
};

static const struct tagcase tags[] = {
	{ .ph = "$SUBJECT_TAG_TYPE = \"[:]\";\n$BRACKET = \"Elena\";",
	  .want = "[Elena:%05d]" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"[,]\";\n$BRACKET = \"e\";",
	  .want = "[e,%05d]" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"[ ]\";\n$BRACKET = \"e\";",
	  .want = "[e %05d]" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"(:)\";\n$BRACKET = \"e\";",
	  .want = "(e:%05d)" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"(,)\";\n$BRACKET = \"e\";",
	  .want = "(e,%05d)" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"( )\";\n$BRACKET = \"e\";",
	  .want = "(e %05d)" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"[]\";\n$BRACKET = \"e\";",
	  .want = "[e]" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"()\";\n$BRACKET = \"e\";",
	  .want = "(e)" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"[ID]\";\n$BRACKET = \"e\";",
	  .want = "[%05d]" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"(ID)\";", .want = "(%05d)" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"\";\n$BRACKET = \"e\";", .want = "" },
	{ .ph = "$BRACKET = \"e\";", .want = "" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"[:]\";\n$BRACKET = \"e\";\n"
	  "$SUBJECT_FORM_LONG_ID = 1;", .want = "[e:%05d]" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"[:]\";\n$BRACKET = \"e\";\n"
	  "$SUBJECT_FORM_LONG_ID = 3;", .want = "[e:%03d]" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"[:]\";\n$BRACKET = \"\";",
	  .want = "[Elena:%05d]" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"'[:]'\";\n$BRACKET = \"e\";",
	  .want = "[e:%05d]" },
	{ .ph = "$SUBJECT_HML_FORM = 1;\n$BRACKET = \"e\";\n"
	  "$HML_FORM_LONG_ID = 6;", .want = "[e:%06d]" },
	{ .ph = "$SUBJECT_FREE_FORM = 1;\n$BRACKET = \"e\";",
	  .want = "[e:%05d]" },
	{ .ph = "$SUBJECT_FREE_FORM = 1;\n$BEGIN_BRACKET = \"{\";\n"
	  "$BRACKET = \"e\";\n$BRACKET_SEPARATOR = \"#\";\n"
	  "$END_BRACKET = \"}\";", .want = "{e#%05d}" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"\";\n$BRACKET = \"e\";\n"
	  "&DEFINE_SUBJECT_TAG('(:)');", .want = "(e:%05d)" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"[:]\";\n$BRACKET = \"100%\";",
	  .want = "[100%%:%05d]" },
	{ .ph = "$SUBJECT_TAG_TYPE = \"<:>\";\n$BRACKET = \"e\";",
	  .want = "" },
};

/* rm_one - nftw callback removing an entry */
static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* chown_one - nftw callback giving an entry to the test account */
static int
chown_one(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	if (lchown(path, owner->pw_uid, owner->pw_gid) < 0)
		return 1;
	return 0;
}

/* sum_one - nftw callback: names and bytes of every file */
static int
sum_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	FILE	*fp;
	int	 c;

	(void)ftw;
	if (type != FTW_F)
		return 0;
	buf_printf(sum, "%s %ld %o\n", path, (long)st->st_size,
	    (unsigned)st->st_mode);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while ((c = getc(fp)) != EOF)
		buf_putc(sum, c);
	fclose(fp);
	return 0;
}

/* tree - a buffer naming every file and its bytes under dir */
static char *
tree(const char *dir)
{
	sum = buf_alloc(4096);
	nftw(dir, sum_one, 16, FTW_PHYS);
	return buf_steal(sum);
}

/* copy_one - nftw callback copying FIXTURES into root/src */
static int
copy_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct buf *b;
	char	*to;
	FILE	*in, *out;
	int	 c;

	(void)ftw;
	to = xasprintf("%s/src%s", root, path + strlen(FIXTURES));
	if (type == FTW_D) {
		mkdir(to, 0755);
	} else if (type == FTW_F && (in = fopen(path, "r")) != NULL) {
		b = buf_alloc(st->st_size + 1);
		while ((c = getc(in)) != EOF)
			buf_putc(b, c);
		fclose(in);
		if ((out = fopen(to, "w")) != NULL) {
			fwrite(b->data, 1, b->len, out);
			fclose(out);
		}
		b = buf_free(b);
	}
	free(to);
	return 0;
}

/* write_file - a small file */
static void
write_file(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	if (fp != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
}

/* read_file - a whole file, or NULL */
static char *
read_file(const char *path)
{
	struct buf *b;
	FILE	*fp;
	int	 c;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	b = buf_alloc(1024);
	while ((c = getc(fp)) != EOF)
		buf_putc(b, c);
	fclose(fp);
	return buf_steal(b);
}

/* expected - the value of key in an expected.txt text, or NULL */
static char *
expected(const char *text, const char *key)
{
	const char *p, *e;
	size_t	 n = strlen(key);

	for (p = text; p != NULL && *p != '\0'; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		if (strncmp(p, key, n) == 0 && (p[n] == ' ' || p[n] == '=')) {
			p = strchr(p, '=') + 1;
			p += strspn(p, " ");
			return xstrndup(p, e ? (size_t)(e - p) : strlen(p));
		}
	}
	return NULL;
}

/* set_norm - comma-separated entries, lower case, sorted, ", " joined */
static char *
set_norm(const char *list)
{
	char	**v = NULL, *copy = xstrdup(list), *tok, *save, *t;
	struct buf *b = buf_alloc(256);
	size_t	 n = 0, i, j;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		tok += strspn(tok, " ");
		for (t = tok + strlen(tok); t > tok && t[-1] == ' '; t--)
			t[-1] = '\0';
		if (*tok == '\0')
			continue;
		for (t = tok; *t != '\0'; t++)
			*t = (char)tolower((unsigned char)*t);
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = tok;
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	for (i = 0; i < n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", v[i]);
	free(v);
	free(copy);
	return buf_steal(b);
}

/* The sets a store gives, filled by collect(). */
struct sets {
	struct buf *m, *r, *d, *s, *o, *a, *mod;
};

/* collect - store_walk callback: the record into its sets */
static int
collect(const struct store_rec *rec, void *arg)
{
	struct sets *s = arg;

	if (rec->flags & (STORE_MEMBER | STORE_ADMIN))
		buf_printf(s->m, "%s,", rec->addr);
	if (store_is_recipient(rec))
		buf_printf(s->r, "%s,", rec->addr);
	if (rec->flags & STORE_DIGEST)
		buf_printf(s->d, "%s m=%s,", rec->addr, rec->digest ?
		    rec->digest : "");
	if (rec->flags & STORE_SKIP)
		buf_printf(s->s, "%s,", rec->addr);
	if (rec->flags & STORE_OFF)
		buf_printf(s->o, "%s,", rec->addr);
	if (rec->flags & STORE_ADMIN)
		buf_printf(s->a, "%s,", rec->addr);
	if (rec->flags & STORE_MODERATOR)
		buf_printf(s->mod, "%s,", rec->addr);
	return 0;
}

/* compare - a set from the store against the expected key */
static void
compare(const char *name, const char *exp, const char *key,
    struct buf *got)
{
	char	*want = expected(exp, key), *g, *w;

	if (want == NULL)
		return;
	g = set_norm(got->data);
	w = set_norm(want);
	CHECK_STR(g, w, "%s: %s", name, key);
	free(g);
	free(w);
	free(want);
}

/* quiet_run - mergeml_main or mergeml_all_main, stdout in a file */
static int
quiet_run(int all, int argc, char **argv, const char *out)
{
	struct buf *why = buf_alloc(256);
	int	 fd, saved, status;

	fflush(stdout);
	saved = dup(1);
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
		dup2(fd, 1);
		close(fd);
	}
	status = all ? mergeml_all_main(site, argc, argv, why) :
	    mergeml_main(site, argc, argv, why);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	why = buf_free(why);
	return status;
}

/* quiet_convert - mergeml_main with stdout in a file */
static int
quiet_convert(int argc, char **argv, const char *out)
{
	return quiet_run(0, argc, argv, out);
}

/* check_list - the store, seq, tag and files of a converted list */
static void
check_list(const char *name, const char *ml_name, const char *exp,
    const char *src)
{
	struct sets s = {
		.m = buf_alloc(256), .r = buf_alloc(256), .d = buf_alloc(256),
		.s = buf_alloc(256), .o = buf_alloc(256), .a = buf_alloc(256),
		.mod = buf_alloc(256),
	};
	struct buf *why = buf_alloc(256);
	struct ml *ml = NULL;
	struct db *db = NULL;
	struct store *st = NULL;
	char	*want, *got, *path, *a, *b, *tok, *save;
	const char *v;
	long	 seq = -1;

	if (ml_open(site, ml_name, &ml, why) != 0) {
		CHECK(0, "%s: open the list: %s", name, why->data);
		goto out;
	}
	if (db_open(ml_get(ml, "db_dir"), 0, &db, why) == 0 &&
	    store_open(db, &st, why) == 0)
		store_walk(st, NULL, collect, &s, why);
	compare(name, exp, "members", s.m);
	compare(name, exp, "recipients", s.r);
	compare(name, exp, "digest_recipients", s.d);
	compare(name, exp, "skip_members", s.s);
	compare(name, exp, "off_members", s.o);
	compare(name, exp, "admins", s.a);
	compare(name, exp, "moderators", s.mod);

	if ((want = expected(exp, "seq")) != NULL) {
		spool_seq_read(ml, &seq, why);
		got = xasprintf("%ld", seq);
		CHECK_STR(got, want, "%s: seq", name);
		free(got);
		free(want);
	}
	if ((want = expected(exp, "article_subject_tag")) != NULL) {
		v = cfg_raw(ml->cfg, "article_subject_tag");
		CHECK_STR(v, want, "%s: article_subject_tag", name);
		free(want);
	}
	if ((want = expected(exp, "article_post_restrictions")) != NULL) {
		v = cfg_get(ml->cfg, "article_post_restrictions");
		CHECK_STR(v, want, "%s: article_post_restrictions", name);
		free(want);
	}
	if ((want = expected(exp, "config")) != NULL) {
		for (tok = strtok_r(want, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			tok += strspn(tok, " ");
			if ((a = strchr(tok, '=')) == NULL)
				continue;
			*a++ = '\0';
			CHECK_STR(cfg_raw(ml->cfg, tok), a, "%s: %s", name,
			    tok);
		}
		free(want);
	}
	if ((want = expected(exp, "passwd_admin")) != NULL) {
		path = ml_path(ml, "etc/passwd-admin");
		a = read_file(path);
		free(path);
		for (tok = want; (tok = strstr(tok, " | ")) != NULL; )
			memmove(tok, "\n", 1), memmove(tok + 1, tok + 3,
			    strlen(tok + 3) + 1);
		got = xasprintf("%s\n", want);
		CHECK(a != NULL && strcmp(a, got) == 0, "%s: etc/passwd-admin "
		    "holds the hashes crypt(3) can check, once each", name);
		free(got);
		free(a);
		free(want);
	}
	path = ml_path(ml, "mergeml.report");
	a = read_file(path);
	free(path);
	CHECK(a != NULL, "%s: report file written", name);
	if (a != NULL && (want = expected(exp, "report")) != NULL) {
		for (tok = strtok_r(want, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			tok += strspn(tok, " ");
			CHECK(strstr(a, tok) != NULL, "%s: report names %s",
			    name, tok);
		}
		free(want);
	}
	free(a);
	if ((want = expected(exp, "spool")) != NULL) {
		for (tok = strtok_r(want, ", ", &save); tok != NULL;
		    tok = strtok_r(NULL, ", ", &save)) {
			path = xasprintf("%s/spool/%s", src, tok);
			a = read_file(path);
			free(path);
			path = spool_path(ml, strtol(tok, NULL, 10));
			b = read_file(path);
			free(path);
			CHECK(a != NULL && b != NULL && strcmp(a, b) == 0,
			    "%s: spool/%s copied byte for byte", name, tok);
			free(a);
			free(b);
		}
		free(want);
	}

out:
	st = store_close(st);
	db = db_close(db);
	ml = ml_free(ml);
	why = buf_free(why);
	buf_free(s.m);
	buf_free(s.r);
	buf_free(s.d);
	buf_free(s.s);
	buf_free(s.o);
	buf_free(s.a);
	buf_free(s.mod);
}

/* test_fixture - convert one fixture twice, check it */
static void
test_fixture(const struct fixture *f)
{
	char	*src = xasprintf("%s/src/%s", root, f->dir);
	char	*out = xasprintf("%s/out.%s", root, f->ml);
	char	*path = xasprintf("%s/expected.txt", src);
	char	*exp = read_file(path);
	char	*before = tree(src), *after, *cf1, *cf2, *cfp;
	char	*argv[] = { (char *)f->ml, src, NULL };
	struct ml *ml = NULL;
	struct buf *why = buf_alloc(64);

	free(path);
	CHECK(exp != NULL, "%s: expected.txt", f->dir);
	if (exp == NULL)
		goto out;
	CHECK(quiet_convert(2, argv, out) == 0, "%s: mergeml", f->dir);
	check_list(f->dir, f->ml, exp, src);

	ml_open(site, f->ml, &ml, why);
	cfp = ml ? ml_path(ml, "config.cf") : xstrdup("/nonexistent");
	cf1 = read_file(cfp);
	CHECK(quiet_convert(2, argv, out) == 0, "%s: mergeml again",
	    f->dir);
	cf2 = read_file(cfp);
	CHECK(cf1 != NULL && cf2 != NULL && strcmp(cf1, cf2) == 0,
	    "%s: a second run leaves config.cf alone", f->dir);
	check_list(f->dir, f->ml, exp, src);
	after = tree(src);
	CHECK(strcmp(before, after) == 0, "%s: the old directory is "
	    "unchanged", f->dir);
	free(cf1);
	free(cf2);
	free(cfp);
	free(after);
	ml = ml_free(ml);

out:
	why = buf_free(why);
	free(before);
	free(exp);
	free(src);
	free(out);
}

/* test_dry_run - --dry-run creates nothing */
static void
test_dry_run(void)
{
	char	*src = xasprintf("%s/src/odd", root);
	char	*out = xasprintf("%s/out.dry", root);
	char	*home = xasprintf("%s/ml/dryrun", root);
	char	*argv[] = { "--dry-run", "dryrun", src, NULL };
	char	*text;

	CHECK(quiet_convert(3, argv, out) == 0, "dry run exits 0");
	CHECK(access(home, F_OK) != 0, "dry run makes no list directory");
	text = read_file(out);
	CHECK(text != NULL && strstr(text, "dry run") != NULL &&
	    strstr(text, "article_subject_tag = [Odd:%04d]") != NULL,
	    "dry run prints the settings it would add");
	free(text);
	free(src);
	free(out);
	free(home);
}

/* test_all - mergeml-all --dry-run: one table row per list */
static void
test_all(void)
{
	char	*src = xasprintf("%s/src", root);
	char	*out = xasprintf("%s/out.all", root);
	char	*argv[] = { "--dry-run", src, NULL };
	char	*text;

	CHECK(quiet_run(1, 2, argv, out) == 0, "mergeml-all --dry-run");
	text = read_file(out);
	CHECK(text != NULL && strstr(text, "\nodd@example.org ") != NULL &&
	    strstr(text, "\nfree@example.org ") != NULL &&
	    strstr(text, "\nplain8@example.org ") != NULL,
	    "the table has a row for each list");
	CHECK(text != NULL && strstr(text, "fml8site@") == NULL,
	    "a directory without a list is skipped");
	CHECK(text != NULL && strstr(text, "dry run") != NULL,
	    "the rows say dry run");
	free(text);
	free(src);
	free(out);
}

/* test_site_files - site_init.ph before config.ph, site_force.ph after */
static void
test_site_files(void)
{
	struct buf *why = buf_alloc(64);
	struct ml *ml = NULL;
	char	*p, *out = xasprintf("%s/out.site", root);
	char	*argv[] = { "sitelist", NULL, NULL };

	p = xasprintf("%s/site4", root);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/site4/etc", root);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/site4/etc/fml", root);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/site4/list", root);
	mkdir(p, 0755);
	argv[1] = p;
	p = xasprintf("%s/site4/etc/fml/site_init.ph", root);
	write_file(p, "$DOMAINNAME = \"init.example\";\n1;\n");
	free(p);
	p = xasprintf("%s/site4/etc/fml/site_force.ph", root);
	write_file(p, "$BRACKET = \"Forced\";\n1;\n");
	free(p);
	p = xasprintf("%s/config.ph", argv[1]);
	write_file(p, "$MAIL_LIST = \"list\\@$DOMAINNAME\";\n"
	    "$SUBJECT_TAG_TYPE = \"[:]\";\n$BRACKET = \"Mine\";\n1;\n");
	free(p);

	CHECK(quiet_convert(2, argv, out) == 0, "list with site files");
	if (ml_open(site, "sitelist", &ml, why) == 0) {
		CHECK_STR(cfg_raw(ml->cfg, "article_post_address"),
		    "list@init.example", "site_init.ph is read first");
		CHECK_STR(cfg_raw(ml->cfg, "article_subject_tag"),
		    "[Forced:%05d]", "site_force.ph wins over config.ph");
	} else {
		CHECK(0, "open sitelist: %s", why->data);
	}
	ml = ml_free(ml);
	free(argv[1]);
	free(out);
	why = buf_free(why);
}

/* test_refusals - not a list, same directory */
static void
test_refusals(void)
{
	char	*empty = xasprintf("%s/empty", root);
	char	*out = xasprintf("%s/out.bad", root);
	char	*home = xasprintf("%s/ml/odd", root);
	char	*argv[] = { "nolist", empty, NULL };
	char	*argv2[] = { "odd", home, NULL };
	char	*argv3[] = { "odd", NULL };

	mkdir(empty, 0755);
	CHECK(quiet_convert(2, argv, out) != 0, "a directory without "
	    "config.ph or config.cf is refused");
	CHECK(quiet_convert(2, argv2, out) != 0, "converting a list into "
	    "its own directory is refused");
	CHECK(quiet_convert(1, argv3, out) != 0, "a missing argument is "
	    "refused");
	free(empty);
	free(out);
	free(home);
}

/* test_seq_spool - seq with leading space; only bare numbers are articles */
static void
test_seq_spool(void)
{
	struct buf *why = buf_alloc(64);
	struct ml *ml = NULL;
	char	*dir = xasprintf("%s/seqsp-src", root), *p, *q;
	char	*out = xasprintf("%s/out.seqsp", root);
	char	*argv[] = { "seqsp", dir, NULL };
	long	 seq = -1;

	mkdir(dir, 0755);
	p = xasprintf("%s/spool", dir);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/config.ph", dir);
	write_file(p, "$MAIL_LIST = \"seqsp\\@example.org\";\n1;\n");
	free(p);
	p = xasprintf("%s/seq", dir);
	write_file(p, " 7\n");
	free(p);
	p = xasprintf("%s/spool/5", dir);
	write_file(p, "five\n");
	free(p);
	p = xasprintf("%s/spool/07", dir);
	write_file(p, "not article 7\n");
	free(p);

	CHECK(quiet_convert(2, argv, out) == 0, "list with \" 7\" in seq");
	if (ml_open(site, "seqsp", &ml, why) == 0) {
		spool_seq_read(ml, &seq, why);
		CHECK(seq == 7, "seq \" 7\" is 7, as Perl reads it (got %ld)",
		    seq);
		p = spool_path(ml, 5);
		q = read_file(p);
		CHECK(q != NULL && strcmp(q, "five\n") == 0, "spool/5 copied");
		free(q);
		free(p);
		p = spool_path(ml, 7);
		CHECK(access(p, F_OK) != 0, "spool/07 is not taken as "
		    "article 7");
		free(p);
	} else {
		CHECK(0, "open seqsp: %s", why->data);
	}
	ml = ml_free(ml);

	p = xasprintf("%s/seq", dir);
	write_file(p, "12abc\n");
	free(p);
	argv[0] = "seqbad";
	CHECK(quiet_convert(2, argv, out) != 0, "a seq that is not a number "
	    "is refused");
	CHECK(ml_open(site, "seqbad", &ml, why) != 0, "no list is made "
	    "from it");
	ml = ml_free(ml);
	free(dir);
	free(out);
	why = buf_free(why);
}

/* test_one_line - a value with a line break or "$" is reported */
static void
test_one_line(void)
{
	struct buf *why = buf_alloc(64);
	struct ml *ml = NULL;
	char	*dir = xasprintf("%s/oneline-src", root), *p, *rep;
	char	*out = xasprintf("%s/out.oneline", root);
	char	*argv[] = { "oneline", dir, NULL };

	mkdir(dir, 0755);
	p = xasprintf("%s/config.ph", dir);
	write_file(p, "$MAIL_LIST = \"oneline\\@example.org\";\n"
	    "$MAINTAINER = \"adm\\@example.org\\nmaintainer = "
	    "evil\\@example.org\";\n"
	    "$SKIP_FIELDS = 'X-A|X-$B';\n1;\n");
	free(p);

	CHECK(quiet_convert(2, argv, out) == 0, "list with a two-line value");
	if (ml_open(site, "oneline", &ml, why) == 0) {
		CHECK(strstr(cfg_raw(ml->cfg, "maintainer"), "evil") == NULL,
		    "a line break in $MAINTAINER adds no config.cf line");
		CHECK(strstr(cfg_raw(ml->cfg, "unsafe_header_fields"),
		    "X-A") == NULL, "a \"$\" in $SKIP_FIELDS is not written");
		p = ml_path(ml, "mergeml.report");
		rep = read_file(p);
		CHECK(rep != NULL && strstr(rep, "config.ph:2: MAINTAINER") !=
		    NULL && strstr(rep, "config.ph:3: SKIP_FIELDS") != NULL,
		    "the report names both");
		free(rep);
		free(p);
	} else {
		CHECK(0, "open oneline: %s", why->data);
	}
	ml = ml_free(ml);
	free(dir);
	free(out);
	why = buf_free(why);
}

/* test_tags - every tag form on a small list */
static void
test_tags(void)
{
	struct buf *why = buf_alloc(64);
	struct ml *ml;
	char	*dir, *path, *name, *out;
	char	*argv[3];
	size_t	 i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		name = xasprintf("tag%zu", i);
		dir = xasprintf("%s/%s-src", root, name);
		mkdir(dir, 0755);
		path = xasprintf("%s/config.ph", dir);
		write_file(path, tags[i].ph);
		free(path);
		path = xasprintf("%s/members", dir);
		write_file(path, "a@example.org\n");
		free(path);
		out = xasprintf("%s/out.%s", root, name);
		argv[0] = name;
		argv[1] = dir;
		argv[2] = NULL;
		ml = NULL;
		if (quiet_convert(2, argv, out) == 0 &&
		    ml_open(site, name, &ml, why) == 0)
			CHECK_STR(cfg_raw(ml->cfg, "article_subject_tag"),
			    tags[i].want, "tag case %zu", i);
		else
			CHECK(0, "tag case %zu converts", i);
		ml = ml_free(ml);
		free(out);
		free(dir);
		free(name);
	}
	why = buf_free(why);
}

/* run - everything, in the process that may write */
static int
run(void)
{
	struct buf *why = buf_alloc(64);
	char	*p;
	size_t	 i;

	p = xasprintf("%s/etc", root);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/etc/main.cf", root);
	sum = buf_alloc(256);
	buf_printf(sum, "default_ml_home_prefix = %s/ml\ndefault_domain = "
	    "example.org\npostfix_command_dir = %s/nopostfix\n", root, root);
	write_file(p, sum->data);
	sum = buf_free(sum);
	free(p);
	p = xasprintf("%s/etc", root);
	if (site_open(p, &site, why) != 0) {
		CHECK(0, "site: %s", why->data);
		free(p);
		why = buf_free(why);
		return check_done();
	}
	free(p);
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		test_fixture(&fixtures[i]);
	test_dry_run();
	test_all();
	test_site_files();
	test_refusals();
	test_seq_spool();
	test_one_line();
	test_tags();
	site = site_free(site);
	why = buf_free(why);
	return check_done();
}

int
main(void)
{
	struct passwd *pw;
	char	*src;
	pid_t	 pid;
	int	 ws, rc;

	check_name = "fml4merge";
	if (access(FIXTURES "/odd/config.ph", R_OK) != 0) {
		CHECK(0, "fixtures in %s (run from the work tree)", FIXTURES);
		return check_done();
	}
	snprintf(root, sizeof(root), "/tmp/test_fml4merge.%ld",
	    (long)getpid());
	if (mkdir(root, 0755) < 0) {
		CHECK(0, "mkdir %s: %s", root, strerror(errno));
		return check_done();
	}
	src = xasprintf("%s/src", root);
	mkdir(src, 0755);
	free(src);
	nftw(FIXTURES, copy_one, 16, FTW_PHYS);

	if (geteuid() != 0)
		rc = run();
	else if ((pw = getpwnam("nobody")) == NULL) {
		CHECK(0, "as root, the account nobody is needed");
		rc = check_done();
	} else {
		fflush(stdout);
		owner = pw;
		nftw(root, chown_one, 16, FTW_PHYS);
		if ((pid = fork()) == 0) {
			if (setgid(pw->pw_gid) < 0 ||
			    setuid(pw->pw_uid) < 0)
				_exit(1);
			exit(run());
		}
		rc = 1;
		if (pid > 0 && waitpid(pid, &ws, 0) == pid && WIFEXITED(ws))
			rc = WEXITSTATUS(ws);
	}
	nftw(root, rm_one, 16, FTW_PHYS | FTW_DEPTH);
	return rc;
}
