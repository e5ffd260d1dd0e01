// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running a module's code: its init_module, cleanup_module or can_unload,
 * called in the executor (kernel/exec/, "EXEC call DIR ADDR"), which maps
 * the same kernel memory and prints the function's return value.  While it
 * runs the big kernel lock is held shared, as 2.4 drops the BKL when init
 * sleeps; afterwards the regions are mapped afresh, as the module may have
 * written anywhere.  An executor that dies is the oops that kills the caller.
 */
#include "kernel/model/model-int.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

int mdl_run_code(struct ml_model *m, uint64_t addr, const char *what, long *ret)
{
	char *argv[16], *cmd, *tok, *save = NULL, addrbuf[32], out[64];
	int pipefd[2], status, argc = 0;
	ssize_t n, got = 0;
	pid_t pid;

	*ret = 0;
	if (!m->exec || !*m->exec) {
		mdl_kmsg(m, "<4>modlink: no executor for %s: %s not run\n", m->cpu, what);
		return 0;
	}
	cmd = ml_xstrdup(m->exec);
	for (tok = strtok_r(cmd, " ", &save); tok && argc < 12; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	snprintf(addrbuf, sizeof(addrbuf), "0x%" PRIx64, addr);
	argv[argc++] = "call";
	argv[argc++] = m->dir;
	argv[argc++] = addrbuf;
	argv[argc] = NULL;
	if (pipe2(pipefd, O_CLOEXEC)) {
		free(cmd);
		return ML_MODEL_OOPS;
	}
	flock(m->lockfd, LOCK_SH);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	while (pid > 0 && (n = read(pipefd[0], out + got, sizeof(out) - 1 - (size_t)got)) > 0)
		got += n;
	close(pipefd[0]);
	out[got] = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = -1;
	flock(m->lockfd, LOCK_EX);
	mdl_sync_regions(m);
	free(cmd);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		*ret = strtol(out, NULL, 10);
		return 0;
	}
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == 3))
		mdl_kmsg(m, "<1>modlink: the executor failed running %s (%s %d)\n", what,
			 WIFSIGNALED(status) ? "signal" : "status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return ML_MODEL_OOPS;
}

/* __MOD_IN_USE: can_unload() if the module has one, else the use count. */
int mdl_in_use(struct ml_model *m, uint64_t mod, long *val)
{
	uint64_t cu = member_present(m, mod, ML_MF_CAN_UNLOAD) ? mget(m, mod, ML_MF_CAN_UNLOAD) : 0;

	if (cu)
		return mdl_run_code(m, cu, "can_unload", val);
	*val = usecount(m, mod);
	return 0;
}
