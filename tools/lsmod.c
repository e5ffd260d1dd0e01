// SPDX-License-Identifier: GPL-2.0-or-later
/* lsmod: the module list, /proc/modules as the kernel prints it, under modutils' header. */
#include "tools/tools.h"
#include "kernel/kernel.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const struct option longopts[] = {
	{ "kernel", required_argument, NULL, 'K' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* "Tainted: PFS" (P or G, then F or space, S or space) or "Not tainted". */
static void taint_text(int t, char *buf, size_t n)
{
	if (!t)
		snprintf(buf, n, "Not tainted");
	else
		snprintf(buf, n, "Tainted: %c%c%c", t & 1 ? 'P' : 'G', t & 2 ? 'F' : ' ',
			 t & 4 ? 'S' : ' ');
}

int ml_tool_lsmod(int argc, char **argv)
{
	struct ml_diags d = { 0 };
	struct ml_kernel *k = NULL;
	const char *kspec = NULL;
	char *mods = NULL, *taint, tt[32];
	size_t len;
	int c, err = 0, t = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'K':
			kspec = optarg;
			break;
		case 'V':
			fprintf(stderr, "lsmod version %s (modlink)\n", PACKAGE_VERSION);
			break;
		default:
			fprintf(stderr, "Usage: lsmod [--kernel=live|sim:DIR]\n");
			return c == 'h' ? 0 : 1;
		}
	}
	if (ml_kernel_open(kspec, &k, &d))
		goto out;
	mods = k->ops->proc(k, "modules", &len, &err);
	if (!mods) {
		ml_err(&d, NULL, "/proc/modules: %s", strerror(-err));
		goto out;
	}
	taint = k->ops->proc(k, "sys/kernel/tainted", &len, &err);
	if (taint) {
		t = atoi(taint);
		free(taint);
	}
	taint_text(t, tt, sizeof(tt));
	printf("Module                  Size  Used by    %s\n%s", tt, mods);
out:
	free(mods);
	ml_print_diags("lsmod", &d, false);
	err = d.nerr ? 1 : 0;
	ml_kernel_close(k);
	ml_diags_free(&d);
	return err;
}
