// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ksyms: the symbols modules export (-a: the kernel's too), from
 * query_module, as modutils' ksyms: address, name, [defining module].
 */
#include "tools/tools.h"
#include "kernel/kernel.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "noheader", no_argument, NULL, 'h' },
	{ "info", no_argument, NULL, 'm' },
	{ "kernel", required_argument, NULL, 'K' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static void print_symbols(struct ml_kernel *k, const char *mod, const unsigned char *buf, size_t n)
{
	unsigned ws = ml_wordsize(&k->t);

	for (size_t i = 0; i < n; i++) {
		uint64_t v = ml_getword(&k->t, buf + 2 * ws * i);
		const char *name = (const char *)buf + ml_getword(&k->t, buf + 2 * ws * i + ws);

		if (mod)
			printf("%0*" PRIx64 "  %-32s [%s]\n", (int)(2 * ws), v, name, mod);
		else
			printf("%0*" PRIx64 "  %s\n", (int)(2 * ws), v, name);
	}
}

int ml_tool_ksyms(int argc, char **argv)
{
	struct ml_diags d = { 0 };
	struct ml_kernel *k = NULL;
	const char *kspec = NULL;
	bool all = false, header = true, info = false;
	unsigned char *mods = NULL, *buf;
	size_t nmods, n;
	int c, ret;
	long err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ahmV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'h':
			header = false;
			break;
		case 'm':
			info = true;
			break;
		case 'K':
			kspec = optarg;
			break;
		case 'V':
			fprintf(stderr, "ksyms version %s (modlink)\n", PACKAGE_VERSION);
			break;
		default:
			fprintf(stderr, "Usage: ksyms [-a] [-h] [-m] [--kernel=live|sim:DIR]\n");
			return c == 'H' ? 0 : 1;
		}
	}
	if (ml_kernel_open(kspec, &k, &d))
		goto out;
	err = ml_kernel_query(k, NULL, ML_QM_MODULES, &mods, &nmods);
	if (err) {
		ml_err(&d, NULL, "QM_MODULES: %s", strerror((int)-err));
		goto out;
	}
	if (header)
		printf("%-*s  %-32s Defined by\n", (int)(2 * ml_wordsize(&k->t)), "Address",
		       "Symbol");
	for (const char *m = (const char *)mods; nmods--; m += strlen(m) + 1) {
		struct ml_module_info mi;

		if (info && ml_kernel_info(k, m, &mi) == 0)
			printf("%0*" PRIx64 "  (%" PRIu64 "k)%*s [%s]\n",
			       (int)(2 * ml_wordsize(&k->t)), mi.addr, (mi.size + 1023) / 1024, 27,
			       "", m);
		if (ml_kernel_query(k, m, ML_QM_SYMBOLS, &buf, &n) == 0) {
			print_symbols(k, m, buf, n);
			free(buf);
		}
	}
	if (all && ml_kernel_query(k, NULL, ML_QM_SYMBOLS, &buf, &n) == 0) {
		print_symbols(k, NULL, buf, n);
		free(buf);
	}
out:
	free(mods);
	ml_print_diags("ksyms", &d, false);
	ret = d.nerr ? 1 : 0;
	ml_kernel_close(k);
	ml_diags_free(&d);
	return ret;
}
