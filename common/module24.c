// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * struct module of Linux 2.4, in any word size and byte order (common/module24.h).
 * The plain-value struct and the target's bytes are tied by one table: each
 * field's number and where its value lives in struct ml_module_hdr.
 */
#include "common/module24.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

unsigned ml_module_field_off(const struct ml_target *t, enum ml_modfield f)
{
	unsigned ws = ml_wordsize(t);

	if (f <= ML_MF_FLAGS)
		return f * ws;
	if (f == ML_MF_NSYMS)
		return 6 * ws;
	if (f == ML_MF_NDEPS)
		return 6 * ws + 4;
	return 6 * ws + 8 + (f - ML_MF_SYMS) * ws;
}

unsigned ml_module_struct_size(const struct ml_target *t)
{
	return ml_module_field_off(t, ML_MF_END);
}

#define WORD(f, m)                                   \
	{                                            \
		f, offsetof(struct ml_module_hdr, m) \
	}
/* the word-sized fields (nsyms and ndeps, 32-bit, are done apart) */
static const struct {
	enum ml_modfield f;
	size_t at;
} words[] = {
	WORD(ML_MF_SIZE_OF_STRUCT, size_of_struct),
	WORD(ML_MF_NEXT, next),
	WORD(ML_MF_NAME, name),
	WORD(ML_MF_SIZE, size),
	WORD(ML_MF_UC, usecount),
	WORD(ML_MF_FLAGS, flags),
	WORD(ML_MF_SYMS, syms),
	WORD(ML_MF_DEPS, deps),
	WORD(ML_MF_REFS, refs),
	WORD(ML_MF_INIT, init),
	WORD(ML_MF_CLEANUP, cleanup),
	WORD(ML_MF_EX_START, ex_table_start),
	WORD(ML_MF_EX_END, ex_table_end),
	WORD(ML_MF_PERSIST_START, persist_start),
	WORD(ML_MF_PERSIST_END, persist_end),
	WORD(ML_MF_CAN_UNLOAD, can_unload),
	WORD(ML_MF_RUNSIZE, runsize),
	WORD(ML_MF_KALLSYMS_START, kallsyms_start),
	WORD(ML_MF_KALLSYMS_END, kallsyms_end),
	WORD(ML_MF_ARCHDATA_START, archdata_start),
	WORD(ML_MF_ARCHDATA_END, archdata_end),
	WORD(ML_MF_KERNEL_DATA, kernel_data),
};
#undef WORD

void ml_module_header_write(const struct ml_target *t, const struct ml_module_hdr *h,
			    unsigned char *m)
{
	memset(m, 0, ml_module_struct_size(t));
	for (size_t i = 0; i < ML_ARRAY_SIZE(words); i++) {
		uint64_t v;

		memcpy(&v, (const char *)h + words[i].at, sizeof(v));
		ml_putword(t, m + ml_module_field_off(t, words[i].f), v);
	}
	ml_put32(t, m + ml_module_field_off(t, ML_MF_NSYMS), h->nsyms);
	ml_put32(t, m + ml_module_field_off(t, ML_MF_NDEPS), h->ndeps);
}

void ml_module_header_read(const struct ml_target *t, const unsigned char *m,
			   struct ml_module_hdr *h)
{
	for (size_t i = 0; i < ML_ARRAY_SIZE(words); i++) {
		uint64_t v = ml_getword(t, m + ml_module_field_off(t, words[i].f));

		memcpy((char *)h + words[i].at, &v, sizeof(v));
	}
	h->nsyms = ml_get32(t, m + ml_module_field_off(t, ML_MF_NSYMS));
	h->ndeps = ml_get32(t, m + ml_module_field_off(t, ML_MF_NDEPS));
}

char *ml_module_name_from_path(const char *path)
{
	const char *b = strrchr(path, '/');
	char *n = ml_xstrdup(b ? b + 1 : path);
	size_t l = strlen(n);
	static const char *const zsfx[] = { ".gz", ".xz", ".zst" };
	static const char *const sfx[] = { ".o", ".mod", ".ko" };

	for (size_t i = 0; i < ML_ARRAY_SIZE(zsfx); i++) {
		size_t zl = strlen(zsfx[i]);

		if (l > zl && !strcmp(n + l - zl, zsfx[i])) {
			n[l -= zl] = 0;
			break;
		}
	}
	for (size_t i = 0; i < ML_ARRAY_SIZE(sfx); i++) {
		size_t sl = strlen(sfx[i]);

		if (l > sl && !strcmp(n + l - sl, sfx[i])) {
			n[l - sl] = 0;
			break;
		}
	}
	return n;
}

long ml_kernel_version_code(const char *release)
{
	unsigned long a, b, c;
	char *end;

	if (!release || !isdigit((unsigned char)*release))
		return -1;
	a = strtoul(release, &end, 10);
	if (*end != '.')
		return -1;
	b = strtoul(end + 1, &end, 10);
	if (*end != '.')
		return -1;
	if (!isdigit((unsigned char)end[1]))
		return -1;
	c = strtoul(end + 1, &end, 10);
	return (long)((a << 16) | (b << 8) | c);
}
