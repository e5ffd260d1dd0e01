// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppc: not implemented yet (placeholder descriptor so the registry knows
 * the CPU and says so clearly).
 */
#include "arch/arch.h"

#include <elf.h>

static enum ml_reloc_status ppc_apply(struct ml_reloc_ctx *c)
{
	return ML_RELOC_UNHANDLED;
}

const struct ml_arch ml_arch_ppc = {
	.name = "ppc",
	.machine = EM_PPC,
	.is64 = false,
	.allow_le = false,
	.allow_be = true,
	.rela = true,
	.ex_entry_size = 8,
	.apply = ppc_apply,
};
