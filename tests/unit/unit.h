/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the Check unit suites.  The byte encoders here are the
 * tests' own, written from the definition of little/big-endian order, so a
 * suite never checks the library's target access helpers against themselves.
 */
#ifndef ML_UNIT_H
#define ML_UNIT_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

/* The four target shapes the 2.4 module ABI comes in. */
static const struct ml_target unit_targets[] = {
	{ .is64 = false, .big = false },
	{ .is64 = false, .big = true },
	{ .is64 = true, .big = false },
	{ .is64 = true, .big = true },
};
#define UNIT_NTARGETS ((int)ML_ARRAY_SIZE(unit_targets))

static inline const char *unit_tname(const struct ml_target *t)
{
	if (t->is64)
		return t->big ? "64-bit BE" : "64-bit LE";
	return t->big ? "32-bit BE" : "32-bit LE";
}

/* Write the low n bytes of v at p in the given byte order. */
static inline void unit_enc(unsigned char *p, unsigned n, bool big, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		p[big ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t unit_dec(const unsigned char *p, unsigned n, bool big)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
	return v;
}

/* "01 02 ff" for failure messages (a few static buffers, rotating). */
static inline const char *unit_hex(const void *p, size_t n)
{
	static char bufs[4][3 * 256 + 1];
	static unsigned k;
	char *b = bufs[k++ % 4], *o = b;
	const unsigned char *c = p;

	if (n > 256)
		n = 256;
	*o = 0;
	for (size_t i = 0; i < n; i++)
		o += sprintf(o, i ? " %02x" : "%02x", c[i]);
	return b;
}

/* Compare byte arrays, printing both in hex and the first differing offset. */
#define unit_assert_bytes(got, exp, n, what)                                                  \
	do {                                                                                  \
		const unsigned char *g_ = (const unsigned char *)(got);                       \
		const unsigned char *e_ = (const unsigned char *)(exp);                       \
		size_t n_ = (n), i_;                                                          \
		for (i_ = 0; i_ < n_ && g_[i_] == e_[i_]; i_++)                               \
			;                                                                     \
		ck_assert_msg(i_ == n_, "%s: bytes differ at offset %zu\n  got %s\n  exp %s", \
			      (what), i_, unit_hex(g_, n_), unit_hex(e_, n_));                \
	} while (0)

/* The text of every diagnostic, one per line, for failure messages. */
static inline const char *unit_diags(const struct ml_diags *d)
{
	static char buf[4096];
	size_t o = 0;

	buf[0] = 0;
	for (size_t i = 0; i < d->n && o < sizeof(buf) - 1; i++) {
		enum ml_sev sev = d->v[i].sev;
		const char *k = sev == ML_ERR ? "err" : sev == ML_WARN ? "warn" : "info";
		char *s = ml_diag_format(&d->v[i]);
		int w = snprintf(buf + o, sizeof(buf) - o, "  [%s] %s\n", k, s);

		free(s);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}

static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
