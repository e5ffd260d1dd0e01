// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mips: not implemented yet (placeholder descriptor so the registry knows
 * the CPU and says so clearly).
 */
#include "arch/arch.h"

#include <elf.h>

static enum ml_reloc_status mips_apply(struct ml_reloc_ctx *c)
{
	return ML_RELOC_UNHANDLED;
}

const struct ml_arch ml_arch_mips = {
	.name = "mips",
	.machine = EM_MIPS,
	.is64 = false,
	.allow_le = true,
	.allow_be = true,
	.rela = false,
	.ex_entry_size = 8,
	.apply = mips_apply,
};
