/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	mlm - one binary for makefml and the pipe programs
 * SYNOPSIS
 *	makefml VERB ML ...
 *	distribute [-c confdir] ML
 *	command [-c confdir] [--parse] ML
 *	error [-c confdir] [--parse] [ML]
 *	mlm PROGRAM ARGS...
 * DESCRIPTION
 *	Dispatches on the name it was started under (the installed names
 *	are hard links to one file), or on its first argument when it is
 *	started as mlm.
 */

#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <sys/stat.h>

#include "prog.h"

static const struct {
	const char *name;
	int	(*main)(int, char **);
} main_progs[] = {
	{ "makefml", makefml_main },
	{ "distribute", distribute_main },
	{ "command", command_main },
	{ "error", error_main },
};

#ifdef MLM_SANITIZE
/*
 * Sanitizer builds run under the MTA, which passes no ASAN_OPTIONS: a
 * leak report must not become a bounce, and a real error must keep the
 * mail (EX_TEMPFAIL). Tests set ASAN_OPTIONS to check for leaks.
 */
const char	*__asan_default_options(void);

/* __asan_default_options - sanitizer defaults for runs under the MTA */
const char *
__asan_default_options(void)
{
	return "detect_leaks=0:exitcode=75";
}
#endif

/* main_base - the last component of a path */
static const char *
main_base(const char *path)
{
	const char *p = strrchr(path, '/');

	return p ? p + 1 : path;
}

int
main(int argc, char **argv)
{
	const char *name;
	size_t	 i;

	umask(077);
	name = main_base(argc > 0 ? argv[0] : "mlm");
	if (strcmp(name, "mlm") == 0 && argc > 1) {
		argc--;
		argv++;
		name = main_base(argv[0]);
	}
	for (i = 0; i < sizeof(main_progs) / sizeof(main_progs[0]); i++)
		if (strcmp(name, main_progs[i].name) == 0)
			return main_progs[i].main(argc, argv);
	fprintf(stderr, "mlm: unknown program name \"%s\"; use one of "
	    "makefml, distribute, command, error\n", name);
	return EX_USAGE;
}
