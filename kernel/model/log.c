// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel log: DIR/kmsg, where the model's printk lines (with their
 * <level>, as 2.4's console shows them) and the modules' own printk output
 * (written by the executor) go, in the order they happen; 'modlink dmesg'
 * reads it back.
 */
#include "kernel/model/model-int.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

void mdl_kmsg(struct ml_model *m, const char *fmt, ...)
{
	char *p = mdl_path(m, "kmsg");
	struct ml_buf b = { 0 };
	va_list ap;
	int fd;

	va_start(ap, fmt);
	ml_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, b.p, b.len) < 0) {
			/* the log is best effort */
		}
		close(fd);
	}
	free(p);
	ml_buf_free(&b);
}

char *ml_model_kmsg(struct ml_model *m, size_t *len)
{
	char *p = mdl_path(m, "kmsg");
	unsigned char *data = NULL;
	struct ml_diags d = { 0 };

	*len = 0;
	if (access(p, F_OK) == 0)
		ml_read_file(p, &data, len, &d);
	ml_diags_free(&d);
	free(p);
	return data ? (char *)data : ml_xstrdup("");
}
