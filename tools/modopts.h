/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What depmod and modprobe share on their command lines: the options modutils gave
 * both (-b, -C, -h, -q, -s, -v, -V, --kernel, --kernel-release), with one meaning,
 * one message and one spelling, and the release both work for.
 */
#ifndef ML_TOOLS_MODOPTS_H
#define ML_TOOLS_MODOPTS_H

#include "tools/tools.h"

#include <getopt.h>

struct ml_kernel;

/* The short letters of the shared options: the end of a tool's optstring. */
#define ML_MODOPTS_SHORT "b:C:hqsvV"

struct ml_modopts {
	const char *prog;    /* "depmod", "modprobe": for -V and syslog */
	const char *conf;    /* -C */
	const char *base;    /* -b; "" when not given */
	const char *kspec;   /* --kernel */
	const char *release; /* --kernel-release */
	bool quiet, verbose, syslog;
};

/*
 * The tool's own long options (up to their { NULL } end), then the shared ones, in a
 * table to free; getopt starts afresh (optind, opterr).  getopt_long lists the
 * candidates of an ambiguous abbreviation in table order ("--ver": --verbose,
 * --version): keeping the tool's own first keeps the lists modutils' tools printed.
 */
struct option *ml_modopts_start(const struct option *own);

/* -h: the tool prints its usage and stops (status 0) at once, as modutils did. */
#define ML_MODOPTS_HELP (-2)
/*
 * The next option that is the tool's own (getopt_long's answer, '?' and ':' included),
 * the shared ones taken into m on the way; -1 at the end, ML_MODOPTS_HELP for -h.
 * optstring: the tool's letters followed by ML_MODOPTS_SHORT.
 */
int ml_modopts_next(struct ml_modopts *m, int argc, char **argv, const char *optstring,
		    const struct option *longopts);

/* The release: forced (--kernel-release or the version argument), else the kernel's
 * (k may be NULL), else `uname -r`; in buf unless forced; NULL if none. */
const char *ml_modopts_release(const char *forced, struct ml_kernel *k, char *buf, size_t n);

#endif
