// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The persist file format (modutils'): reading the "name=value" lines,
 * rendering a parameter's bytes as a value insmod reads back, merging new
 * values into the old file, and replacing it atomically under its lock.
 * Who reads or saves the values (insmod -e, rmmod) lives in insmod/.
 */
#include "persist/persist.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINES 1000
#define MAX_LINE 3000

int ml_persist_lock(const char *path, bool exclusive)
{
	char *dup = ml_xstrdup(path), *dup2 = ml_xstrdup(path);
	char *lock = ml_xasprintf("%s/.%s.lock", dirname(dup), basename(dup2));
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	free(dup);
	free(dup2);
	free(lock);
	if (fd < 0)
		return -errno;
	if (flock(fd, exclusive ? LOCK_EX : LOCK_SH)) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

int ml_persist_load(const char *path, char ***args, size_t *n, struct ml_diags *d)
{
	unsigned char *data;
	size_t len, lineno = 0;
	int lockfd, err;
	char *s, *save = NULL, *line;

	*args = NULL;
	*n = 0;
	lockfd = ml_persist_lock(path, false);
	err = ml_read_file(path, &data, &len, d);
	if (lockfd >= 0)
		close(lockfd);
	if (err)
		return err;
	s = (char *)data;
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t l = strlen(line);

		if (++lineno > MAX_LINES) {
			ml_warn(d, path, "more than %d lines: the rest is ignored", MAX_LINES);
			break;
		}
		while (l && (line[l - 1] == '\r' || isspace((unsigned char)line[l - 1])))
			line[--l] = 0;
		while (isspace((unsigned char)*line))
			line++;
		if (!*line || *line == '#')
			continue;
		if (strlen(line) > MAX_LINE) {
			ml_warn(d, path, "line %zu longer than %d characters: ignored", lineno,
				MAX_LINE);
			continue;
		}
		if (!strchr(line, '=')) {
			ml_warn(d, path, "line %zu is not name=value: ignored", lineno);
			continue;
		}
		*args = ml_xrealloc(*args, (*n + 1) * sizeof(**args));
		(*args)[(*n)++] = ml_xstrdup(line);
	}
	free(data);
	return 0;
}

void ml_persist_free_args(char **args, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(args[i]);
	free(args);
}

char *ml_persist_value(const struct ml_target *t, const struct ml_parm_type *pt,
		       const unsigned char *bytes)
{
	struct ml_buf b = { 0 };
	unsigned size = ml_parm_type_size(t, pt);
	long count = pt->max > 0 ? pt->max : 1;

	for (long i = 0; i < count; i++, bytes += size) {
		if (i)
			ml_buf_add(&b, ",", 1);
		switch (pt->t) {
		case 'b':
			ml_buf_printf(&b, "%d", (int)(int8_t)bytes[0]);
			break;
		case 'h':
			ml_buf_printf(&b, "%d", (int)(int16_t)ml_get16(t, bytes));
			break;
		case 'i':
			ml_buf_printf(&b, "%d", (int)(int32_t)ml_get32(t, bytes));
			break;
		case 'l':
			ml_buf_printf(&b, "%" PRId64,
				      ml_sext(ml_getword(t, bytes), 8 * ml_wordsize(t)));
			break;
		case 'c':
			ml_buf_add(&b, "\"", 1);
			for (unsigned k = 0; k < size && bytes[k]; k++) {
				unsigned char c = bytes[k];

				if (c == '\n')
					ml_buf_add(&b, "\\n", 2);
				else if (c == '"' || c == '\\')
					ml_buf_printf(&b, "\\%c", c);
				else if (c < 0x20 || c >= 0x7f)
					ml_buf_printf(&b, "\\%03o",
						      c); /* parsed back by insmod's \ooo */
				else
					ml_buf_add(&b, &c, 1);
			}
			ml_buf_add(&b, "\"", 1);
			break;
		default:
			break;
		}
	}
	return b.p ? b.p : ml_xstrdup("");
}

char *ml_persist_merge(const char *old, size_t oldlen, const struct ml_persist_entry *v, size_t n,
		       const char *kernel_line, time_t now)
{
	struct ml_buf b = { 0 };
	bool *seen = ml_xcalloc(n + 1, sizeof(*seen));
	char date[64];
	struct tm tm;
	const char *s = old, *end = old ? old + oldlen : NULL;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
	ml_buf_printf(&b, "#%% Kernel %s\n#%% Data saved %s GMT\n", kernel_line, date);
	while (s && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t l = nl ? (size_t)(nl - s) : (size_t)(end - s);
		const char *p = s, *eq;
		size_t i;

		while (p < s + l && isspace((unsigned char)*p))
			p++;
		eq = memchr(p, '=', (size_t)(s + l - p));
		if (!strncmp(s, "#%", 2)) {
			/* regenerated */
		} else if (p == s + l || *p == '#' || !eq) {
			ml_buf_add(&b, s, l);
			ml_buf_add(&b, "\n", 1);
		} else {
			for (i = 0; i < n; i++)
				if (strlen(v[i].name) == (size_t)(eq - p) &&
				    !strncmp(p, v[i].name, (size_t)(eq - p)))
					break;
			if (i < n) {
				ml_buf_printf(&b, "%s=%s\n", v[i].name, v[i].value);
				seen[i] = true;
			} else {
				ml_buf_printf(
					&b,
					"#%% Warning: parameter %.*s is not supported in this kernel\n",
					(int)(eq - p), p);
				ml_buf_add(&b, s, l);
				ml_buf_add(&b, "\n", 1);
			}
		}
		s += l + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i])
			ml_buf_printf(&b, "%s=%s\n", v[i].name, v[i].value);
	free(seen);
	return b.p;
}

/* Test hook: die just before STEP, as a power cut or a kill would. */
static void crash_point(const char *step)
{
	const char *c = getenv("MODLINK_PERSIST_CRASH");

	if (c && !strcmp(c, step))
		_exit(99);
}

static int mkdirs(const char *dir)
{
	char *p = ml_xstrdup(dir);
	int err = 0;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			err = -errno;
		*s = '/';
	}
	if (!err && mkdir(p, 0755) && errno != EEXIST)
		err = -errno;
	free(p);
	return err;
}

/* Temporary files of writers that died: under the lock nobody else is writing. */
static void remove_stale(const char *path)
{
	char *dup = ml_xstrdup(path), *dup2 = ml_xstrdup(path);
	const char *dir = dirname(dup), *base = basename(dup2);
	size_t bl = strlen(base);
	DIR *dh = opendir(dir);
	struct dirent *e;

	while (dh && (e = readdir(dh))) {
		size_t l = strlen(e->d_name);

		if (l > bl + 5 && !strncmp(e->d_name, base, bl) && e->d_name[bl] == '.' &&
		    !strcmp(e->d_name + l - 4, ".tmp")) {
			char *p = ml_xasprintf("%s/%s", dir, e->d_name);

			unlink(p);
			free(p);
		}
	}
	if (dh)
		closedir(dh);
	free(dup);
	free(dup2);
}

int ml_persist_replace(const char *path, const char *text, size_t len, struct ml_diags *d)
{
	char *dup = ml_xstrdup(path), *dir = dirname(dup), *tmp = NULL;
	int lockfd, fd = -1, dfd = -1, err = 0;
	ssize_t w;

	err = mkdirs(dir);
	if (err) {
		ml_err(d, NULL, "cannot create %s: %s", dir, strerror(-err));
		goto out;
	}
	lockfd = ml_persist_lock(path, true);
	if (lockfd < 0) {
		err = lockfd;
		ml_err(d, NULL, "cannot lock %s: %s", path, strerror(-err));
		goto out;
	}
	remove_stale(path);
	tmp = ml_xasprintf("%s.%ld.tmp", path, (long)getpid());
	crash_point("open");
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		ml_err(d, NULL, "cannot create %s: %s", tmp, strerror(errno));
		goto unlock;
	}
	crash_point("write");
	for (size_t off = 0; off < len; off += (size_t)w) {
		w = write(fd, text + off, len - off);
		if (w <= 0) {
			err = -(w < 0 ? errno : EIO);
			break;
		}
		if (off == 0 && len > 1)
			crash_point("write-half"); /* a torn write, if anything could tear */
	}
	crash_point("fsync");
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (err) {
		ml_err(d, NULL, "cannot write %s: %s", tmp, strerror(-err));
		unlink(tmp);
		goto unlock;
	}
	crash_point("rename");
	if (rename(tmp, path)) {
		err = -errno;
		ml_err(d, NULL, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		goto unlock;
	}
	crash_point("dirsync");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
unlock:
	close(lockfd);
out:
	free(tmp);
	free(dup);
	return err;
}
