// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ksymoops snapshots, as modutils took them: when /var/log/ksymoops exists
 * and a load or unload changed the module list, copy /proc/ksyms and
 * /proc/modules to <ccyymmddhhmmss>.ksyms and .modules there and append a
 * line to the day's <ccyymmdd>.log, so an oops can later be decoded against
 * the module layout of its time.  The /proc text comes through the kernel
 * interface, so a model kernel's snapshots hold the model's text.
 */
#include "kernel/kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *snapshot_dir(void)
{
	const char *d = getenv("MODLINK_KSYMOOPS_DIR");

	return d && *d ? d : "/var/log/ksymoops";
}

char *ml_snapshot_modules(struct ml_kernel *k)
{
	size_t len;
	int err;

	return k->ops->proc ? k->ops->proc(k, "modules", &len, &err) : NULL;
}

static int save(const char *path, const char *text, size_t len, bool append)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, text, len);
	fdatasync(fd);
	close(fd);
	return w == (ssize_t)len ? 0 : -EIO;
}

/* Only the names matter: a use count going up is no new layout. */
static char *names_of(const char *modules)
{
	struct ml_buf b = { 0 };

	for (const char *l = modules; l && *l;) {
		const char *nl = strchr(l, '\n'), *sp = strchr(l, ' ');
		size_t n = sp && (!nl || sp < nl) ? (size_t)(sp - l)
			   : nl                   ? (size_t)(nl - l)
						  : strlen(l);

		ml_buf_add(&b, l, n);
		ml_buf_add(&b, "\n", 1);
		l = nl ? nl + 1 : l + strlen(l);
	}
	return b.p ? b.p : ml_xstrdup("");
}

int ml_snapshot(struct ml_kernel *k, const char *before, const char *what, struct ml_diags *d)
{
	const char *dir = snapshot_dir();
	char stamp[32], day[16], *after, *ksyms, *p, *line, *n1, *n2;
	size_t alen, klen;
	struct stat st;
	struct tm tm;
	time_t now = time(NULL);
	int err;

	if (stat(dir, &st) || !S_ISDIR(st.st_mode) || !k->ops->proc)
		return 0;
	after = k->ops->proc(k, "modules", &alen, &err);
	if (!after)
		return 0;
	n1 = names_of(before);
	n2 = names_of(after);
	if (!strcmp(n1, n2)) {
		free(n1);
		free(n2);
		free(after);
		return 0;
	}
	free(n1);
	free(n2);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	ksyms = k->ops->proc(k, "ksyms", &klen, &err);
	p = ml_xasprintf("%s/%s.modules", dir, stamp);
	err = save(p, after, alen, false);
	free(p);
	if (!err && ksyms) {
		p = ml_xasprintf("%s/%s.ksyms", dir, stamp);
		err = save(p, ksyms, klen, false);
		free(p);
	}
	line = ml_xasprintf("%s %s\n", stamp, what);
	p = ml_xasprintf("%s/%s.log", dir, day);
	if (!err)
		err = save(p, line, strlen(line), true);
	if (err)
		ml_warn(d, NULL, "cannot save a ksymoops snapshot in %s: %s", dir, strerror(-err));
	free(p);
	free(line);
	free(ksyms);
	free(after);
	return err;
}
