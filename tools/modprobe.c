// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modprobe: load or remove modules by name, with what they need (modutils 2.4's
 * options, messages and exit codes).  The kernel runs it as "modprobe -s -k -- NAME"
 * with an environment of HOME=/, TERM=linux and PATH=/sbin:/usr/sbin:/bin:/usr/bin
 * alone; that environment (or a set-uid start) means safe mode: the last argument is
 * a module name, whatever it looks like, and nothing from the environment counts.
 */
#include "tools/tools.h"
#include "kernel/kernel.h"
#include "modconf/modconf.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

enum { OPT_KERNEL = 256, OPT_RELEASE };

static const struct option longopts[] = {
	{ "type", required_argument, NULL, 't' },
	{ "all", no_argument, NULL, 'a' },
	{ "debug", no_argument, NULL, 'd' },
	{ "showconfig", no_argument, NULL, 'c' },
	{ "list", no_argument, NULL, 'l' },
	{ "show", no_argument, NULL, 'n' },
	{ "remove", no_argument, NULL, 'r' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "autoclean", no_argument, NULL, 'k' },
	{ "syslog", no_argument, NULL, 's' },
	{ "config", required_argument, NULL, 'C' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "basedir", required_argument, NULL, 'b' },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "kernel-release", required_argument, NULL, OPT_RELEASE },
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

int ml_tool_modprobe(int argc, char **argv)
{
	struct ml_modprobe mp = { .run = true, .say = say };
	const char *conf = NULL, *base = "", *kspec = NULL, *forced = NULL;
	bool showconfig = false, list = false, remove = false, bad = false;
	struct ml_diags d = { 0 };
	struct ml_modconf *c = NULL;
	struct ml_depfile dep = { 0 };
	struct ml_kernel *k = NULL;
	char relbuf[128];
	const char *release = NULL;
	struct utsname u;
	int o, ret = 0, scan = argc;

	mp.safe = safe_mode();
	if (mp.safe)
		scan--; /* the last argument is a module name, never an option */
	optind = 1;
	opterr = 1;
	while ((o = getopt_long(scan, argv, "t:acdhlnqrvksC:Vb:", longopts, NULL)) !=
	       -1) {
		switch (o) {
		case 't': mp.type = optarg; break;
		case 'a': mp.loadall = true; break;
		case 'c': showconfig = true; break;
		case 'd': mp.debug = true; break;
		case 'h': usage(); return 0;
		case 'l': list = true; break;
		case 'n': mp.run = false; break;
		case 'q': mp.quiet = true; break;
		case 'r': remove = true; break;
		case 'v': mp.verbose = true; break;
		case 'k': mp.autoclean = mp.quiet = true; break;
		case 's':
			mp.syslog = true;
			ml_use_syslog("modprobe");
			break;
		case 'C': conf = optarg; break;
		case 'b': base = optarg; break;
		case 'V':
			printf("modprobe version %s (modlink, modutils 2.4 compatible)\n",
			       PACKAGE_VERSION);
			break;
		case OPT_KERNEL: kspec = optarg; break;
		case OPT_RELEASE: forced = optarg; break;
		default: bad = true; break;
		}
	}
	if (bad) {
		usage();
		return 255;
	}
	if (mp.safe) {
		if (argc - optind != 1) {
			ml_err(&d, NULL, "Safe mode has more than one parameter");
			goto fatal1;
		}
		if (argv[optind][0] == '-') {
			ml_err(&d, NULL, "Safe mode parameter starts with '-'");
			goto fatal1;
		}
		if (strchr(argv[optind], '=')) {
			ml_err(&d, NULL, "Safe mode parameter contains '='");
			goto fatal1;
		}
	}
	if (!mp.verbose && !mp.debug)
		mp.say = NULL;
	if (mp.debug && !mp.verbose)
		mp.say = say;
	mp.base = base;
	mp.rootcheck = geteuid() == 0;

	/* the kernel: what is loaded, its release; -n, -c, -l can do without */
	if (ml_kernel_open(kspec, &k, &d)) {
		if (mp.run && !showconfig && !list)
			goto fatal;
		ml_diags_free(&d);
		memset(&d, 0, sizeof(d));
		k = NULL;
	}
	/* the tree and configuration of --kernel-release, else of the kernel */
	if (forced)
		release = forced;
	else if (k && k->ops->release && k->ops->release(k, relbuf, sizeof(relbuf)) == 0)
		release = relbuf;
	else if (uname(&u) == 0)
		release = u.release;
	{
		struct ml_modconf_opts co = { .file = conf,
					      .base = base,
					      .release = release,
					      .all = true,
					      .autoclean = mp.autoclean,
					      .safe = mp.safe };

		if (ml_modconf_read(&co, &c, &d))
			goto fatal;
	}
	mp.conf = c;
	mp.kernel = k;
	if (showconfig) {
		struct ml_buf b = { 0 };

		ml_modconf_dump(c, &b);
		fwrite(b.p, 1, b.len, stdout);
		ml_buf_free(&b);
		goto out;
	}
	if (list) {
		struct ml_words found = { 0 };
		int i = optind;

		do {
			struct ml_find f = { .match = i < argc ? argv[i] : "*",
					     .tag = mp.type,
					     .glob = !mp.safe };

			ml_modconf_find(c, &f, &found, &d);
		} while (++i < argc);
		for (size_t j = 0; j < found.n; j++)
			printf("%s\n", found.v[j]);
		ml_words_free(&found);
		goto out;
	}
	if (ml_depfile_read(&dep, c->genfile[ML_GEN_DEP], &d))
		goto fatal;
	mp.dep = &dep;
	if (remove) {
		if (optind < argc) {
			if (ml_modprobe_remove(&mp, argv + optind,
					       (size_t)(argc - optind), &d))
				ret = 1;
		} else if (ml_modprobe_autoclean(&mp, &d)) {
			ret = 1;
		}
	} else if (optind < argc) {
		if (ml_modprobe_load(&mp, argv + optind, (size_t)(argc - optind), &d))
			ret = 255;
	} else {
		ml_err(&d, NULL,
		       "Nothing to load ???\nSpecify at least a module or a wildcard like \\*");
		ret = 1;
	}
	goto out;
fatal1:
	ret = 1;
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
