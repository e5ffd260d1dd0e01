/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside modprobe (modconf/probe*.c): the stack of modules a name needs and
 * the steps that share it.  The rooms, lowest first: probe-hooks.c (the
 * commentary, the kernel's list, running install/remove commands, removing
 * one module), probe-stack.c (building the stack), probe-find.c (module
 * files for -t and patterns), probe-insmod.c (loading one module of a stack
 * through insmod/), probe.c (modprobe's three jobs: load, remove, autoclean).
 */
#ifndef ML_PROBE_INT_H
#define ML_PROBE_INT_H

#include "modconf/modconf-int.h"

#define MODE_NORMAL 0
#define MODE_ABOVE 1
#define MODE_BELOW 2

/* Returns of the stack builders (modutils' values). */
#define ST_OK 0
#define ST_OFF (-1)     /* aliased off */
#define ST_UNKNOWN (-2) /* no such module */
#define ST_FAILED (-3)  /* an install failed */
#define ST_LOOP (-4)    /* a dependency loop (reported) */

struct desc {
	struct ml_words names; /* the alias chain, the requested name first */
	char *kname;           /* the name in the kernel */
	char *objkey;          /* the module name at the end of the chain; NULL = off */
	const struct ml_dep_entry *nod;
	bool null; /* "alias x null": nothing to load */
	bool autoclean;
	int mode;
	/* options of the chain's names, most specific first */
	const struct ml_conf_entry **opts;
	size_t nopts;
};

struct stack {
	struct desc **v;
	size_t n;
};

struct build {
	struct ml_modprobe *mp;
	struct stack *s;
	bool last;            /* removal order (append) rather than load order */
	struct ml_words path; /* knames being expanded, for loops */
	char **error_name;    /* the name that was not found (owned by the caller) */
	struct ml_diags *d;
	bool looped;
	/*
	 * An alias to a probe or probeall list loads that list on the spot,
	 * while the stack is being built (modutils' order): probe.c's walk,
	 * handed down so that the stack builder does not call back up.
	 */
	int (*probe_list)(struct ml_modprobe *mp, char *const *names, size_t n, bool all,
			  struct ml_diags *d);
};

/* probe-hooks.c */
/* One line of commentary (-v, -d, -n) through mp->say. */
void ml_probe_say(struct ml_modprobe *mp, const char *fmt, ...) ML_PRINTF(2, 3);
/* What the kernel has now (mp->loaded). */
void ml_probe_readcur(struct ml_modprobe *mp);
bool ml_probe_is_loaded(struct ml_modprobe *mp, const char *kname);
/* Run a hook through /bin/sh; its exit status (0 = success). */
int ml_probe_run_hook(struct ml_modprobe *mp, enum ml_hook when, const char *name, const char *cmd);
/*
 * Remove one module (modutils' call_rmmod): 0 when it is gone (or was never there),
 * -EBUSY when it has users, another -errno when the kernel or a hook refused.
 */
int ml_probe_rmmod_one(struct ml_modprobe *mp, const char *kname, const struct desc *x,
		       bool complain, struct ml_diags *d);

/* probe-stack.c */
/* The alias a name maps to (devfs names, starting with '/', match patterns). */
const char *ml_probe_alias(const struct ml_modconf *c, const char *name);
const struct ml_conf_entry *ml_probe_list(const struct ml_conf_list *l, const char *name);
void ml_probe_desc_free(struct desc *x);
void ml_probe_stack_free(struct stack *s);
/* Stack name (and what it needs, what sits above it): ST_OK or an ST_* failure. */
int ml_probe_build_stack(struct build *b, const char *name, const char *objpath, const char *rev,
			 int mode, bool allow_alias);
void ml_probe_dump_stack(struct ml_modprobe *mp, const struct stack *s);

/* probe-find.c */
/* A modules.dep path: the file's path without the base directory. */
char *ml_probe_strip_base(struct ml_modprobe *mp, const char *path);
/* Files for a name: NAME.o, NAME.o.gz or NAME itself (a pattern unless in safe mode). */
void ml_probe_locate(struct ml_modprobe *mp, const char *match, const char *type,
		     struct ml_words *out, struct ml_diags *d);

/* probe-insmod.c */
/* Load one module of a stack (modutils' insmod()): 0 or -1. */
int ml_probe_insmod_desc(struct ml_modprobe *mp, struct desc *x, char *const *cmdopts,
			 size_t ncmdopts, struct ml_diags *d);

#endif
