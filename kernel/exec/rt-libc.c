/*
 * kernel/exec/rt-libc.c -- the executor's runtime (rt.h) over the C library, for the CPUs
 * where a static glibc program builds and runs under qemu-user.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE */
#endif
/* 64-bit d_off and d_ino in readdir: a 32-bit program under qemu-user on a 64-bit host
 * gets the host file system's 64-bit directory offsets, which the 32-bit readdir refuses
 * with EOVERFLOW. */
#define _FILE_OFFSET_BITS 64
#include "rt.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
/* Linux 4.17; older kernels (and qemu-user 7) take the address as a hint instead. */
#define MAP_FIXED_NOREPLACE 0x100000
#endif

int mlx_open(const char *path, int mode)
{
	int fd;

	switch (mode) {
	case MLX_OPEN_APPEND:
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
		break;
	case MLX_OPEN_RDWR:
		fd = open(path, O_RDWR | O_CREAT, 0644);
		break;
	default:
		fd = open(path, O_RDONLY);
		break;
	}
	return fd < 0 ? -errno : fd;
}

long mlx_read(int fd, void *buf, size_t n)
{
	ssize_t r = read(fd, buf, n);

	return r < 0 ? -errno : r;
}

long mlx_write(int fd, const void *buf, size_t n)
{
	ssize_t r = write(fd, buf, n);

	return r < 0 ? -errno : r;
}

int mlx_close(int fd)
{
	return close(fd) < 0 ? -errno : 0;
}

long mlx_fdsize(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);

	if (end < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	return (long)end;
}

int mlx_ftruncate(int fd, unsigned long len)
{
	return ftruncate(fd, (off_t)len) < 0 ? -errno : 0;
}

int mlx_map_fixed(unsigned long addr, unsigned long len, int fd)
{
	int flags = (fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED) | MAP_FIXED_NOREPLACE;
	void *want = (void *)addr;
	void *p = mmap(want, len, PROT_READ | PROT_WRITE | PROT_EXEC, flags, fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	if (p != want) {
		/* The flag was taken as a hint: the range is (partly) in use. */
		munmap(p, len);
		return -EEXIST;
	}
	return 0;
}

void *mlx_map_any(unsigned long len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void mlx_unmap(void *p, unsigned long len)
{
	munmap(p, len);
}

int mlx_listdir(const char *path, int (*fn)(void *arg, const char *name), void *arg)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return -errno;
	for (;;) {
		errno = 0;
		e = readdir(d);
		if (!e) {
			if (errno)
				ret = -errno;
			break;
		}
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		ret = fn(arg, e->d_name);
		if (ret)
			break;
	}
	closedir(d);
	return ret;
}

void mlx_exit(int status)
{
	_exit(status);
}

const char *mlx_strerror(int err)
{
	return strerror(err);
}

static void (*fault_handler)(int sig, void *info, void *ctx);

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	fault_handler(sig, si, ctx);
}

int mlx_catch_faults(void (*handler)(int sig, void *info, void *ctx), void *stack, size_t size)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
	struct sigaction sa;
	stack_t ss;
	size_t i;

	ss.ss_sp = stack;
	ss.ss_size = size;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) < 0)
		return -errno;

	fault_handler = handler;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -errno;
	return 0;
}
