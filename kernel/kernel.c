// SPDX-License-Identifier: GPL-2.0-or-later
/* What every kernel implementation shares: opening by name, query_module helpers. */
#include "kernel/kernel.h"
#include "common/module24.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ml_kernel_open(const char *spec, struct ml_kernel **k, struct ml_diags *d)
{
	*k = NULL;
	if (!spec)
		spec = getenv("MODLINK_KERNEL");
	if (!spec || !*spec || !strcmp(spec, "live"))
		return ml_kernel_open_live(k, d);
	if (!strncmp(spec, "sim:", 4) && spec[4])
		return ml_kernel_open_sim(spec + 4, k, d);
	ml_err(d, NULL, "unknown kernel '%s' (use live or sim:DIR)", spec);
	return -EINVAL;
}

void ml_kernel_close(struct ml_kernel *k)
{
	if (!k)
		return;
	if (k->ops->close)
		k->ops->close(k);
	free(k);
}

long ml_kernel_query(struct ml_kernel *k, const char *name, int which, unsigned char **buf,
		     size_t *count)
{
	size_t n = which == ML_QM_SYMBOLS ? (name ? 1024 : 16384) : 256, ret = 0;
	long err;

	*buf = ml_xmalloc(n);
	for (;;) {
		err = k->ops->query_module(k, name, which, *buf, n, &ret);
		if (err == 0) {
			*count = ret;
			return 0;
		}
		if (err != -ENOSPC) {
			free(*buf);
			*buf = NULL;
			return err;
		}
		/* the list may have grown between calls: retry until it fits */
		n = ret > n ? ret : 2 * n;
		*buf = ml_xrealloc(*buf, n);
	}
}

long ml_kernel_info(struct ml_kernel *k, const char *name, struct ml_module_info *info)
{
	unsigned char b[32];
	unsigned ws = ml_wordsize(&k->t);
	size_t ret;
	long err = k->ops->query_module(k, name, ML_QM_INFO, b, 4 * ws, &ret);

	if (err)
		return err;
	info->addr = ml_getword(&k->t, b);
	info->size = ml_getword(&k->t, b + ws);
	info->flags = ml_getword(&k->t, b + 2 * ws);
	info->usecount = ml_sext(ml_getword(&k->t, b + 3 * ws), 8 * ws);
	return 0;
}

int ml_kernel_module_exists(struct ml_kernel *k, const char *name)
{
	struct ml_module_info info;
	long err = ml_kernel_info(k, name, &info);

	if (!err)
		return 1;
	return err == -ENOENT ? 0 : (int)err;
}

static void add_symbols(struct ml_kernel *k, struct ml_ksymtab *t, const char *mod,
			const unsigned char *buf, size_t nsyms)
{
	unsigned ws = ml_wordsize(&k->t);

	for (size_t i = 0; i < nsyms; i++) {
		uint64_t v = ml_getword(&k->t, buf + 2 * ws * i);
		uint64_t o = ml_getword(&k->t, buf + 2 * ws * i + ws);

		ml_ksymtab_add(t, (const char *)buf + o, v, mod);
	}
}

int ml_kernel_get_symbols(struct ml_kernel *k, struct ml_ksymtab *t, struct ml_diags *d)
{
	unsigned char *mods, *buf;
	size_t nmods, n;
	const char *m;
	long err;

	if (k->ops->query_module(k, NULL, 0, NULL, 0, NULL) != 0) {
		ml_err(d, NULL,
		       "this kernel has no 2.2/2.4 module interface (query_module is missing); give the kernel symbols with --ksyms, --kallsyms or --system-map and use -n or --base, or use --kernel=sim:DIR");
		return -ENOSYS;
	}
	err = ml_kernel_query(k, NULL, ML_QM_MODULES, &mods, &nmods);
	if (err) {
		ml_err(d, NULL, "QM_MODULES: %s", strerror((int)-err));
		return (int)err;
	}
	t->crc_source = true;
	m = (const char *)mods;
	for (size_t i = 0; i < nmods; i++, m += strlen(m) + 1) {
		struct ml_module_info info;
		int mi = ml_ksymtab_module(t, m);

		if (ml_kernel_info(k, m, &info) == 0) {
			t->mods[mi].addr = info.addr;
			t->mods[mi].have_addr = true;
		}
		/* ENOENT: the module went away meanwhile; the others still count */
		if (ml_kernel_query(k, m, ML_QM_SYMBOLS, &buf, &n) == 0) {
			add_symbols(k, t, m, buf, n);
			free(buf);
		}
	}
	free(mods);
	err = ml_kernel_query(k, NULL, ML_QM_SYMBOLS, &buf, &n);
	if (err) {
		ml_err(d, NULL, "QM_SYMBOLS: %s", strerror((int)-err));
		return (int)err;
	}
	add_symbols(k, t, NULL, buf, n);
	free(buf);
	return 0;
}

long ml_kernel_persist_read(struct ml_kernel *k, const char *name, uint64_t addr, size_t len,
			    unsigned char *out)
{
	unsigned sz = ml_module_struct_size(&k->t);
	unsigned char *buf = ml_xcalloc(1, sz + len);
	struct ml_module_hdr h = { 0 };
	long err;

	h.size_of_struct = (uint64_t)0 - sz; /* negative: read, not write */
	if (!k->t.is64)
		h.size_of_struct &= 0xffffffffULL;
	h.persist_start = addr;
	h.persist_end = addr + len;
	ml_module_header_write(&k->t, &h, buf);
	err = k->ops->init_module(k, name, buf, sz + len);
	if (!err)
		memcpy(out, buf + sz, len);
	free(buf);
	return err;
}
