// SPDX-License-Identifier: GPL-2.0-or-later
#include "arch/arch.h"

#include <string.h>

static const struct ml_arch *const all_arches[] = {
	&ml_arch_i386,
	&ml_arch_x86_64,
	&ml_arch_arm,
	&ml_arch_mips,
	&ml_arch_ppc,
	&ml_arch_sh,
	&ml_arch_m68k,
	&ml_arch_sparc,
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
