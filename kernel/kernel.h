/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel: the small interface the tools hand their work to, at the level of
 * 2.4's system calls.  Implementations: "live" (the host's real 2.2/2.4
 * system calls) and "sim:DIR" (the model of the 2.4 module subsystem kept
 * in DIR, see model.h).  With -n or --base nothing is asked at all.
 *
 * Buffers returned by query_module hold the kernel's unsigned longs: host
 * words for live, the model CPU's words for sim; k->t says which, and the
 * helpers below decode them.
 */
#ifndef ML_KERNEL_H
#define ML_KERNEL_H

#include "common/common.h"
#include "symbols/symbols.h"

#define ML_QM_MODULES 1
#define ML_QM_DEPS 2
#define ML_QM_REFS 3
#define ML_QM_SYMBOLS 4
#define ML_QM_INFO 5

struct ml_kernel;

/* init_module did not return: the module's code oopsed (the model only). */
#define ML_KERNEL_OOPS 4095

struct ml_kernel_ops {
	/* The system calls; 0 (or a count, or an address in *addr) or -errno. */
	long (*create_module)(struct ml_kernel *k, const char *name, uint64_t size, uint64_t *addr);
	long (*init_module)(struct ml_kernel *k, const char *name, const void *image, size_t size);
	long (*delete_module)(struct ml_kernel *k, const char *name); /* NULL: reap autoclean */
	long (*query_module)(struct ml_kernel *k, const char *name, int which, void *buf,
			     size_t bufsize, size_t *ret);
	/* Kernel release (uname -r) into buf. */
	int (*release)(struct ml_kernel *k, char *buf, size_t n);
	/* /proc/NAME text ("modules", "ksyms", "sys/kernel/tainted"); NULL with -errno in *err. */
	char *(*proc)(struct ml_kernel *k, const char *name, size_t *len, int *err);
	/* Or bits into the taint mask; the old mask in *old (-ENOENT: no taint support). */
	int (*taint)(struct ml_kernel *k, int bits, int *old);
	/* The kernel log, if the implementation keeps one. */
	char *(*kmsg)(struct ml_kernel *k, size_t *len);
	void (*close)(struct ml_kernel *k);
};

struct ml_kernel {
	const struct ml_kernel_ops *ops;
	void *priv;
	const char *name;   /* "live" or "sim:DIR" */
	const char *cpu;    /* arch name of the kernel's CPU */
	struct ml_target t; /* word size and byte order of its unsigned longs */
};

/*
 * Open a kernel: spec "live", "sim:DIR", or NULL for $MODLINK_KERNEL, else
 * live.  Diagnostics explain a failure.
 */
int ml_kernel_open(const char *spec, struct ml_kernel **k, struct ml_diags *d);
void ml_kernel_close(struct ml_kernel *k);
int ml_kernel_open_live(struct ml_kernel **k, struct ml_diags *d);
int ml_kernel_open_sim(const char *dir, struct ml_kernel **k, struct ml_diags *d);

/* query_module with the ENOSPC protocol: *buf (malloc'd) and the count. */
long ml_kernel_query(struct ml_kernel *k, const char *name, int which, unsigned char **buf,
		     size_t *count);
/* Fill a symbol table from QM_MODULES, QM_INFO and QM_SYMBOLS, as modutils does. */
int ml_kernel_get_symbols(struct ml_kernel *k, struct ml_ksymtab *t, struct ml_diags *d);
/* 1 if a module of that name exists, 0 if not, -errno. */
int ml_kernel_module_exists(struct ml_kernel *k, const char *name);

/*
 * Read len bytes of a module's memory at addr through the persistent-data
 * kernel patch's protocol: init_module(name, hdr) with size_of_struct =
 * -sizeof(struct module) and persist_start/end = [addr, addr + len); the
 * kernel copies the bytes after the header.  A kernel without the patch
 * answers EINVAL.
 */
long ml_kernel_persist_read(struct ml_kernel *k, const char *name, uint64_t addr, size_t len,
			    unsigned char *out);

/*
 * ksymoops snapshots (modutils' snap_shot): /proc/modules now, for later;
 * then, if the module names differ from 'before' and /var/log/ksymoops
 * ($MODLINK_KSYMOOPS_DIR) exists, save .ksyms/.modules and log 'what'.
 */
char *ml_snapshot_modules(struct ml_kernel *k);
int ml_snapshot(struct ml_kernel *k, const char *before, const char *what, struct ml_diags *d);

struct ml_module_info {
	uint64_t addr, size, flags;
	int64_t usecount;
};
long ml_kernel_info(struct ml_kernel *k, const char *name, struct ml_module_info *info);

#endif
