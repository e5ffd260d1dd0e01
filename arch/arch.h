/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arch: the plug-in interface every CPU implements.
 *
 * A CPU is a constant descriptor: data (machine, class, byte orders, REL or
 * RELA, its relocation table, arch/reloc-<cpu>.def) plus a few hooks.  The
 * generic driver in loader/ resolves symbols and decodes S, A and P before
 * calling apply(); the hook only computes and patches (through the one
 * checked write below), never prints and never looks a name up.
 */
#ifndef ML_ARCH_H
#define ML_ARCH_H

#include "common/common.h"

struct ml_obj;

enum ml_reloc_status {
	ML_RELOC_OK,
	ML_RELOC_OVERFLOW,
	ML_RELOC_DANGEROUS,
	ML_RELOC_UNHANDLED,
	ML_RELOC_BADLOC,
};

/* Kinds of stub slot an arch may ask the layout to reserve. */
enum ml_stub_kind {
	ML_STUB_NONE,
	ML_STUB_GOT, /* one target word holding S + A */
	ML_STUB_PLT, /* an arch-written trampoline to S + A */
};

/*
 * How a relocation's field is range-checked before it is written (the
 * psABIs' "verify" and "truncate"): the range [lo, hi) follows from the
 * field's bits and the low bits the CPU drops (shift), see ml_reloc_check().
 */
enum ml_reloc_check {
	ML_CHECK_NONE,   /* a field every value fits (a full word), or truncated by design */
	ML_CHECK_SIGNED, /* a displacement or signed immediate: [-2^(bits-1), 2^(bits-1)) << shift */
	ML_CHECK_UNSIGNED, /* [0, 2^bits) << shift */
	ML_CHECK_EITHER,   /* data that fits read signed or unsigned: [-2^(bits-1), 2^bits) */
	ML_CHECK_OWN,      /* checked by the CPU's own case (MIPS's 256 MiB j/jal region) */
};

/*
 * One relocation type, one row of the CPU's table (arch/reloc-<cpu>.def):
 * its number, name, the bytes it touches at P, the formula --explain
 * prints for it, and the range check of its field.
 */
struct ml_reloc_type {
	uint32_t type;
	const char *name;
	unsigned width;
	const char *formula;
	unsigned char check; /* enum ml_reloc_check */
	unsigned char bits, shift;
};

/*
 * The rows of arch/reloc-<cpu>.def are
 *	ML_RELOC(TYPE, width, "formula", check, bits, shift)
 * with TYPE the ELF constant (its spelling is the name); the .def is
 * included with ML_RELOC defined as needed (ML_RELOC_ROW makes the
 * struct ml_reloc_type initialiser; the unit tests make their own lists).
 */
#define ML_RELOC_ROW(ty, w, f, chk, b, sh) \
	{ .type = ty, .name = #ty, .width = w, .formula = f, .check = chk, .bits = b, .shift = sh },

/*
 * Everything apply() needs for one entry.  The driver fills the inputs;
 * apply() fills the outputs used by --explain and by error messages.
 */
struct ml_reloc_ctx {
	/* inputs */
	const struct ml_target *t;
	uint32_t type;
	const struct ml_reloc_type *rt; /* type's row, or NULL: ml_reloc_begin() finds it */
	uint64_t S;                     /* symbol value (final address) */
	uint64_t A;                     /* addend: r_addend for RELA; apply() reads it for REL */
	uint64_t P;                     /* address of the place */
	unsigned char *loc;             /* the place's bytes in the image */
	uint64_t got;                   /* address of .got (0 if none) */
	uint64_t stub;                  /* address of this entry's GOT/PLT slot (0 if none) */
	uint64_t base;                  /* the module's load address (B) */
	bool rela;
	void *state; /* the object's arch state (arch->state_new), or NULL */
	/* where the entry is, for arch state that reports later (unpaired HI16) */
	const char *secname, *symname;
	uint64_t offset;
	/* outputs */
	const char *formula; /* e.g. "S + A - P": the row's, unless apply() says otherwise */
	uint64_t value;      /* the computed value */
	uint64_t written;    /* the field value written (after masking) */
	int64_t lo, hi;      /* allowed range [lo, hi) when OVERFLOW */
	bool range_unsigned; /* print the range as unsigned */
};

struct ml_arch {
	const char *name;
	uint16_t machine; /* EM_* */
	bool is64;        /* ELFCLASS64 */
	bool allow_le, allow_be;
	bool rela; /* RELA (true) or REL (false) */
	/* 2.4 ABI facts */
	unsigned ex_entry_size; /* bytes of one __ex_table entry */
	/* Optional hint appended to an overflow message for this type. */
	const char *(*overflow_hint)(uint32_t type);
	const struct ml_reloc_type *relocs;
	size_t nrelocs;
	/* Which stub a relocation type needs (GOT slot, PLT entry), if any. */
	enum ml_stub_kind (*stub_kind)(uint32_t type);
	/* Bytes of one stub of that kind. */
	unsigned (*stub_size)(enum ml_stub_kind kind, const struct ml_target *t);
	/* Does this type need a .got section to exist (GOTPC, GOTOFF)? */
	bool (*needs_got)(uint32_t type);
	/* Write a PLT stub jumping to 'target' at address 'at'. */
	void (*write_plt)(const struct ml_target *t, unsigned char *p, uint64_t at,
			  uint64_t target);
	enum ml_reloc_status (*apply)(struct ml_reloc_ctx *c);
	/*
	 * Optional fast path for the everyday types when nothing is to be
	 * explained and no stub is involved: store S + A (less P for the
	 * PC-relative ones) at loc and return true if the type is one it knows
	 * and the value fits; otherwise false, and apply() does the entry (and
	 * reports what does not fit).  Must give exactly apply()'s bytes.
	 */
	bool (*apply_fast)(uint32_t type, uint64_t SA, uint64_t P, unsigned char *loc);
	/*
	 * Optional per-object state for apply() (MIPS pending HI16s): created
	 * before relocation, handed to apply() and finish() as c->state / state,
	 * freed with the object.
	 */
	void *(*state_new)(void);
	void (*state_free)(void *state);
	/* Optional end-of-object check (an unpaired MIPS HI16, say): append
	 * diagnostics naming file (fname), section and offset; 0 or -errno. */
	int (*finish)(void *state, const char *fname, struct ml_diags *d);
	/*
	 * 2.4 __archdata: if this section exists in the module, insmod creates
	 * __archdata = { start, end } of it (MIPS __dbe_table, PPC __ftr_fixup)
	 * and points struct module's archdata_start/end at it.
	 */
	const char *archdata_section;
	/*
	 * The .got and .plt modutils 2.4's insmod makes for this CPU (its
	 * obj_<cpu>.c): their alignments (0: a target word; 16), a .plt made
	 * even when no entry needs it (PPC), and ARM's first GOT word, reserved
	 * when a GOTOFF or GOTPC entry comes before any GOT32 one.  Both are
	 * writable data there.  A modern .ko keeps the kernel's rules.
	 */
	unsigned got_align24, plt_align24;
	bool plt_always24, got_reserve24;
};

const struct ml_arch *ml_arch_find(uint16_t machine, bool is64);
const struct ml_arch *ml_arch_by_name(const char *name);
const struct ml_reloc_type *ml_arch_reloc(const struct ml_arch *a, uint32_t type);
/* "R_386_PC32", or "relocation type N" for an unknown one (static buffer per call). */
const char *ml_arch_reloc_name(const struct ml_arch *a, uint32_t type, char buf[32]);

/*
 * For apply(): the entry's row (c->rt, looked up if the caller left it NULL
 * or it is another type's), with c->formula set from it; NULL for a type
 * the CPU does not know.
 */
const struct ml_reloc_type *ml_reloc_begin(const struct ml_arch *a, struct ml_reloc_ctx *c);
/*
 * The one range check: c->value (read signed, unsigned for
 * ML_CHECK_UNSIGNED) against the row's range.  ML_RELOC_OK, or
 * ML_RELOC_OVERFLOW with c->lo, c->hi and c->range_unsigned set for the
 * message.  c->rt must be set (ml_reloc_begin).
 */
enum ml_reloc_status ml_reloc_check(struct ml_reloc_ctx *c);
/*
 * The one write: replace the 'mask' bits of the place (c->rt->width bytes,
 * in the target's byte order) with those of 'field', and record the whole
 * place in c->written.  An instruction keeps its other bits.
 */
void ml_reloc_patch(struct ml_reloc_ctx *c, uint64_t mask, uint64_t field);
/* The checked write: ml_reloc_check(), then c->value into the whole place. */
enum ml_reloc_status ml_reloc_store(struct ml_reloc_ctx *c);

extern const struct ml_arch ml_arch_i386;
extern const struct ml_arch ml_arch_x86_64;
extern const struct ml_arch ml_arch_arm;
extern const struct ml_arch ml_arch_mips;
extern const struct ml_arch ml_arch_ppc;
extern const struct ml_arch ml_arch_sh;
extern const struct ml_arch ml_arch_m68k;
extern const struct ml_arch ml_arch_sparc;

/*
 * What the driver asks of a relocation type for every entry (its table
 * row, its stub kind, whether it needs a .got), answered once per type: a
 * linear table search and two hook calls per entry cost more than the
 * relocation itself on a large module.  Lives on the caller's stack.
 */
#define ML_RTC_TYPES 256
struct ml_rtc_entry {
	const struct ml_reloc_type *rt; /* NULL: the arch does not know this type */
	unsigned char known, kind, needs_got;
};
struct ml_rtc {
	const struct ml_arch *a;
	struct ml_rtc_entry e[ML_RTC_TYPES];
	struct ml_rtc_entry big; /* scratch for types past the table */
};
void ml_rtc_init(struct ml_rtc *c, const struct ml_arch *a);
const struct ml_rtc_entry *ml_rtc_fill(struct ml_rtc *c, uint32_t type);
static inline const struct ml_rtc_entry *ml_rtc_get(struct ml_rtc *c, uint32_t type)
{
	if (type < ML_RTC_TYPES && c->e[type].known)
		return &c->e[type];
	return ml_rtc_fill(c, type);
}

#endif
