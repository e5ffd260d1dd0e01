/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 2.4 kernel's struct module, as both sides see it: the loader builds one
 * into each image it hands off, and the kernels (the model, k24emu, snapshots,
 * rmmod's --persist save) read it back.  It sits below both so neither has to
 * reach into the other (facts: 2.4 include/linux/module.h, kernel/module.c).
 *
 * The layout follows one rule for every word size and byte order: six words,
 * two 32-bit ints (nsyms, ndeps), then words.
 */
#ifndef ML_MODULE24_H
#define ML_MODULE24_H

#include "common/common.h"

/* struct module's flags word */
#define ML_MOD_RUNNING 1
#define ML_MOD_DELETED 2
#define ML_MOD_AUTOCLEAN 4
#define ML_MOD_VISITED 8
#define ML_MOD_USED_ONCE 16
#define ML_MOD_JUST_FREED 32
#define ML_MOD_INITIALIZING 64

/* The 2.4 struct module, as plain values. */
struct ml_module_hdr {
	uint64_t size_of_struct, next, name, size, usecount, flags;
	uint32_t nsyms, ndeps;
	uint64_t syms, deps, refs, init, cleanup, ex_table_start, ex_table_end;
	uint64_t persist_start, persist_end, can_unload, runsize;
	uint64_t kallsyms_start, kallsyms_end, archdata_start, archdata_end, kernel_data;
};
/* The fields of struct module, in order; ML_MF_END = sizeof(struct module). */
enum ml_modfield {
	ML_MF_SIZE_OF_STRUCT,
	ML_MF_NEXT,
	ML_MF_NAME,
	ML_MF_SIZE,
	ML_MF_UC,
	ML_MF_FLAGS,
	ML_MF_NSYMS,
	ML_MF_NDEPS,
	ML_MF_SYMS,
	ML_MF_DEPS,
	ML_MF_REFS,
	ML_MF_INIT,
	ML_MF_CLEANUP,
	ML_MF_EX_START,
	ML_MF_EX_END,
	ML_MF_PERSIST_START,
	ML_MF_PERSIST_END,
	ML_MF_CAN_UNLOAD,
	ML_MF_RUNSIZE,
	ML_MF_KALLSYMS_START,
	ML_MF_KALLSYMS_END,
	ML_MF_ARCHDATA_START,
	ML_MF_ARCHDATA_END,
	ML_MF_KERNEL_DATA,
	ML_MF_END,
};
/* Byte offset of a field in the target's layout. */
unsigned ml_module_field_off(const struct ml_target *t, enum ml_modfield f);
/* sizeof(struct module) for a 2.4 kernel of this word size. */
unsigned ml_module_struct_size(const struct ml_target *t);
/* Write/read sizeof(struct module) bytes in the target's layout and byte order. */
void ml_module_header_write(const struct ml_target *t, const struct ml_module_hdr *h,
			    unsigned char *out);
void ml_module_header_read(const struct ml_target *t, const unsigned char *in,
			   struct ml_module_hdr *h);
/* Module name from a path: basename minus .gz/.xz/.zst, then .o, .mod or .ko. */
char *ml_module_name_from_path(const char *path);
/* 2.4 version code a<<16|b<<8|c of "a.b.c...", -1 if unparseable. */
long ml_kernel_version_code(const char *release);

#endif
