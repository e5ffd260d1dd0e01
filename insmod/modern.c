// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * insmod -n/--base on a modern (2.6 and later) .ko: its kernel links such a
 * module itself, so nothing is handed to a kernel; the module is laid out,
 * bound and relocated as that kernel would (loader/modern.c) at the given
 * base (or where the CPU's module area starts), for its -O image, -m map and
 * --explain lines.
 */
#include "insmod/insmod-int.h"

#include <errno.h>

int ml_modern_insmod(const struct ml_insmod_opts *opt, struct ml_obj *o, struct ml_insmod_result *r,
		     struct ml_diags *d)
{
	struct ml_modern_layout l;
	uint64_t percpu;
	int err;

	if (opt->kernel && !opt->noload) {
		ml_err(d, NULL,
		       "%s is a modern (2.6 or later) module, which its kernel links itself; use -n or --base to write its image",
		       o->fname);
		return -ENOEXEC;
	}
	err = ml_modern_layout(o, &l, d);
	if (err)
		return err;
	err = ml_modern_resolve(o, opt->ksyms, NULL, d);
	if (err || opt->probe)
		return err;
	r->base = opt->have_base ? opt->base : ml_modern_default_base(o->arch);
	r->size = o->size;
	/* Per-CPU data goes where the kernel's reserved per-CPU chunk starts. */
	if (!ml_ksymtab_value(opt->ksyms, "__per_cpu_end", &percpu))
		percpu = r->base + o->size;
	percpu = ml_align_up(percpu, l.percpu_align); /* the kernel's ALIGN() */
	ml_modern_place(o, &l, r->base, r->base + l.core_size, percpu);
	/* -O: relocated in the image buffer, written when complete. */
	if (opt->blob && (err = ml_image_stage(o, d)))
		return err;
	err = ml_relocate(o, opt->explain ? &r->explain : NULL, d);
	if (err)
		return err;
	if (opt->blob && (err = ml_write_image(o, opt->blob, d)))
		return err;
	if (opt->map)
		ml_write_map(o, &r->map);
	return 0;
}
