// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ml_emu_run (emu.h): one run of k24emu.  The model is opened, a private
 * temporary directory made for the /proc snapshots (procfs.c), qemu-i386
 * looked up when the host cannot run i386 programs (qemu.c), the command
 * run to completion under the trace (trace.c), and everything undone.
 *
 * Only x86_64 hosts: the register layout is the host's.
 * On other hosts ml_emu_run says so.
 */
#include "kernel/emu/emu-int.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__x86_64__)

static void remove_tmp(struct emu *e)
{
	DIR *dir = opendir(e->tmp);
	struct dirent *de;

	while (dir && (de = readdir(dir))) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = ml_xasprintf("%s/%s", e->tmp, de->d_name);
		unlink(p);
		free(p);
	}
	if (dir)
		closedir(dir);
	rmdir(e->tmp);
}

/* The program name in PATH, or NULL. */
static char *find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy = ml_xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin"),
	     *save = NULL;

	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *p = ml_xasprintf("%s/%s", dir, name);

		if (access(p, X_OK) == 0) {
			free(copy);
			return p;
		}
		free(p);
	}
	free(copy);
	return NULL;
}

static int make_tmp(struct emu *e)
{
	const char *t = getenv("TMPDIR");

	if (!t || t[0] != '/')
		t = "/tmp";
	e->tmp = ml_xasprintf("%s/k24emu.XXXXXX", t);
	if (!mkdtemp(e->tmp)) {
		int err = -errno;

		ml_err(e->d, NULL, "cannot make a temporary directory %s: %s", e->tmp,
		       strerror(errno));
		return err;
	}
	/* traced programs that change their user still read the files */
	chmod(e->tmp, 0755);
	return 0;
}

int ml_emu_run(const struct ml_emu_opts *o, struct ml_emu_result *r, struct ml_diags *d)
{
	struct emu e = { .o = o, .d = d };
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	int errpipe = -1, err;

	memset(r, 0, sizeof(*r));
	e.m = ml_model_open(o->state, d);
	if (!e.m)
		return -ENOENT;
	e.t = ml_model_target(e.m);
	err = make_tmp(&e);
	if (err) {
		ml_model_close(e.m);
		free(e.tmp);
		return err;
	}
	if (!ml_host_runs_i386()) {
		e.qemu = find_in_path("qemu-i386");
		e.qlog = ml_xasprintf("%s/qemu-i386.log", e.tmp);
	}
	err = emu_start(&e, &errpipe);
	if (!err) {
		/* the command decides what ^C and ^\ do, as under system() */
		sigaction(SIGINT, &ign, &oint);
		sigaction(SIGQUIT, &ign, &oquit);
		emu_trace_loop(&e);
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		r->status = e.status;
		if (read(errpipe, &r->exec_errno, sizeof(r->exec_errno)) != sizeof(r->exec_errno))
			r->exec_errno = 0;
		emu_sync_taint(&e);
	}
	if (errpipe >= 0)
		close(errpipe);
	for (size_t i = 0; i < e.ntv; i++) {
		emu_drop_snap(e.tv[i]);
		free(e.tv[i]);
	}
	free(e.tv);
	for (size_t i = 0; i < e.ntf; i++)
		free(e.tf[i].path);
	free(e.tf);
	remove_tmp(&e);
	free(e.tmp);
	free(e.qemu);
	free(e.qlog);
	ml_model_close(e.m);
	return err;
}

#else /* !__x86_64__ */

int ml_emu_run(const struct ml_emu_opts *o, struct ml_emu_result *r, struct ml_diags *d)
{
	memset(r, 0, sizeof(*r));
	ml_err(d, NULL,
	       "k24emu runs on x86_64 hosts only (it reads and sets the x86_64 registers of the traced program)");
	return -ENOSYS;
}

#endif
