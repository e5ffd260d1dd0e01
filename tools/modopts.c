// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command-line options depmod and modprobe share (modopts.h): one table, one
 * meaning for each, and the rule for the release both work for.
 */
#include "tools/modopts.h"
#include "kernel/kernel.h"

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

enum { OPT_KERNEL = 256, OPT_RELEASE };

static const struct option shared[] = {
	{ "basedir", required_argument, NULL, 'b' },
	{ "config", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "syslog", no_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "kernel-release", required_argument, NULL, OPT_RELEASE },
	{ NULL, 0, NULL, 0 },
};

struct option *ml_modopts_start(const struct option *own)
{
	size_t n = 0;
	struct option *t;

	while (own[n].name)
		n++;
	t = ml_xcalloc(n + ML_ARRAY_SIZE(shared), sizeof(*t));
	memcpy(t, own, n * sizeof(*t));
	memcpy(t + n, shared, sizeof(shared));
	optind = 1;
	opterr = 1;
	return t;
}

/* Take getopt's answer o if it is a shared option: 1, else 0. */
static int take(struct ml_modopts *m, int o, const char *arg)
{
	switch (o) {
	case 'b':
		m->base = arg;
		break;
	case 'C':
		m->conf = arg;
		break;
	case 'q':
		m->quiet = true;
		break;
	case 's':
		m->syslog = true;
		ml_use_syslog(m->prog);
		break;
	case 'v':
		m->verbose = true;
		break;
	case 'V':
		printf("%s version %s (modlink, modutils 2.4 compatible)\n", m->prog,
		       PACKAGE_VERSION);
		break;
	case OPT_KERNEL:
		m->kspec = arg;
		break;
	case OPT_RELEASE:
		m->release = arg;
		break;
	default:
		return 0;
	}
	return 1;
}

int ml_modopts_next(struct ml_modopts *m, int argc, char **argv, const char *optstring,
		    const struct option *longopts)
{
	int o;

	while ((o = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		if (o == 'h')
			return ML_MODOPTS_HELP;
		if (!take(m, o, optarg))
			return o;
	}
	return -1;
}

const char *ml_modopts_release(const char *forced, struct ml_kernel *k, char *buf, size_t n)
{
	struct utsname u;

	if (forced)
		return forced;
	if (k && k->ops->release && k->ops->release(k, buf, n) == 0)
		return buf;
	if (uname(&u) == 0) {
		snprintf(buf, n, "%s", u.release);
		return buf;
	}
	return NULL;
}
