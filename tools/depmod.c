// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * depmod: modules.dep and the map files for a 2.4 module tree (modutils 2.4's
 * options, messages and exit codes).
 */
#include "tools/modopts.h"
#include "kernel/kernel.h"
#include "modconf/modconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* depmod's own options; modopts.c adds the ones modprobe shares. */
static const struct option own_longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "quick", no_argument, NULL, 'A' },
	{ "errsyms", no_argument, NULL, 'e' },
	{ "filesyms", required_argument, NULL, 'F' },
	{ "show", no_argument, NULL, 'n' },
	{ "root", no_argument, NULL, 'r' },
	{ "unresolved-error", no_argument, NULL, 'u' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("depmod (modlink " PACKAGE_VERSION ", modutils 2.4 compatible)\n"
	      "depmod -[aA] [-n -e -v -q -V -r -u]\n"
	      "      [-C configfile] [-F kernelsyms] [-b basedirectory]\n"
	      "      [--kernel-release=R | forced_version]\n"
	      "depmod [-n -e -v -q -r -u] [-F kernelsyms] module1.o module2.o ...\n"
	      "If no arguments (except options) are given, \"depmod -a\" is assumed\n"
	      "\n"
	      "depmod will output a dependency list suitable for the modprobe utility.\n"
	      "depmod -a will find the list of modules to probe from the file\n"
	      "/etc/modules.conf. It will output the result into the depfile specified\n"
	      "in this configuration file\n"
	      "\n"
	      "depmod -A is the same as depmod -a, but will first compare the timestamps\n"
	      "of the files involved to see if the depfile needs updating.\n"
	      "\n"
	      "Normally depmod operates silently, reporting only the list of modules that\n"
	      "won't load properly (missing symbols).\n"
	      "\n"
	      "Options:\n"
	      "\t-a, --all            Probe modules listed in /etc/modules.conf\n"
	      "\t-A                   Like -a, compares timestamps first\n"
	      "\t-q, --quiet          Don't report missing symbols\n"
	      "\t-e, --errsyms        List unresolved symbols for the given module\n"
	      "\t-s, --syslog         Report errors using syslog\n"
	      "\t-v, --verbose        Print all visited modules\n"
	      "\t-n, --show           Write the dependency file on stdout only\n"
	      "\t-r, --root           Allow root to allow modules not owned by root\n"
	      "\t-V, --version        Print the release version\n"
	      "\t-u, --unresolved-error Set an error return code for unresolved symbols\n"
	      "\t-h, --help           Print this usage message\n"
	      "\n"
	      "The following options are useful for people managing distributions:\n"
	      "\t-b basedirectory\n"
	      "\t    --basedir basedirectory    Use an image of a module tree.\n"
	      "\t-C configfile\n"
	      "\t    --config configfile        Use the file instead of\n"
	      "\t                               /etc/modules.conf.\n"
	      "\t-F kernelsyms\n"
	      "\t    --filesyms kernelsyms      Use the file instead of the\n"
	      "\t                               current kernel symbols.\n"
	      "\t    --kernel-release=R         The release whose tree is done\n"
	      "\t                               (/lib/modules/R; as forced_version)\n"
	      "\t    --kernel=SPEC              Kernel whose symbols to use: live or\n"
	      "\t                               sim:DIR (default $MODLINK_KERNEL, else live)\n",
	      stderr);
}

/* -A: is every generated file there and newer than the config and every module? */
static bool up_to_date(const struct ml_modconf *c, const struct ml_words *mods)
{
	struct stat st;
	time_t oldest = 0;

	for (int i = 0; i < ML_GEN_COUNT; i++) {
		if (stat(c->genfile[i], &st))
			return false;
		if (!oldest || st.st_mtime < oldest)
			oldest = st.st_mtime;
	}
	if (c->file && c->mtime > oldest)
		return false;
	for (size_t i = 0; i < mods->n; i++)
		if (stat(mods->v[i], &st) || st.st_mtime > oldest)
			return false;
	return true;
}

/*
 * Can every generated file be written?  Checked before anything is: a tree whose
 * /lib/modules/R is missing (a wrong release, a wrong base) gets one error, and no
 * map file is replaced while modules.dep cannot be (modutils stopped at the first
 * file it could not open, after truncating the ones before it).
 */
static int check_writable(const struct ml_modconf *c, struct ml_diags *d)
{
	for (int g = -1; g < ML_GEN_DEP; g++) {
		const char *path = c->genfile[g < 0 ? ML_GEN_DEP : g];
		const char *slash = strrchr(path, '/');
		char *dir = slash ? ml_xstrndup(path, slash == path ? 1 : (size_t)(slash - path))
				  : ml_xstrdup(".");
		int e = access(dir, W_OK) ? errno : 0;

		free(dir);
		if (e) {
			ml_err(d, NULL, "Can't open %s for writing (%s)", path, strerror(e));
			return -e;
		}
	}
	return 0;
}

static int write_file(const char *path, const struct ml_buf *b, struct ml_diags *d)
{
	char *tmp = ml_xasprintf("%s.%d", path, (int)getpid());

	if (ml_write_whole(tmp, b->p, b->len) || rename(tmp, path)) {
		ml_err(d, NULL, "Can't open %s for writing", path);
		unlink(tmp);
		free(tmp);
		return -EIO;
	}
	free(tmp);
	return 0;
}

/* What the command line asks for. */
struct args {
	struct ml_modopts mo;
	char *base; /* -b without trailing slashes: paths lose it in modules.dep */
	const char *filesyms;
	bool stdmode, quick, showerr, nflag, rootcheck, unres_error;
};

/* -1: go on; else the exit status (-h, a bad option). */
static int parse_args(int argc, char **argv, struct args *a)
{
	struct option *longopts = ml_modopts_start(own_longopts);
	bool bad_opt = false;
	int o;

	while ((o = ml_modopts_next(&a->mo, argc, argv, "aAeF:nru" ML_MODOPTS_SHORT, longopts)) !=
	       -1) {
		switch (o) {
		case ML_MODOPTS_HELP:
			usage();
			free(longopts);
			return 0;
		case 'A':
		case 'a':
			a->quick = o == 'A';
			a->stdmode = true;
			break;
		case 'e':
			a->showerr = true;
			break;
		case 'F':
			a->filesyms = optarg;
			break;
		case 'n':
			a->nflag = true;
			break;
		case 'r':
			a->rootcheck = false;
			break;
		case 'u':
			a->unres_error = true;
			break;
		default:
			bad_opt = true;
			break;
		}
	}
	free(longopts);
	if (bad_opt) {
		struct ml_diags d = { 0 };

		ml_err(&d, NULL, "Aborting");
		ml_print_diags("depmod", &d, false);
		ml_diags_free(&d);
		return 1;
	}
	/* a trailing slash on the base would double the one of every path */
	{
		size_t bl = strlen(a->mo.base);

		while (bl > 1 && a->mo.base[bl - 1] == '/')
			bl--;
		a->base = ml_xstrndup(a->mo.base, bl);
	}
	return -1;
}

/* The kernel's exports: from -F's file, else from the kernel (opened into *k). */
static int kernel_symbols(const struct args *a, struct ml_depmod *dm, struct ml_kernel **k,
			  struct ml_diags *d)
{
	int kerr;

	if (a->filesyms)
		return ml_depmod_kernel_file(dm, a->filesyms, d);
	if (ml_kernel_open(a->mo.kspec, k, d))
		return -1;
	kerr = ml_depmod_kernel(dm, *k, d);
	if (kerr == -ENOSYS) {
		/* the kernel's advice is insmod's; depmod's way is -F */
		ml_diags_free(d);
		memset(d, 0, sizeof(*d));
		ml_err(d, NULL,
		       "this kernel has no 2.2/2.4 module interface; give the symbols of the kernel the modules are for with -F System.map (or a copy of its /proc/ksyms), or use --kernel=sim:DIR");
	}
	return kerr;
}

/*
 * The modules: depmod -a's, found along the configuration's path (read into *c), or
 * those named.  1: -A found everything up to date; -1: an error.
 */
static int module_list(const struct args *a, const char *release, int argc, char **argv,
		       struct ml_modconf **c, struct ml_words *mods, struct ml_diags *d)
{
	struct ml_modconf_opts co = { .file = a->mo.conf, .base = a->base, .release = release };
	struct ml_find f = { .rootcheck = a->rootcheck && geteuid() == 0 };

	if (!a->stdmode) {
		for (int i = optind; i < argc; i++)
			ml_words_add(mods, argv[i]);
		return 0;
	}
	if (ml_modconf_read(&co, c, d))
		return -1;
	if (!a->nflag && check_writable(*c, d))
		return -1;
	ml_modconf_find(*c, &f, mods, d);
	return a->quick && up_to_date(*c, mods) ? 1 : 0;
}

/* The report, in module order: unresolved symbols, then the module (-v); then the
 * loops.  Returns the errors printed; *ret becomes 1 for -u's unresolved symbols. */
static unsigned report(const struct args *a, const struct ml_depmod *dm, size_t skip, int *ret)
{
	bool verbose = a->mo.verbose;
	struct ml_diags d = { 0 };
	unsigned nerr;

	for (size_t i = 0; i < dm->n; i++) {
		const struct ml_depmod_mod *m = &dm->v[i];
		struct ml_diags r = { 0 };

		if (!m->loaded)
			continue;
		if (m->unresolved.n) {
			if (!a->mo.quiet) {
				ml_err(&r, NULL, "*** Unresolved symbols in %s", m->path);
				for (size_t j = 0; a->showerr && j < m->unresolved.n; j++)
					ml_err(&r, NULL, "\t%s", m->unresolved.v[j]);
			}
			if (a->unres_error)
				*ret = 1;
		}
		if (verbose)
			ml_info(&r, NULL, "%s", strlen(m->path) >= skip ? m->path + skip : m->path);
		ml_print_diags("depmod", &r, verbose);
		ml_diags_free(&r);
	}
	for (size_t i = 0; i < dm->loops.n; i++)
		ml_err(&d, NULL, "*** Dependency loop: %s", dm->loops.v[i]);
	ml_print_diags("depmod", &d, verbose);
	nerr = d.nerr;
	ml_diags_free(&d);
	return nerr;
}

/*
 * modules.dep, then the maps, to stdout (-n, or modules named); else into their
 * files, the dependency file last, as modutils did: its time stamp is what -A
 * compares.  Returns the files that could not be written.
 */
static unsigned write_outputs(const struct args *a, const struct ml_depmod *dm,
			      const struct ml_modconf *c, size_t skip, struct ml_diags *d)
{
	bool to_stdout = !a->stdmode || a->nflag;
	unsigned nerr = 0;

	for (int g = -1; g < ML_GEN_DEP; g++) {
		enum ml_genfile which = g < 0 ? ML_GEN_DEP : (enum ml_genfile)g;
		struct ml_buf b = { 0 };

		ml_depmod_write(dm, which, skip, &b);
		if (to_stdout) {
			if (b.p)
				fwrite(b.p, 1, b.len, stdout);
		} else if (which != ML_GEN_DEP && write_file(c->genfile[which], &b, d)) {
			nerr++;
		}
		ml_buf_free(&b);
	}
	if (!to_stdout) {
		struct ml_buf b = { 0 };

		ml_depmod_write(dm, ML_GEN_DEP, skip, &b);
		if (write_file(c->genfile[ML_GEN_DEP], &b, d))
			nerr++;
		ml_buf_free(&b);
	}
	return nerr;
}

int ml_tool_depmod(int argc, char **argv)
{
	struct args a = { .mo = { .prog = "depmod", .base = "" }, .rootcheck = true };
	struct ml_diags d = { 0 };
	struct ml_modconf *c = NULL;
	struct ml_kernel *k = NULL;
	struct ml_depmod dm;
	struct ml_words mods = { 0 };
	const char *release;
	char relbuf[128];
	unsigned nerr = 0;
	int ret = parse_args(argc, argv, &a);

	if (ret >= 0)
		return ret;
	ret = 0;
	ml_depmod_init(&dm);
	a.stdmode = a.stdmode || optind >= argc;
	release = a.mo.release;
	if (a.stdmode && optind < argc) {
		if (release && strcmp(release, argv[optind])) {
			ml_err(&d, NULL, "--kernel-release=%s and version %s disagree", release,
			       argv[optind]);
			goto out;
		}
		release = argv[optind];
	}
	if (kernel_symbols(&a, &dm, &k, &d))
		goto out;
	release = ml_modopts_release(release, k, relbuf, sizeof(relbuf));
	if (module_list(&a, release, argc, argv, &c, &mods, &d))
		goto out;
	for (size_t i = 0; i < mods.n; i++)
		ml_depmod_add(&dm, mods.v[i], &d);
	ml_depmod_resolve(&dm);

	ml_print_diags("depmod", &d, a.mo.verbose);
	nerr = d.nerr;
	ml_diags_free(&d);
	memset(&d, 0, sizeof(d));
	nerr += report(&a, &dm, strlen(a.base), &ret);
	nerr += write_outputs(&a, &dm, c, strlen(a.base), &d);
out:
	fflush(stdout);
	ml_print_diags("depmod", &d, a.mo.verbose);
	if (nerr || d.nerr)
		ret = 1;
	ml_words_free(&mods);
	ml_depmod_free(&dm);
	ml_modconf_free(c);
	ml_kernel_close(k);
	ml_diags_free(&d);
	free(a.base);
	return ret;
}
