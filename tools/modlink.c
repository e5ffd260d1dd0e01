// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modlink: one program, many tools.  "modlink insmod ARGS" or, through a
 * link named insmod, "insmod ARGS".
 */
#include "tools/tools.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *what;
} tools[] = {
	{ "insmod", ml_tool_insmod, "link a 2.2/2.4 module and load it (or write its image)" },
	{ "rmmod", ml_tool_rmmod, "unload modules" },
	{ "lsmod", ml_tool_lsmod, "list the loaded modules" },
	{ "ksyms", ml_tool_ksyms, "list the symbols modules (and the kernel) export" },
	{ "kernel", ml_tool_kernel, "create a model 2.4 kernel: kernel create DIR ..." },
	{ "dmesg", ml_tool_dmesg, "print the model kernel's log" },
	{ "modinfo", ml_tool_modinfo, "show a module's .modinfo (author, parameters, ...)" },
	{ "depmod", ml_tool_depmod, "write modules.dep and the map files of a module tree" },
	{ "modprobe", ml_tool_modprobe, "load or remove modules by name, with what they need" },
	{ "k24emu", ml_tool_k24emu, "run a program with its 2.4 module calls served by the model" },
	{ "relocate", ml_tool_relocate,
	  "lay out and relocate a tree of modern .ko modules, as a kernel would" },
};

static bool use_syslog;

void ml_use_syslog(const char *prog)
{
	openlog(prog, LOG_CONS, LOG_DAEMON);
	use_syslog = true;
}

void ml_print_diags(const char *prog, const struct ml_diags *d, bool verbose)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct ml_diag *g = &d->v[i];
		char *line;

		if (g->sev == ML_INFO && !verbose)
			continue;
		line = ml_diag_format(g);
		if (use_syslog)
			syslog(g->sev == ML_ERR ? LOG_ERR : LOG_INFO, "%s", line);
		else if (g->sev == ML_ERR)
			fprintf(stderr, "%s%s%s\n", g->file ? "" : prog, g->file ? "" : ": ", line);
		else
			printf("%s\n", line);
		free(line);
	}
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr, "Usage: modlink TOOL [ARGS...]\n\nTools:\n");
	for (size_t i = 0; i < ML_ARRAY_SIZE(tools); i++)
		fprintf(stderr, "  %-10s %s\n", tools[i].name, tools[i].what);
	fprintf(stderr, "\nA link to modlink named after a tool runs that tool.\n");
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');

	base = base ? base + 1 : argv[0];
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ML_ARRAY_SIZE(tools); i++)
			if (!strcmp(base, tools[i].name))
				return tools[i].main(argc, argv);
		if (pass || argc < 2)
			break;
		argc--;
		argv++;
		base = argv[0];
	}
	if (argc >= 1 && strcmp(base, "modlink") && strcmp(base, "--help") && strcmp(base, "-h")) {
		fprintf(stderr, "modlink: unknown tool '%s'\n", base);
		usage();
		return 1;
	}
	usage();
	return argc >= 1 && (!strcmp(base, "--help") || !strcmp(base, "-h")) ? 0 : 1;
}
