/*
 * kernel/exec/rt.h -- the executor's runtime: what modlink-exec needs of the C library and
 * of the operating system, in one small interface.
 *
 * modlink-exec is built once per CPU and, for all but x86, runs under qemu-user.  Where a
 * static glibc program builds and runs there (x86_64, i386, arm, mips, mipsel, ppc, m68k),
 * rt-libc.c implements this interface with glibc.  Where it does not, the executor is
 * built with -ffreestanding -nostdlib -DMLX_NOLIBC and rt-nolibc.c provides everything:
 * _start, raw system calls, the string functions.  Those CPUs are
 *  - sh4: Debian 12's qemu-sh4 hangs in the start-up code of any static glibc program;
 *  - sh4eb: Debian has no big-endian SH C library, libgcc or linker emulation at all;
 *  - sparc: Debian has no 32-bit SPARC C library (sparc64-linux-gnu-gcc -m32 finds no
 *    gnu/stubs-32.h);
 *  - x86_64 once more (tests/modlink-exec-x86_64-nolibc), so that the freestanding runtime
 *    is tested natively on every build host.
 * Everything above this interface -- formatting (fmt.c), the kdata heap, the image checks,
 * the stubs -- is the executor's own code in both builds, so the two behave alike.
 *
 * Errors are negative errno values (the errno numbers below 35 are the same on every
 * Linux CPU).  The string functions keep their standard names and meanings: gcc emits
 * calls to memcpy and memset even in freestanding code.
 */
#ifndef ML_EXEC_RT_H
#define ML_EXEC_RT_H

#include <stdarg.h>
#include <stddef.h>

#ifdef MLX_NOLIBC
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);

#define ENOENT 2
#define EIO 5
#define EBADF 9
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENOSPC 28
#else
#include <errno.h>
#include <string.h>
#endif

/* Signals the fault handler catches (SPARC numbers SIGBUS differently). */
#if defined(MLX_NOLIBC) && defined(__sparc__)
#define MLX_SIGBUS 10
#elif defined(MLX_NOLIBC)
#define MLX_SIGBUS 7
#else
#include <signal.h>
#define MLX_SIGBUS SIGBUS
#endif
#define MLX_SIGILL 4
#define MLX_SIGFPE 8
#define MLX_SIGSEGV 11

/* The page size of every CPU modlink-exec runs on (and of qemu-user's guests). */
#define MLX_PAGE 4096UL

/* mlx_open modes. */
enum {
	MLX_OPEN_READ,   /* O_RDONLY (files and directories) */
	MLX_OPEN_APPEND, /* O_WRONLY | O_APPEND | O_CREAT, mode 0644 */
	MLX_OPEN_RDWR,   /* O_RDWR | O_CREAT, mode 0644 */
};

int mlx_open(const char *path, int mode);
long mlx_read(int fd, void *buf, size_t n);
long mlx_write(int fd, const void *buf, size_t n);
int mlx_close(int fd);
/* The size of an open regular file (its position is left at 0). */
long mlx_fdsize(int fd);
int mlx_ftruncate(int fd, unsigned long len);

/*
 * Map len bytes (a multiple of MLX_PAGE) read/write/execute at exactly addr: anonymous
 * and private when fd < 0, else fd from offset 0, shared.  Never replaces a mapping:
 * -EEXIST when something is there already.
 */
int mlx_map_fixed(unsigned long addr, unsigned long len, int fd);
/* len bytes of fresh zeroed read/write memory anywhere, or NULL. */
void *mlx_map_any(unsigned long len);
void mlx_unmap(void *p, unsigned long len);

/* Call fn(arg, name) for each entry of directory path but "." and "..", in the order
 * the kernel lists them; stops at fn's first non-zero return, which it returns. */
int mlx_listdir(const char *path, int (*fn)(void *arg, const char *name), void *arg);

__attribute__((noreturn)) void mlx_exit(int status);

/* strerror for the errors the executor reports. */
const char *mlx_strerror(int err);

/*
 * Catch SIGSEGV, SIGBUS, SIGILL and SIGFPE on the alternate stack [stack, stack + size).
 * handler(sig, info, ctx) gets what the kernel passes: a siginfo_t and a ucontext_t on
 * every CPU but 32-bit SPARC, where it is the classic frame (see fault.c).
 */
int mlx_catch_faults(void (*handler)(int sig, void *info, void *ctx), void *stack, size_t size);

/* fmt.c: the kernel's vsnprintf (2.4 semantics) and output through it.  Each print is
 * one write(2) of at most 4 KiB. */
int mlx_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int mlx_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int mlx_dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define mlx_printf(...) mlx_dprintf(1, __VA_ARGS__)
#define mlx_eprintf(...) mlx_dprintf(2, __VA_ARGS__)
/* Write all of s (retrying short writes). */
void mlx_puts(int fd, const char *s, size_t n);
/* n / d (d != 0) without a division instruction or a libgcc helper. */
unsigned long mlx_udiv(unsigned long n, unsigned long d);
/* 2.4's simple_strtoul: base 0 means 8 for a leading 0, 16 for 0x. */
unsigned long mlx_strtoul(const char *cp, char **endp, unsigned int base);

#endif
