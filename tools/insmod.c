// SPDX-License-Identifier: GPL-2.0-or-later
/* insmod: modutils 2.4's options, messages and exit codes, plus symbol files. */
#include "tools/tools.h"
#include "kernel/kernel.h"
#include "loader/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

enum {
	OPT_KSYMS = 256, OPT_KALLSYMS, OPT_SYSMAP, OPT_BASE, OPT_RELEASE, OPT_EXPLAIN, OPT_KERNEL,
	OPT_HELP, OPT_NO_WEAK_EXPORTS,
};

static const struct option longopts[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "autoclean", no_argument, NULL, 'k' },
	{ "lock", no_argument, NULL, 'L' },
	{ "map", no_argument, NULL, 'm' },
	{ "noload", no_argument, NULL, 'n' },
	{ "name", required_argument, NULL, 'o' },
	{ "blob", required_argument, NULL, 'O' },
	{ "probe", no_argument, NULL, 'p' },
	{ "poll", no_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "root", no_argument, NULL, 'r' },
	{ "syslog", no_argument, NULL, 's' },
	{ "kallsyms", optional_argument, NULL, OPT_KALLSYMS }, /* bare: -S */
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "noexport", no_argument, NULL, 'x' },
	{ "export", no_argument, NULL, 'X' },
	{ "noksymoops", no_argument, NULL, 'y' },
	{ "ksymoops", no_argument, NULL, 'Y' },
	{ "persist", required_argument, NULL, 'e' },
	{ "prefix", required_argument, NULL, 'P' },
	{ "numeric-only", no_argument, NULL, 'N' },
	{ "help", no_argument, NULL, 'h' },
	{ "ksyms", required_argument, NULL, OPT_KSYMS },
	{ "system-map", required_argument, NULL, OPT_SYSMAP },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "kernel-release", required_argument, NULL, OPT_RELEASE },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "no-weak-exports", no_argument, NULL, OPT_NO_WEAK_EXPORTS },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage:\n"
	      "insmod [-fhkLmnpqrsSvVxXyYN] [-e persist_name] [-o module_name] [-O blob_name]\n"
	      "       [-P prefix] [--ksyms=FILE] [--kallsyms=FILE] [--system-map=FILE]\n"
	      "       [--base=ADDR] [--kernel-release=R] [--kernel=SPEC] [--explain]\n"
	      "       [--no-weak-exports]\n"
	      "       module [symbol=value ...]\n"
	      "\n"
	      "  module                  Filename of a loadable kernel module (*.o, *.o.gz)\n"
	      "  -f, --force             Force loading under wrong kernel version\n"
	      "  -k, --autoclean         Make module autoclean-able\n"
	      "  -L, --lock              Prevent simultaneous loads of the same module (default)\n"
	      "  -m, --map               Generate load map (so crashes can be traced)\n"
	      "  -n, --noload            Don't load, just show (load address 0x12340000)\n"
	      "  -o NAME, --name=NAME    Set internal module name to NAME\n"
	      "  -O FILE, --blob=FILE    Write the relocated image to FILE\n"
	      "  -p, --probe             Probe mode; check if the module matches the kernel\n"
	      "  -q, --quiet             Don't print unresolved symbols\n"
	      "  -r, --root              Allow modules not owned by root\n"
	      "  -s, --syslog            Report errors via syslog\n"
	      "  -S, --kallsyms          Force a __kallsyms section (no =FILE)\n"
	      "  -v, --verbose           Verbose output\n"
	      "  -V, --version           Show version\n"
	      "  -x, --noexport          Do not export externs\n"
	      "  -X, --export            Do export externs (default)\n"
	      "  -y, --noksymoops        Do not add ksymoops symbols\n"
	      "  -Y, --ksymoops          Do add ksymoops symbols (default)\n"
	      "  -N, --numeric-only      Only check the numeric part of the kernel version\n"
	      "  -e FILE, --persist=FILE Persistent data file (absolute; \"\" = persistdir/path)\n"
	      "  -P PREFIX, --prefix=PREFIX  Symbol prefix for versioned symbols (e.g. smp_)\n"
	      "      --ksyms=FILE        Kernel symbols in /proc/ksyms format (repeatable)\n"
	      "      --kallsyms=FILE     Kernel symbols in /proc/kallsyms format (repeatable)\n"
	      "      --system-map=FILE   Kernel symbols from a System.map (repeatable)\n"
	      "      --base=ADDR         Load address when no kernel is asked (implies -n)\n"
	      "      --kernel-release=R  Kernel release for the version check (not uname -r)\n"
	      "      --kernel=SPEC       Kernel to load into: live (default)\n"
	      "      --explain           Print every relocation applied\n"
	      "      --no-weak-exports   Don't export weak undefined symbols (modutils exports them as 0)\n",
	      stderr);
}

/*
 * -e "": the persist directory plus the object's path below its module
 * directory, without .gz and .o/.mod (modutils' rule; the search paths
 * are modutils' defaults until modules.conf is read here).
 */
static char *default_persist_path(const char *obj, const char *release, struct ml_diags *d)
{
	const char *dir = getenv("MODLINK_PERSISTDIR");
	char real[4096], *rel = NULL, *prefix;
	size_t l;

	if (!dir)
		dir = "/var/lib/modules/persist";
	if (!realpath(obj, real)) {
		ml_err(d, NULL, "Cannot calculate persistent filename");
		return NULL;
	}
	prefix = ml_xasprintf("/lib/modules/%s/", release ? release : "");
	if (!strncmp(real, prefix, strlen(prefix)))
		rel = ml_xstrdup(real + strlen(prefix));
	else if (!strncmp(real, "/lib/modules/", 13) && strchr(real + 13, '/'))
		rel = ml_xstrdup(strchr(real + 13, '/') + 1);
	free(prefix);
	if (!rel) {
		ml_err(d, NULL, "Cannot calculate persistent filename");
		return NULL;
	}
	l = strlen(rel);
	if (l > 3 && !strcmp(rel + l - 3, ".gz"))
		rel[l -= 3] = 0;
	if (l > 2 && !strcmp(rel + l - 2, ".o"))
		rel[l - 2] = 0;
	else if (l > 4 && !strcmp(rel + l - 4, ".mod"))
		rel[l - 4] = 0;
	prefix = ml_xasprintf("%s/%s", dir, rel);
	free(rel);
	return prefix;
}

/* The command line, for the ksymoops log. */
char *ml_cmdline(const char *prog, int argc, char **argv)
{
	struct ml_buf b = { 0 };

	ml_buf_printf(&b, "%s", prog);
	for (int i = 1; i < argc; i++)
		ml_buf_printf(&b, " %s", argv[i]);
	return b.p;
}

struct src {
	enum ml_ksym_source kind;
	const char *path;
};

int ml_tool_insmod(int argc, char **argv)
{
	struct ml_insmod_opts o = { .export_all = true, .ksymoops = true };
	struct ml_insmod_result r;
	struct ml_diags d = { 0 };
	struct ml_ksymtab kt;
	struct src *srcs = NULL;
	size_t nsrcs = 0;
	const char *kspec = NULL, *persist_arg = NULL, *host_release = NULL;
	char *persist_path = NULL;
	bool rootcheck = true, lock = true;
	int c, err, lockfd = -1;
	struct utsname u;

	opterr = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+fkLmno:O:pqrsSvVxXyYe:P:Nh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o.force = true; break;
		case 'k': o.autoclean = true; break;
		case 'L': lock = true; break;
		case 'm': o.map = true; break;
		case 'n': o.noload = true; break;
		case 'o': o.name = optarg; break;
		case 'O': o.blob = optarg; break;
		case 'p': o.probe = true; break;
		case 'q': o.quiet = true; break;
		case 'r': rootcheck = !rootcheck; break;
		case 's': ml_use_syslog("insmod"); break;
		case 'S': o.kallsyms = true; break;
		case 'v': o.verbose = true; break;
		case 'V': fprintf(stderr, "insmod version %s (modlink, modutils 2.4 compatible)\n", PACKAGE_VERSION); break;
		case 'x': o.export_all = false; break;
		case 'X': o.export_all = true; break;
		case 'y': o.ksymoops = false; break;
		case 'Y': o.ksymoops = true; break;
		case 'e':
			persist_arg = optarg;
			break;
		case 'P': o.prefix = optarg; break;
		case 'N': o.numeric_only = true; break;
		case OPT_KALLSYMS:
			if (!optarg) {
				o.kallsyms = true;
				break;
			}
			/* fall through */
		case OPT_KSYMS:
		case OPT_SYSMAP:
			srcs = ml_xrealloc(srcs, (nsrcs + 1) * sizeof(*srcs));
			srcs[nsrcs].kind = c == OPT_KSYMS ? ML_SRC_KSYMS : c == OPT_KALLSYMS ? ML_SRC_KALLSYMS : ML_SRC_SYSMAP;
			srcs[nsrcs++].path = optarg;
			break;
		case OPT_BASE:
			if (!ml_parse_ulong(optarg, &o.base)) {
				fprintf(stderr, "insmod: bad --base address '%s'\n", optarg);
				return 1;
			}
			o.have_base = true;
			break;
		case OPT_RELEASE: o.release = optarg; break;
		case OPT_EXPLAIN: o.explain = true; break;
		case OPT_NO_WEAK_EXPORTS: o.no_weak_exports = true; break;
		case OPT_KERNEL: kspec = optarg; break;
		case 'h':
		default:
			usage();
			return 1;
		}
	}
	if (optind >= argc) {
		usage();
		return 1;
	}
	o.path = argv[optind];
	o.params = (const char *const *)&argv[optind + 1];
	o.nparams = (size_t)(argc - optind - 1);
	if (o.have_base)
		o.noload = true;

	ml_ksymtab_init(&kt);
	o.ksyms = &kt;
	for (size_t i = 0; i < nsrcs; i++)
		ml_ksyms_load(&kt, srcs[i].kind, srcs[i].path, &d);
	free(srcs);
	if (d.nerr)
		goto out;
	/* -n without symbol files still asks the kernel for its symbols, as
	 * modutils does; nothing else is touched.  A model named with
	 * --kernel=sim:DIR is opened even then: it states the target's release
	 * and CPU, which the checks use (the files give the symbols). */
	if ((!o.noload || nsrcs == 0 || (kspec && strcmp(kspec, "live"))) &&
	    ml_kernel_open(kspec, &o.kernel, &d))
		goto out;
	/*
	 * With no kernel (-n or --base with symbol files) the host is not the
	 * target: its release is not the one to check the module against
	 * (ml_insmod notes the skipped check), but -e "" still finds the
	 * object below /lib/modules/`uname -r` as before.
	 */
	if (!o.release && !o.kernel && uname(&u) == 0)
		host_release = u.release;
	if (rootcheck && geteuid() == 0) {
		struct stat st;

		if (stat(o.path, &st) == 0 && st.st_uid != 0) {
			ml_err(&d, NULL, "%s is not owned by root", o.path);
			goto out;
		}
	}
	if (lock) {
		lockfd = open(o.path, O_RDONLY | O_CLOEXEC);
		if (lockfd >= 0)
			flock(lockfd, LOCK_EX);
	}
	if (persist_arg) {
		persist_path = *persist_arg ? ml_xstrdup(persist_arg) : default_persist_path(o.path, o.release ? o.release : host_release, &d);
		o.persist = persist_path;
	}
	{
		char *before = o.kernel && !o.noload ? ml_snapshot_modules(o.kernel) : NULL;

		err = ml_insmod(&o, &r, &d);
		if (before) {
			char *what = ml_cmdline("insmod", argc, argv);

			ml_snapshot(o.kernel, before, what, &d);
			free(what);
			free(before);
		}
	}
	if (r.map.p)
		fputs(r.map.p, stdout);
	if (r.explain.p)
		fputs(r.explain.p, stdout);
	if (!err && d.nwarn && r.loaded)
		ml_warn(&d, NULL, "Module %s loaded, with warnings", r.modname);
	ml_insmod_result_free(&r);
out:
	ml_print_diags("insmod", &d, o.verbose);
	err = d.nerr ? 1 : 0;
	if (lockfd >= 0)
		close(lockfd);
	ml_kernel_close(o.kernel);
	ml_ksymtab_free(&kt);
	free(persist_path);
	ml_diags_free(&d);
	return err;
}
