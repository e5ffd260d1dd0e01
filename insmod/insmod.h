/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * insmod: one module from its file into a kernel (or into files), and rmmod's
 * save of its persistent data: the room above loader/ (which links one module)
 * and kernel/ (which takes it).  ml_insmod() runs in named phases, prepare ->
 * link -> hand off (phases.c); the command line, the root check and the lock
 * are here too (args.c), so that insmod and modprobe share them.
 */
#ifndef ML_INSMOD_H
#define ML_INSMOD_H

#include "common/common.h"
#include "loader/loader.h"
#include "symbols/symbols.h"

struct ml_kernel;

/* ---- phases.c: the pipeline ---- */
struct ml_insmod_opts {
	const char *path;          /* object file */
	const char *name;          /* -o */
	const char *const *params; /* symbol=value ... */
	size_t nparams;
	bool force, autoclean, noload, probe, quiet, verbose, kallsyms;
	bool export_all; /* -X (default) vs -x */
	bool no_weak_exports; /* --no-weak-exports: not weak undefined symbols (modutils exported them, as 0) */
	bool ksymoops;       /* -Y (default) vs -y */
	const char *persist; /* -e FILE: persistent data file (absolute), or NULL */
	bool numeric_only;   /* -N */
	const char *prefix;  /* -P */
	const char *release; /* kernel release for the version check */
	bool have_base;
	uint64_t base;            /* --base, or 0x12340000 for -n */
	const char *blob;         /* -O */
	bool map;                 /* -m */
	bool explain;             /* --explain */
	struct ml_ksymtab *ksyms; /* kernel + module exports */
	struct ml_kernel *kernel; /* NULL with -n/--base: nothing is touched */
};

struct ml_insmod_result {
	char *modname;
	uint64_t base, size;
	struct ml_buf map;     /* -m text */
	struct ml_buf explain; /* --explain text */
	unsigned char
		*image;   /* 2.4 modules; NULL for a modern .ko (-O is written from its sections) */
	bool loaded;      /* init_module succeeded */
	int taint;        /* taint bits that apply (P=1, F=2) */
	bool has_persist; /* the module has persistent parameters and a file was given */
};

/* 0, or a negative errno: diagnostics in d.  Exit status 1 on any failure. */
int ml_insmod(const struct ml_insmod_opts *o, struct ml_insmod_result *r, struct ml_diags *d);
void ml_insmod_result_free(struct ml_insmod_result *r);

/* ---- args.c: insmod's command line, the root check, the lock ---- */
struct ml_insmod_src {
	enum ml_ksym_source kind;
	const char *path;
};
struct ml_insmod_args {
	struct ml_insmod_opts o; /* .path, .params point into the caller's words */
	const char **params;     /* the parameters (o.params) */
	size_t nparams;
	struct ml_insmod_src *srcs; /* --ksyms, --kallsyms=FILE, --system-map, in order */
	size_t nsrcs;
	const char *kspec;       /* --kernel */
	const char *persist_arg; /* -e (may be "") */
	const char *bad;         /* the argument refused (ML_INSMOD_ARGS_BAD_BASE) */
	bool rootcheck;          /* -r toggles it */
	bool lock;               /* -L (always on) */
	bool syslog;             /* -s */
	bool started;            /* getopt has begun (ml_insmod_args_parse resumes) */
};
#define ML_INSMOD_ARGS_DONE 0
#define ML_INSMOD_ARGS_USAGE 1    /* -h, an unknown option, no module: print the usage */
#define ML_INSMOD_ARGS_BAD_BASE 2 /* --base that is no address (a->bad) */
#define ML_INSMOD_ARGS_VERSION 3  /* -V: print the version, then call again */

/* Defaults (-X, -Y, the lock); rootcheck: the caller's starting value. */
void ml_insmod_args_init(struct ml_insmod_args *a, bool rootcheck);
void ml_insmod_args_free(struct ml_insmod_args *a);
/* insmod's own command line (getopt_long, which reports unknown options itself). */
int ml_insmod_args_parse(struct ml_insmod_args *a, int argc, char **argv);
/*
 * The insmod words modprobe builds (its options, insmod_opt=, the module at
 * pathidx, then "-o NAME" and parameters from options lines): only the
 * options modprobe may hand on, each argument a word of its own.  0, or
 * -EINVAL with modprobe's complaints in d.
 */
int ml_insmod_args_handed(struct ml_insmod_args *a, char *const *words, size_t n, size_t pathidx,
			  struct ml_diags *d);
/* -e "": the persist directory plus the object's path below its module directory. */
char *ml_insmod_default_persist(const char *obj, const char *release, struct ml_diags *d);
/* Refuse an object not owned by root (the caller decides when to ask): 0 or -EPERM. */
int ml_insmod_root_check(const char *path, struct ml_diags *d);
/* An exclusive flock on the module file, so one module is not loaded twice at once. */
int ml_insmod_lock(const char *path);
void ml_insmod_unlock(int fd);

/* ---- save.c: rmmod's save of a module's persistent data ---- */
/* Save module mod's persistent data to its file (nothing if it has none). */
int ml_persist_save(struct ml_kernel *k, const char *mod, struct ml_diags *d);

#endif
