// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * k24emu: run a program as if on a 2.4 kernel, its module system calls and
 * /proc files served by the model kernel in DIR (kernel/emu.h).
 *
 * Exit status: the command's (128+N when a signal N ended it), 127 when it
 * was not found, 126 when it could not be run, 125 when k24emu itself
 * failed, as env(1) and timeout(1) have it.  The command owns standard
 * output, so every message of k24emu's goes to standard error.
 */
#include "tools/tools.h"
#include "kernel/emu.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define K24EMU_FAILED 125

static const struct option longopts[] = {
	{ "state", required_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: k24emu [--state DIR] [-v] [--] COMMAND [ARGS...]\n"
	      "Run COMMAND with its 2.4 module system calls (create_module, init_module,\n"
	      "delete_module, query_module, get_kernel_syms), /proc/modules, /proc/ksyms,\n"
	      "/proc/sys/kernel/tainted and uname() served by the model kernel in DIR.\n"
	      "\n"
	      "  -s, --state DIR  the model (made by 'modlink kernel create DIR');\n"
	      "                   default: DIR of MODLINK_KERNEL=sim:DIR\n"
	      "  -v, --verbose    report every call served, after the command ends\n"
	      "  -V, --version    show the version\n",
	      stderr);
}

static void print_diags(const struct ml_diags *d, bool verbose)
{
	for (size_t i = 0; i < d->n; i++) {
		char *line;

		if (d->v[i].sev == ML_INFO && !verbose)
			continue;
		line = ml_diag_format(&d->v[i]);
		fprintf(stderr, "k24emu: %s\n", line);
		free(line);
	}
}

int ml_tool_k24emu(int argc, char **argv)
{
	struct ml_emu_opts o = { 0 };
	struct ml_emu_result r;
	struct ml_diags d = { 0 };
	const char *spec = getenv("MODLINK_KERNEL");
	int c, err, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.state = optarg;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'V':
			fprintf(stderr, "k24emu version %s (modlink)\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return K24EMU_FAILED;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "k24emu: no command given\n");
		usage();
		return K24EMU_FAILED;
	}
	if (!o.state && spec && !strncmp(spec, "sim:", 4) && spec[4])
		o.state = spec + 4;
	if (!o.state) {
		fprintf(stderr,
			"k24emu: no model kernel: give --state DIR or set MODLINK_KERNEL=sim:DIR (make one with 'modlink kernel create DIR')\n");
		return K24EMU_FAILED;
	}
	o.argv = &argv[optind];
	err = ml_emu_run(&o, &r, &d);
	if (!err && r.exec_errno)
		ml_err(&d, NULL, "%s: %s", o.argv[0], strerror(r.exec_errno));
	print_diags(&d, o.verbose);
	ml_diags_free(&d);
	if (err)
		ret = K24EMU_FAILED;
	else if (r.exec_errno)
		ret = r.exec_errno == ENOENT ? 127 : 126;
	else if (WIFSIGNALED(r.status))
		ret = 128 + WTERMSIG(r.status);
	else
		ret = WEXITSTATUS(r.status);
	return ret;
}
