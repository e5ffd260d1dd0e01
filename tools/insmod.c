// SPDX-License-Identifier: GPL-2.0-or-later
/* insmod: modutils 2.4's options, messages and exit codes, plus symbol files. */
#include "tools/tools.h"
#include "insmod/insmod.h"
#include "kernel/kernel.h"

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

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

/* The command line, for the ksymoops log. */
char *ml_cmdline(const char *prog, int argc, char **argv)
{
	struct ml_buf b = { 0 };

	ml_buf_printf(&b, "%s", prog);
	for (int i = 1; i < argc; i++)
		ml_buf_printf(&b, " %s", argv[i]);
	return b.p;
}

/* The command line, in the library's words; 0, or the exit status. */
static int parse(struct ml_insmod_args *a, int argc, char **argv)
{
	int st;

	while ((st = ml_insmod_args_parse(a, argc, argv)) == ML_INSMOD_ARGS_VERSION)
		fprintf(stderr, "insmod version %s (modlink, modutils 2.4 compatible)\n",
			PACKAGE_VERSION);
	if (st == ML_INSMOD_ARGS_BAD_BASE) {
		fprintf(stderr, "insmod: bad --base address '%s'\n", a->bad);
		return 1;
	}
	if (st == ML_INSMOD_ARGS_USAGE) {
		usage();
		return 1;
	}
	if (a->syslog)
		ml_use_syslog("insmod");
	return 0;
}

int ml_tool_insmod(int argc, char **argv)
{
	struct ml_insmod_args a;
	struct ml_insmod_opts *o = &a.o;
	struct ml_insmod_result r;
	struct ml_diags d = { 0 };
	struct ml_ksymtab kt;
	const char *host_release = NULL;
	char *persist_path = NULL;
	int err, lockfd = -1;
	struct utsname u;

	ml_insmod_args_init(&a, true);
	err = parse(&a, argc, argv);
	if (err) {
		ml_insmod_args_free(&a);
		return err;
	}
	ml_ksymtab_init(&kt);
	o->ksyms = &kt;
	for (size_t i = 0; i < a.nsrcs; i++)
		ml_ksyms_load(&kt, a.srcs[i].kind, a.srcs[i].path, &d);
	if (d.nerr)
		goto out;
	/* -n without symbol files still asks the kernel for its symbols, as
	 * modutils does; nothing else is touched.  A model named with
	 * --kernel=sim:DIR is opened even then: it states the target's release
	 * and CPU, which the checks use (the files give the symbols). */
	if ((!o->noload || a.nsrcs == 0 || (a.kspec && strcmp(a.kspec, "live"))) &&
	    ml_kernel_open(a.kspec, &o->kernel, &d))
		goto out;
	/*
	 * With no kernel (-n or --base with symbol files) the host is not the
	 * target: its release is not the one to check the module against
	 * (ml_insmod notes the skipped check), but -e "" still finds the
	 * object below /lib/modules/`uname -r` as before.
	 */
	if (!o->release && !o->kernel && uname(&u) == 0)
		host_release = u.release;
	if (a.rootcheck && geteuid() == 0 && ml_insmod_root_check(o->path, &d))
		goto out;
	if (a.lock)
		lockfd = ml_insmod_lock(o->path);
	if (a.persist_arg) {
		persist_path = *a.persist_arg ? ml_xstrdup(a.persist_arg)
					      : ml_insmod_default_persist(
							o->path,
							o->release ? o->release : host_release, &d);
		o->persist = persist_path;
	}
	{
		char *before = o->kernel && !o->noload ? ml_snapshot_modules(o->kernel) : NULL;

		err = ml_insmod(o, &r, &d);
		if (before) {
			char *what = ml_cmdline("insmod", argc, argv);

			ml_snapshot(o->kernel, before, what, &d);
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
	ml_print_diags("insmod", &d, o->verbose);
	err = d.nerr ? 1 : 0;
	ml_insmod_unlock(lockfd);
	ml_kernel_close(o->kernel);
	ml_ksymtab_free(&kt);
	free(persist_path);
	ml_insmod_args_free(&a);
	ml_diags_free(&d);
	return err;
}
