// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modlink kernel create DIR ...: make a model 2.4 kernel in DIR.
 * modlink dmesg: print the kernel log of the model.
 */
#include "tools/tools.h"
#include "kernel/kernel.h"
#include "kernel/model.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The executor for a CPU: $MODLINK_EXEC_DIR, next to this program, or installed;
 * run under qemu-user but on x86_64, and on i386 where the host cannot run 32-bit
 * x86 programs itself (ml_host_runs_i386).
 */
static char *find_executor(const char *cpu)
{
	static const char *const qemu[][2] = {
		{ "arm", "qemu-arm" },   { "mips", "qemu-mips" }, { "ppc", "qemu-ppc" },
		{ "sh", "qemu-sh4" },    { "m68k", "qemu-m68k" }, { "sparc", "qemu-sparc32plus" },
		{ "i386", "qemu-i386" },
	};
	char self[PATH_MAX], *dirs[3] = { NULL, NULL, NULL }, *found = NULL;
	const char *env = getenv("MODLINK_EXEC_DIR");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (env)
		dirs[0] = ml_xstrdup(env);
	if (n > 0) {
		char *slash;

		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			dirs[1] = ml_xasprintf("%s/tests", self);
		}
	}
	dirs[2] = ml_xstrdup(MODLINK_LIBEXECDIR);
	for (int i = 0; i < 3 && !found; i++) {
		char *p = dirs[i] ? ml_xasprintf("%s/modlink-exec-%s", dirs[i], cpu) : NULL;

		if (p && access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	for (int i = 0; i < 3; i++)
		free(dirs[i]);
	if (found && strcmp(cpu, "x86_64") && (strcmp(cpu, "i386") || !ml_host_runs_i386())) {
		for (size_t i = 0; i < ML_ARRAY_SIZE(qemu); i++)
			if (!strncmp(cpu, qemu[i][0], strlen(qemu[i][0]))) {
				char *q = ml_xasprintf("%s %s", qemu[i][1], found);

				free(found);
				return q;
			}
	}
	return found;
}

static int kernel_create(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cpu", required_argument, NULL, 'c' },
		{ "release", required_argument, NULL, 'r' },
		{ "exec", required_argument, NULL, 'e' },
		{ "no-exec", no_argument, NULL, 'n' },
		{ "ksyms", required_argument, NULL, 'k' },
		{ "versioned", no_argument, NULL, 'v' },
		{ "smp", no_argument, NULL, 's' },
		{ "persist", no_argument, NULL, 'p' },
		{ "big-endian", no_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct ml_model_config c = { .cpu = "x86_64", .release = "2.4.37" };
	struct ml_diags d = { 0 };
	char *exec = NULL;
	bool noexec = false;
	int o, err;

	optind = 1;
	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (o) {
		case 'c':
			c.cpu = optarg;
			break;
		case 'r':
			c.release = optarg;
			break;
		case 'e':
			c.exec = optarg;
			break;
		case 'n':
			noexec = true;
			break;
		case 'k':
			c.ksyms = optarg;
			break;
		case 'v':
			c.versioned = true;
			break;
		case 's':
			c.smp = c.versioned = true;
			break;
		case 'p':
			c.persist = true;
			break;
		case 'b':
			c.big = true;
			break;
		default:
			fprintf(stderr,
				"Usage: modlink kernel create DIR [--cpu=CPU] [--release=R] [--exec=CMD | --no-exec] [--ksyms=FILE] [--versioned [--smp]] [--persist] [--big-endian]\n");
			return 1;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "modlink kernel create: one directory expected\n");
		return 1;
	}
	if (!c.exec && !noexec) {
		exec = find_executor(c.cpu);
		if (!exec) {
			fprintf(stderr,
				"modlink kernel create: no executor modlink-exec-%s found (set MODLINK_EXEC_DIR, give --exec, or --no-exec to model without running module code)\n",
				c.cpu);
			return 1;
		}
		c.exec = exec;
	}
	err = ml_model_create(argv[optind], &c, &d);
	ml_print_diags("modlink", &d, false);
	ml_diags_free(&d);
	free(exec);
	return err ? 1 : 0;
}

int ml_tool_kernel(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "create"))
		return kernel_create(argc - 1, argv + 1);
	fprintf(stderr, "Usage: modlink kernel create DIR [options]\n");
	return 1;
}

int ml_tool_dmesg(int argc, char **argv)
{
	struct ml_diags d = { 0 };
	struct ml_kernel *k = NULL;
	const char *kspec = argc > 1 && !strncmp(argv[1], "--kernel=", 9) ? argv[1] + 9 : NULL;
	bool raw = argc > 1 && !strcmp(argv[argc - 1], "-r");
	char *log;
	size_t len;
	int ret = 1;

	if (ml_kernel_open(kspec, &k, &d) == 0) {
		if (!k->ops->kmsg) {
			ml_err(&d, NULL,
			       "dmesg: the %s kernel keeps no log here; use the system's dmesg",
			       k->name);
		} else {
			log = k->ops->kmsg(k, &len);
			/* like dmesg: strip the <N> level of each line unless -r */
			for (char *l = log, *nl; l && *l; l = nl) {
				nl = strchr(l, '\n');
				nl = nl ? nl + 1 : l + strlen(l);
				if (!raw && l[0] == '<' && l[1] >= '0' && l[1] <= '7' &&
				    l[2] == '>')
					l += 3;
				fwrite(l, 1, (size_t)(nl - l), stdout);
			}
			free(log);
			ret = 0;
		}
	}
	ml_print_diags("dmesg", &d, false);
	ml_diags_free(&d);
	ml_kernel_close(k);
	return ret;
}
