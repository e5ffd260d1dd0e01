// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * insmod's command line, the root check and the lock: what insmod and
 * modprobe (which hands options on to the insmod it runs, as modutils'
 * modprobe did) share.  One function gives each option its meaning
 * (set_option); insmod reads its own command line with getopt_long, modprobe
 * the words it built, where only some options may appear and each argument
 * is a word of its own (modprobe_options below: what modutils' modprobe
 * accepted there).
 */
#include "insmod/insmod.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	LONG_KSYMS = 256,
	LONG_KALLSYMS,
	LONG_SYSMAP,
	LONG_BASE,
	LONG_RELEASE,
	LONG_EXPLAIN,
	LONG_KERNEL,
	LONG_NO_WEAK_EXPORTS,
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
	{ "kallsyms", optional_argument, NULL, LONG_KALLSYMS }, /* bare: -S */
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
	{ "ksyms", required_argument, NULL, LONG_KSYMS },
	{ "system-map", required_argument, NULL, LONG_SYSMAP },
	{ "base", required_argument, NULL, LONG_BASE },
	{ "kernel-release", required_argument, NULL, LONG_RELEASE },
	{ "explain", no_argument, NULL, LONG_EXPLAIN },
	{ "no-weak-exports", no_argument, NULL, LONG_NO_WEAK_EXPORTS },
	{ "kernel", required_argument, NULL, LONG_KERNEL },
	{ NULL, 0, NULL, 0 },
};

/*
 * The options modprobe hands on, each argument in the next word.  The
 * second list is accepted and has no effect there: modprobe prints no load
 * map, reports through its own -s, and always takes the lock.
 */
static const char modprobe_options[] = "fkLmsnpqrSvxXyYNoP";
static const char modprobe_inert[] = "Lms";
static const char with_argument[] = "oOeP";

void ml_insmod_args_init(struct ml_insmod_args *a, bool rootcheck)
{
	memset(a, 0, sizeof(*a));
	a->o.export_all = true;
	a->o.ksymoops = true;
	a->rootcheck = rootcheck;
	a->lock = true;
}

void ml_insmod_args_free(struct ml_insmod_args *a)
{
	free(a->params);
	free(a->srcs);
	memset(a, 0, sizeof(*a));
}

static void add_src(struct ml_insmod_args *a, enum ml_ksym_source kind, const char *path)
{
	a->srcs = ml_xrealloc(a->srcs, (a->nsrcs + 1) * sizeof(*a->srcs));
	a->srcs[a->nsrcs].kind = kind;
	a->srcs[a->nsrcs++].path = path;
}

/* What one option means (c: its letter or LONG_*); an ML_INSMOD_ARGS_* status.
 * Over 80 lines because it is one case per insmod option, each a line or two. */
static int set_option(struct ml_insmod_args *a, int c, const char *arg)
{
	struct ml_insmod_opts *o = &a->o;

	switch (c) {
	case 'f':
		o->force = true;
		break;
	case 'k':
		o->autoclean = true;
		break;
	case 'L':
		a->lock = true;
		break;
	case 'm':
		o->map = true;
		break;
	case 'n':
		o->noload = true;
		break;
	case 'o':
		o->name = arg;
		break;
	case 'O':
		o->blob = arg;
		break;
	case 'p':
		o->probe = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	case 'r':
		a->rootcheck = !a->rootcheck;
		break;
	case 's':
		a->syslog = true;
		break;
	case 'S':
		o->kallsyms = true;
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'V':
		return ML_INSMOD_ARGS_VERSION;
	case 'x':
		o->export_all = false;
		break;
	case 'X':
		o->export_all = true;
		break;
	case 'y':
		o->ksymoops = false;
		break;
	case 'Y':
		o->ksymoops = true;
		break;
	case 'e':
		a->persist_arg = arg;
		break;
	case 'P':
		o->prefix = arg;
		break;
	case 'N':
		o->numeric_only = true;
		break;
	case LONG_KALLSYMS:
		if (!arg) {
			o->kallsyms = true;
			break;
		}
		add_src(a, ML_SRC_KALLSYMS, arg);
		break;
	case LONG_KSYMS:
		add_src(a, ML_SRC_KSYMS, arg);
		break;
	case LONG_SYSMAP:
		add_src(a, ML_SRC_SYSMAP, arg);
		break;
	case LONG_BASE:
		if (!ml_parse_ulong(arg, &o->base)) {
			a->bad = arg;
			return ML_INSMOD_ARGS_BAD_BASE;
		}
		o->have_base = true;
		break;
	case LONG_RELEASE:
		o->release = arg;
		break;
	case LONG_EXPLAIN:
		o->explain = true;
		break;
	case LONG_NO_WEAK_EXPORTS:
		o->no_weak_exports = true;
		break;
	case LONG_KERNEL:
		a->kspec = arg;
		break;
	default:
		return ML_INSMOD_ARGS_USAGE; /* -h, and what getopt refused */
	}
	return ML_INSMOD_ARGS_DONE;
}

static void add_param(struct ml_insmod_args *a, const char *p)
{
	a->params = ml_xrealloc(a->params, (a->nparams + 1) * sizeof(*a->params));
	a->params[a->nparams++] = p;
}

/*
 * getopt keeps its place between calls, so after ML_INSMOD_ARGS_VERSION the
 * caller prints the version and calls again: the line comes out where -V
 * stands among getopt's own complaints, as it always did.
 */
int ml_insmod_args_parse(struct ml_insmod_args *a, int argc, char **argv)
{
	int c, st;

	if (!a->started) {
		opterr = 1;
		optind = 1;
		a->started = true;
	}
	while ((c = getopt_long(argc, argv, "+fkLmno:O:pqrsSvVxXyYe:P:Nh", longopts, NULL)) != -1) {
		st = set_option(a, c, optarg);
		if (st != ML_INSMOD_ARGS_DONE)
			return st;
	}
	if (optind >= argc)
		return ML_INSMOD_ARGS_USAGE;
	a->o.path = argv[optind];
	for (int i = optind + 1; i < argc; i++)
		add_param(a, argv[i]);
	a->o.params = a->params;
	a->o.nparams = a->nparams;
	if (a->o.have_base)
		a->o.noload = true;
	return ML_INSMOD_ARGS_DONE;
}

/* One word of single-letter options ("-kq"); *i moves past an argument taken. */
static int handed_flags(struct ml_insmod_args *a, char *const *words, size_t n, size_t *i,
			struct ml_diags *d)
{
	int err = 0;

	for (const char *f = words[*i] + 1; *f; f++) {
		if (!strchr(modprobe_options, *f)) {
			ml_err(d, NULL, "insmod option -%c is not supported by modprobe", *f);
			err = -EINVAL;
			continue;
		}
		if (!strchr(with_argument, *f)) {
			if (!strchr(modprobe_inert, *f))
				set_option(a, *f, NULL);
			continue;
		}
		if (f[1] || *i + 1 >= n) {
			ml_err(d, NULL, "insmod option -%c needs a separate argument", *f);
			err = -EINVAL;
		} else {
			set_option(a, *f, words[++*i]);
		}
		break;
	}
	return err;
}

int ml_insmod_args_handed(struct ml_insmod_args *a, char *const *words, size_t n, size_t pathidx,
			  struct ml_diags *d)
{
	int err = 0;

	for (size_t i = 1; i < n; i++) {
		const char *w = words[i];

		if (i == pathidx) {
			a->o.path = w;
			continue;
		}
		if (i > pathidx && !strcmp(w, "-o") && i + 1 < n) {
			a->o.name = words[++i];
			continue;
		}
		if (w[0] != '-' || i > pathidx) {
			add_param(a, w);
			continue;
		}
		if (handed_flags(a, words, n, &i, d))
			err = -EINVAL;
	}
	a->o.params = a->params;
	a->o.nparams = a->nparams;
	return err;
}

/*
 * -e "": the persist directory plus the object's path below its module
 * directory, without .gz and .o/.mod (modutils' rule; the search paths
 * are modutils' defaults until modules.conf is read here).
 */
char *ml_insmod_default_persist(const char *obj, const char *release, struct ml_diags *d)
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

int ml_insmod_root_check(const char *path, struct ml_diags *d)
{
	struct stat st;

	if (stat(path, &st) == 0 && st.st_uid != 0) {
		ml_err(d, NULL, "%s is not owned by root", path);
		return -EPERM;
	}
	return 0;
}

int ml_insmod_lock(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		flock(fd, LOCK_EX);
	return fd;
}

void ml_insmod_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
