/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The model of the Linux 2.4 module subsystem (kernel/module.c), kept in a
 * directory so that separate processes (insmod, lsmod, rmmod, k24emu) see
 * one kernel.
 *
 * Kernel memory is a set of files: DIR/mem/<hexaddr> holds the bytes of the
 * kernel's memory at that address.  Every module created by create_module
 * is one such file (its struct module, image and all), and one more holds
 * the kernel's own part: the module_list pointer, the kernel's struct
 * module (kernel_module) and its symbol table.  The model reads and writes
 * those bytes in the target's byte order and word size, so the state is
 * exactly what a 2.4 kernel holds: next pointers, refs lists of struct
 * module_ref inside the images, flags, use counts.  A module's code runs in
 * the executor (kernel/exec/), which maps the same files at their
 * addresses, so what the module writes (MOD_INC_USE_COUNT, its variables)
 * is what the model reads next.
 *
 * The system calls take user pointers and an ml_uaccess that reads and
 * writes the caller's memory, so EFAULT, ENAMETOOLONG and partial buffer
 * writes happen exactly where 2.4 has them, whether the caller is insmod in
 * this process or a traced program under k24emu.
 */
#ifndef ML_MODEL_H
#define ML_MODEL_H

#include "common/common.h"

/* The caller's memory. read/write return 0 or -EFAULT. */
struct ml_uaccess {
	void *ctx;
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t n);
	int (*write)(void *ctx, uint64_t addr, const void *buf, size_t n);
};

/* Model creation parameters. */
struct ml_model_config {
	const char *cpu;     /* arch name: i386, x86_64, arm, ... */
	bool big;            /* byte order (for CPUs that have both) */
	const char *release; /* e.g. 2.4.37 */
	const char *exec;    /* executor command line (may start with a qemu), "" = none */
	const char *ksyms;   /* extra kernel symbols (/proc/ksyms format), or NULL */
	bool versioned;      /* CONFIG_MODVERSIONS: kernel symbols get _R<crc> */
	bool smp;            /* ... with the smp_ prefix */
	bool persist;        /* with the persistent-data patch (init_module read-back) */
};

struct ml_model;

/* Create a new model kernel in DIR (which must not hold one). */
int ml_model_create(const char *dir, const struct ml_model_config *c, struct ml_diags *d);
/* Open an existing one; NULL with diagnostics on failure. */
struct ml_model *ml_model_open(const char *dir, struct ml_diags *d);
void ml_model_close(struct ml_model *m);

const struct ml_target *ml_model_target(const struct ml_model *m);
const char *ml_model_release(const struct ml_model *m);
const char *ml_model_cpu(const struct ml_model *m);

/* The system calls: 0 / a count / an address, or -errno. */
long ml_model_create_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t name,
			    uint64_t size, uint64_t *addr);
long ml_model_init_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t name,
			  uint64_t image);
long ml_model_delete_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t name);
long ml_model_query_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t name,
			   long which, uint64_t buf, uint64_t bufsize, uint64_t ret);
long ml_model_get_kernel_syms(struct ml_model *m, const struct ml_uaccess *u, uint64_t table);

/* An init_module or cleanup_module that oopsed: the caller "dies" (= ML_KERNEL_OOPS). */
#define ML_MODEL_OOPS 4095

/* /proc files as 2.4 prints them: "modules", "ksyms", "sys/kernel/tainted". */
char *ml_model_proc(struct ml_model *m, const char *name, size_t *len);
/* Or bits into /proc/sys/kernel/tainted; returns the old value. */
int ml_model_taint(struct ml_model *m, int bits);
/* The kernel log (printk output of the model and of modules). */
char *ml_model_kmsg(struct ml_model *m, size_t *len);

#endif
