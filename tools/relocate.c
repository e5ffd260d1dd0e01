// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * relocate: a whole tree of modern .ko modules (or a list of them) laid out
 * one after another in a module area and relocated in dependency order, in
 * one process, against kernel symbol files plus the exports of the modules
 * before; one line per module, a summary, optional images and maps.
 */
#include "tools/tools.h"
#include "batch/batch.h"

#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	OPT_KSYMS = 256,
	OPT_KALLSYMS,
	OPT_SYSMAP,
	OPT_TREE,
	OPT_DEP,
	OPT_BASE,
	OPT_PERCPU,
	OPT_OUT,
	OPT_AT,
	OPT_STATS
};

static const struct option longopts[] = {
	{ "ksyms", required_argument, NULL, OPT_KSYMS },
	{ "kallsyms", required_argument, NULL, OPT_KALLSYMS },
	{ "system-map", required_argument, NULL, OPT_SYSMAP },
	{ "tree", required_argument, NULL, OPT_TREE },
	{ "modules-dep", required_argument, NULL, OPT_DEP },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "percpu", required_argument, NULL, OPT_PERCPU },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "at", required_argument, NULL, OPT_AT },
	{ "jobs", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: modlink relocate [--kallsyms=FILE|--system-map=FILE|--ksyms=FILE]...\n"
	      "                        (--tree=DIR | MODULE...) [--modules-dep=FILE] [--base=ADDR]\n"
	      "                        [--percpu=ADDR] [--at=NAME=CORE[,INIT[,PERCPU]]]... [--out=DIR]\n"
	      "                        [-j N] [-q]\n"
	      "\n"
	      "Relocate modern (2.6+) .ko modules (.ko.gz/.ko.xz/.ko.zst too) as the kernel lays\n"
	      "them out, one after another in a module area, in dependency order.\n"
	      "\n"
	      "  --kallsyms=FILE      kernel symbols, /proc/kallsyms format (repeatable)\n"
	      "  --system-map=FILE    kernel symbols from a System.map (repeatable)\n"
	      "  --ksyms=FILE         kernel symbols, ADDR NAME lines (repeatable)\n"
	      "  --tree=DIR           every module below DIR\n"
	      "  --modules-dep=FILE   load order from modules.dep (default: from the symbols)\n"
	      "  --base=ADDR          start of the module area (default 0xffffffffc0000000)\n"
	      "  --percpu=ADDR        per-CPU area for modules (default: __per_cpu_end)\n"
	      "  --at=NAME=CORE[,INIT[,PERCPU]]  place module NAME (and its .data..percpu) where\n"
	      "                       a kernel put it; an empty INIT keeps the default\n"
	      "  --out=DIR            write NAME.img (core, then init) and NAME.map there, and\n"
	      "                       modules.index: NAME PATH CORE CORE_SIZE INIT INIT_SIZE\n"
	      "                       KERNEL_SIZE (the core as /proc/modules counts it)\n"
	      "  -j N, --jobs=N       threads: N - 1 read and lay modules out ahead while one\n"
	      "                       relocates in load order (default: one per CPU; 1: none)\n"
	      "  -q, --quiet          print failures and the summary only\n"
	      "  --stats              also print where the time went (threads, passes)\n",
	      stderr);
}

struct paths {
	char **v;
	size_t n, cap;
};

static void paths_add(struct paths *p, char *s)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		p->v = ml_xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n++] = s;
}

static bool is_module_name(const char *n)
{
	static const char *const sfx[] = { ".ko", ".ko.gz", ".ko.xz", ".ko.zst" };
	size_t l = strlen(n);

	for (size_t i = 0; i < ML_ARRAY_SIZE(sfx); i++) {
		size_t sl = strlen(sfx[i]);

		if (l > sl && !strcmp(n + l - sl, sfx[i]))
			return true;
	}
	return false;
}

static int walk(const char *dir, struct paths *p, struct ml_diags *d)
{
	DIR *dp = opendir(dir);
	struct dirent *e;

	if (!dp) {
		ml_err(d, NULL, "%s: cannot read the directory", dir);
		return -1;
	}
	while ((e = readdir(dp))) {
		char *path;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		path = ml_xasprintf("%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR ||
		    (e->d_type == DT_UNKNOWN && !stat(path, &st) && S_ISDIR(st.st_mode))) {
			walk(path, p, d);
			free(path);
		} else if (is_module_name(e->d_name)) {
			paths_add(p, path);
		} else {
			free(path);
		}
	}
	closedir(dp);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct run {
	bool quiet, progress;
	double last;
	FILE *index; /* --out: DIR/modules.index */
};

static void report(void *arg, const struct ml_batch_module *m, const struct ml_diags *d)
{
	struct run *r = arg;

	if (r->progress) {
		double t = ml_now();

		if (t - r->last > 0.1 || m->index + 1 == m->total || m->err) {
			fprintf(stderr, "\r\033[K[%zu/%zu] %s", m->index + 1, m->total, m->name);
			r->last = t;
		}
		if (m->err || !r->quiet)
			fprintf(stderr, "\r\033[K");
	}
	if (r->index && !m->err)
		ml_batch_index_line(r->index, m);
	if (!m->err && r->quiet)
		return;
	printf("%-4s %-28s core 0x%016" PRIx64 " size 0x%07" PRIx64 " init 0x%016" PRIx64
	       " size 0x%06" PRIx64 " relocs %7zu exports %4zu unresolved %zu kernel-size %" PRIu64
	       "\n",
	       m->err ? "FAIL" : "ok", m->name, m->core, m->core_size, m->init, m->init_size,
	       m->nrelocs, m->nexports, m->nunresolved, m->kernel_core_size);
	if (d->n) {
		fflush(stdout);
		ml_print_diags("relocate", d, false);
	}
}

/* What the command line says, beyond the batch's own options. */
struct args {
	struct ml_batch_opts bo;
	struct ml_batch_place *place; /* --at, bo.nplace of them */
	bool have_percpu, stats;
	const char *tree;
};

/* --at=NAME=CORE[,INIT[,PERCPU]]; an empty INIT keeps the default. */
static bool parse_at(char *arg, struct args *a)
{
	char *eq = strrchr(arg, '='), *comma, *comma2 = NULL;
	struct ml_batch_place *p;

	a->place = ml_xrealloc(a->place, (a->bo.nplace + 1) * sizeof(*a->place));
	p = &a->place[a->bo.nplace];
	memset(p, 0, sizeof(*p));
	comma = eq ? strchr(eq, ',') : NULL;
	if (comma) {
		*comma = 0;
		comma2 = strchr(comma + 1, ',');
		if (comma2)
			*comma2 = 0;
	}
	p->have_init = comma && comma[1];
	p->have_percpu = comma2 != NULL;
	if (!eq || eq == arg || !ml_parse_ulong(eq + 1, &p->core) ||
	    (p->have_init && !ml_parse_ulong(comma + 1, &p->init)) ||
	    (comma2 && !ml_parse_ulong(comma2 + 1, &p->percpu))) {
		fprintf(stderr, "relocate: bad --at (NAME=CORE[,INIT[,PERCPU]])\n");
		return false;
	}
	*eq = 0;
	p->name = arg;
	a->bo.nplace++;
	return true;
}

/* The options (symbol files are read into kt as they come); false: stop (said). */
static bool parse_args(int argc, char **argv, struct args *a, struct run *run,
		       struct ml_ksymtab *kt, struct ml_diags *d)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+qhj:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_KSYMS:
		case OPT_KALLSYMS:
		case OPT_SYSMAP:
			ml_ksyms_load(kt,
				      c == OPT_KSYMS      ? ML_SRC_KSYMS
				      : c == OPT_KALLSYMS ? ML_SRC_KALLSYMS
							  : ML_SRC_SYSMAP,
				      optarg, d);
			break;
		case OPT_TREE:
			a->tree = optarg;
			break;
		case OPT_DEP:
			a->bo.modules_dep = optarg;
			break;
		case OPT_OUT:
			a->bo.outdir = optarg;
			break;
		case OPT_BASE:
		case OPT_PERCPU:
			if (!ml_parse_ulong(optarg, c == OPT_BASE ? &a->bo.base : &a->bo.percpu)) {
				fprintf(stderr, "relocate: bad address '%s'\n", optarg);
				return false;
			}
			a->have_percpu |= c == OPT_PERCPU;
			break;
		case OPT_AT:
			if (!parse_at(optarg, a))
				return false;
			break;
		case 'q':
			run->quiet = true;
			break;
		case OPT_STATS:
			a->stats = true;
			break;
		case 'j': {
			uint64_t j;

			if (!ml_parse_ulong(optarg, &j) || j < 1 || j > 64) {
				fprintf(stderr, "relocate: bad --jobs '%s' (1 to 64)\n", optarg);
				return false;
			}
			a->bo.jobs = (unsigned)j;
			break;
		}
		default:
			usage();
			return false;
		}
	}
	return !d->nerr;
}

/* --tree's modules (sorted), then the command line's; false: none, or the tree unreadable. */
static bool collect_paths(const char *tree, int argc, char **argv, struct paths *paths,
			  struct ml_diags *d)
{
	if (tree && walk(tree, paths, d))
		return false;
	if (paths->n) /* qsort wants a non-NULL array even for 0 items */
		qsort(paths->v, paths->n, sizeof(*paths->v), cmp_str);
	for (int i = optind; i < argc; i++)
		paths_add(paths, ml_xstrdup(argv[i]));
	if (!paths->n) {
		fprintf(stderr, "relocate: no modules (give --tree=DIR or module files)\n");
		usage();
		return false;
	}
	return true;
}

static void print_totals(const struct ml_batch_totals *t, bool stats)
{
	printf("%zu modules: %zu ok, %zu failed; %zu relocations, %zu unresolved symbols, %zu exports; %" PRIu64
	       " bytes in the module area up to 0x%016" PRIx64 "\n",
	       t->modules, t->modules - t->failed, t->failed, t->relocs, t->unresolved, t->exports,
	       t->bytes, t->area_end);
	if (stats)
		printf("stats: %u thread%s; first pass (symbols, order) %.3f s; loading and relocating %.3f s, of which %.3f s waiting for loader threads\n",
		       t->jobs, t->jobs == 1 ? "" : "s", t->t_scan, t->t_link, t->t_wait);
}

int ml_tool_relocate(int argc, char **argv)
{
	struct args a = { .bo = { .base = 0xffffffffc0000000ULL } };
	struct ml_batch_totals t;
	struct ml_ksymtab kt;
	struct ml_diags d = { 0 };
	struct paths paths = { 0 };
	struct run run = { 0 };
	int rc = 1;

	ml_ksymtab_init(&kt);
	if (!parse_args(argc, argv, &a, &run, &kt, &d) ||
	    !collect_paths(a.tree, argc, argv, &paths, &d))
		goto out;
	if (!a.have_percpu && !ml_ksymtab_value(&kt, "__per_cpu_end", &a.bo.percpu))
		a.bo.percpu = 0;
	if (a.bo.outdir && !(run.index = ml_batch_index_open(a.bo.outdir, &d)))
		goto out;
	run.progress = isatty(STDERR_FILENO) && (run.quiet || !isatty(STDOUT_FILENO));
	a.bo.ksyms = &kt;
	a.bo.paths = (const char *const *)paths.v;
	a.bo.npaths = paths.n;
	a.bo.place = a.place;
	a.bo.report = report;
	a.bo.arg = &run;
	ml_batch_relocate(&a.bo, &t, &d);
	if (run.index)
		ml_batch_index_close(run.index, a.bo.outdir, &d);
	if (run.progress)
		fprintf(stderr, "\r\033[K");
	print_totals(&t, a.stats);
	rc = t.failed || d.nerr ? 1 : 0;
out:
	fflush(stdout);
	ml_print_diags("relocate", &d, false);
	for (size_t i = 0; i < paths.n; i++)
		free(paths.v[i]);
	free(paths.v);
	free(a.place);
	ml_ksymtab_free(&kt);
	ml_diags_free(&d);
	return rc;
}
