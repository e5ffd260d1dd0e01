// SPDX-License-Identifier: GPL-2.0-or-later
/* modinfo: what a module's .modinfo says (modutils 2.4's options and output). */
#include "tools/tools.h"
#include "loader/loader.h"
#include "modconf/modconf.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_BASEDIR = 256, OPT_RELEASE };

static const struct option longopts[] = {
	{ "author", no_argument, NULL, 'a' },
	{ "description", no_argument, NULL, 'd' },
	{ "license", no_argument, NULL, 'l' },
	{ "filename", no_argument, NULL, 'n' },
	{ "format", required_argument, NULL, 'f' },
	{ "parameters", no_argument, NULL, 'p' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "config", required_argument, NULL, 'C' },
	{ "basedir", required_argument, NULL, OPT_BASEDIR },
	{ "kernel-release", required_argument, NULL, OPT_RELEASE },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs("usage: modinfo <options> <module>\n"
	      "  -a, --author            display module author\n"
	      "  -d, --description       display module description\n"
	      "  -l, --license           display module license\n"
	      "  -n, --filename          display module filename\n"
	      "  -f <str>\n"
	      "      --format <str>      print the <query-string>\n"
	      "  -p, --parameters        display module parameters\n"
	      "  -V, --version           show version\n"
	      "  -h, --help              this usage screen\n"
	      "  -C, --config FILE       modules.conf to find a module given by name\n"
	      "      --basedir DIR       root of the module tree (for a name)\n"
	      "      --kernel-release R  release whose modules a name is looked up in\n",
	      f);
}

/* A bare name ("fat") is looked up along the module path, as insmod does. */
static char *locate(const char *name, const char *conf, const char *base, const char *rel,
		    struct ml_diags *d)
{
	struct ml_modconf_opts co = { .file = conf, .base = base, .release = rel };
	struct ml_modconf *c;
	struct ml_words found = { 0 };
	char *path = NULL;

	if (ml_modconf_read(&co, &c, d))
		return NULL;
	for (int pass = 0; pass < 3 && !found.n; pass++) {
		char *m = ml_xasprintf("%s%s", name, pass == 0 ? "" : pass == 1 ? ".o" : ".o.gz");
		struct ml_find f = { .match = m, .first_only = true };

		ml_modconf_find(c, &f, &found, d);
		free(m);
	}
	if (found.n)
		path = ml_xstrdup(found.v[0]);
	else
		ml_err(d, NULL, "%s: no module by that name found", name);
	ml_words_free(&found);
	ml_modconf_free(c);
	return path;
}

/* One module, by file or by name (found as modprobe would); 1 on an error. */
static int show_one(const char *file, const char *fmt, const char *conf, const char *base,
		    const char *rel)
{
	struct ml_diags md = { 0 };
	struct ml_buf out = { 0 };
	struct ml_obj *o = NULL;
	char *path = NULL;
	int ret = 0;

	if (!strchr(file, '/') && !strchr(file, '.')) {
		path = locate(file, conf, base, rel, &md);
		file = path;
	}
	if (file && ml_obj_load(file, &o, &md) == 0) {
		ml_modinfo_format(o, file, fmt ? fmt : ml_modinfo_default_format(o), &out, &md);
		if (out.p)
			fwrite(out.p, 1, out.len, stdout);
		fflush(stdout);
	}
	if (md.nerr)
		ret = 1;
	ml_print_diags("modinfo", &md, false);
	ml_obj_free(o);
	ml_buf_free(&out);
	ml_diags_free(&md);
	free(path);
	return ret;
}

int ml_tool_modinfo(int argc, char **argv)
{
	const char *fmt = NULL, *conf = NULL, *base = NULL, *rel = NULL;
	struct ml_diags d = { 0 };
	int c, ret = 0;

	opterr = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "adlnpf:VhC:", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			fmt = "%a\n";
			break;
		case 'd':
			fmt = "%d\n";
			break;
		case 'l':
			fmt = "%l\n";
			break;
		case 'n':
			fmt = "%n\n";
			break;
		case 'p':
			fmt = "%p\n";
			break;
		case 'f':
			fmt = optarg;
			break;
		case 'C':
			conf = optarg;
			break;
		case OPT_BASEDIR:
			base = optarg;
			break;
		case OPT_RELEASE:
			rel = optarg;
			break;
		case 'V':
			printf("modinfo (modlink %s, modutils 2.4 compatible)\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stdout);
			return 1;
		}
	}
	if (optind >= argc) {
		usage(stdout);
		return 1;
	}
	if (fmt && ml_modinfo_check_format(fmt, &d)) {
		ml_print_diags("modinfo", &d, false);
		ml_diags_free(&d);
		return 1;
	}
	for (int i = optind; i < argc; i++)
		if (show_one(argv[i], fmt, conf, base, rel))
			ret = 1;
	ml_diags_free(&d);
	return ret;
}
