/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common: diagnostics, target byte order and word size access, a string hash
 * table and small helpers shared by every part of modlink.
 *
 * The library never prints and never exits: functions return 0 or a negative
 * errno and append records to a struct ml_diags.  Memory exhaustion is the one
 * exception: ml_xmalloc() and friends abort, as there is nothing sensible a
 * module linker can do without memory.
 */
#ifndef ML_COMMON_H
#define ML_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ML_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* v rounded up to a multiple of a (a power of two; 0 and 1 leave v as it is). */
static inline uint64_t ml_align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) & ~(a - 1) : v;
}
#define ML_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- memory ---- */
void *ml_xmalloc(size_t n);
void *ml_xcalloc(size_t n, size_t sz);
void *ml_xrealloc(void *p, size_t n);
char *ml_xstrdup(const char *s);
char *ml_xstrndup(const char *s, size_t n);
char *ml_xasprintf(const char *fmt, ...) ML_PRINTF(1, 2);

/* Growable byte/text buffer. */
struct ml_buf {
	char *p;
	size_t len, cap;
};
void ml_buf_add(struct ml_buf *b, const void *data, size_t n);
void ml_buf_printf(struct ml_buf *b, const char *fmt, ...) ML_PRINTF(2, 3);
void ml_buf_vprintf(struct ml_buf *b, const char *fmt, va_list ap);
void ml_buf_free(struct ml_buf *b);

/* ---- diagnostics ---- */
enum ml_sev { ML_INFO, ML_WARN, ML_ERR };

/* Where a problem is: every field optional (NULL / -1). */
struct ml_loc {
	const char *file;
	const char *section;
	long long offset;
	const char *symbol;
	const char *reloc;
};
#define ML_LOC_FILE(f) ((struct ml_loc){ .file = (f), .offset = -1 })

struct ml_diag {
	enum ml_sev sev;
	char *file, *section, *symbol, *reloc;
	long long offset;
	char *msg;
};

struct ml_diags {
	struct ml_diag *v;
	size_t n, cap;
	unsigned nerr, nwarn;
};

void ml_diag(struct ml_diags *d, enum ml_sev sev, const struct ml_loc *loc, const char *fmt, ...)
	ML_PRINTF(4, 5);
void ml_vdiag(struct ml_diags *d, enum ml_sev sev, const struct ml_loc *loc, const char *fmt,
	      va_list ap);
/* Shorthands naming only a file (or nothing). */
void ml_err(struct ml_diags *d, const char *file, const char *fmt, ...) ML_PRINTF(3, 4);
void ml_warn(struct ml_diags *d, const char *file, const char *fmt, ...) ML_PRINTF(3, 4);
void ml_info(struct ml_diags *d, const char *file, const char *fmt, ...) ML_PRINTF(3, 4);
/* One line: "file: section+0xoff: msg" (parts absent are left out). */
char *ml_diag_format(const struct ml_diag *g);
void ml_diags_free(struct ml_diags *d);

/* ---- target access: byte order and word size decided once ---- */
struct ml_target {
	bool is64;
	bool big;
};
static inline unsigned ml_wordsize(const struct ml_target *t)
{
	return t->is64 ? 8 : 4;
}
uint16_t ml_get16(const struct ml_target *t, const void *p);
uint32_t ml_get32(const struct ml_target *t, const void *p);
uint64_t ml_get64(const struct ml_target *t, const void *p);
void ml_put16(const struct ml_target *t, void *p, uint16_t v);
void ml_put32(const struct ml_target *t, void *p, uint32_t v);
void ml_put64(const struct ml_target *t, void *p, uint64_t v);
/* A target word (unsigned long / pointer): 4 or 8 bytes. */
uint64_t ml_getword(const struct ml_target *t, const void *p);
void ml_putword(const struct ml_target *t, void *p, uint64_t v);
/* Get/put an n-byte field (1, 2, 4, 8). */
uint64_t ml_getn(const struct ml_target *t, const void *p, unsigned n);
void ml_putn(const struct ml_target *t, void *p, unsigned n, uint64_t v);
/* Sign-extend the low 'bits' bits of v. */
static inline int64_t ml_sext(uint64_t v, unsigned bits)
{
	uint64_t m = 1ULL << (bits - 1);
	v &= bits == 64 ? ~0ULL : (1ULL << bits) - 1;
	return (int64_t)((v ^ m) - m);
}

/* ---- string hash table ---- */
/* The System V ELF hash (modutils' symbol-table order depends on it). */
unsigned long ml_elf_hash(const char *s, size_t n);

/*
 * Chained hashing with the entries in one array (no allocation per entry)
 * and each entry's full hash kept, so a chain walk compares keys only when
 * the hashes agree.  Entries of equal key stay in insertion order.
 */
struct ml_hent {
	const char *key;
	void *val;
	uint32_t klen, hash;
	uint32_t next; /* index + 1 of the next entry in the chain, 0 at the end */
};
struct ml_hash {
	struct ml_hent *e;
	uint32_t *b; /* index + 1 of each chain's first entry */
	size_t nb, n, cap;
};
void ml_hash_init(struct ml_hash *h, size_t hint);
/* The key is not copied: it must outlive the table. */
void ml_hash_put(struct ml_hash *h, const char *key, size_t klen, void *val);
/* Room for n entries in all without regrowing. */
void ml_hash_reserve(struct ml_hash *h, size_t n);
void *ml_hash_get(const struct ml_hash *h, const char *key, size_t klen);
/* First entry with this key, for callers that keep several per key; valid until the next put. */
struct ml_hent *ml_hash_find(const struct ml_hash *h, const char *key, size_t klen);
/* The first entry with this key, or (*found false) a new one holding val; valid until the next put. */
struct ml_hent *ml_hash_intern(struct ml_hash *h, const char *key, size_t klen, void *val,
			       bool *found);
/* The next entry with the same key as e, in insertion order, or NULL. */
struct ml_hent *ml_hash_next(const struct ml_hash *h, const struct ml_hent *e);
void ml_hash_free(struct ml_hash *h);

/* ---- string pool: many small strings, freed together ---- */
struct ml_strpool {
	char *cur; /* free space in the newest block */
	size_t left;
	char **blocks;
	size_t nblocks;
};
/* A NUL-terminated copy of s[0..n), valid until ml_strpool_free(). */
char *ml_strpool_add(struct ml_strpool *p, const char *s, size_t n);
void ml_strpool_free(struct ml_strpool *p);

/* ---- files ---- */
/* Read a whole file, transparently gunzipping (zlib).  0 or -errno. */
int ml_read_file(const char *path, unsigned char **data, size_t *len, struct ml_diags *d);
/* The decimal number a small file (a /proc or model state file) starts with, or dflt. */
int ml_read_int_file(const char *p, int dflt);
/* Seconds on the monotonic clock (for progress lines and --stats). */
double ml_now(void);
/* Create or truncate path and write n bytes to it, all of them: 0 or -errno (the caller reports). */
int ml_write_whole(const char *path, const void *p, size_t n);
/*
 * The same, reading into raw (its storage reused from call to call): a plain
 * file's bytes are left in raw (*data points there, *owned false); a
 * compressed file is decompressed into a new buffer the caller frees
 * (*owned true).
 */
int ml_read_file_into(const char *path, struct ml_buf *raw, unsigned char **data, size_t *len,
		      bool *owned, struct ml_diags *d);
/* Parse an address/number: decimal, 0x hex or 0 octal.  false if malformed. */
bool ml_parse_ulong(const char *s, uint64_t *out);

/* ---- the host (hostcpu.c) ---- */
/*
 * Whether this host runs 32-bit x86 programs itself (tried once per process;
 * false when MODLINK_NO_NATIVE_I386=1); where not, they run under qemu-i386.
 */
bool ml_host_runs_i386(void);
/* MODLINK_NO_NATIVE_I386=1: behave as if i386 programs could not run here. */
bool ml_no_native_i386_forced(void);

#endif
