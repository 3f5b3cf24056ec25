/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_aliasgen - map blocks, block editing, include lines and the
 * Postfix check, table-driven.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <sys/stat.h>

#include "check.h"
#include "../../aliases-gen/aliasgen.h"
#include "buf.h"
#include "xmem.h"

static const struct aliasgen_list elena = {
	.name = "elena",
	.domain = "example.org",
	.home = "/var/spool/ml/elena",
	.owner = "mlm",
};

static const struct aliasgen_list nuinui = {
	.name = "elena",
	.domain = "nuinui.net",
	.home = "/srv/nuinui/elena",
	.owner = "fml@example.org",
	.virtual = 1,
	.local_domain = "mail.example.org",
};

static const char elena_aliases[] =
    "### <ALIASES elena@example.org ML> ###\n"
    "elena: :include:/var/spool/ml/elena/include\n"
    "owner-elena: mlm\n"
    "elena-ctl: :include:/var/spool/ml/elena/include-ctl\n"
    "elena-request: elena-admin\n"
    "elena-admin: mlm\n"
    "elena-error: :include:/var/spool/ml/elena/include-error\n"
    "owner-elena-error: mlm\n"
    "### </ALIASES elena@example.org ML> ###\n";

static const char nuinui_aliases[] =
    "### <ALIASES elena@nuinui.net ML> ###\n"
    "elena=nuinui.net: :include:/srv/nuinui/elena/include\n"
    "owner-elena=nuinui.net: fml@example.org\n"
    "elena-ctl=nuinui.net: :include:/srv/nuinui/elena/include-ctl\n"
    "elena-request=nuinui.net: elena-admin=nuinui.net\n"
    "elena-admin=nuinui.net: fml@example.org\n"
    "elena-error=nuinui.net: :include:/srv/nuinui/elena/include-error\n"
    "owner-elena-error=nuinui.net: fml@example.org\n"
    "### </ALIASES elena@nuinui.net ML> ###\n";

static const char nuinui_virtual[] =
    "### <VIRTUAL elena@nuinui.net ML> ###\n"
    "# nuinui.net is to be declared in virtual_alias_domains or "
    "mydestination\n"
    "# (see makefml check), not by a \"nuinui.net anything\" line here.\n"
    "elena@nuinui.net\telena=nuinui.net@mail.example.org\n"
    "elena-ctl@nuinui.net\telena-ctl=nuinui.net@mail.example.org\n"
    "elena-request@nuinui.net\telena-request=nuinui.net@mail.example.org\n"
    "elena-admin@nuinui.net\telena-admin=nuinui.net@mail.example.org\n"
    "elena-error@nuinui.net\telena-error=nuinui.net@mail.example.org\n"
    "### </VIRTUAL elena@nuinui.net ML> ###\n";

#define BLOCK(a, body) \
	"### <ALIASES " a " ML> ###\n" body "### </ALIASES " a " ML> ###\n"
#define BA	BLOCK("a@x.org", "a: 1\n")
#define BB	BLOCK("b@x.org", "b: 2\n")
#define BB2	BLOCK("b@x.org", "b: 22\n")
#define BC	BLOCK("c@x.org", "c: 3\n")
#define BBB	BLOCK("bb@x.org", "bb: 4\n")

static const struct replace_case {
	const char	*what;
	const char	*text;
	const char	*address;
	const char	*block;		/* NULL: remove */
	const char	*want;
	int		 changed;
	int		 status;
} replace_cases[] = {
	{ .what = "append to an empty file", .text = "", .address = "b@x.org",
	    .block = BB, .want = BB, .changed = 1 },
	{ .what = "append after text without a final newline",
	    .text = "root: admin", .address = "b@x.org", .block = BB,
	    .want = "root: admin\n" BB, .changed = 1 },
	{ .what = "replace in place among several",
	    .text = "# head\n" BA BB BC "tail: x\n", .address = "b@x.org",
	    .block = BB2, .want = "# head\n" BA BB2 BC "tail: x\n",
	    .changed = 1 },
	{ .what = "same block again changes nothing",
	    .text = BA BB BC, .address = "b@x.org", .block = BB,
	    .want = BA BB BC, .changed = 0 },
	{ .what = "remove exactly one block among several",
	    .text = BA BB BC, .address = "b@x.org", .block = NULL,
	    .want = BA BC, .changed = 1 },
	{ .what = "remove leaves a similar name alone",
	    .text = BBB BB, .address = "b@x.org", .block = NULL,
	    .want = BBB, .changed = 1 },
	{ .what = "remove a missing block",
	    .text = BA BC, .address = "b@x.org", .block = NULL,
	    .want = BA BC, .changed = 0 },
	{ .what = "duplicate blocks become one",
	    .text = BB BA BB, .address = "b@x.org", .block = BB2,
	    .want = BB2 BA, .changed = 1 },
	{ .what = "an unterminated block is refused",
	    .text = BA "### <ALIASES b@x.org ML> ###\nb: 2\n" BC,
	    .address = "b@x.org", .block = BB2,
	    .want = BA "### <ALIASES b@x.org ML> ###\nb: 2\n" BC,
	    .changed = 0, .status = EX_DATAERR },
	{ .what = "a marker inside a line is not a marker",
	    .text = "x ### <ALIASES b@x.org ML> ###\n", .address = "b@x.org",
	    .block = BB, .want = "x ### <ALIASES b@x.org ML> ###\n" BB,
	    .changed = 1 },
};

static const struct taken_case {
	const char	*what;
	const char	*text;
	const char	*skip;
	const char	*want;		/* NULL: nothing taken */
} taken_cases[] = {
	{ .what = "free", .text = "root: admin\n", .want = NULL },
	{ .what = "a plain alias", .text = "root: a\nelena-ctl: b",
	    .want = "elena-ctl" },
	{ .what = "case does not matter", .text = "Owner-Elena: x",
	    .want = "owner-elena" },
	{ .what = "comments and continuations do not count",
	    .text = "# elena: x\nfoo: a,\n elena: b\n", .want = NULL },
	{ .what = "a longer name is another key",
	    .text = "elena-ctl-x: y\nelenax: z\n", .want = NULL },
	{ .what = "the list's own block is skipped",
	    .text = "root: a\n### <ALIASES elena@example.org ML> ###\n"
	    "elena: x\n### </ALIASES elena@example.org ML> ###",
	    .skip = "elena@example.org", .want = NULL },
	{ .what = "another list's block is not skipped",
	    .text = "### <ALIASES elena@example.net ML> ###\n"
	    "elena: x\n### </ALIASES elena@example.net ML> ###",
	    .skip = "elena@example.org", .want = "elena" },
};

static const struct valid_case {
	int		(*fn)(const char *, struct buf *);
	const char	*arg;
	int		 ok;
} valid_cases[] = {
	{ aliasgen_name_valid, "elena", 1 },
	{ aliasgen_name_valid, "fml-help.2", 1 },
	{ aliasgen_name_valid, "", 0 },
	{ aliasgen_name_valid, "-x", 0 },
	{ aliasgen_name_valid, "a:b", 0 },
	{ aliasgen_name_valid, "a b", 0 },
	{ aliasgen_name_valid, "a=b", 0 },
	{ aliasgen_domain_valid, "example.org", 1 },
	{ aliasgen_domain_valid, "localhost", 1 },
	{ aliasgen_domain_valid, "a..b", 0 },
	{ aliasgen_domain_valid, "-a.org", 0 },
	{ aliasgen_domain_valid, "a-.org", 0 },
	{ aliasgen_domain_valid, "a_b.org", 0 },
	{ aliasgen_domain_valid, "", 0 },
	{ aliasgen_path_valid, "/var/spool/ml/elena", 1 },
	{ aliasgen_path_valid, "relative/dir", 0 },
	{ aliasgen_path_valid, "/a b", 0 },
	{ aliasgen_path_valid, "/a\"b", 0 },
	{ aliasgen_path_valid, "/a,b", 0 },
	{ aliasgen_path_valid, "/a:b", 0 },
};

/* test_blocks - the text of the blocks and the include lines */
static void
test_blocks(void)
{
	struct buf *b = buf_alloc(64);
	char	**keys;

	aliasgen_alias_block(&elena, b);
	CHECK_STR(b->data, elena_aliases, "alias block, default domain");
	buf_reset(b);
	aliasgen_alias_block(&nuinui, b);
	CHECK_STR(b->data, nuinui_aliases, "alias block, virtual domain");
	buf_reset(b);
	aliasgen_virtual_block(&nuinui, b);
	CHECK_STR(b->data, nuinui_virtual, "virtual block");

	buf_reset(b);
	aliasgen_include("/usr/local/libexec/mlm", "distribute", NULL,
	    "elena@example.org", b);
	CHECK_STR(b->data, "\"|/usr/local/libexec/mlm/distribute "
	    "elena@example.org\"\n", "include line, default site");
	buf_reset(b);
	aliasgen_include("/opt/mlm/libexec", "error", "/tmp/site",
	    "elena@nuinui.net", b);
	CHECK_STR(b->data, "\"|/opt/mlm/libexec/error -c /tmp/site "
	    "elena@nuinui.net\"\n", "include line with -c");

	keys = aliasgen_keys(&elena, AG_ALIASES);
	CHECK(keys[6] != NULL && keys[7] == NULL &&
	    strcmp(keys[1], "owner-elena") == 0, "seven alias keys");
	keys = aliasgen_argv_free(keys);
	keys = aliasgen_keys(&nuinui, AG_VIRTUAL);
	CHECK(keys[4] != NULL && keys[5] == NULL &&
	    strcmp(keys[4], "elena-error@nuinui.net") == 0,
	    "five virtual keys");
	keys = aliasgen_argv_free(keys);
	keys = aliasgen_keys(&nuinui, AG_ALIASES);
	CHECK_STR(keys[3], "elena-request=nuinui.net", "virtual alias key");
	keys = aliasgen_argv_free(keys);
	b = buf_free(b);
}

/* test_replace - the block editing table, and idempotency */
static void
test_replace(void)
{
	const struct replace_case *c;
	struct buf *t = buf_alloc(64);
	size_t	 i;
	int	 changed, status;

	for (i = 0; i < sizeof(replace_cases) / sizeof(*replace_cases); i++) {
		c = &replace_cases[i];
		buf_set(t, "%s", c->text);
		status = aliasgen_replace(t, AG_ALIASES, c->address,
		    c->block, &changed);
		CHECK_STR(t->data, c->want, "%s: text", c->what);
		CHECK(status == c->status && changed == c->changed,
		    "%s: status %d changed %d", c->what, status, changed);
		if (status != 0 || c->block == NULL)
			continue;
		status = aliasgen_replace(t, AG_ALIASES, c->address,
		    c->block, &changed);
		CHECK(status == 0 && changed == 0 &&
		    strcmp(t->data, c->want) == 0, "%s: idempotent",
		    c->what);
	}
	t = buf_free(t);
}

/* test_scan - block listing, taken keys, validity, words */
static void
test_scan(void)
{
	const char *text = BA "x: y\n" BB BC;
	struct buf *why = buf_alloc(64);
	const struct taken_case *tc;
	const char *got;
	char	**list, **keys;
	size_t	 i;
	int	 ok;

	list = aliasgen_blocks(text, strlen(text), AG_ALIASES);
	CHECK(list[0] && list[1] && list[2] && !list[3] &&
	    strcmp(list[0], "a@x.org") == 0 &&
	    strcmp(list[2], "c@x.org") == 0, "blocks listed in order");
	list = aliasgen_argv_free(list);
	list = aliasgen_blocks(text, strlen(text), AG_VIRTUAL);
	CHECK(list[0] == NULL, "no virtual blocks in an aliases file");
	list = aliasgen_argv_free(list);

	keys = aliasgen_keys(&elena, AG_ALIASES);
	for (i = 0; i < sizeof(taken_cases) / sizeof(*taken_cases); i++) {
		tc = &taken_cases[i];
		got = aliasgen_key_taken(tc->text, strlen(tc->text),
		    AG_ALIASES, keys, tc->skip);
		CHECK(tc->want ? got && strcmp(got, tc->want) == 0 :
		    got == NULL, "taken: %s (%s)", tc->what,
		    got ? got : "none");
	}
	keys = aliasgen_argv_free(keys);
	keys = aliasgen_keys(&nuinui, AG_VIRTUAL);
	got = aliasgen_key_taken("elena-admin@nuinui.net x\n", 25,
	    AG_VIRTUAL, keys, NULL);
	CHECK(got && strcmp(got, "elena-admin@nuinui.net") == 0,
	    "taken: a virtual address");
	keys = aliasgen_argv_free(keys);

	for (i = 0; i < sizeof(valid_cases) / sizeof(*valid_cases); i++) {
		ok = valid_cases[i].fn(valid_cases[i].arg, why) == 0;
		CHECK(ok == valid_cases[i].ok, "valid(\"%s\") = %d",
		    valid_cases[i].arg, ok);
	}

	list = aliasgen_words(" hash:/a,lmdb:/b  ,\tc ");
	CHECK(list[0] && list[1] && list[2] && !list[3] &&
	    strcmp(list[1], "lmdb:/b") == 0 && strcmp(list[2], "c") == 0,
	    "words split at commas and blanks");
	list = aliasgen_argv_free(list);
	CHECK(aliasgen_map_listed("hash:/etc/aliases, lmdb:/s/etc/mail/aliases",
	    "/s/etc/mail/aliases"), "map listed with another type");
	CHECK(!aliasgen_map_listed("hash:/s/etc/mail/aliases.x",
	    "/s/etc/mail/aliases"), "map not listed");
	why = buf_free(why);
}

/* test_file - a map source written, edited and removed on disk */
static void
test_file(const char *dir)
{
	struct buf *t = buf_alloc(64), *why = buf_alloc(64);
	struct stat st;
	char	*path;
	int	 changed, status;

	path = xasprintf("%s/etc/mail/aliases", dir);
	status = aliasgen_file_update(path, AG_ALIASES, "a@x.org", BA,
	    &changed, why);
	CHECK(status == 0 && changed, "file created with its directories"
	    " (%s)", why->data);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644,
	    "file mode 0644");
	aliasgen_file_update(path, AG_ALIASES, "b@x.org", BB, &changed, why);
	status = aliasgen_file_update(path, AG_ALIASES, "a@x.org", BA,
	    &changed, why);
	CHECK(status == 0 && !changed, "same block: file unchanged");
	status = aliasgen_file_update(path, AG_ALIASES, "a@x.org", NULL,
	    &changed, why);
	aliasgen_file_read(path, t, why);
	CHECK(status == 0 && changed && strcmp(t->data, BB) == 0,
	    "block removed from the file");
	free(path);
	path = xasprintf("%s/missing", dir);
	status = aliasgen_file_update(path, AG_ALIASES, "a@x.org", NULL,
	    &changed, why);
	CHECK(status == 0 && !changed && access(path, F_OK) != 0,
	    "removing from a missing file creates nothing");
	free(path);
	t = buf_free(t);
	why = buf_free(why);
}

static const struct check_case {
	const char	*what;
	const char	*main_cf;
	size_t		 store_size;
	int		 needs;
	const char	*want[6];	/* lines that must appear */
} check_cases[] = {
	{ .what = "stock Postfix",
	    .main_cf = "myhostname = mail.example.org",
	    .store_size = 4096, .needs = 6,
	    .want = {
		"need: alias_maps = hash:/etc/aliases, "
		    "hash:/s/etc/mail/aliases, hash:/v/etc/mail/aliases",
		"need: allow_mail_to_commands = alias, forward, include",
		"need: add example.org to mydestination",
		"need: add nuinui.net to virtual_alias_domains",
		"need: recipient_delimiter = +",
		"warn: mailbox_size_limit = 51200000 also caps",
	    } },
	{ .what = "ready for the lists",
	    .main_cf = "myhostname = mail.example.org\n"
		"mydomain = example.org\n"
		"mydestination = $myhostname,\n  $mydomain\n"
		"alias_maps = hash:/etc/aliases hash:/s/etc/mail/aliases\n"
		"  lmdb:/v/etc/mail/aliases\n"
		"# a comment\n"
		"allow_mail_to_commands = alias,forward,include\n"
		"virtual_alias_maps = lmdb:/v/etc/postfix/virtual\n"
		"virtual_alias_domains = nuinui.net\n"
		"recipient_delimiter = +\n"
		"mailbox_size_limit = 0",
	    .store_size = 40000000, .needs = 0,
	    .want = {
		"ok: example.org is in mydestination",
		"ok: nuinui.net is in virtual_alias_domains",
		"ok: mailbox_size_limit = 0",
		"ok: virtual_alias_maps has /v/etc/postfix/virtual",
	    } },
	{ .what = "store over half the limit, domain in both",
	    .main_cf = "mydestination = example.org nuinui.net\n"
		"virtual_alias_domains = ${mydestination}\n"
		"mailbox_size_limit = 1000000",
	    .store_size = 600000, .needs = 6,
	    .want = {
		"need: elena@example.org: store /s/elena/var/db/data.mdb is "
		    "600000 bytes, over half of mailbox_size_limit = 1000000",
		"need: nuinui.net is in both",
		"ok: example.org is in mydestination",
	    } },
};

/* test_check - the Postfix parameters from main.cf, and the report */
static void
test_check(const char *dir)
{
	const struct aliasgen_map maps[] = {
		{ .domain = "example.org", .alias_file =
		    "/s/etc/mail/aliases" },
		{ .domain = "nuinui.net", .alias_file = "/v/etc/mail/aliases",
		    .virtual_file = "/v/etc/postfix/virtual" },
	};
	struct aliasgen_store store = {
		.address = "elena@example.org",
		.path = "/s/elena/var/db/data.mdb",
		.map_size = 1073741824,
	};
	const struct check_case *c;
	struct aliasgen_postfix *pf;
	struct buf *out = buf_alloc(256), *why = buf_alloc(64);
	struct buf *text = buf_alloc(256);
	char	*cf, *bin, *virt[] = { "nuinui.net", NULL };
	char	*local;
	size_t	 i, j;
	int	 needs, status;

	bin = xasprintf("%s/bin", dir);
	mkdir(bin, 0700);
	cf = xasprintf("%s/main.cf", dir);
	for (i = 0; i < sizeof(check_cases) / sizeof(*check_cases); i++) {
		c = &check_cases[i];
		buf_set(text, "%s", c->main_cf);
		aliasgen_file_write(cf, text, why);
		buf_reset(why);
		status = aliasgen_postfix_open(bin, dir, &pf, why);
		CHECK(status == EX_UNAVAILABLE && pf != NULL &&
		    strcmp(aliasgen_postfix_source(pf), "main.cf") == 0,
		    "%s: parameters from main.cf (%s)", c->what, why->data);
		store.size = c->store_size;
		buf_reset(out);
		needs = aliasgen_check(pf, maps, 2, &store, 1, out);
		CHECK(needs == c->needs, "%s: %d needs", c->what, needs);
		for (j = 0; j < 6 && c->want[j] != NULL; j++)
			CHECK(strstr(out->data, c->want[j]) != NULL,
			    "%s: says \"%s\"", c->what, c->want[j]);
		if (needs != c->needs)
			printf("# %s", out->data);
		if (i == 1) {
			CHECK_STR(aliasgen_postfix_get(pf, "mydestination"),
			    "mail.example.org,   example.org",
			    "continuation joined, $myhostname expanded");
			local = aliasgen_local_domain(pf, NULL, virt);
			CHECK_STR(local, "mail.example.org", "local domain");
			free(local);
		}
		if (i == 2) {
			local = aliasgen_local_domain(pf, NULL, virt);
			CHECK_STR(local, "example.org",
			    "local domain skips virtual domains");
			free(local);
			local = aliasgen_local_domain(pf, "relay.example",
			    virt);
			CHECK_STR(local, "relay.example",
			    "local domain override");
			free(local);
		}
		CHECK(aliasgen_postfix_run(pf, "postalias", cf, why) ==
		    EX_UNAVAILABLE, "%s: postalias missing is reported",
		    c->what);
		pf = aliasgen_postfix_free(pf);
	}
	unlink(cf);
	status = aliasgen_postfix_open(bin, dir, &pf, why);
	CHECK(status != 0 && aliasgen_postfix_source(pf) == NULL &&
	    strcmp(aliasgen_postfix_get(pf, "allow_mail_to_commands"),
	    "alias, forward") == 0, "no main.cf: stock defaults");
	pf = aliasgen_postfix_free(pf);
	rmdir(bin);
	free(bin);
	free(cf);
	out = buf_free(out);
	why = buf_free(why);
	text = buf_free(text);
}

int
main(void)
{
	char	 dir[] = "/tmp/test_aliasgen.XXXXXX";
	char	*cmd;

	check_name = "aliasgen";
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_blocks();
	test_replace();
	test_scan();
	test_file(dir);
	test_check(dir);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	free(cmd);
	return check_done();
}
