/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_CHECK_H
#define MLM_CHECK_H

/*
 * check - a tiny harness for table-driven unit tests
 *
 * CHECK(cond, fmt, ...) prints "ok - <test>: <what>" or "not ok - ..."
 * and counts; check_done() prints the totals and gives the exit status.
 * tests/run adds up the ok / not ok lines of every test program.
 */

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_passed, check_failed;
static const char *check_name = "test";

#define CHECK(cond, ...) do {						\
	int check_c = (cond) ? 1 : 0;					\
	if (check_c) {							\
		check_passed++;						\
		printf("ok - %s: ", check_name);			\
	} else {							\
		check_failed++;						\
		printf("not ok - %s: ", check_name);			\
	}								\
	printf(__VA_ARGS__);						\
	printf("%s\n", check_c ? "" : "  [" #cond "]");			\
} while (0)

#define CHECK_STR(got, want, ...) do {					\
	const char *check_g = (got), *check_w = (want);			\
	int check_ok = check_g && check_w && strcmp(check_g, check_w) == 0; \
	CHECK(check_ok, __VA_ARGS__);					\
	if (!check_ok)							\
		printf("#   got  \"%s\"\n#   want \"%s\"\n",		\
		    check_g ? check_g : "(null)",			\
		    check_w ? check_w : "(null)");			\
} while (0)

/* check_rm_tree - remove a test's directory tree */
static inline void
check_rm_tree(const char *path)
{
	char	 sub[PATH_MAX + 300];
	struct dirent *de;
	struct stat sb;
	DIR	*dir;

	if (lstat(path, &sb) != 0)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		unlink(path);
		return;
	}
	if ((dir = opendir(path)) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (snprintf(sub, sizeof(sub), "%s/%s", path,
			    de->d_name) >= (int)sizeof(sub))
				continue;
			check_rm_tree(sub);
		}
		closedir(dir);
	}
	rmdir(path);
}

/* check_done - print the totals; 0 when every check passed */
static inline int
check_done(void)
{
	printf("# %s: %d passed, %d failed\n", check_name, check_passed,
	    check_failed);
	return check_failed ? 1 : 0;
}

#endif
