// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static void *oom(void)
{
	fputs("modlink: out of memory\n", stderr);
	abort();
}

void *ml_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p ? p : oom();
}

void *ml_xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	return p ? p : oom();
}

void *ml_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : oom();
}

char *ml_xstrdup(const char *s)
{
	return ml_xstrndup(s, strlen(s));
}

char *ml_xstrndup(const char *s, size_t n)
{
	char *p = ml_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *ml_xasprintf(const char *fmt, ...)
{
	struct ml_buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	ml_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return b.p ? b.p : ml_xstrdup("");
}

static void buf_reserve(struct ml_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	while (b->len + extra + 1 > b->cap)
		b->cap = b->cap ? 2 * b->cap : 64;
	b->p = ml_xrealloc(b->p, b->cap);
}

void ml_buf_add(struct ml_buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = 0;
}

void ml_buf_vprintf(struct ml_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ml_buf_printf(struct ml_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ml_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void ml_buf_free(struct ml_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

bool ml_parse_ulong(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno == 0 && *end == 0;
}

/*
 * zlib's gzread passes plain files through unchanged, so one reader serves
 * .o and .o.gz alike.  Sizes are capped to keep a hostile file from
 * exhausting memory.
 */
#define ML_MAX_FILE (1ULL << 31)

int ml_read_file(const char *path, unsigned char **data, size_t *len, struct ml_diags *d)
{
	struct ml_buf b = { 0 };
	unsigned char chunk[65536];
	gzFile gz;
	int fd, n, err;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		ml_err(d, NULL, "%s: %s", path, strerror(err));
		return -err;
	}
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		ml_err(d, path, "cannot open: out of memory");
		return -ENOMEM;
	}
	while ((n = gzread(gz, chunk, sizeof(chunk))) > 0) {
		if (b.len + (size_t)n > ML_MAX_FILE) {
			gzclose(gz);
			ml_buf_free(&b);
			ml_err(d, path, "file too large (over %llu bytes)", ML_MAX_FILE);
			return -EFBIG;
		}
		ml_buf_add(&b, chunk, (size_t)n);
	}
	if (n < 0) {
		int zerr;
		const char *msg = gzerror(gz, &zerr);

		ml_err(d, path, "read error: %s", zerr == Z_ERRNO ? strerror(errno) : msg);
		gzclose(gz);
		ml_buf_free(&b);
		return -EIO;
	}
	gzclose(gz);
	*data = (unsigned char *)(b.p ? b.p : ml_xcalloc(1, 1));
	*len = b.len;
	return 0;
}
