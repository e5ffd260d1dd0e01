/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modconf: the library side of modinfo, depmod and modprobe.
 *
 *  - modules.conf, the whole 2.4 language: alias, options, probe, probeall, above,
 *    below, prune, the six install/remove hooks, path[tag]=, keep, depfile= and the
 *    other <base>file= names, persistdir=, insmod_opt=, include, define and
 *    if/elseif/else/endif, every word shell-meta expanded (wordexp(3));
 *  - the builtin tables modutils carried (kernel request names such as char-major-N,
 *    default options, prune names, search directories);
 *  - finding module files along the search path;
 *  - modules.dep: reading and writing modutils' format;
 *  - depmod: which module needs which, from the symbols each object leaves undefined
 *    and the exports of the kernel and the other objects; the device-table map files;
 *  - modprobe: the stack of modules a name needs, loaded through ml_insmod() or
 *    removed again, with the configured hooks run by /bin/sh;
 *  - modinfo: the .modinfo tags of an object rendered through a format string.
 *
 * Nothing here prints: results come back as data or text buffers, problems as
 * diagnostics, and modprobe's running commentary (-v) through a callback.
 */
#ifndef ML_MODCONF_H
#define ML_MODCONF_H

#include "common/common.h"
#include "loader/loader.h"
#include "symbols/symbols.h"

#include <time.h>

struct ml_kernel;

/* A growable vector of owned strings. */
struct ml_words {
	char **v;
	size_t n;
};
void ml_words_add(struct ml_words *w, const char *s);
void ml_words_addn(struct ml_words *w, const char *s, size_t n);
bool ml_words_has(const struct ml_words *w, const char *s);
void ml_words_free(struct ml_words *w);

/* ---- expand.c: modutils' meta expansion of one configuration word ---- */
#define ML_ME_GLOB 1    /* globbing and $VARIABLES */
#define ML_ME_BUILTIN 2 /* `uname -r` and `kernelversion` without a shell */
#define ML_ME_SHELL 4   /* anything else: `command`, $(...), {a,b} through /bin/sh */
#define ML_ME_ALL 7
/*
 * Expand WORD (after PREFIX is put in front of it) into out.  release stands for
 * `uname -r`.  Returns 0, or -1 when the expansion failed (an undefined variable, a
 * syntax error): what "if WORD" treats as false.
 */
int ml_meta_expand(const char *word, const char *prefix, const char *release, int how,
		   struct ml_words *out);
/* "2.4" of "2.4.37-pre1": what `kernelversion` expands to. */
char *ml_kernelversion(const char *release);

/* ---- modules.conf: conf.c reads it (conffile.c, directive.c), confdata.c holds it ---- */
enum ml_genfile {
	ML_GEN_GENERIC_STRING,
	ML_GEN_PCIMAP,
	ML_GEN_ISAPNPMAP,
	ML_GEN_USBMAP,
	ML_GEN_PARPORTMAP,
	ML_GEN_IEEE1394MAP,
	ML_GEN_PNPBIOSMAP,
	ML_GEN_DEP,
	ML_GEN_COUNT,
};
/* "generic_string", "pcimap", ... "dep": the file is modules.<name>, the directive
 * <name>file=. */
extern const char *const ml_genfile_names[ML_GEN_COUNT];

enum ml_hook {
	ML_HOOK_PRE_INSTALL,
	ML_HOOK_INSTALL,
	ML_HOOK_POST_INSTALL,
	ML_HOOK_PRE_REMOVE,
	ML_HOOK_REMOVE,
	ML_HOOK_POST_REMOVE,
	ML_HOOK_COUNT,
};
extern const char *const ml_hook_names[ML_HOOK_COUNT];

/* One "alias NAME word", "options NAME words...", "probe NAME words..." entry. */
struct ml_conf_entry {
	char *name;
	struct ml_words words;
	bool autoclean; /* options: false when the line said -k ("keep": never autoclean) */
};
struct ml_conf_list {
	struct ml_conf_entry *v;
	size_t n;
};
struct ml_conf_path {
	char *tag, *dir;
};
struct ml_conf_hook {
	enum ml_hook when;
	char *module, *cmd;
};

struct ml_modconf_opts {
	const char *file;    /* -C; NULL: $MODULECONFIG, $MODULECONF, /etc/modules.conf */
	const char *base;    /* base directory put in front of every path; NULL = "" */
	const char *release; /* the kernel release: `uname -r` and the default paths */
	bool all;            /* everything (modprobe); false: paths and files (depmod) */
	bool autoclean;      /* what "if -k" tests (modprobe -k) */
	bool safe;           /* kmod's safe mode: no environment overrides */
};

struct ml_modconf {
	char *file; /* the configuration file read, NULL if none */
	time_t mtime;
	char *release, *base;
	struct ml_conf_path *paths;
	size_t npaths;
	struct ml_conf_list aliases, options, probe, probeall, above, below, prune;
	struct ml_conf_hook *hooks;
	size_t nhooks;
	char *insmod_opt;
	char *persistdir;
	char *genfile[ML_GEN_COUNT];
};

/*
 * Read the configuration (no file is no error, unless it was named).  Every
 * malformed line is reported, in modutils' words and with its line number; the
 * result is then -EINVAL and *out is NULL.
 */
int ml_modconf_read(const struct ml_modconf_opts *o, struct ml_modconf **out, struct ml_diags *d);
void ml_modconf_free(struct ml_modconf *c);
const struct ml_conf_entry *ml_conf_find(const struct ml_conf_list *l, const char *name);
/* The first word an alias maps NAME to, or NULL. */
const char *ml_modconf_alias(const struct ml_modconf *c, const char *name);
const char *ml_modconf_hook(const struct ml_modconf *c, enum ml_hook when, const char *module);
/* modprobe -c: the effective configuration, in modutils' layout. */
void ml_modconf_dump(const struct ml_modconf *c, struct ml_buf *out);

/* The module name of a file name: basename less .gz and .o, .mod or .ko. */
char *ml_modname(const char *path);
/* Is this file name one of a module (.o, .o.gz, .mod, .ko, .ko.gz)? */
bool ml_is_module_file(const char *path);

/* ---- builtin.c: the tables modutils compiled in (util/alias.h) ---- */
/* NULL-terminated "name word..." lines. */
extern const char *const ml_builtin_aliases[];
extern const char *const ml_builtin_options[];
extern const char *const ml_builtin_prune[];
extern const char *const ml_builtin_pathtags[]; /* /lib/modules/<tag> directories */

/* ---- find.c: module files along the search path ---- */
struct ml_find {
	const char *match; /* file name, or a glob pattern; NULL = every module */
	const char *tag;   /* only directories whose path holds "/tag/" (-t) */
	bool first_only;   /* stop at the first match */
	bool glob;         /* match is a pattern (not in safe mode) */
	bool rootcheck;    /* skip (and report) files not owned by root */
};
/* Files found, in search-path order, each once. */
int ml_modconf_find(const struct ml_modconf *c, const struct ml_find *f, struct ml_words *out,
		    struct ml_diags *d);

/* ---- depfile.c: modules.dep ---- */
struct ml_dep_entry {
	char *path; /* as written: absolute, without the base directory */
	char *name; /* its module name */
	struct ml_words deps;
};
struct ml_depfile {
	struct ml_dep_entry *v;
	size_t n;
	/* set before parsing: a line that is no rule (no colon) is skipped with a warning
	 * naming file:line, instead of modprobe's "Invalid dependency" error (modutils'
	 * rule, which modprobe keeps); relocate --modules-dep reads kmod's files this way */
	bool lenient;
};
int ml_depfile_parse(struct ml_depfile *df, const char *file, const char *text, size_t len,
		     struct ml_diags *d);
int ml_depfile_read(struct ml_depfile *df, const char *file, struct ml_diags *d);
void ml_depfile_free(struct ml_depfile *df);
/* The entry for a path, or the next entry (from index *from on) for a module name. */
const struct ml_dep_entry *ml_depfile_path(const struct ml_depfile *df, const char *path);
const struct ml_dep_entry *ml_depfile_name(const struct ml_depfile *df, const char *name,
					   size_t *from);
/* One entry in modutils' layout: "path:\tdep \\\n\tdep\n\n". */
void ml_depfile_format(struct ml_buf *out, const char *path, const char *const *deps, size_t ndeps);

/* ---- depmod.c: dependencies from symbols; devtables.c: device tables ---- */
struct ml_depmod_mod {
	char *path;              /* as found (with the base directory) */
	bool loaded;             /* the object could be read */
	bool crcs;               /* it was built with versioned symbols */
	struct ml_words exports; /* what it offers other modules */
	struct ml_words undefs;  /* what it needs: referenced, non-weak undefined */
	size_t *deps;            /* indexes of the modules it needs, first use first */
	size_t ndeps;
	struct ml_words unresolved;         /* what nobody offers */
	struct ml_words maps[ML_GEN_COUNT]; /* lines for the map files (not ML_GEN_DEP) */
};
struct ml_depmod {
	struct ml_depmod_mod *v;
	size_t n;
	struct ml_ksymtab kernel; /* the kernel's exports (no module's) */
	bool kernel_crcs;         /* the kernel exports versioned names */
	struct ml_words loops;    /* one line per dependency loop: "a.o -> b.o -> a.o" */
};
void ml_depmod_init(struct ml_depmod *dm);
void ml_depmod_free(struct ml_depmod *dm);
/*
 * Kernel symbols: from a file (-F), read by insmod's symbol-file reader: a System.map
 * or a /proc/kallsyms copy (the exported names: __kstrtab_NAME), or a /proc/ksyms copy
 * (kernel lines only); or from a kernel (its own exports, not those of loaded modules).
 */
int ml_depmod_kernel_file(struct ml_depmod *dm, const char *path, struct ml_diags *d);
int ml_depmod_kernel(struct ml_depmod *dm, struct ml_kernel *k, struct ml_diags *d);
/* Read one object: 0, or -errno (the module is then listed as not loaded). */
int ml_depmod_add(struct ml_depmod *dm, const char *path, struct ml_diags *d);
/* Bind every module's needs; find the loops. */
void ml_depmod_resolve(struct ml_depmod *dm);
/* The text of one generated file; paths lose their first skip characters. */
void ml_depmod_write(const struct ml_depmod *dm, enum ml_genfile which, size_t skip,
		     struct ml_buf *out);

/* ---- info.c: modinfo ---- */
/* Check a format string: 0, or -EINVAL with modutils' complaint. */
int ml_modinfo_check_format(const char *fmt, struct ml_diags *d);
/*
 * Render fmt for the object: %{tag} (first value of .modinfo's tag, "<none>" if
 * absent; %{filename} always), %a %d %l %n, %{parm} / %p repeating the line once per
 * parameter, %% and backslash escapes.  A line naming %{alias} repeats once per
 * alias (modern objects).  Problems go to d, against the file.
 */
int ml_modinfo_format(const struct ml_obj *o, const char *filename, const char *fmt,
		      struct ml_buf *out, struct ml_diags *d);
/* The default format: modutils' five lines, plus vermagic, depends and alias lines
 * for a modern (.ko) object. */
const char *ml_modinfo_default_format(const struct ml_obj *o);

/* ---- probe.c: modprobe ---- */
struct ml_modprobe {
	const struct ml_modconf *conf;
	const struct ml_depfile *dep;
	struct ml_kernel *kernel; /* NULL: nothing is known loaded (-n) */
	const char *base;         /* put in front of modules.dep paths */
	bool run;                 /* false: -n, show only */
	bool quiet, verbose, debug, autoclean, syslog, safe;
	const char *type; /* -t */
	bool loadall;     /* -a */
	bool rootcheck;   /* objects must be owned by root (run as root) */
	/* -v, -d and hook commentary, one line at a time (without newline). */
	void (*say)(void *ctx, const char *line);
	void *ctx;
	/* private */
	struct ml_words loaded; /* names the kernel has */
	int depth;
};
/* modprobe NAME [opt=val...] [NAME...]: 0 or -1 (diagnostics say why). */
int ml_modprobe_load(struct ml_modprobe *mp, char *const *args, size_t nargs, struct ml_diags *d);
/* modprobe -r NAME...: each module and what it used that is now unused. */
int ml_modprobe_remove(struct ml_modprobe *mp, char *const *names, size_t n, struct ml_diags *d);
/* modprobe -r alone: remove the unused autoclean modules (running the hooks). */
int ml_modprobe_autoclean(struct ml_modprobe *mp, struct ml_diags *d);

#endif
