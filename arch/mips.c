// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mips: 32-bit MIPS, big-endian (mips) and little-endian (mipsel) alike.
 *
 * 2.4 modules live in kseg2 (0xc0000000 up, vmalloc space) while the kernel
 * runs from kseg0 (0x80000000 up).  A j/jal instruction keeps the top four
 * bits of its own address (of the delay slot, P + 4) and replaces the other
 * 28, so it can only reach the 256 MiB region it sits in: a module cannot
 * jal into the kernel.  That is why 2.4 modules were built with
 * -mlong-calls (every call is lui/addiu/jalr through a register), with
 * -mno-abicalls -fno-pic (no PIC call sequences, no GOT: the kernel has
 * none for a module) and with -G 0 (no small-data section addressed from
 * $gp: $gp is the kernel's current-task pointer, not a data pointer).
 *
 * With those flags gcc 12 emits, per fixture, only:
 *  - R_MIPS_HI16 / R_MIPS_LO16 for every address it loads (lui %hi, then
 *    addiu/lw/sw %lo), function addresses for the long calls included;
 *  - R_MIPS_32 for pointers in data (tables, __ex_table, __ksymtab,
 *    absolute jump tables of switch statements);
 *  - R_MIPS_26 only in hand-written assembler, e.g. the "j 2b" that takes
 *    a .fixup stub back into .text: fine unless the module straddles a
 *    256 MiB boundary;
 *  - R_MIPS_PC32 for an explicit "sym - ." in data.
 * R_MIPS_PC16 (a branch to another section) is handled too; gas resolves
 * the branches within a section itself.
 * No stubs are needed: -mlong-calls removes the only out-of-range case, so
 * an R_MIPS_26 whose target lies in another region is an error naming
 * -mlong-calls, not a reason to build a veneer.
 *
 * MIPS o32 uses REL: the addend is in the place.  For the 16-bit halves it
 * is split: the HI16's field holds AHI, the LO16's holds ALO, and the
 * addend is AHL = (AHI << 16) + (short)ALO.  An HI16 therefore cannot be
 * computed alone; it waits in a per-object list until the next LO16
 * against the same symbol (gas puts every HI16 before its LO16, and
 * several HI16s may share one LO16 when gcc sets up the same %hi on two
 * paths that meet at one %lo), then gets ((S + AHL) + 0x8000) >> 16: the
 * carry makes up for the %lo being sign-extended by addiu/lw.  Pending
 * HI16s with another symbol keep waiting, as GNU ld looks forward for its
 * own pair; one that reaches the end of its section unpaired is an error
 * naming it (the modutils list asserted the same symbol instead).  A LO16
 * with nothing pending is applied alone (only its low 16 bits matter).
 *
 * Rejected, with a hint: the $gp-relative forms (GPREL16, GPREL32,
 * LITERAL: build with -G 0) and the GOT/PIC forms (GOT16, CALL16, GOT_*,
 * CALL_*, and HI16/LO16 against _gp_disp or __gnu_local_gp, the $gp
 * set-up of -mabicalls code: build with -mno-abicalls -fno-pic).  R_MIPS_JALR is only a hint to the linker that a jalr calls a
 * known function; leaving the jalr alone is always correct.
 *
 * The 2.4 extras.  Sections of processor type: .reginfo (register masks,
 * 24 bytes, ALLOC) is laid out like read-only data, where modutils' maps
 * show it (modutils left its bytes zero; we copy them, as GNU ld does for
 * one object, and nobody reads them); .MIPS.abiflags (binutils 2.24 on,
 * also ALLOC; modutils 2.4 predates it and would refuse its section type)
 * is loaded the same way; .pdr, .mdebug.* and .gnu.attributes are not
 * ALLOC and are never loaded.  If a
 * module has __dbe_table (bus-error fixups, like __ex_table), insmod makes
 * __archdata = { start, end } of it for struct module.
 *
 * References: System V ABI, MIPS RISC Processor Supplement, 3rd ed.,
 * "Relocation Types"; modutils 2.4 obj_mips.c behaviour as in
 * ../shared/abi/modutils24.md §3.
 */
#include "arch/arch.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Names, widths, formulas and range checks: arch/reloc-mips.def. */
#define ML_RELOC ML_RELOC_ROW
static const struct ml_reloc_type mips_relocs[] = {
#include "arch/reloc-mips.def"
};
#undef ML_RELOC

/* ---- pending HI16s: per object, paired with the next LO16 ---- */

struct hi16 {
	unsigned char *loc;
	uint64_t S;
	const char *symname; /* borrowed from the driver for the pending ones */
	const char *secname;
	uint64_t offset;
	bool owned; /* names copied: unpaired ones outlive the driver's loop */
};

struct hi16_list {
	struct hi16 *v;
	size_t n, cap;
};

struct mips_state {
	struct hi16_list pending;  /* waiting for a LO16, all in section 'cursec' */
	struct hi16_list unpaired; /* reported by finish() */
	const char *cursec;
};

static void *mips_state_new(void)
{
	return ml_xcalloc(1, sizeof(struct mips_state));
}

static void list_free(struct hi16_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].owned) {
			free((char *)l->v[i].symname);
			free((char *)l->v[i].secname);
		}
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static void mips_state_free(void *state)
{
	struct mips_state *st = state;

	if (!st)
		return;
	list_free(&st->pending);
	list_free(&st->unpaired);
	free(st);
}

static void list_push(struct hi16_list *l, const struct hi16 *h)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = ml_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = *h;
}

/* Whatever is still pending can no longer be paired: keep it for finish(). */
static void flush_unpaired(struct mips_state *st)
{
	for (size_t i = 0; i < st->pending.n; i++) {
		struct hi16 h = st->pending.v[i];

		h.symname = ml_xstrdup(h.symname ? h.symname : "");
		h.secname = ml_xstrdup(h.secname ? h.secname : "");
		h.owned = true;
		list_push(&st->unpaired, &h);
	}
	st->pending.n = 0;
}

static bool same_name(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* A new section's relocations begin: an HI16 never pairs across sections. */
static void enter_section(struct mips_state *st, const char *secname)
{
	if (st->pending.n && !same_name(st->cursec, secname))
		flush_unpaired(st);
	st->cursec = secname;
}

static int mips_finish(void *state, const char *fname, struct ml_diags *d)
{
	struct mips_state *st = state;

	if (!st)
		return 0;
	flush_unpaired(st);
	for (size_t i = 0; i < st->unpaired.n; i++) {
		const struct hi16 *h = &st->unpaired.v[i];
		struct ml_loc loc = { .file = fname,
				      .section = h->secname,
				      .offset = (long long)h->offset,
				      .symbol = h->symname,
				      .reloc = "R_MIPS_HI16" };

		ml_diag(d, ML_ERR, &loc,
			"R_MIPS_HI16 against '%s' has no R_MIPS_LO16 against the same symbol after it in %s, so its %%hi cannot be computed (hand-written assembler, or a damaged object)",
			h->symname, h->secname);
	}
	return st->unpaired.n ? -ENOEXEC : 0;
}

/* ---- apply ---- */

static uint32_t hi_of(uint32_t v)
{
	return ((v + 0x8000) >> 16) & 0xffff;
}

/*
 * Pair every pending HI16 against this symbol with the LO16 whose
 * sign-extended addend is 'alo', and patch them.
 */
static void pair_hi16s(struct mips_state *st, const struct ml_reloc_ctx *c, int32_t alo)
{
	size_t k = 0;

	for (size_t i = 0; i < st->pending.n; i++) {
		struct hi16 *h = &st->pending.v[i];

		if (h->S == c->S && same_name(h->symname, c->symname)) {
			uint32_t insn = ml_get32(c->t, h->loc);
			uint32_t ahl = ((insn & 0xffff) << 16) + (uint32_t)alo;
			uint32_t v = (uint32_t)h->S + ahl;

			ml_put32(c->t, h->loc, (insn & 0xffff0000) | hi_of(v));
		} else {
			st->pending.v[k++] = *h;
		}
	}
	st->pending.n = k;
}

static bool is_gp_disp(const struct ml_reloc_ctx *c)
{
	return c->symname &&
	       (!strcmp(c->symname, "_gp_disp") || !strcmp(c->symname, "__gnu_local_gp"));
}

/*
 * One case per relocation type the module may hold; the type's row
 * (arch/reloc-mips.def) gives the formula --explain prints and PC16's
 * range.  Over 80 lines because R_MIPS_26 and R_MIPS_HI16 need their own
 * words (the 256 MiB region; the pairing, explained at the top) where they
 * happen.
 */
static enum ml_reloc_status mips_apply(struct ml_reloc_ctx *c)
{
	struct mips_state *st = c->state;
	uint32_t S = (uint32_t)c->S, P = (uint32_t)c->P, insn, v;
	int32_t a;

	if (st)
		enter_section(st, c->secname);
	if (!ml_reloc_begin(&ml_arch_mips, c))
		return ML_RELOC_UNHANDLED;
	switch (c->type) {
	case R_MIPS_NONE:
		return ML_RELOC_OK;
	case R_MIPS_JALR:
		/* A hint that a jalr calls S; the jalr itself is right as it is. */
		c->written = c->value = ml_get32(c->t, c->loc);
		return ML_RELOC_OK;
	default:
		break;
	}
	if (is_gp_disp(c))
		return ML_RELOC_UNHANDLED; /* PIC prologue: no $gp for modules */
	insn = ml_get32(c->t, c->loc);

	switch (c->type) {
	case R_MIPS_32:
		c->A = (uint64_t)(int64_t)(int32_t)insn;
		c->value = (uint32_t)(S + insn);
		return ml_reloc_store(c);
	case R_MIPS_PC32:
		c->A = (uint64_t)(int64_t)(int32_t)insn;
		c->value = (uint32_t)(S + insn - P);
		return ml_reloc_store(c);
	case R_MIPS_26:
		/*
		 * The field holds A >> 2.  Read it signed (the psABI's reading for
		 * external symbols; for section symbols it is an offset far below
		 * 128 MiB, where both readings agree).
		 */
		a = (int32_t)ml_sext((uint64_t)(insn & 0x03ffffff) << 2, 28);
		c->A = (uint64_t)(int64_t)a;
		v = S + (uint32_t)a;
		c->value = v;
		if (v & 3)
			return ML_RELOC_DANGEROUS;
		/* j/jal keep the top four bits of P + 4: the target must share them */
		if ((v ^ (P + 4)) & 0xf0000000) {
			c->lo = (P + 4) & 0xf0000000;
			c->hi = c->lo + 0x10000000;
			c->range_unsigned = true;
			return ML_RELOC_OVERFLOW;
		}
		ml_reloc_patch(c, 0x03ffffff, v >> 2);
		return ML_RELOC_OK;
	case R_MIPS_HI16: {
		struct hi16 h = { .loc = c->loc,
				  .S = c->S,
				  .symname = c->symname,
				  .secname = c->secname,
				  .offset = c->offset };

		if (!st)
			return ML_RELOC_UNHANDLED; /* the driver always gives us state */
		c->A = (uint64_t)(int64_t)(int32_t)((insn & 0xffff) << 16);
		c->value = (uint32_t)(S + (uint32_t)c->A);
		c->written = insn; /* patched when its LO16 comes */
		list_push(&st->pending, &h);
		return ML_RELOC_OK;
	}
	case R_MIPS_LO16:
		a = (int16_t)(insn & 0xffff);
		if (st)
			pair_hi16s(st, c, a); /* every HI16 waiting for this LO16 */
		c->A = (uint64_t)(int64_t)a;
		c->value = (uint32_t)(S + (uint32_t)a);
		ml_reloc_patch(c, 0xffff, c->value);
		return ML_RELOC_OK;
	case R_MIPS_PC16:
		a = (int32_t)ml_sext((uint64_t)(insn & 0xffff) << 2, 18);
		c->A = (uint64_t)(int64_t)a;
		v = S + (uint32_t)a - P;
		c->value = (uint64_t)(int64_t)(int32_t)v;
		if (v & 3)
			return ML_RELOC_DANGEROUS;
		if (ml_reloc_check(c) != ML_RELOC_OK) /* +-128 KiB */
			return ML_RELOC_OVERFLOW;
		ml_reloc_patch(c, 0xffff, v >> 2);
		return ML_RELOC_OK;
	default:
		return ML_RELOC_UNHANDLED;
	}
}

/* The hint for a relocation that failed: out of range, or a type no module can have. */
static const char *mips_overflow_hint(uint32_t type)
{
	switch (type) {
	case R_MIPS_26:
		return "j/jal reach only their own 256 MiB region, and 2.4 modules (kseg2) are far from the kernel (kseg0): build the module with -mlong-calls";
	case R_MIPS_PC16:
		return "a branch reaches only +-128 KiB";
	case R_MIPS_GPREL16:
	case R_MIPS_GPREL32:
	case R_MIPS_LITERAL:
		return "$gp-relative small data does not exist for modules: build with -G 0";
	case R_MIPS_GOT16:
	case R_MIPS_CALL16:
	case R_MIPS_GOT_DISP:
	case R_MIPS_GOT_PAGE:
	case R_MIPS_GOT_OFST:
	case R_MIPS_GOT_HI16:
	case R_MIPS_GOT_LO16:
	case R_MIPS_CALL_HI16:
	case R_MIPS_CALL_LO16:
	case R_MIPS_HI16:
	case R_MIPS_LO16:
		return "PIC/abicalls code (a GOT, _gp_disp) cannot be loaded as a 2.4 module: build with -mno-abicalls -fno-pic -G 0";
	default:
		return NULL;
	}
}

const struct ml_arch ml_arch_mips = {
	.name = "mips",
	.machine = EM_MIPS,
	.is64 = false,
	.allow_le = true,
	.allow_be = true,
	.rela = false,
	.ex_entry_size = 8,
	.overflow_hint = mips_overflow_hint,
	.relocs = mips_relocs,
	.nrelocs = ML_ARRAY_SIZE(mips_relocs),
	.apply = mips_apply,
	.state_new = mips_state_new,
	.state_free = mips_state_free,
	.finish = mips_finish,
	.archdata_section = "__dbe_table",
};
