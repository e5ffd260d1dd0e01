// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The model's directory, where everything it is lives so that separate
 * processes see one kernel: DIR/config (what kernel it is, state.c), DIR/mem
 * (kernel memory, memory.c), DIR/kmsg (the log, log.c), DIR/tainted (the
 * taint mask, proc.c), DIR/lock (the big kernel lock, syscall.c).  Every
 * room names its files through mdl_path, so the layout is read here.
 */
#include "kernel/model/model-int.h"

char *mdl_path(const struct ml_model *m, const char *fmt, ...)
{
	struct ml_buf b = { 0 };
	va_list ap;

	ml_buf_printf(&b, "%s/", m->dir);
	va_start(ap, fmt);
	ml_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return b.p;
}
