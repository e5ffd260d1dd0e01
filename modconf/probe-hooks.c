// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modprobe's dealings with the world outside the stack: the commentary (-v,
 * -d, -n) through the caller's callback, the list of modules the kernel has,
 * install/remove hooks run by /bin/sh, and removing one module with its
 * hooks (modutils' call_rmmod).
 */
#include "modconf/probe-int.h"
#include "kernel/kernel.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

void ml_probe_say(struct ml_modprobe *mp, const char *fmt, ...)
{
	struct ml_buf b = { 0 };
	va_list ap;

	if (!mp->say)
		return;
	va_start(ap, fmt);
	ml_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	mp->say(mp->ctx, b.p ? b.p : "");
	ml_buf_free(&b);
}

/* What the kernel has now. */
void ml_probe_readcur(struct ml_modprobe *mp)
{
	unsigned char *buf;
	size_t n;
	const char *p;

	ml_words_free(&mp->loaded);
	if (!mp->kernel || ml_kernel_query(mp->kernel, NULL, ML_QM_MODULES, &buf, &n))
		return;
	p = (const char *)buf;
	for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
		ml_words_add(&mp->loaded, p);
	free(buf);
}

bool ml_probe_is_loaded(struct ml_modprobe *mp, const char *kname)
{
	return ml_words_has(&mp->loaded, kname);
}

int ml_probe_run_hook(struct ml_modprobe *mp, enum ml_hook when, const char *name, const char *cmd)
{
	int st;

	ml_probe_say(mp, "# %s %s:", ml_hook_names[when], name);
	ml_probe_say(mp, "%s", cmd);
	if (!mp->run)
		return 0;
	fflush(NULL);
	st = system(cmd);
	if (st == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* modutils' call_rmmod. */
int ml_probe_rmmod_one(struct ml_modprobe *mp, const char *kname, const struct desc *x,
		       bool complain, struct ml_diags *d)
{
	struct ml_module_info mi;
	unsigned char *refs = NULL;
	size_t nrefs = 0;
	struct ml_words one = { 0 };
	const struct ml_words *names = x ? &x->names : &one;
	bool used_ex = false;
	int ret = 0;
	const char *cmd;
	long err;

	if (!mp->kernel)
		return 0;
	err = ml_kernel_info(mp->kernel, kname, &mi);
	if (err == -ENOENT)
		return 0;
	if (err)
		return (int)err;
	if (ml_kernel_query(mp->kernel, kname, ML_QM_REFS, &refs, &nrefs) == 0)
		free(refs);
	if (nrefs || mi.usecount)
		return -EBUSY;
	if (!x)
		ml_words_add(&one, kname);
	for (size_t i = 0; !ret && i < names->n; i++)
		if ((cmd = ml_modconf_hook(mp->conf, ML_HOOK_PRE_REMOVE, names->v[i])) &&
		    ml_probe_run_hook(mp, ML_HOOK_PRE_REMOVE, names->v[i], cmd)) {
			if (complain && !mp->quiet)
				ml_err(d, NULL, "pre-remove %s failed", names->v[i]);
			ret = -EIO;
		}
	for (size_t i = 0; !ret && i < names->n; i++)
		if ((cmd = ml_modconf_hook(mp->conf, ML_HOOK_REMOVE, names->v[i]))) {
			used_ex = true;
			if (ml_probe_run_hook(mp, ML_HOOK_REMOVE, names->v[i], cmd)) {
				if (complain && !mp->quiet)
					ml_err(d, NULL, "remove %s failed", names->v[i]);
				ret = -EIO;
			}
		}
	if (!used_ex && !ret) {
		ml_probe_say(mp, "# delete %s", kname);
		if (mp->run) {
			err = mp->kernel->ops->delete_module(mp->kernel, kname);
			if (err == -ML_KERNEL_OOPS) {
				ml_err(d, NULL,
				       "%s: the module's cleanup_module oopsed (see the kernel log)",
				       kname);
				err = -EFAULT;
			}
			ret = (int)err;
		}
	}
	for (size_t i = 0; !ret && i < names->n; i++)
		if ((cmd = ml_modconf_hook(mp->conf, ML_HOOK_POST_REMOVE, names->v[i])) &&
		    ml_probe_run_hook(mp, ML_HOOK_POST_REMOVE, names->v[i], cmd)) {
			if (complain && !mp->quiet)
				ml_err(d, NULL, "post-remove %s failed", names->v[i]);
			ret = -EIO;
		}
	ml_words_free(&one);
	ml_probe_readcur(mp);
	return ret;
}
