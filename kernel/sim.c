// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "sim:DIR": the kernel interface over the 2.4 model, for tools running in
 * this process.  User memory is this process's memory, so user pointers are
 * our own pointers; buffers use the model CPU's word size and byte order.
 */
#include "kernel/kernel.h"
#include "kernel/model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int self_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	if (!addr)
		return -EFAULT;
	memcpy(buf, (const void *)(uintptr_t)addr, n);
	return 0;
}

static int self_write(void *ctx, uint64_t addr, const void *buf, size_t n)
{
	if (!addr)
		return -EFAULT;
	memcpy((void *)(uintptr_t)addr, buf, n);
	return 0;
}

static const struct ml_uaccess self = { NULL, self_read, self_write };

#define U(p) ((uint64_t)(uintptr_t)(p))

static long sim_create(struct ml_kernel *k, const char *name, uint64_t size, uint64_t *addr)
{
	return ml_model_create_module(k->priv, &self, U(name), size, addr);
}

static long sim_init(struct ml_kernel *k, const char *name, const void *image, size_t size)
{
	return ml_model_init_module(k->priv, &self, U(name), U(image));
}

static long sim_delete(struct ml_kernel *k, const char *name)
{
	return ml_model_delete_module(k->priv, &self, U(name));
}

static long sim_query(struct ml_kernel *k, const char *name, int which, void *buf, size_t bufsize,
		      size_t *ret)
{
	unsigned char rb[8] = { 0 };
	long err = ml_model_query_module(k->priv, &self, U(name), which, U(buf), bufsize, U(rb));

	/* *ret comes back as the model CPU's size_t */
	if (ret)
		*ret = (size_t)ml_getword(&k->t, rb);
	return err;
}

static int sim_release(struct ml_kernel *k, char *buf, size_t n)
{
	snprintf(buf, n, "%s", ml_model_release(k->priv));
	return 0;
}

static char *sim_proc(struct ml_kernel *k, const char *name, size_t *len, int *err)
{
	*err = 0;
	return ml_model_proc(k->priv, name, len);
}

static int sim_taint(struct ml_kernel *k, int bits, int *old)
{
	*old = ml_model_taint(k->priv, bits);
	return 0;
}

static char *sim_kmsg(struct ml_kernel *k, size_t *len)
{
	return ml_model_kmsg(k->priv, len);
}

static void sim_close(struct ml_kernel *k)
{
	ml_model_close(k->priv);
}

static const struct ml_kernel_ops sim_ops = {
	.create_module = sim_create,
	.init_module = sim_init,
	.delete_module = sim_delete,
	.query_module = sim_query,
	.release = sim_release,
	.proc = sim_proc,
	.taint = sim_taint,
	.kmsg = sim_kmsg,
	.close = sim_close,
};

int ml_kernel_open_sim(const char *dir, struct ml_kernel **k, struct ml_diags *d)
{
	struct ml_model *m = ml_model_open(dir, d);

	*k = NULL;
	if (!m)
		return -ENOENT;
	*k = ml_xcalloc(1, sizeof(**k));
	(*k)->ops = &sim_ops;
	(*k)->priv = m;
	(*k)->name = "sim";
	(*k)->cpu = ml_model_cpu(m);
	(*k)->t = *ml_model_target(m);
	return 0;
}
