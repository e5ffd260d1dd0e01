// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

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
 * Whole files, decompressed by their magic: xz (liblzma), zstd (libzstd),
 * gzip (zlib), or plain.  Sizes are capped so that a hostile file cannot
 * exhaust memory.
 */
#define ML_MAX_FILE (1ULL << 31)

static int decompress_xz(const unsigned char *in, size_t n, struct ml_buf *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	unsigned char chunk[65536];
	lzma_ret r;

	if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return -ENOMEM;
	s.next_in = in;
	s.avail_in = n;
	do {
		s.next_out = chunk;
		s.avail_out = sizeof(chunk);
		r = lzma_code(&s, LZMA_FINISH);
		ml_buf_add(out, chunk, sizeof(chunk) - s.avail_out);
		if (out->len > ML_MAX_FILE)
			r = LZMA_MEMLIMIT_ERROR;
	} while (r == LZMA_OK);
	lzma_end(&s);
	return r == LZMA_STREAM_END ? 0 : -EIO;
}

static int decompress_zstd(const unsigned char *in, size_t n, struct ml_buf *out)
{
	ZSTD_DStream *z = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, n, 0 };
	unsigned char chunk[65536];
	size_t r = 1;

	if (!z)
		return -ENOMEM;
	ZSTD_initDStream(z);
	while (ib.pos < ib.size && r != 0) {
		ZSTD_outBuffer ob = { chunk, sizeof(chunk), 0 };

		r = ZSTD_decompressStream(z, &ob, &ib);
		if (ZSTD_isError(r) || out->len > ML_MAX_FILE) {
			ZSTD_freeDStream(z);
			return -EIO;
		}
		ml_buf_add(out, chunk, ob.pos);
	}
	/* flush what is still buffered */
	while (r != 0) {
		ZSTD_outBuffer ob = { chunk, sizeof(chunk), 0 };

		r = ZSTD_decompressStream(z, &ob, &ib);
		if (ZSTD_isError(r) || ob.pos == 0)
			break;
		ml_buf_add(out, chunk, ob.pos);
	}
	ZSTD_freeDStream(z);
	return ZSTD_isError(r) || r != 0 ? -EIO : 0;
}

/* Read fd to its end into b (from b->len on), straight into b's storage. */
static int read_plain(int fd, struct ml_buf *b)
{
	struct stat st;
	size_t want = 65536;
	ssize_t n;

	/* A regular file's size, plus one byte to see the end in the same read. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < ML_MAX_FILE)
		want = (size_t)st.st_size + 1;
	for (;;) {
		buf_reserve(b, want);
		n = read(fd, b->p + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		b->len += (size_t)n;
		if (b->len > ML_MAX_FILE)
			return -EFBIG;
		want = 65536;
	}
	if (b->p)
		b->p[b->len] = 0;
	return n < 0 ? -errno : 0;
}

int ml_read_file_into(const char *path, struct ml_buf *raw, unsigned char **data, size_t *len,
		      bool *owned, struct ml_diags *d)
{
	static const unsigned char xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0 },
				   zst[] = { 0x28, 0xb5, 0x2f, 0xfd };
	struct ml_buf out = { 0 };
	const char *kind = NULL;
	int fd, err;

	*data = NULL;
	*len = 0;
	*owned = false;
	raw->len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		ml_err(d, NULL, "%s: %s", path, strerror(err));
		return -err;
	}
	err = read_plain(fd, raw);
	close(fd);
	if (err) {
		ml_err(d, path, "read error: %s", strerror(-err));
		return err;
	}
	if (raw->len >= 6 && !memcmp(raw->p, xz, 6)) {
		kind = "xz";
		err = decompress_xz((unsigned char *)raw->p, raw->len, &out);
	} else if (raw->len >= 4 && !memcmp(raw->p, zst, 4)) {
		kind = "zstd";
		err = decompress_zstd((unsigned char *)raw->p, raw->len, &out);
	} else if (raw->len >= 2 && (unsigned char)raw->p[0] == 0x1f &&
		   (unsigned char)raw->p[1] == 0x8b) {
		z_stream z = { 0 };
		unsigned char chunk[65536];
		int zr;

		kind = "gzip";
		/* 16 + MAX_WBITS: a gzip header; concatenated members are read in turn */
		if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
			err = -ENOMEM;
		} else {
			z.next_in = (unsigned char *)raw->p;
			z.avail_in = (uInt)raw->len;
			do {
				z.next_out = chunk;
				z.avail_out = sizeof(chunk);
				zr = inflate(&z, Z_NO_FLUSH);
				ml_buf_add(&out, chunk, sizeof(chunk) - z.avail_out);
				if (zr == Z_STREAM_END && z.avail_in)
					zr = inflateReset(&z) == Z_OK ? Z_OK : Z_DATA_ERROR;
				if (out.len > ML_MAX_FILE)
					zr = Z_MEM_ERROR;
			} while (zr == Z_OK);
			err = zr == Z_STREAM_END ? 0 : -EIO;
			inflateEnd(&z);
		}
	} else {
		if (!raw->p)
			buf_reserve(raw, 0);
		*data = (unsigned char *)raw->p;
		*len = raw->len;
		return 0;
	}
	if (err) {
		ml_err(d, path, "%s data is corrupt or truncated", kind);
		ml_buf_free(&out);
		return err;
	}
	*data = (unsigned char *)(out.p ? out.p : ml_xcalloc(1, 1));
	*len = out.len;
	*owned = true;
	return 0;
}

int ml_read_file(const char *path, unsigned char **data, size_t *len, struct ml_diags *d)
{
	struct ml_buf raw = { 0 };
	bool owned;
	int err = ml_read_file_into(path, &raw, data, len, &owned, d);

	if (err || owned) {
		ml_buf_free(&raw);
		return err;
	}
	*data = (unsigned char *)raw.p; /* the plain bytes: handed over */
	return 0;
}

char *ml_strpool_add(struct ml_strpool *p, const char *s, size_t n)
{
	enum { BLOCK = 64 * 1024 };
	char *r;

	if (n + 1 > p->left) {
		/* A string longer than a block gets a block of its own. */
		size_t sz = n + 1 > BLOCK / 4 ? n + 1 : BLOCK;
		char *b = ml_xmalloc(sz);

		p->blocks = ml_xrealloc(p->blocks, (p->nblocks + 1) * sizeof(*p->blocks));
		p->blocks[p->nblocks++] = b;
		if (sz != BLOCK) {
			memcpy(b, s, n);
			b[n] = 0;
			return b;
		}
		p->cur = b;
		p->left = sz;
	}
	r = p->cur;
	memcpy(r, s, n);
	r[n] = 0;
	p->cur += n + 1;
	p->left -= n + 1;
	return r;
}

void ml_strpool_free(struct ml_strpool *p)
{
	for (size_t i = 0; i < p->nblocks; i++)
		free(p->blocks[i]);
	free(p->blocks);
	memset(p, 0, sizeof(*p));
}

int ml_write_whole(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644),
	    err = fd < 0 ? errno : 0;
	size_t done = 0;

	while (!err && done < n) {
		ssize_t w = write(fd, (const char *)p + done, n - done);

		if (w > 0)
			done += (size_t)w;
		else if (w == 0 || errno != EINTR)
			err = w ? errno : EIO;
	}
	if (fd >= 0 && close(fd) && !err)
		err = errno;
	return -err;
}

double ml_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int ml_read_int_file(const char *p, int dflt)
{
	FILE *f = fopen(p, "r");
	int v = dflt;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}
