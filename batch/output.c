// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a batch run leaves in --out DIR: NAME.img (the module's core, then its
 * init, as relocated) and NAME.map for each module that loaded, and
 * modules.index, one line per such module saying where it went.  A module's
 * name names its files, and .modinfo's name= can hold anything (forensics
 * reads hostile modules): only a plain file name will do, with nothing that
 * breaks modules.index's lines either.
 */
#include "batch/batch-int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool ml_batch_file_name_ok(const char *n)
{
	if (!*n || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (; *n; n++)
		if (*n == '/' || (unsigned char)*n <= ' ' || *n == 0x7f)
			return false;
	return true;
}

int ml_batch_write_module(const struct ml_obj *o, const char *outdir, const char *name,
			  struct ml_diags *d)
{
	char *ip = ml_xasprintf("%s/%s.img", outdir, name);
	char *mp = ml_xasprintf("%s/%s.map", outdir, name);
	int err = ml_modern_write(o, ip, mp, d);

	free(ip);
	free(mp);
	return err;
}

FILE *ml_batch_index_open(const char *outdir, struct ml_diags *d)
{
	char *ip = ml_xasprintf("%s/modules.index", outdir);
	FILE *f;

	mkdir(outdir, 0755);
	f = fopen(ip, "w");
	if (!f)
		ml_err(d, NULL, "cannot write %s", ip);
	free(ip);
	return f;
}

void ml_batch_index_line(FILE *f, const struct ml_batch_module *m)
{
	fprintf(f, "%s %s 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 "\n",
		m->name, m->path, m->core, m->core_size, m->init, m->init_size,
		m->kernel_core_size);
}

int ml_batch_index_close(FILE *f, const char *outdir, struct ml_diags *d)
{
	if (!fclose(f))
		return 0;
	ml_err(d, NULL, "cannot write %s/modules.index", outdir);
	return -EIO;
}
