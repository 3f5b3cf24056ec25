/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_FAKESMTP_H
#define MLM_FAKESMTP_H

/*
 * fakesmtp - run tests/lib/fakesmtp.py as a child process
 *
 * fake_start() starts the server with extra options (a NULL-terminated
 * list) in a fresh temporary directory and waits until it has written
 * its port. fake_log() reads its event log, fake_data() the bytes of
 * transaction N. fake_stop() ends the server and removes the directory.
 * fake_closed_port() gives a port on 127.0.0.1 where nothing listens.
 * The script is found through $MLM_FAKESMTP or beside this header.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct fake {
	pid_t	 pid;
	int	 port;
	char	 dir[PATH_MAX];
};

/* fake_script - the path of fakesmtp.py */
static inline const char *
fake_script(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("MLM_FAKESMTP");
	const char *here = __FILE__;
	const char *slash;

	if (env != NULL && *env != '\0')
		return env;
	if ((slash = strrchr(here, '/')) != NULL)
		snprintf(path, sizeof(path), "%.*s/fakesmtp.py",
		    (int)(slash - here), here);
	else
		snprintf(path, sizeof(path), "fakesmtp.py");
	return path;
}

/* fake_slurp - a whole file as a string, or NULL */
static inline char *
fake_slurp(const char *path, size_t *lenp)
{
	FILE	*fp;
	char	*p = NULL;
	size_t	 len = 0;
	size_t	 size = 0;
	size_t	 n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	do {
		if (size - len < 4097) {
			size = size ? size * 2 : 8192;
			if ((p = realloc(p, size)) == NULL)
				abort();
		}
		n = fread(p + len, 1, size - len - 1, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	p[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return p;
}

/* fake_start - start the server; 0 when it listens */
static inline int
fake_start(struct fake *f, const char *const *opts)
{
	const char *argv[40];
	char	 portfile[PATH_MAX + 8];
	char	*text;
	int	 argc = 0;
	int	 i;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/mlm-fakesmtp.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	argv[argc++] = "python3";
	argv[argc++] = fake_script();
	argv[argc++] = "--dir";
	argv[argc++] = f->dir;
	argv[argc++] = "--idle";
	argv[argc++] = "30";
	argv[argc++] = "--lifetime";
	argv[argc++] = "300";
	for (i = 0; opts != NULL && opts[i] != NULL && argc < 39; i++)
		argv[argc++] = opts[i];
	argv[argc] = NULL;

	fflush(stdout);
	if ((f->pid = fork()) < 0)
		return -1;
	if (f->pid == 0) {
		execvp("python3", (char *const *)argv);
		_exit(127);
	}

	snprintf(portfile, sizeof(portfile), "%s/port", f->dir);
	for (i = 0; i < 200; i++) {
		if ((text = fake_slurp(portfile, NULL)) != NULL) {
			f->port = atoi(text);
			free(text);
			return f->port > 0 ? 0 : -1;
		}
		if (waitpid(f->pid, NULL, WNOHANG) == f->pid) {
			f->pid = 0;
			return -1;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
	}
	return -1;
}

/* fake_log - the server's event log, malloc'ed ("" when empty) */
static inline char *
fake_log(const struct fake *f)
{
	char	 path[PATH_MAX + 8];
	char	*text;

	snprintf(path, sizeof(path), "%s/log", f->dir);
	if ((text = fake_slurp(path, NULL)) == NULL)
		text = strdup("");
	return text;
}

/* fake_data - the wire bytes of transaction n, malloc'ed, or NULL */
static inline char *
fake_data(const struct fake *f, int n, size_t *lenp)
{
	char	 path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%d.data", f->dir, n);
	return fake_slurp(path, lenp);
}

/* fake_count - how many times a string occurs in a text */
static inline int
fake_count(const char *text, const char *what)
{
	int	 n = 0;

	while ((text = strstr(text, what)) != NULL) {
		n++;
		text += strlen(what);
	}
	return n;
}

/* fake_stop - end the server and remove its directory */
static inline void
fake_stop(struct fake *f)
{
	char	 path[PATH_MAX + 300];
	struct dirent *de;
	DIR	*dir;

	if (f->pid > 0) {
		kill(f->pid, SIGTERM);
		waitpid(f->pid, NULL, 0);
		f->pid = 0;
	}
	if (f->dir[0] == '\0' || (dir = opendir(f->dir)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", f->dir, de->d_name);
		unlink(path);
	}
	closedir(dir);
	rmdir(f->dir);
	f->dir[0] = '\0';
}

/* fake_closed_port - a local port where nothing listens */
static inline int
fake_closed_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int	 fd;
	int	 port;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return 1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		port = 1;
	else
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

#endif
