// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The only place that knows about byte order: every read or write of target
 * data (section bytes, the module image) goes through these helpers.
 */
#include "common/common.h"

#include <string.h>

/* Does the target's byte order differ from this host's? */
static inline bool swapped(const struct ml_target *t)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return !t->big;
#else
	return t->big;
#endif
}

uint64_t ml_getn(const struct ml_target *t, const void *p, unsigned n)
{
	bool sw = swapped(t);

	switch (n) {
	case 1:
		return *(const unsigned char *)p;
	case 2: {
		uint16_t v;

		memcpy(&v, p, 2);
		return sw ? __builtin_bswap16(v) : v;
	}
	case 4: {
		uint32_t v;

		memcpy(&v, p, 4);
		return sw ? __builtin_bswap32(v) : v;
	}
	case 8: {
		uint64_t v;

		memcpy(&v, p, 8);
		return sw ? __builtin_bswap64(v) : v;
	}
	default: {
		const unsigned char *b = p;
		uint64_t v = 0;

		for (unsigned i = 0; i < n; i++)
			v = (v << 8) | b[t->big ? i : n - 1 - i];
		return v;
	}
	}
}

void ml_putn(const struct ml_target *t, void *p, unsigned n, uint64_t v)
{
	bool sw = swapped(t);

	switch (n) {
	case 1:
		*(unsigned char *)p = (unsigned char)v;
		return;
	case 2: {
		uint16_t x = (uint16_t)v;

		x = sw ? __builtin_bswap16(x) : x;
		memcpy(p, &x, 2);
		return;
	}
	case 4: {
		uint32_t x = (uint32_t)v;

		x = sw ? __builtin_bswap32(x) : x;
		memcpy(p, &x, 4);
		return;
	}
	case 8:
		v = sw ? __builtin_bswap64(v) : v;
		memcpy(p, &v, 8);
		return;
	default: {
		unsigned char *b = p;

		for (unsigned i = 0; i < n; i++, v >>= 8)
			b[t->big ? n - 1 - i : i] = (unsigned char)(v & 0xff);
		return;
	}
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
