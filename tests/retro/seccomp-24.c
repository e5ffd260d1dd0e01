// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seccomp-24: run an i386 program as if on Linux 2.4, as far as system calls go.
 *
 *	seccomp-24 [-o LOG] [-a] [-k] ALLOW-LIST PROGRAM [ARGS...]
 *
 * The retro builds of modlink (scripts/retro.sh) must run on a 2.4 kernel, which has
 * none of the calls a modern C library likes to make first (set_thread_area, statx,
 * clock_gettime64, exit_group, ...).  A static binary that makes such a call either
 * falls back when the kernel answers ENOSYS or breaks there.  This launcher gives a
 * modern x86_64 host the same answers: a seccomp filter lets through the i386 system
 * calls listed in ALLOW-LIST (tests/retro/syscalls-2.4-i386.txt, the 2.4.37 table) and
 * answers ENOSYS to every other i386 call, as 2.4's sys_ni_syscall and its bounds check
 * on the call number do.  Calls by 64-bit programs are not judged (this launcher's own,
 * before it execs PROGRAM).
 *
 * What was denied (and with -a, every call that was made) is counted by this process,
 * which supervises the filter through its listener (SECCOMP_RET_USER_NOTIF, Linux 5.0;
 * allowed calls are sent on with SECCOMP_USER_NOTIF_FLAG_CONTINUE, Linux 5.5), and
 * appended to LOG as lines "denied NR COUNT" and "allowed NR NAME COUNT" when the
 * program has ended.  Without a listener (older hosts) the filter answers ENOSYS itself
 * and nothing is counted.
 *
 * A 2.4 kernel also hands a new program a shorter auxiliary vector: no vDSO
 * (AT_SYSINFO_EHDR), so the C library's clock_gettime makes the system call instead of
 * the vDSO's, no AT_SYSINFO, so system calls go through int $0x80, no AT_RANDOM,
 * AT_SECURE or AT_EXECFN.  Unless -k is given, the program is started under ptrace
 * and stopped right after its execve, every auxiliary vector entry a 2.4 kernel does
 * not make (types above AT_CLKTCK) is turned into AT_IGNORE, and the program is let go.
 * When this launcher is itself traced (under k24emu), the program cannot be, and its
 * vector stays as it is (noted in LOG as "auxv kept").
 *
 * Exit status: the program's, 128+N if signal N ended it, 126 or 127 when it could not
 * be run, 125 when this launcher failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>

#if !defined(__x86_64__)
/* It judges i386 programs on an x86_64 kernel, and reads x86_64 registers. */
int main(void)
{
	fprintf(stderr, "seccomp-24: x86_64 hosts only\n");
	return 125;
}
#else
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define FAILED 125
#define MAX_NR 1024
#define AT_LAST_24 17 /* AT_CLKTCK: the last auxv type 2.4 kernels make */

static const char *prog = "seccomp-24";
static char *names[MAX_NR];              /* allowed numbers, with their 2.4 names */
static unsigned long counts[MAX_NR + 1]; /* last slot: numbers out of range */

static void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(FAILED);
}

/* ALLOW-LIST: "NR NAME" lines; '#' starts a comment. */
static int read_allow_list(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int n = 0, lineno = 0;

	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		int nr;

		lineno++;
		line[strcspn(line, "#\n")] = 0;
		if (line[strspn(line, " \t")] == 0)
			continue;
		if (sscanf(line, "%d %63s", &nr, name) != 2 || nr < 0 || nr >= MAX_NR) {
			fprintf(stderr,
				"%s: %s:%d: expected \"NUMBER NAME\" with a number below %d\n",
				prog, path, lineno, MAX_NR);
			exit(FAILED);
		}
		free(names[nr]);
		names[nr] = strdup(name);
		n++;
	}
	fclose(f);
	if (!n) {
		fprintf(stderr, "%s: %s: no system call listed\n", prog, path);
		exit(FAILED);
	}
	return n;
}

/*
 * The filter: other architectures pass; an i386 call whose number is listed passes (or,
 * with -a, goes to the supervisor, which lets it continue); any other i386 call goes to
 * the supervisor, or without one gets ENOSYS.  Number -1 is a tracer's "skip this call"
 * (k24emu serves module calls that way): the kernel runs nothing for it.
 */
static struct sock_filter *build_filter(bool notify, bool all, unsigned short *len)
{
	struct sock_filter *f = calloc(2 * MAX_NR + 8, sizeof(*f));
	uint32_t deny = notify ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ERRNO | ENOSYS;
	uint32_t allow = notify && all ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ALLOW;
	unsigned short n = 0;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffu, 0, 1);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	for (int nr = 0; nr < MAX_NR; nr++) {
		if (!names[nr])
			continue;
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, allow);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, deny);
	*len = n;
	return f;
}

static int install_filter(bool all)
{
	unsigned short len;
	struct sock_filter *f = build_filter(true, all, &len);
	struct sock_fprog fp = { len, f };
	int fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("PR_SET_NO_NEW_PRIVS");
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &fp);
	free(f);
	if (fd >= 0)
		return fd;
	/* no listener on this host: the filter answers by itself */
	f = build_filter(false, false, &len);
	fp = (struct sock_fprog){ len, f };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp))
		die("seccomp");
	free(f);
	return -1;
}

/* Pass a descriptor (or -1) and a flag over the socket. */
static void send_fd(int sock, int fd, char flag)
{
	struct iovec iov = { &flag, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		m.msg_control = u.buf;
		m.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(sock, &m, 0) != 1)
		die("sendmsg");
}

static int recv_fd(int sock, char *flag)
{
	struct iovec iov = { flag, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	int fd = -1;

	if (recvmsg(sock, &m, 0) != 1)
		return -2; /* the child died before it could tell */
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * The program is stopped right after its execve: turn the auxiliary vector entries that a
 * 2.4 kernel does not make into AT_IGNORE.  i386 only: argc, argv[], NULL, envp[], NULL,
 * then (type, value) pairs of 32-bit words up to AT_NULL.
 */
static const char *trim_auxv(pid_t pid)
{
	struct user_regs_struct r;
	char path[64];
	uint32_t sp, w[2];
	int fd, nulls = 0;
	const char *why = NULL;

	if (ptrace(PTRACE_GETREGS, pid, NULL, &r))
		return "auxv kept: PTRACE_GETREGS failed";
	if (r.cs != 0x23)
		return "auxv kept: not an i386 program";
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return "auxv kept: cannot open the program's memory";
	sp = (uint32_t)r.rsp + 4; /* past argc */
	for (int i = 0; nulls < 2 && i < 1 << 20; i++, sp += 4) {
		if (pread(fd, w, 4, sp) != 4) {
			why = "auxv kept: cannot read the program's stack";
			break;
		}
		nulls += w[0] == 0;
	}
	for (int i = 0; !why && i < 256; i++, sp += 8) {
		static const uint32_t ignore = 1; /* AT_IGNORE */

		if (pread(fd, w, 8, sp) != 8) {
			why = "auxv kept: cannot read the auxiliary vector";
			break;
		}
		if (w[0] == 0)
			break;
		if (w[0] > AT_LAST_24 && pwrite(fd, &ignore, 4, sp) != 4)
			why = "auxv kept: cannot write the auxiliary vector";
	}
	close(fd);
	return why;
}

static void serve(int lfd)
{
	struct seccomp_notif_sizes sz;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz))
		die("SECCOMP_GET_NOTIF_SIZES");
	req = calloc(1, sz.seccomp_notif > sizeof(*req) ? sz.seccomp_notif : sizeof(*req));
	resp = calloc(1, sz.seccomp_notif_resp > sizeof(*resp) ? sz.seccomp_notif_resp
							       : sizeof(*resp));
	memset(req, 0, sz.seccomp_notif);
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, req))
		return; /* the program is gone, or a signal interrupted the call */
	unsigned nr = req->data.nr;

	counts[nr < MAX_NR ? nr : MAX_NR]++;
	memset(resp, 0, sz.seccomp_notif_resp);
	resp->id = req->id;
	if (nr < MAX_NR && names[nr]) {
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	} else {
		resp->error = -ENOSYS;
	}
	/* ENOENT: the caller was interrupted or died meanwhile */
	ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, resp);
	free(req);
	free(resp);
}

static void write_log(const char *path, const char *note)
{
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "a");
	if (!f)
		die(path);
	if (note)
		fprintf(f, "%s\n", note);
	for (int nr = 0; nr <= MAX_NR; nr++) {
		if (!counts[nr])
			continue;
		if (nr < MAX_NR && names[nr])
			fprintf(f, "allowed %d %s %lu\n", nr, names[nr], counts[nr]);
		else
			fprintf(f, "denied %d %lu\n", nr == MAX_NR ? -2 : nr, counts[nr]);
	}
	fclose(f);
}

static void usage(void)
{
	fprintf(stderr, "Usage: %s [-o LOG] [-a] [-k] ALLOW-LIST PROGRAM [ARGS...]\n", prog);
	exit(FAILED);
}

int main(int argc, char **argv)
{
	const char *log = NULL, *note = NULL;
	bool all = false, keep = false;
	int sv[2], lfd, st, c;
	char traced = 0;
	pid_t pid;

	while ((c = getopt(argc, argv, "+o:akh")) != -1) {
		switch (c) {
		case 'o':
			log = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'k':
			keep = true;
			break;
		default:
			usage();
		}
	}
	if (argc - optind < 2)
		usage();
	read_allow_list(argv[optind]);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char **cmd = &argv[optind + 1];

		close(sv[0]);
		/* fails when we are traced already: then the vector stays as it is */
		traced = !keep && ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0;
		send_fd(sv[1], install_filter(all), traced);
		execvp(cmd[0], cmd);
		fprintf(stderr, "%s: %s: %s\n", prog, cmd[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(sv[1]);
	lfd = recv_fd(sv[0], &traced);
	close(sv[0]);
	if (lfd == -2)
		traced = 0;
	if (traced) {
		if (waitpid(pid, &st, 0) != pid)
			die("waitpid");
		if (WIFSTOPPED(st)) {
			note = trim_auxv(pid);
			if (ptrace(PTRACE_DETACH, pid, NULL, NULL))
				die("PTRACE_DETACH");
		}
	} else if (!keep) {
		note = "auxv kept: the launcher is traced";
	}
	if (traced && !WIFSTOPPED(st)) {
		/* the program ended before its execve completed */
	} else if (lfd >= 0) {
		for (;;) {
			struct pollfd p = { lfd, POLLIN, 0 };
			pid_t w = waitpid(pid, &st, WNOHANG);

			if (w == pid)
				break;
			if (w < 0)
				die("waitpid");
			if (poll(&p, 1, 50) > 0) {
				if (p.revents & POLLIN)
					serve(lfd);
				else if (p.revents & (POLLHUP | POLLERR))
					break;
			}
		}
		/* let anything still queued run (or be refused) before we go */
		for (struct pollfd p = { lfd, POLLIN, 0 };
		     poll(&p, 1, 0) > 0 && p.revents & POLLIN;)
			serve(lfd);
		close(lfd);
		if (waitpid(pid, &st, 0) != pid && errno != ECHILD)
			die("waitpid");
	} else if (waitpid(pid, &st, 0) != pid) {
		die("waitpid");
	}
	write_log(log, note);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
#endif
