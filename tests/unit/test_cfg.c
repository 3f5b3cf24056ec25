/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	test_cfg - unit tests of the layered configuration
 * DESCRIPTION
 *	Table-driven checks of the config.cf syntax, layering, lazy and
 *	recursive expansion, warnings, typed accessors and the file
 *	editor. Fixture files live in a mkdtemp(3) directory that is
 *	removed at the end.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "check.h"
#include "xmem.h"

static char *tmpdir;

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

/* count_entries - entries of a directory other than . and .. */
static int
count_entries(const char *dir)
{
	DIR	*d;
	struct dirent *e;
	int	 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static const struct syntax_case {
	const char	*what;
	const char	*text;
	size_t		 len;		/* 0: strlen(text) */
	const char	*var;
	const char	*want;		/* expanded value */
	const char	*err;		/* expected reason, EX_CONFIG */
} syntax_cases[] = {
	{ .what = "plain", .text = "a = 1\n", .var = "a", .want = "1" },
	{ .what = "no spaces", .text = "a=1\n", .var = "a", .want = "1" },
	{ .what = "trimmed", .text = "a \t=   x  y \t\n", .var = "a",
	    .want = "x  y" },
	{ .what = "empty", .text = "a =\n", .var = "a", .want = "" },
	{ .what = "no final newline", .text = "a = 1", .var = "a",
	    .want = "1" },
	{ .what = "continuation", .text = "a = x\n\ty\n   z  \n", .var = "a",
	    .want = "x y z" },
	{ .what = "continuation of empty", .text = "a =\n\tx\n\ty\n",
	    .var = "a", .want = "x y" },
	{ .what = "indented comment", .text = "a = 1\n  # no\n\tb\n",
	    .var = "a", .want = "1 b" },
	{ .what = "blank line inside", .text = "a = 1\n\n\tb\n", .var = "a",
	    .want = "1 b" },
	{ .what = "comment", .text = "# a = 2\na = 1\n#a = 3\n", .var = "a",
	    .want = "1" },
	{ .what = "hash in value", .text = "a = x # y\n", .var = "a",
	    .want = "x # y" },
	{ .what = "later wins", .text = "a = 1\na = 2\n", .var = "a",
	    .want = "2" },
	{ .what = "+=", .text = "a = x\na += y z\n", .var = "a",
	    .want = "x y z" },
	{ .what = "+= undefined", .text = "a += y\n", .var = "a",
	    .want = "y" },
	{ .what = "+= continued", .text = "a = x\na +=\n\ty\n\tz\n",
	    .var = "a", .want = "x y z" },
	{ .what = "-=", .text = "a = x y  z x\na -= x\n", .var = "a",
	    .want = "y z" },
	{ .what = "-= continued", .text = "a = p q r\na -= p\n\tr\n",
	    .var = "a", .want = "q" },
	{ .what = "-= absent word", .text = "a = p q\na -= r\n", .var = "a",
	    .want = "p q" },
	{ .what = "=cut", .text = "a = 1\n=cut\na = 2\nperl code;\n",
	    .var = "a", .want = "1" },
	{ .what = "=cut with text", .text = "a = 1\n=cut here\n1 = 2\n",
	    .var = "a", .want = "1" },
	{ .what = "CRLF", .text = "a = x\r\n\ty\r\nb = 2\r\n", .var = "a",
	    .want = "x y" },
	{ .what = "CRLF last", .text = "a = x\r\nb = 2\r\n", .var = "b",
	    .want = "2" },
	{ .what = "regex kept", .text = "a = \\S+-help \\S+-subscribe\n",
	    .var = "a", .want = "\\S+-help \\S+-subscribe" },
	{ .what = "underscore name", .text = "_a_1 = v\n", .var = "_a_1",
	    .want = "v" },
	{ .what = "missing operator", .text = "a = 1\nfoo bar\n",
	    .err = "t.cf:2: expected \"=\", \"+=\" or \"-=\" after the name" },
	{ .what = "bare name", .text = "foo\n",
	    .err = "t.cf:1: expected" },
	{ .what = "continuation first", .text = "\tx = 1\n",
	    .err = "t.cf:1: continuation line without a variable" },
	{ .what = "continuation after comment", .text = "# c\n  x\n",
	    .err = "t.cf:2: continuation line without a variable" },
	{ .what = "digit first", .text = "1a = 2\n",
	    .err = "t.cf:1: bad variable name" },
	{ .what = "dot in name", .text = "a = 1\n\na.b = 1\n",
	    .err = "t.cf:3: bad variable name" },
	{ .what = "=cutter", .text = "a = 1\n=cutter\n",
	    .err = "t.cf:2: bad variable name" },
	{ .what = "*=", .text = "a *= 1\n", .err = "t.cf:1: expected" },
	{ .what = "CRLF error line", .text = "a = 1\r\n\r\nb\r\n",
	    .err = "t.cf:3: expected" },
	{ .what = "NUL byte", .text = "a = 1\nb = \0x\n", .len = 11,
	    .err = "t.cf:2: NUL byte in line" },
};

/* test_syntax - one layer per case */
static void
test_syntax(void)
{
	const struct syntax_case *c;
	struct cfg *cfg;
	struct buf *why;
	size_t	 i, len;
	int	 status;

	why = buf_alloc(0);
	for (i = 0; i < sizeof(syntax_cases) / sizeof(syntax_cases[0]); i++) {
		c = &syntax_cases[i];
		cfg = cfg_new();
		buf_reset(why);
		len = c->len ? c->len : strlen(c->text);
		status = cfg_load_text(cfg, c->text, len, "t.cf", why);
		if (c->err != NULL) {
			CHECK(status == EX_CONFIG, "syntax %s: EX_CONFIG",
			    c->what);
			CHECK(strncmp(buf_str(why), c->err,
			    strlen(c->err)) == 0, "syntax %s: reason \"%s\"",
			    c->what, buf_str(why));
			CHECK(cfg_names(cfg)[0] == NULL,
			    "syntax %s: nothing applied", c->what);
		} else {
			CHECK(status == 0, "syntax %s: loads (%s)", c->what,
			    buf_str(why));
			CHECK_STR(cfg_get(cfg, c->var), c->want, "syntax %s",
			    c->what);
		}
		cfg_free(cfg);
	}

	cfg = cfg_new();
	cfg_load_text(cfg, "a = 1\n", 6, "t.cf", why);
	status = cfg_load_text(cfg, "a = 2\nb = 3\nbad line\n", 21, "u.cf",
	    why);
	CHECK(status == EX_CONFIG, "failed layer: EX_CONFIG");
	CHECK_STR(cfg_get(cfg, "a"), "1", "failed layer leaves a alone");
	CHECK(!cfg_defined(cfg, "b"), "failed layer defines nothing");
	cfg_free(cfg);
	buf_free(why);
}

/* test_layers - three layers with =, += and -= across them */
static void
test_layers(void)
{
	static const struct {
		const char	*var;
		const char	*raw;
		const char	*want;
	} want[] = {
		{ .var = "a", .raw = "x z w", .want = "x z w" },
		{ .var = "b", .raw = "2", .want = "2" },
		{ .var = "c", .raw = "$a/$b", .want = "x z w/2" },
		{ .var = "d", .raw = "kept", .want = "kept" },
		{ .var = "e", .raw = "", .want = "" },
	};
	static const char *const layer[] = {
		"a = x y\nb = 1\nd = kept\ne = p q\n",
		"a += z\nb = 2\n",
		"a -= y\na += w\nc = $a/$b\ne -= q p\n",
	};
	struct cfg *cfg;
	struct buf *why;
	const char **names;
	size_t	 i;
	int	 rc;

	cfg = cfg_new();
	why = buf_alloc(0);
	for (i = 0; i < 3; i++) {
		rc = cfg_load_text(cfg, layer[i], strlen(layer[i]), "layer",
		    why);
		CHECK(rc == 0, "layer %zu loads", i + 1);
	}
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_STR(cfg_raw(cfg, want[i].var), want[i].raw,
		    "layers: raw %s", want[i].var);
		CHECK_STR(cfg_get(cfg, want[i].var), want[i].want,
		    "layers: value %s", want[i].var);
	}
	names = cfg_names(cfg);
	CHECK(names[0] && names[1] && names[2] && names[3] && names[4] &&
	    names[5] == NULL, "layers: five names");
	CHECK(names[0] && strcmp(names[0], "a") == 0 && names[4] &&
	    strcmp(names[4], "e") == 0, "layers: names sorted");
	CHECK(cfg_warnings(cfg)[0] == NULL,
	    "layers: no warnings without a registry");
	cfg_free(cfg);
	buf_free(why);
}

static const struct expand_case {
	const char	*var;
	const char	*want;
} expand_cases[] = {
	{ .var = "post", .want = "elena@example.org" },
	{ .var = "brace", .want = "elenax" },
	{ .var = "dollar", .want = "$ml_name" },
	{ .var = "lone", .want = "a $ b $-c" },
	{ .var = "trail", .want = "cost$" },
	{ .var = "tag", .want = "[elena:%05d]" },
	{ .var = "num", .want = "%05d" },
	{ .var = "regex", .want = "\\S+-help" },
	{ .var = "undef", .want = "<>" },
	{ .var = "brace_open", .want = "${ml_name" },
	{ .var = "brace_empty", .want = "${}x" },
	{ .var = "digit", .want = "$1" },
	{ .var = "nested", .want = "dir=/h/elena/var/db" },
	{ .var = "loop_b", .want = "BA" },
	{ .var = "loop_a", .want = "AB" },
	{ .var = "self", .want = "x" },
	{ .var = "tri_c", .want = "CAB" },
	{ .var = "tri_a", .want = "ABC" },
	{ .var = "via_loop", .want = "<ABC>" },
};

static const char expand_text[] =
	"ml_name = elena\n"
	"ml_domain = example.org\n"
	"post = $ml_name@$ml_domain\n"
	"brace = ${ml_name}x\n"
	"dollar = $$ml_name\n"
	"lone = a $ b $-c\n"
	"trail = cost$\n"
	"tag = [$ml_name:%05d]\n"
	"num = %05d\n"
	"regex = \\S+-help\n"
	"undef = <$nothere>\n"
	"brace_open = ${ml_name\n"
	"brace_empty = ${}x\n"
	"digit = $1\n"
	"home = /h/$ml_name\n"
	"var = $home/var\n"
	"db = ${var}/db\n"
	"nested = dir=$db\n"
	"loop_a = A$loop_b\n"
	"loop_b = B$loop_a\n"
	"self = x$self\n"
	"tri_a = A$tri_b\n"
	"tri_b = B$tri_c\n"
	"tri_c = C$tri_a\n"
	"via_loop = <$tri_a>\n";

/* test_expand - expansion rules, loops, limits and laziness */
static void
test_expand(void)
{
	struct cfg *cfg;
	struct buf *why, *chain;
	const char *order[] = { "d16", "d0" };
	char	*s;
	size_t	 i, j, len;
	int	 rc;

	cfg = cfg_new();
	why = buf_alloc(0);
	rc = cfg_load_text(cfg, expand_text, strlen(expand_text), "e.cf",
	    why);
	CHECK(rc == 0, "expand: fixture loads (%s)", buf_str(why));
	for (i = 0; i < sizeof(expand_cases) / sizeof(expand_cases[0]); i++)
		CHECK_STR(cfg_get(cfg, expand_cases[i].var),
		    expand_cases[i].want, "expand %s", expand_cases[i].var);
	CHECK(cfg_get(cfg, "nothere") == NULL, "expand: undefined is NULL");
	CHECK_STR(cfg_raw(cfg, "post"), "$ml_name@$ml_domain",
	    "expand: raw kept");

	s = cfg_expand(cfg, "$post ${ml_name}$$ $ end");
	CHECK_STR(s, "elena@example.org elena$ $ end", "cfg_expand");
	free(s);

	cfg_set(cfg, "ml_name", "fuga");
	CHECK_STR(cfg_get(cfg, "post"), "fuga@example.org",
	    "lazy: cfg_set after loading");
	CHECK_STR(cfg_get(cfg, "nested"), "dir=/h/fuga/var/db",
	    "lazy: nested after cfg_set");
	cfg_load_text(cfg, "home = /x\n", 10, "late.cf", why);
	CHECK_STR(cfg_get(cfg, "nested"), "dir=/x/var/db",
	    "lazy: later layer changes a reference");
	cfg_free(cfg);

	/*
	 * A chain of 16 nested references expands fully, one more is cut,
	 * whichever variable of the chain is read first.
	 */
	for (len = 16; len <= 17; len++) {
		for (j = 0; j < 2; j++) {
			cfg = cfg_new();
			chain = buf_alloc(0);
			for (i = 0; i < len; i++)
				buf_printf(chain, "d%zu = $d%zu\n", i, i + 1);
			buf_printf(chain, "d%zu = end\n", len);
			cfg_load_text(cfg, chain->data, chain->len, "c.cf",
			    why);
			if (j == 0)
				CHECK_STR(cfg_get(cfg, order[0]), "end",
				    "depth %zu: tail first", len);
			CHECK_STR(cfg_get(cfg, order[1]), len == 16 ? "end" :
			    "", "depth %zu: head (%s)", len,
			    j == 0 ? "after tail" : "alone");
			buf_free(chain);
			cfg_free(cfg);
		}
	}

	/* Many references to a large loop end without exploding. */
	cfg = cfg_new();
	chain = buf_alloc(0);
	for (i = 0; i < 12; i++) {
		buf_printf(chain, "l%zu =", i);
		for (j = 0; j < 12; j++)
			buf_printf(chain, " $l%zu", j);
		buf_putc(chain, '\n');
	}
	cfg_load_text(cfg, chain->data, chain->len, "l.cf", why);
	CHECK(cfg_get(cfg, "l0") != NULL, "loop web: expands to something");
	buf_free(chain);
	cfg_free(cfg);
	buf_free(why);
}

/* test_defaults - built-in defaults, presets and warnings */
static void
test_defaults(void)
{
	static const char list[] =
		"spool_dir = /x/spool\n"
		"bogus = 1\n"
		"\tcontinued\n"
		"other_bogus += 2\n"
		"maintainer = boss@$ml_domain\n";
	struct cfg *cfg;
	struct buf *why;
	const char **w;
	const char *p1, *p2;
	int	 rc;

	cfg = cfg_new();
	why = buf_alloc(0);
	cfg_set(cfg, "ml_name", "elena");
	cfg_set(cfg, "fml_owner", "fml");
	rc = cfg_load_defaults(cfg, why);
	CHECK(rc == 0, "defaults load (%s)", buf_str(why));
	cfg_set(cfg, "ml_domain", "example.org");
	CHECK(cfg_known(cfg, "spool_dir"), "spool_dir is known");
	CHECK(cfg_known(cfg, "ml_name"), "preset ml_name is known");
	CHECK(!cfg_known(cfg, "bogus"), "bogus is not known");
	CHECK_STR(cfg_get(cfg, "ml_name"), "elena",
	    "defaults keep a preset value");
	CHECK_STR(cfg_get(cfg, "fml_owner"), "fml",
	    "defaults keep preset fml_owner");
	CHECK_STR(cfg_get(cfg, "article_post_address"), "elena@example.org",
	    "defaults: article_post_address");
	CHECK_STR(cfg_get(cfg, "article_subject_tag"), "[elena:%05d]",
	    "defaults: subject tag format survives");
	CHECK(cfg_has_word(cfg, "system_special_accounts", "\\S+-help"),
	    "defaults: regex word survives");
	CHECK(cfg_has_word(cfg, "article_header_rewrite_rules",
	    "rewrite_article_subject_tag"), "defaults: word list");
	CHECK(cfg_warnings(cfg)[0] == NULL, "defaults: no warnings");

	rc = cfg_load_text(cfg, list, strlen(list), "config.cf", why);
	CHECK(rc == 0, "list layer loads");
	w = cfg_warnings(cfg);
	CHECK_STR(w[0], "config.cf:2: unknown variable bogus",
	    "warning for bogus");
	CHECK_STR(w[1], "config.cf:4: unknown variable other_bogus",
	    "warning for other_bogus");
	CHECK(w[0] && w[1] && w[2] == NULL, "two warnings");
	CHECK_STR(cfg_get(cfg, "bogus"), "1 continued",
	    "unknown variable is still set");
	CHECK_STR(cfg_get(cfg, "list_owner_address"), "boss@example.org",
	    "defaults refer to the list layer");

	p1 = cfg_get(cfg, "spool_dir");
	p2 = cfg_get(cfg, "spool_dir");
	CHECK(p1 == p2, "cfg_get caches until a change");
	cfg_set(cfg, "ml_name", "x");
	CHECK_STR(cfg_get(cfg, "spool_dir"), "/x/spool",
	    "overridden default stays overridden");
	cfg_free(cfg);
	buf_free(why);
}

/* test_typed - cfg_bool, cfg_long, cfg_words */
static void
test_typed(void)
{
	static const struct {
		const char	*value;
		int		 want;
	} bools[] = {
		{ "yes", 1 }, { "Y", 1 }, { "on", 1 }, { "TRUE", 1 },
		{ "1", 1 }, { " yes ", 1 }, { "no", 0 }, { "0", 0 }, { "", 0 },
		{ "yess", 0 }, { "off", 0 }, { "$t", 1 }, { "2", 0 },
	};
	static const struct {
		const char	*value;
		long		 want;
	} longs[] = {
		{ "42", 42 }, { " 42 ", 42 }, { "-5", -5 }, { "4x", -1 },
		{ "", -1 }, { "x", -1 }, { "99999999999999999999999", -1 },
		{ "$n", 7 }, { "$n$n", 77 }, { "0x10", -1 },
	};
	static const struct {
		const char	*value;
		int		 n;
		const char	*last;
	} words[] = {
		{ "a  b\tc", 3, "c" }, { "", 0, NULL }, { "  one  ", 1, "one" },
		{ "$t x", 2, "x" },
	};
	struct cfg *cfg;
	char	**w;
	size_t	 i;
	int	 n;

	cfg = cfg_new();
	cfg_set(cfg, "t", "yes");
	cfg_set(cfg, "n", "7");
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		cfg_set(cfg, "v", bools[i].value);
		CHECK(cfg_bool(cfg, "v") == bools[i].want, "bool \"%s\"",
		    bools[i].value);
	}
	CHECK(cfg_bool(cfg, "undefined") == 0, "bool undefined");
	for (i = 0; i < sizeof(longs) / sizeof(longs[0]); i++) {
		cfg_set(cfg, "v", longs[i].value);
		CHECK(cfg_long(cfg, "v", -1) == longs[i].want, "long \"%s\"",
		    longs[i].value);
	}
	CHECK(cfg_long(cfg, "undefined", 9) == 9, "long undefined");
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		cfg_set(cfg, "v", words[i].value);
		w = cfg_words(cfg, "v");
		for (n = 0; w[n] != NULL; n++)
			;
		CHECK(n == words[i].n, "words \"%s\": %d", words[i].value, n);
		if (words[i].last != NULL && n > 0)
			CHECK_STR(w[n - 1], words[i].last, "words \"%s\" last",
			    words[i].value);
	}
	CHECK(cfg_words(cfg, "undefined")[0] == NULL, "words undefined");
	cfg_set(cfg, "v", "alpha beta");
	CHECK(cfg_has_word(cfg, "v", "beta"), "has_word beta");
	CHECK(!cfg_has_word(cfg, "v", "bet"), "has_word not a prefix");
	CHECK(!cfg_has_word(cfg, "v", "alpha beta"), "has_word one word");
	cfg_free(cfg);
}

/* test_files - cfg_load_file and its errors */
static void
test_files(void)
{
	struct cfg *cfg;
	struct buf *why;
	char	*path, *want;
	int	 rc;

	cfg = cfg_new();
	why = buf_alloc(0);
	path = xasprintf("%s/load.cf", tmpdir);
	rc = cfg_load_file(cfg, path, CFG_MISSING_OK, why);
	CHECK(rc == 0, "missing file is fine with CFG_MISSING_OK");
	rc = cfg_load_file(cfg, path, 0, why);
	CHECK(rc == EX_CONFIG, "missing file is EX_CONFIG otherwise");
	CHECK(strstr(buf_str(why), path) != NULL, "reason names the file");
	write_file(path, "a = 1\n# c\n\nb c\n");
	rc = cfg_load_file(cfg, path, 0, why);
	CHECK(rc == EX_CONFIG, "bad file is EX_CONFIG");
	want = xasprintf("%s:4: ", path);
	CHECK(strncmp(buf_str(why), want, strlen(want)) == 0,
	    "reason \"%s\" has FILE:LINE", buf_str(why));
	free(want);
	write_file(path, "a = 1\n=cut\nsub x { }\n");
	rc = cfg_load_file(cfg, path, 0, why);
	CHECK(rc == 0, "good file loads");
	CHECK_STR(cfg_get(cfg, "a"), "1", "value from the file");
	rc = cfg_load_file(cfg, tmpdir, 0, why);
	CHECK(rc == EX_CONFIG, "a directory is not a config file");
	free(path);
	cfg_free(cfg);
	buf_free(why);
}

static const struct add_case {
	const char	*what;
	const char	*before;	/* NULL: no file */
	const char	*line;
	const char	*after;		/* NULL: EX_DATAERR, file unchanged */
} add_cases[] = {
	{ .what = "before =cut", .before = "a = 1\n=cut\nperl;\n",
	    .line = "b = 2", .after = "a = 1\nb = 2\n=cut\nperl;\n" },
	{ .what = "at the end", .before = "a = 1\n", .line = "b = 2\n",
	    .after = "a = 1\nb = 2\n" },
	{ .what = "after a last line without newline", .before = "a = 1",
	    .line = "b = 2", .after = "a = 1\nb = 2\n" },
	{ .what = "empty file", .before = "", .line = "b = 2",
	    .after = "b = 2\n" },
	{ .what = "no file", .before = NULL, .line = "b = 2",
	    .after = "b = 2\n" },
	{ .what = "=cut first", .before = "=cut\nx\n", .line = "b += 2",
	    .after = "b += 2\n=cut\nx\n" },
	{ .what = "first =cut only", .before = "a = 1\n=cut\n=cut\n",
	    .line = "b -= 2", .after = "a = 1\nb -= 2\n=cut\n=cut\n" },
	{ .what = "CRLF file", .before = "a = 1\r\n=cut\r\n",
	    .line = "b = 2", .after = "a = 1\r\nb = 2\r\n=cut\r\n" },
	{ .what = "comment line", .before = "a = 1\n", .line = "# note",
	    .after = "a = 1\n# note\n" },
	{ .what = "not a statement", .before = "a = 1\n", .line = "b 2" },
	{ .what = "two lines", .before = "a = 1\n", .line = "b = 2\nc = 3" },
	{ .what = "continuation", .before = "a = 1\n", .line = "\tmore" },
	{ .what = "=cut itself", .before = "a = 1\n", .line = "=cut" },
	{ .what = "carriage return", .before = "a = 1\n", .line = "b = 2\r" },
};

/* test_add_line - cfg_file_add_line */
static void
test_add_line(void)
{
	const struct add_case *c;
	struct stat st;
	struct buf *why;
	char	*dir, *path, *got, *target, *link;
	size_t	 i;
	int	 status;
	int	 rc;

	why = buf_alloc(0);
	for (i = 0; i < sizeof(add_cases) / sizeof(add_cases[0]); i++) {
		c = &add_cases[i];
		dir = xasprintf("%s/add%zu", tmpdir, i);
		mkdir(dir, 0700);
		path = xasprintf("%s/config.cf", dir);
		if (c->before != NULL)
			write_file(path, c->before);
		status = cfg_file_add_line(path, c->line, why);
		got = read_file(path);
		if (c->after == NULL) {
			CHECK(status == EX_DATAERR, "add %s: EX_DATAERR (%s)",
			    c->what, buf_str(why));
			CHECK_STR(got, c->before, "add %s: unchanged", c->what);
		} else {
			CHECK(status == 0, "add %s: ok (%s)", c->what,
			    buf_str(why));
			CHECK_STR(got, c->after, "add %s: content", c->what);
		}
		CHECK(count_entries(dir) == (c->before || c->after ? 1 : 0),
		    "add %s: no temporary file left", c->what);
		if (c->before == NULL && c->after != NULL)
			CHECK(stat(path, &st) == 0 &&
			    (st.st_mode & 07777) == 0600,
			    "add %s: new file is 0600", c->what);
		free(got);
		free(path);
		free(dir);
	}

	path = xasprintf("%s/mode.cf", tmpdir);
	write_file(path, "a = 1\n");
	chmod(path, 0640);
	rc = cfg_file_add_line(path, "b = 2", why);
	CHECK(rc == 0, "add: mode file");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640,
	    "add: mode 0640 kept");
	free(path);

	target = xasprintf("%s/real.cf", tmpdir);
	link = xasprintf("%s/link.cf", tmpdir);
	write_file(target, "a = 1\n");
	rc = symlink("real.cf", link);
	CHECK(rc == 0, "add: symlink made");
	rc = cfg_file_add_line(link, "b = 2", why);
	CHECK(rc == 0, "add via symlink");
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode),
	    "add: symlink stays a symlink");
	got = read_file(target);
	CHECK_STR(got, "a = 1\nb = 2\n", "add: target changed");
	free(got);
	free(target);
	free(link);

	path = xasprintf("%s/nodir/config.cf", tmpdir);
	rc = cfg_file_add_line(path, "b = 2", why);
	CHECK(rc == EX_CANTCREAT, "add: missing directory is EX_CANTCREAT "
	    "(%s)", buf_str(why));
	free(path);
	buf_free(why);
}

/* test_refs - cfg_check_refs() names references to undefined variables */
static void
test_refs(void)
{
	static const struct {
		const char *text;
		int	    warnings;
		const char *has;
	} cases[] = {
		{ "a = $b\nb = x\n", 0, NULL },
		{ "a = $nosuch\n", 1, "a refers to $nosuch" },
		{ "a = ${nosuch}x\n", 1, "a refers to $nosuch" },
		{ "a = $$nosuch\n", 0, NULL },
		{ "a = 100$ cash\n", 0, NULL },
		{ "a = $x $y\nx = 1\n", 1, "refers to $y," },
	};
	size_t	 i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfg *cfg = cfg_new();
		struct buf *why = buf_alloc(64);
		const char **w;

		cfg_load_text(cfg, cases[i].text, strlen(cases[i].text), "t",
		    why);
		cfg_check_refs(cfg);
		for (n = 0, w = cfg_warnings(cfg); w && *w; w++, n++)
			;
		w = cfg_warnings(cfg);
		CHECK(n == (size_t)cases[i].warnings && (cases[i].has == NULL ||
		    (n > 0 && strstr(w[0], cases[i].has) != NULL)),
		    "check_refs case %zu: %zu warnings", i, n);
		cfg_free(cfg);
		buf_free(why);
	}
}

int
main(void)
{
	char	 tmpl[] = "/tmp/test_cfg.XXXXXX";

	check_name = "cfg";
	if ((tmpdir = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_syntax();
	test_layers();
	test_expand();
	test_defaults();
	test_typed();
	test_files();
	test_add_line();
	test_refs();
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return check_done();
}
