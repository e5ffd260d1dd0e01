// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The caller's memory, as 2.4's system calls reach it: get_mod_name (a name
 * of at most one page, EFAULT, ENAMETOOLONG and EINVAL where 2.4 has them)
 * and put_user of one unsigned long of the model's CPU.  The bytes move
 * through the caller's ml_uaccess (model.h).
 */
#include "kernel/model/model-int.h"

#include <errno.h>
#include <stdlib.h>

long mdl_get_name(const struct ml_uaccess *u, uint64_t uaddr, char **out)
{
	char *buf = ml_xmalloc(PAGE);
	size_t n = 0;

	*out = NULL;
	if (!uaddr) {
		free(buf);
		return -EFAULT;
	}
	for (; n < PAGE; n++) {
		if (u->read(u->ctx, uaddr + n, &buf[n], 1)) {
			free(buf);
			return -EFAULT;
		}
		if (!buf[n])
			break;
	}
	if (n == 0 || n == PAGE) {
		free(buf);
		return n ? -ENAMETOOLONG : -EINVAL;
	}
	*out = buf;
	return (long)n;
}

int mdl_put_uword(const struct ml_model *m, const struct ml_uaccess *u, uint64_t uaddr, uint64_t v)
{
	unsigned char b[8];

	ml_putword(&m->t, b, v);
	return u->write(u->ctx, uaddr, b, ml_wordsize(&m->t)) ? -EFAULT : 0;
}
