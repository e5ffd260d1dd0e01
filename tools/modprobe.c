// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modprobe: load or remove modules by name, with what they need (modutils 2.4's
 * options, messages and exit codes).  The kernel runs it as "modprobe -s -k -- NAME"
 * with an environment of HOME=/, TERM=linux and PATH=/sbin:/usr/sbin:/bin:/usr/bin
 * alone; that environment (or a set-uid start) means safe mode: the last argument is
 * a module name, whatever it looks like, and nothing from the environment counts.
 */
#include "tools/modopts.h"
#include "kernel/kernel.h"
#include "modconf/modconf.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* modprobe's own options; modopts.c adds the ones depmod shares. */
static const struct option own_longopts[] = {
	{ "type", required_argument, NULL, 't' },
	{ "all", no_argument, NULL, 'a' },
	{ "debug", no_argument, NULL, 'd' },
	{ "showconfig", no_argument, NULL, 'c' },
	{ "list", no_argument, NULL, 'l' },
	{ "show", no_argument, NULL, 'n' },
	{ "remove", no_argument, NULL, 'r' },
	{ "autoclean", no_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("modprobe (modlink " PACKAGE_VERSION ", modutils 2.4 compatible)\n"
	      "Load/Unload modules with dependencies\n"
	      "\n"
	      "Load module(s):\n"
	      "  modprobe [-a -n -v ] [-C config ] [ -t type ] pattern OR module1 module2 ...\n"
	      "List modules:\n"
	      "  modprobe [-l ] [-C config ] [ -t type ] pattern\n"
	      "   note: wildcard patterns should be escaped\n"
	      "Show configuration:\n"
	      "  modprobe [-C config ] -c\n"
	      "Remove module(s) or autoclean:\n"
	      "  modprobe [-C config ] -r [ module ...]\n"
	      "\n"
	      "options:\n"
	      "\t-a, --all                  Load _all_ matching modules\n"
	      "\t-c, --showconfig           Show current configuration\n"
	      "\t-d, --debug                Print debugging information\n"
	      "\t-h, --help                 Print this message\n"
	      "\t-k, --autoclean            Set 'autoclean' on loaded modules\n"
	      "\t-l, --list                 List matching modules\n"
	      "\t-n, --show                 Don't actually perform the action\n"
	      "\t-q, --quiet                Quiet operation\n"
	      "\t-r, --remove               Remove module (stacks) or do autoclean\n"
	      "\t-s, --syslog               Use syslog to report\n"
	      "\t-t, --type moduletype      Only look for modules of this type\n"
	      "\t-v, --verbose              Print all commands\n"
	      "\t-V, --version              Show version\n"
	      "\t-C, --config configfile    Use instead of /etc/modules.conf\n"
	      "\t-b, --basedir directory    Root of the module tree (paths and modules.dep)\n"
	      "\t    --kernel-release=R     Use the modules and configuration of release R\n"
	      "\t    --kernel=SPEC          live or sim:DIR (default $MODLINK_KERNEL, else live)\n",
	      stderr);
}

static void say(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
	fflush(stdout);
}

/* kmod's environment, exactly; or a set-uid start. */
static bool safe_mode(void)
{
	static const char *const kmod_env[] = {
		"HOME=/",
		"TERM=linux",
		"PATH=/sbin:/usr/sbin:/bin:/usr/bin",
	};

	for (char **e = environ; *e; e++) {
		bool known = false;

		for (size_t i = 0; i < ML_ARRAY_SIZE(kmod_env); i++)
			known = known || !strcmp(*e, kmod_env[i]);
		if (!known)
			return getuid() != geteuid();
	}
	return true;
}

/* What the command line asks for, beside what goes into the struct ml_modprobe. */
struct args {
	struct ml_modopts mo;
	bool showconfig, list, remove;
};

/* -1: go on; else the exit status (-h, a bad option). */
static int parse_args(int argc, char **argv, struct args *a, struct ml_modprobe *mp)
{
	struct option *longopts = ml_modopts_start(own_longopts);
	int o, scan = argc;
	bool bad = false;

	if (mp->safe)
		scan--; /* the last argument is a module name, never an option */
	while ((o = ml_modopts_next(&a->mo, scan, argv, "t:acdlnrk" ML_MODOPTS_SHORT, longopts)) !=
	       -1) {
		switch (o) {
		case ML_MODOPTS_HELP:
			usage();
			free(longopts);
			return 0;
		case 't':
			mp->type = optarg;
			break;
		case 'a':
			mp->loadall = true;
			break;
		case 'c':
			a->showconfig = true;
			break;
		case 'd':
			mp->debug = true;
			break;
		case 'l':
			a->list = true;
			break;
		case 'n':
			mp->run = false;
			break;
		case 'r':
			a->remove = true;
			break;
		case 'k':
			mp->autoclean = a->mo.quiet = true;
			break;
		default:
			bad = true;
			break;
		}
	}
	free(longopts);
	if (bad) {
		usage();
		return 255;
	}
	mp->quiet = a->mo.quiet;
	mp->verbose = a->mo.verbose;
	mp->syslog = a->mo.syslog;
	return -1;
}

/* Safe mode: one argument, a plain module name. */
static int check_safe(int argc, char **argv, struct ml_diags *d)
{
	if (argc - optind != 1) {
		ml_err(d, NULL, "Safe mode has more than one parameter");
		return -1;
	}
	if (argv[optind][0] == '-') {
		ml_err(d, NULL, "Safe mode parameter starts with '-'");
		return -1;
	}
	if (strchr(argv[optind], '=')) {
		ml_err(d, NULL, "Safe mode parameter contains '='");
		return -1;
	}
	return 0;
}

/*
 * The kernel (what is loaded, its release; -n, -c, -l can do without: *k stays NULL)
 * and the configuration of --kernel-release, else of the kernel's release.
 */
static int open_kernel_conf(const struct args *a, struct ml_modprobe *mp, struct ml_kernel **k,
			    struct ml_modconf **c, struct ml_diags *d)
{
	char relbuf[128];
	const char *release;

	if (ml_kernel_open(a->mo.kspec, k, d)) {
		if (mp->run && !a->showconfig && !a->list)
			return -1;
		ml_diags_free(d);
		memset(d, 0, sizeof(*d));
		*k = NULL;
	}
	release = ml_modopts_release(a->mo.release, *k, relbuf, sizeof(relbuf));
	{
		struct ml_modconf_opts co = { .file = a->mo.conf,
					      .base = a->mo.base,
					      .release = release,
					      .all = true,
					      .autoclean = mp->autoclean,
					      .safe = mp->safe };

		return ml_modconf_read(&co, c, d);
	}
}

/* -l: the modules matching each pattern (all of them without one). */
static void list_modules(const struct ml_modprobe *mp, int argc, char **argv, struct ml_diags *d)
{
	struct ml_words found = { 0 };
	int i = optind;

	do {
		struct ml_find f = { .match = i < argc ? argv[i] : "*",
				     .tag = mp->type,
				     .glob = !mp->safe };

		ml_modconf_find(mp->conf, &f, &found, d);
	} while (++i < argc);
	for (size_t j = 0; j < found.n; j++)
		printf("%s\n", found.v[j]);
	ml_words_free(&found);
}

/* Load or remove what the arguments name: the exit status. */
static int load_or_remove(const struct args *a, struct ml_modprobe *mp, int argc, char **argv,
			  struct ml_diags *d)
{
	if (a->remove) {
		if (optind < argc)
			return ml_modprobe_remove(mp, argv + optind, (size_t)(argc - optind), d)
				       ? 1
				       : 0;
		return ml_modprobe_autoclean(mp, d) ? 1 : 0;
	}
	if (optind < argc)
		return ml_modprobe_load(mp, argv + optind, (size_t)(argc - optind), d) ? 255 : 0;
	ml_err(d, NULL, "Nothing to load ???\nSpecify at least a module or a wildcard like \\*");
	return 1;
}

int ml_tool_modprobe(int argc, char **argv)
{
	struct ml_modprobe mp = { .run = true, .say = say };
	struct args a = { .mo = { .prog = "modprobe", .base = "" } };
	struct ml_diags d = { 0 };
	struct ml_modconf *c = NULL;
	struct ml_depfile dep = { 0 };
	struct ml_kernel *k = NULL;
	int ret;

	mp.safe = safe_mode();
	ret = parse_args(argc, argv, &a, &mp);
	if (ret >= 0)
		return ret;
	ret = 0;
	if (mp.safe && check_safe(argc, argv, &d)) {
		ret = 1;
		goto out;
	}
	if (!mp.verbose && !mp.debug)
		mp.say = NULL;
	if (mp.debug && !mp.verbose)
		mp.say = say;
	mp.base = a.mo.base;
	mp.rootcheck = geteuid() == 0;
	if (open_kernel_conf(&a, &mp, &k, &c, &d))
		goto fatal;
	mp.conf = c;
	mp.kernel = k;
	if (a.showconfig) {
		struct ml_buf b = { 0 };

		ml_modconf_dump(c, &b);
		fwrite(b.p, 1, b.len, stdout);
		ml_buf_free(&b);
	} else if (a.list) {
		list_modules(&mp, argc, argv, &d);
	} else if (ml_depfile_read(&dep, c->genfile[ML_GEN_DEP], &d)) {
		goto fatal;
	} else {
		mp.dep = &dep;
		ret = load_or_remove(&a, &mp, argc, argv, &d);
	}
	goto out;
fatal:
	ret = 255;
out:
	fflush(stdout);
	ml_print_diags("modprobe", &d, mp.verbose);
	ml_words_free(&mp.loaded);
	ml_depfile_free(&dep);
	ml_modconf_free(c);
	ml_kernel_close(k);
	ml_diags_free(&d);
	return ret;
}
