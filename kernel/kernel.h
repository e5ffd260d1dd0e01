/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel: the small interface insmod and friends hand their work to.
 * Implementations: "live" (the host's real 2.4 system calls); the 2.4 model
 * ("sim:DIR") joins later.  With -n or --base nothing is asked at all.
 */
#ifndef ML_KERNEL_H
#define ML_KERNEL_H

#include "common/common.h"
#include "symbols/symbols.h"

struct ml_kernel;

struct ml_kernel_ops {
	const char *name;
	/* Kernel and module exports, module addresses (QM_MODULES/INFO/SYMBOLS). */
	int (*get_symbols)(struct ml_kernel *k, struct ml_ksymtab *t, struct ml_diags *d);
	/* 0 if no module of that name, 1 if there is one, -errno. */
	int (*module_exists)(struct ml_kernel *k, const char *name);
	/* -errno on failure; the address in *addr. */
	int (*create_module)(struct ml_kernel *k, const char *name, uint64_t size, uint64_t *addr);
	int (*init_module)(struct ml_kernel *k, const char *name, const void *image, size_t size);
	int (*delete_module)(struct ml_kernel *k, const char *name);
	/* Kernel release (uname -r) into buf. */
	int (*release)(struct ml_kernel *k, char *buf, size_t n);
	/* /proc/sys/kernel/tainted: read (-ENOENT if unsupported) and or-in bits. */
	int (*taint)(struct ml_kernel *k, int bits, int *old);
	void (*close)(struct ml_kernel *k);
};

struct ml_kernel {
	const struct ml_kernel_ops *ops;
	void *priv;
};

/* Open a kernel by spec: "live" (default) or later "sim:DIR". */
int ml_kernel_open(const char *spec, struct ml_kernel **k, struct ml_diags *d);
void ml_kernel_close(struct ml_kernel *k);

#endif
