/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fml4cf - the config.ph reader: values, notes, macro calls
 */

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../../convert/fml4cf.h"

struct cfcase {
	const char	*name;
	const char	*text;
	const char	*var;		/* variable to look at */
	const char	*want;		/* its value; NULL: not set */
	size_t		 notes;		/* notes expected */
	const char	*note;		/* text one of them must contain */
	int		 final_true;
};

static const struct cfcase cases[] = {
	{ .name = "number", .text = "$X = 5;\n1;\n", .var = "X",
	  .want = "5", .final_true = 1 },
	{ .name = "negative number", .text = "$X = -12;", .var = "X",
	  .want = "-12" },
	{ .name = "double quotes with \\@", .text = "$M = \"a\\@b.jp\";",
	  .var = "M", .want = "a@b.jp" },
	{ .name = "interpolation of an earlier variable",
	  .text = "$DOMAINNAME = \"ex.jp\";\n$M = \"ml\\@$DOMAINNAME\";",
	  .var = "M", .want = "ml@ex.jp" },
	{ .name = "braced interpolation", .text = "$A = 'x';\n"
	  "$B = \"${A}y\";", .var = "B", .want = "xy" },
	{ .name = "$DIR", .text = "$F = \"$DIR/members\";", .var = "F",
	  .want = "/var/spool/ml/elena/members" },
	{ .name = "single quotes keep $ and \\n",
	  .text = "$S = 'a$b\\n\\'c\\\\';", .var = "S",
	  .want = "a$b\\n'c\\" },
	{ .name = "q#...#", .text = "$H = q#x \"y\" ;#;", .var = "H",
	  .want = "x \"y\" ;" },
	{ .name = "q{} nests", .text = "$H = q{a {b} c};", .var = "H",
	  .want = "a {b} c" },
	{ .name = "qq|| interpolates", .text = "$A = 1;\n$H = qq|v$A|;",
	  .var = "H", .want = "v1" },
	{ .name = "concatenation", .text = "$A = 'x';\n"
	  "$B = \"1\" . $A . '2';", .var = "B", .want = "1x2" },
	{ .name = ".= appends", .text = "$A = 'x';\n$A .= \"y\";",
	  .var = "A", .want = "xy" },
	{ .name = "escapes in double quotes", .text = "$A = \"a\\tb\\nc\";",
	  .var = "A", .want = "a\tb\nc" },
	{ .name = "hex, octal and control escapes",
	  .text = "$A = \"\\x41\\101\\r\\f\\a-\\x7e\";", .var = "A",
	  .want = "AA\r\f\a-~" },
	{ .name = "case escape is a note", .text = "$A = \"\\Ux\";",
	  .var = "A", .want = "x", .notes = 1, .note = "\\U" },
	{ .name = "CRLF lines", .text = "$A = \"v\";\r\n$B = 2;\r\n1;\r\n",
	  .var = "B", .want = "2", .final_true = 1 },
	{ .name = "EUC-JP bytes kept", .text = "# \xa4\xa2\n"
	  "$A = \"\xa5\xc6\xa5\xb9\";", .var = "A",
	  .want = "\xa5\xc6\xa5\xb9" },
	{ .name = "Shift_JIS comment with quote bytes",
	  .text = "# \x83\x5c\"'\n$A = 1;", .var = "A", .want = "1" },
	{ .name = "missing 1;", .text = "$A = 1;\n", .var = "A",
	  .want = "1", .final_true = 0 },
	{ .name = "comment after a statement",
	  .text = "$A = \"x\"; # it's \"odd\"\n$B = 'y';", .var = "B",
	  .want = "y" },
	{ .name = "DEFINE_SUBJECT_TAG sets SUBJECT_TAG_TYPE",
	  .text = "&DEFINE_SUBJECT_TAG('[,]');", .var = "SUBJECT_TAG_TYPE",
	  .want = "[,]" },
	{ .name = "array is a note", .text = "@A = ('x', 'y');\n$B = 1;",
	  .var = "B", .want = "1", .notes = 1, .note = "@A = (" },
	{ .name = "push is a note",
	  .text = "push(@ACTIVE_LIST, \"$DIR/x\");", .var = "X",
	  .notes = 1, .note = "push(@ACTIVE_LIST" },
	{ .name = "|| form is a note", .text = "$A || ($A = 1);\n$B = 2;",
	  .var = "A", .notes = 1, .note = "$A ||" },
	{ .name = "hash element is a note", .text = "$H{'a'} = 1;",
	  .var = "H", .notes = 1, .note = "$H{" },
	{ .name = "sub block is one note", .text = "sub f { $x = 1; }\n"
	  "$B = 3;", .var = "B", .want = "3", .notes = 1, .note = "sub f" },
	{ .name = "unescaped @ is a note", .text = "$M = \"a@b.jp\";",
	  .var = "M", .want = "a@b.jp", .notes = 1, .note = "unescaped" },
	{ .name = "element in a string is a note",
	  .text = "$M = \"x$e{'y'}\";", .var = "M", .want = "x",
	  .notes = 1, .note = "element" },
	{ .name = "=cut ends the file", .text = "$A = 1;\n=cut\n$A = 2;\n",
	  .var = "A", .want = "1" },
	{ .name = "POD is skipped", .text = "=head1 X\n$A = 9;\n=cut\n",
	  .var = "A" },
	{ .name = "require is a note", .text = "require 'x.pl';\n$A = 1;",
	  .var = "A", .want = "1", .notes = 1, .note = "require" },
	{ .name = "unterminated string is a note", .text = "$A = \"abc",
	  .var = "A", .notes = 1 },
};

/* note_has - does one of the notes contain s? */
static int
note_has(const struct fml4cf *cf, const char *s)
{
	size_t	 i;

	for (i = 0; i < cf->nnote; i++)
		if (strstr(cf->note[i].text, s) != NULL)
			return 1;
	return 0;
}

/* test_calls - macro calls are recorded with their arguments */
static void
test_calls(void)
{
	const char text[] = "$A = 1;\n&DEFINE_FIELD_FORCED('Org', \"x\\@y\");"
	    "\n&DENY_PROCEDURE('member');\n&DEFINE_SUBJECT_TAG(\"(:)\");\n";
	struct fml4cf *cf = fml4cf_new("/d");

	fml4cf_parse(cf, text, sizeof(text) - 1, "config.ph");
	CHECK(cf->ncall == 3, "three macro calls recorded");
	if (cf->ncall == 3) {
		CHECK_STR(cf->call[0].name, "DEFINE_FIELD_FORCED",
		    "first call name");
		CHECK(cf->call[0].nargs == 2, "two arguments");
		if (cf->call[0].nargs == 2)
			CHECK_STR(cf->call[0].args[1], "x@y",
			    "argument interpolated");
		CHECK_STR(cf->call[1].origin, "config.ph:3", "call origin");
		CHECK(!cf->call[1].handled && cf->call[2].handled,
		    "only DEFINE_SUBJECT_TAG is handled");
	}
	CHECK_STR(fml4cf_find(cf, "SUBJECT_TAG_TYPE")->origin,
	    "config.ph:4", "the tag type's origin is the macro's line");
	CHECK_STR(fml4cf_find(cf, "A")->origin, "config.ph:1",
	    "variable origin");
	cf = fml4cf_free(cf);
}

/* test_layers - a later file wins, earlier values interpolate */
static void
test_layers(void)
{
	const char a[] = "$DOMAINNAME = \"site.jp\";\n$X = 1;\n";
	const char b[] = "$MAIL_LIST = \"ml\\@$DOMAINNAME\";\n$X = 2;\n";
	struct fml4cf *cf = fml4cf_new("/d");

	fml4cf_parse(cf, a, sizeof(a) - 1, "site_init.ph");
	fml4cf_parse(cf, b, sizeof(b) - 1, "config.ph");
	CHECK_STR(fml4cf_get(cf, "MAIL_LIST"), "ml@site.jp",
	    "site_init.ph value used by config.ph");
	CHECK_STR(fml4cf_get(cf, "X"), "2", "later file wins");
	CHECK_STR(fml4cf_find(cf, "X")->origin, "config.ph:2",
	    "origin of the later value");
	cf = fml4cf_free(cf);
}

int
main(void)
{
	struct fml4cf *cf;
	const struct cfcase *c;
	size_t	 i;

	check_name = "fml4cf";
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		cf = fml4cf_new("/var/spool/ml/elena");
		fml4cf_parse(cf, c->text, strlen(c->text), "config.ph");
		if (c->want != NULL)
			CHECK_STR(fml4cf_get(cf, c->var), c->want, "%s",
			    c->name);
		else
			CHECK(fml4cf_get(cf, c->var) == NULL, "%s: %s unset",
			    c->name, c->var);
		CHECK(cf->nnote == c->notes, "%s: %zu notes (got %zu)",
		    c->name, c->notes, cf->nnote);
		if (c->note != NULL)
			CHECK(note_has(cf, c->note), "%s: note quotes \"%s\"",
			    c->name, c->note);
		if (strstr(c->text, "1;") != NULL || c->final_true)
			CHECK(cf->final_true == c->final_true,
			    "%s: final 1; %s", c->name, c->final_true ?
			    "seen" : "missing");
		cf = fml4cf_free(cf);
	}
	test_calls();
	test_layers();
	return check_done();
}
