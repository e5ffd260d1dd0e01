// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arch: the registry of CPUs, and what every CPU's apply() shares: finding
 * a type's row of its table, the one range check and the one write of a
 * field (so an overflow is reported the same way on every CPU).
 */
#include "arch/arch.h"

#include <string.h>

static const struct ml_arch *const all_arches[] = {
	&ml_arch_i386, &ml_arch_x86_64, &ml_arch_arm,  &ml_arch_mips,
	&ml_arch_ppc,  &ml_arch_sh,     &ml_arch_m68k, &ml_arch_sparc,
};

const struct ml_arch *ml_arch_find(uint16_t machine, bool is64)
{
	/* EM_SPARC32PLUS (18) objects are 32-bit SPARC code with v8+ instructions. */
	if (machine == 18 && !is64)
		machine = 2;
	for (size_t i = 0; i < ML_ARRAY_SIZE(all_arches); i++)
		if (all_arches[i]->machine == machine && all_arches[i]->is64 == is64)
			return all_arches[i];
	return NULL;
}

const struct ml_arch *ml_arch_by_name(const char *name)
{
	for (size_t i = 0; i < ML_ARRAY_SIZE(all_arches); i++)
		if (!strcmp(all_arches[i]->name, name))
			return all_arches[i];
	return NULL;
}

const struct ml_reloc_type *ml_arch_reloc(const struct ml_arch *a, uint32_t type)
{
	for (size_t i = 0; i < a->nrelocs; i++)
		if (a->relocs[i].type == type)
			return &a->relocs[i];
	return NULL;
}

const char *ml_arch_reloc_name(const struct ml_arch *a, uint32_t type, char buf[32])
{
	const struct ml_reloc_type *r = ml_arch_reloc(a, type);

	if (r)
		return r->name;
	snprintf(buf, 32, "relocation type %u", type);
	return buf;
}

const struct ml_reloc_type *ml_reloc_begin(const struct ml_arch *a, struct ml_reloc_ctx *c)
{
	const struct ml_reloc_type *rt = c->rt;

	if (!rt || rt->type != c->type)
		rt = c->rt = ml_arch_reloc(a, c->type);
	if (rt)
		c->formula = rt->formula;
	return rt;
}

enum ml_reloc_status ml_reloc_check(struct ml_reloc_ctx *c)
{
	const struct ml_reloc_type *rt = c->rt;
	int64_t half, lo, hi, v = (int64_t)c->value;
	bool uns = false;

	if (rt->check == ML_CHECK_NONE || rt->check == ML_CHECK_OWN)
		return ML_RELOC_OK;
	half = 1LL << (rt->bits - 1);
	switch (rt->check) {
	case ML_CHECK_SIGNED:
		lo = -half * (1LL << rt->shift);
		hi = half * (1LL << rt->shift);
		break;
	case ML_CHECK_UNSIGNED:
		/* compared as unsigned: a 64-bit value past 2^63 is out too */
		lo = 0;
		hi = (2 * half) << rt->shift;
		uns = true;
		break;
	case ML_CHECK_EITHER:
		lo = -half;
		hi = 2 * half;
		break;
	default:
		return ML_RELOC_OK;
	}
	if (uns ? c->value >= (uint64_t)hi : v < lo || v >= hi) {
		c->lo = lo;
		c->hi = hi;
		c->range_unsigned = uns;
		return ML_RELOC_OVERFLOW;
	}
	return ML_RELOC_OK;
}

void ml_reloc_patch(struct ml_reloc_ctx *c, uint64_t mask, uint64_t field)
{
	unsigned w = c->rt->width;
	uint64_t all = w >= 8 ? ~0ULL : (1ULL << (8 * w)) - 1;
	uint64_t place = (mask & all) == all ? 0 : ml_getn(c->t, c->loc, w);

	c->written = ((place & ~mask) | (field & mask)) & all;
	ml_putn(c->t, c->loc, w, c->written);
}

enum ml_reloc_status ml_reloc_store(struct ml_reloc_ctx *c)
{
	enum ml_reloc_status st = ml_reloc_check(c);

	if (st == ML_RELOC_OK)
		ml_reloc_patch(c, ~0ULL, c->value);
	return st;
}

void ml_rtc_init(struct ml_rtc *c, const struct ml_arch *a)
{
	c->a = a;
	for (size_t i = 0; i < ML_RTC_TYPES; i++)
		c->e[i].known = 0;
}

const struct ml_rtc_entry *ml_rtc_fill(struct ml_rtc *c, uint32_t type)
{
	struct ml_rtc_entry *e = type < ML_RTC_TYPES ? &c->e[type] : &c->big;
	const struct ml_arch *a = c->a;

	e->rt = ml_arch_reloc(a, type);
	e->kind = (unsigned char)(a->stub_kind ? a->stub_kind(type) : ML_STUB_NONE);
	e->needs_got = a->needs_got && a->needs_got(type);
	e->known = type < ML_RTC_TYPES;
	return e;
}
