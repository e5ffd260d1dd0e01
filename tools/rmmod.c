// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rmmod: unload modules (modutils 2.4's options and messages).  -r removes a
 * stack: the named module, then each module it used that is left unused.
 * -a reaps autoclean modules (delete_module(NULL)).
 */
#include "tools/tools.h"
#include "insmod/insmod.h"
#include "kernel/kernel.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "persist", no_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "stacks", no_argument, NULL, 'r' },
	{ "syslog", no_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "kernel", required_argument, NULL, 'K' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: rmmod [-aehrsvV] [--kernel=live|sim:DIR] module ...\n"
	      "  -a, --all      Remove all unused autoclean modules\n"
	      "  -e, --persist  Save persistent data only, do not unload (no names: all)\n"
	      "  -r, --stacks   Remove a module stack\n"
	      "  -s, --syslog   Report via syslog\n"
	      "  -v, --verbose  Verbose\n"
	      "  -V, --version  Show version\n",
	      stderr);
}

static int remove_one(struct ml_kernel *k, const char *name, bool verbose, struct ml_diags *d)
{
	long err;

	if (verbose)
		ml_info(d, NULL, "rmmod: removing %s", name);
	ml_persist_save(k, name, d); /* before the module and its data go */
	err = k->ops->delete_module(k, name);
	if (err == -ENOENT)
		ml_err(d, NULL, "module %s is not loaded", name);
	else if (err == -ML_KERNEL_OOPS)
		ml_err(d, NULL, "%s: the module's cleanup_module oopsed (see the kernel log)",
		       name);
	else if (err)
		ml_err(d, NULL, "%s: %s", name, strerror((int)-err));
	return (int)err;
}

/* The modules NAME uses (QM_DEPS), as a NUL-separated list. */
static unsigned char *deps_of(struct ml_kernel *k, const char *name, size_t *n)
{
	unsigned char *buf = NULL;

	if (ml_kernel_query(k, name, ML_QM_DEPS, &buf, n))
		*n = 0;
	return buf;
}

static bool unused(struct ml_kernel *k, const char *name)
{
	unsigned char *refs;
	size_t n = 0;
	struct ml_module_info mi;

	if (ml_kernel_info(k, name, &mi) || mi.usecount != 0)
		return false;
	if (ml_kernel_query(k, name, ML_QM_REFS, &refs, &n))
		return false;
	free(refs);
	return n == 0;
}

/* Remove NAME, then whatever it used that nobody uses any more. */
static int remove_stack(struct ml_kernel *k, const char *name, bool top, bool verbose,
			struct ml_diags *d)
{
	size_t n;
	unsigned char *deps;
	int err;

	if (!top && !unused(k, name))
		return 0;
	if (top && ml_kernel_module_exists(k, name) != 1) {
		ml_err(d, NULL, "module %s is not loaded", name);
		return -ENOENT;
	}
	if (top && !unused(k, name)) {
		ml_err(d, NULL, "%s is in use", name);
		return -EBUSY;
	}
	deps = deps_of(k, name, &n);
	err = remove_one(k, name, verbose, d);
	if (!err) {
		const char *p = (const char *)deps;

		for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
			remove_stack(k, p, false, verbose, d);
	}
	free(deps);
	return err;
}

static void save_all(struct ml_kernel *k, struct ml_diags *d)
{
	unsigned char *mods;
	size_t n;

	if (ml_kernel_query(k, NULL, ML_QM_MODULES, &mods, &n))
		return;
	for (const char *m = (const char *)mods; n--; m += strlen(m) + 1)
		ml_persist_save(k, m, d);
	free(mods);
}

struct rmmod_args {
	const char *kspec;
	bool all, stacks, verbose, save_only;
};

/* The options; -1 to go on, else the exit status (-h, a bad option). */
static int parse_args(int argc, char **argv, struct rmmod_args *a)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "aehrsvV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			a->all = true;
			break;
		case 'e':
			a->save_only = true;
			break;
		case 'r':
			a->stacks = true;
			break;
		case 's':
			ml_use_syslog("rmmod");
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'V':
			fprintf(stderr, "rmmod version %s (modlink)\n", PACKAGE_VERSION);
			break;
		case 'K':
			a->kspec = optarg;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 1;
		}
	}
	return -1;
}

/* -e: save persistent data without unloading; no names = every module. */
static void save_only(struct ml_kernel *k, int argc, char **argv, struct ml_diags *d)
{
	if (optind >= argc) {
		save_all(k, d);
		return;
	}
	for (int i = optind; i < argc; i++) {
		char *name = ml_module_name_from_path(argv[i]);

		ml_persist_save(k, name, d);
		free(name);
	}
}

/* -a, then each name (with -r its stack). */
static void remove_named(struct ml_kernel *k, const struct rmmod_args *a, int argc, char **argv,
			 struct ml_diags *d)
{
	if (a->all) {
		long err;

		save_all(k, d);
		err = k->ops->delete_module(k, NULL);

		if (err)
			ml_err(d, NULL, "rmmod: %s", strerror((int)-err));
	}
	for (int i = optind; i < argc; i++) {
		/* "fat.o" and "/lib/modules/.../fat.o" name the module fat */
		char *name = ml_module_name_from_path(argv[i]);

		if (a->stacks)
			remove_stack(k, name, true, a->verbose, d);
		else
			remove_one(k, name, a->verbose, d);
		free(name);
	}
}

int ml_tool_rmmod(int argc, char **argv)
{
	struct ml_diags d = { 0 };
	struct ml_kernel *k = NULL;
	struct rmmod_args a = { 0 };
	char *before = NULL;
	int ret = parse_args(argc, argv, &a);

	if (ret >= 0)
		return ret;
	if (a.save_only) {
		if (!ml_kernel_open(a.kspec, &k, &d))
			save_only(k, argc, argv, &d);
		goto out;
	}
	if (!a.all && optind >= argc) {
		usage();
		return 1;
	}
	if (ml_kernel_open(a.kspec, &k, &d))
		goto out;
	before = ml_snapshot_modules(k);
	remove_named(k, &a, argc, argv, &d);
	if (before) {
		char *what = ml_cmdline("rmmod", argc, argv);

		ml_snapshot(k, before, what, &d);
		free(what);
		free(before);
	}
out:
	ml_print_diags("rmmod", &d, a.verbose);
	ret = d.nerr ? 1 : 0;
	ml_kernel_close(k);
	ml_diags_free(&d);
	return ret;
}
