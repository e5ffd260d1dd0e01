// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The only place that knows about byte order: every read or write of target
 * data (section bytes, the module image) goes through these helpers.
 */
#include "common/common.h"

#include <string.h>

uint64_t ml_getn(const struct ml_target *t, const void *p, unsigned n)
{
	const unsigned char *b = p;
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++) {
		unsigned k = t->big ? i : n - 1 - i;

		v = (v << 8) | b[k];
	}
	return v;
}

void ml_putn(const struct ml_target *t, void *p, unsigned n, uint64_t v)
{
	unsigned char *b = p;

	for (unsigned i = 0; i < n; i++) {
		unsigned k = t->big ? n - 1 - i : i;

		b[k] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

uint16_t ml_get16(const struct ml_target *t, const void *p)
{
	return (uint16_t)ml_getn(t, p, 2);
}

uint32_t ml_get32(const struct ml_target *t, const void *p)
{
	return (uint32_t)ml_getn(t, p, 4);
}

uint64_t ml_get64(const struct ml_target *t, const void *p)
{
	return ml_getn(t, p, 8);
}

void ml_put16(const struct ml_target *t, void *p, uint16_t v)
{
	ml_putn(t, p, 2, v);
}

void ml_put32(const struct ml_target *t, void *p, uint32_t v)
{
	ml_putn(t, p, 4, v);
}

void ml_put64(const struct ml_target *t, void *p, uint64_t v)
{
	ml_putn(t, p, 8, v);
}

uint64_t ml_getword(const struct ml_target *t, const void *p)
{
	return ml_getn(t, p, ml_wordsize(t));
}

void ml_putword(const struct ml_target *t, void *p, uint64_t v)
{
	ml_putn(t, p, ml_wordsize(t), v);
}
