/*
 * kernel/exec/rt-nolibc.c -- the executor's runtime (rt.h) without a C library: the
 * program entry, raw Linux system calls and the string functions (under the C library's
 * own names: see "string functions" below), for the CPUs where
 * no static glibc program can run under qemu-user (see rt.h for why: sh4, sh4eb, sparc),
 * and for x86_64, where the same code is tested natively.
 *
 * Per CPU, three things are needed, all of them fixed by the Linux ABI of that CPU:
 *  - _start: the kernel (or qemu-user) enters with argc at the stack pointer and argv
 *    after it (SPARC: after the 64-byte register window save area), and nothing set up;
 *    a static non-PIE program needs no relocation, and .bss is already zero.
 *  - the system call instruction: x86_64 "syscall" (number in rax; rdi rsi rdx r10 r8
 *    r9), SH "trapa" (number in r3; r4-r7, r0, r1; result in r0), SPARC "ta 0x10"
 *    (number in g1; o0-o5; the carry flag set on error, with the positive errno in o0).
 *  - the signal return: x86_64 requires SA_RESTORER, and SH gets one too, so that no
 *    trampoline has to be written to (and run from) the signal stack: both point at a
 *    stub making the rt_sigreturn call.  32-bit SPARC takes the restorer as the fifth
 *    argument of rt_sigaction; a handler returns to restorer + 8 (the usual "ret"), where
 *    the stub makes the sigreturn call.  SPARC handlers are installed without SA_SIGINFO:
 *    qemu-user 7 implements only the classic 32-bit SPARC signal frame (see fault.c).
 * The numbers (system calls, open and mmap flags, sigaction flags) are those of the
 * kernel's uapi headers for each CPU.
 *
 * Compiled with -fno-tree-loop-distribute-patterns: gcc would otherwise turn the loops of
 * memset and memcpy into calls to themselves.
 */
#include "rt.h"

#include <stdint.h>

int main(int argc, char **argv);
void mlx_start_c(int argc, char **argv) __attribute__((noreturn, used));
void mlx_start_c(int argc, char **argv)
{
	mlx_exit(main(argc, argv));
}

#if defined(__x86_64__)
enum {
	NR_read = 0,
	NR_write = 1,
	NR_open = 2,
	NR_close = 3,
	NR_lseek = 8,
	NR_mmap = 9,
	NR_munmap = 11,
	NR_rt_sigaction = 13,
	NR_ftruncate = 77,
	NR_sigaltstack = 131,
	NR_getdents64 = 217,
	NR_exit_group = 231,
};
#define O_APPEND_CREAT (01 | 02000 | 0100)
#define O_RDWR_CREAT (02 | 0100)
#define SA_FLAGS (0x4 | 0x08000000 | 0x04000000) /* SIGINFO | ONSTACK | RESTORER */

__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"\txor %ebp, %ebp\n"
	"\tmov (%rsp), %rdi\n"
	"\tlea 8(%rsp), %rsi\n"
	"\tand $-16, %rsp\n"
	"\tcall mlx_start_c\n"
	"\thlt\n"
	"mlx_restorer:\n"
	"\tmov $15, %eax\n" /* rt_sigreturn */
	"\tsyscall\n"
	"\thlt\n");

static long sys6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return ret;
}

#elif defined(__sh__)
enum {
	NR_read = 3,
	NR_write = 4,
	NR_open = 5,
	NR_close = 6,
	NR_lseek = 19,
	NR_munmap = 91,
	NR_ftruncate = 93,
	NR_rt_sigaction = 174,
	NR_sigaltstack = 186,
	NR_mmap = 192 /* mmap2: the offset in pages */,
	NR_getdents64 = 220,
	NR_exit_group = 252,
};
#define O_APPEND_CREAT (01 | 02000 | 0100)
#define O_RDWR_CREAT (02 | 0100)
#define SA_FLAGS (0x4 | 0x08000000 | 0x04000000) /* SIGINFO | ONSTACK | RESTORER */

/* The "or r0,r0" after trapa: the padding SH-3/4 kernels ask for after a trap. */
__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"\tmov.l @r15, r4\n"
	"\tmov r15, r5\n"
	"\tadd #4, r5\n"
	"\tmov.l 1f, r0\n"
	"\tjsr @r0\n"
	"\tnop\n"
	"0:\tbra 0b\n"
	"\tnop\n"
	"\t.balign 4\n"
	"1:\t.long mlx_start_c\n"
	"mlx_restorer:\n"
	"\tmov.w 2f, r3\n"
	"\ttrapa #0x10\n"
	"\tor r0, r0\n"
	"\tor r0, r0\n"
	"\tor r0, r0\n"
	"\tor r0, r0\n"
	"\tor r0, r0\n"
	"2:\t.word 173\n" /* rt_sigreturn */
	"\t.balign 4\n");

static long sys6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r3 __asm__("r3") = nr;
	register long r4 __asm__("r4") = a1;
	register long r5 __asm__("r5") = a2;
	register long r6 __asm__("r6") = a3;
	register long r7 __asm__("r7") = a4;
	register long r0 __asm__("r0") = a5;
	register long r1 __asm__("r1") = a6;

	__asm__ __volatile__("trapa #0x16\n\tor r0, r0\n\tor r0, r0\n\tor r0, r0\n"
			     "\tor r0, r0\n\tor r0, r0"
			     : "+r"(r0)
			     : "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7), "r"(r1)
			     : "memory", "t");
	return r0;
}

#elif defined(__sparc__) && !defined(__arch64__)
enum {
	NR_read = 3,
	NR_write = 4,
	NR_open = 5,
	NR_close = 6,
	NR_lseek = 19,
	NR_sigaltstack = 28,
	NR_mmap = 56 /* mmap2 */,
	NR_munmap = 73,
	NR_rt_sigaction = 102,
	NR_ftruncate = 130,
	NR_getdents64 = 154,
	NR_exit_group = 188,
};
#define O_APPEND_CREAT (01 | 0x8 | 0x200)
#define O_RDWR_CREAT (02 | 0x200)
#define SA_FLAGS 0x1 /* ONSTACK; no SIGINFO: the classic frame (see above) */

/* The 64-byte window save area, then 24 bytes for a callee's outgoing arguments. */
__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"\tmov %g0, %fp\n"
	"\tsub %sp, 24, %sp\n"
	"\tld [%sp + 88], %o0\n"
	"\tadd %sp, 92, %o1\n"
	"\tcall mlx_start_c\n"
	"\tnop\n"
	"\tunimp 0\n"
	"mlx_restorer:\n"
	"\tmov 216, %g1\n" /* sigreturn */
	"\tta 0x10\n"
	"\tunimp 0\n");

static long sys6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long g1 __asm__("g1") = nr;
	register long o0 __asm__("o0") = a1;
	register long o1 __asm__("o1") = a2;
	register long o2 __asm__("o2") = a3;
	register long o3 __asm__("o3") = a4;
	register long o4 __asm__("o4") = a5;
	register long o5 __asm__("o5") = a6;

	__asm__ __volatile__("ta 0x10\n\tbcc 1f\n\tnop\n\tsub %%g0, %%o0, %%o0\n1:"
			     : "+r"(o0), "+r"(o1), "+r"(g1)
			     : "r"(o2), "r"(o3), "r"(o4), "r"(o5)
			     : "g2", "g3", "g4", "cc", "memory");
	return o0;
}

#else
#error "rt-nolibc.c: no system call interface for this CPU"
#endif

extern const char mlx_restorer[];

static long sys_error(long r)
{
	return (unsigned long)r >= -4095UL ? r : 0;
}

#define sys0(nr) sys6(nr, 0, 0, 0, 0, 0, 0)
#define sys1(nr, a) sys6(nr, (long)(a), 0, 0, 0, 0, 0)
#define sys2(nr, a, b) sys6(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(nr, a, b, c) sys6(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* --- string functions -------------------------------------------------------------- */

/*
 * These carry the C library's own names (memcpy, strlen, strcmp, ...) because this file
 * IS the C library of the freestanding executor: its code, and the code gcc emits for
 * struct copies and the like, calls them by those names, and nothing else defines them
 * there.  They are linked only into modlink-exec-CPU built with MLX_NOLIBC (local.mk).
 * modlink itself, the loader and the model never reach them: their memcpy is the host C
 * library's.  A reader or a tool that follows such a name from elsewhere in the tree and
 * lands here has found a namesake, not a dependency.
 */

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strcpy(char *dst, const char *src)
{
	char *d = dst;

	while ((*d++ = *src++) != '\0')
		;
	return dst;
}

char *strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = '\0';
	return dst;
}

char *strcat(char *dst, const char *src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

/* --- the system ------------------------------------------------------------------- */

int mlx_open(const char *path, int mode)
{
	long flags = mode == MLX_OPEN_APPEND ? O_APPEND_CREAT
		     : mode == MLX_OPEN_RDWR ? O_RDWR_CREAT
					     : 0;

	return (int)sys3(NR_open, path, flags, 0644);
}

long mlx_read(int fd, void *buf, size_t n)
{
	return sys3(NR_read, fd, buf, n);
}

long mlx_write(int fd, const void *buf, size_t n)
{
	return sys3(NR_write, fd, buf, n);
}

int mlx_close(int fd)
{
	return (int)sys1(NR_close, fd);
}

long mlx_fdsize(int fd)
{
	long end = sys3(NR_lseek, fd, 0, 2);
	long r;

	if (end < 0)
		return end;
	r = sys3(NR_lseek, fd, 0, 0);
	return r < 0 ? r : end;
}

int mlx_ftruncate(int fd, unsigned long len)
{
	return (int)sys2(NR_ftruncate, fd, len);
}

static long sys_mmap(unsigned long addr, unsigned long len, long prot, long flags, int fd)
{
	return sys6(NR_mmap, (long)addr, (long)len, prot, flags, fd, 0);
}

int mlx_map_fixed(unsigned long addr, unsigned long len, int fd)
{
	/* PROT_READ | PROT_WRITE | PROT_EXEC; MAP_FIXED_NOREPLACE with MAP_SHARED or
	 * MAP_PRIVATE | MAP_ANONYMOUS. */
	long flags = (fd < 0 ? 0x02 | 0x20 : 0x01) | 0x100000;
	long p = sys_mmap(addr, len, 1 | 2 | 4, flags, fd);

	if (sys_error(p))
		return (int)p;
	if ((unsigned long)p != addr) {
		/* Taken as a hint (a kernel before 4.17, or qemu-user 7): the range is in
		 * use. */
		sys2(NR_munmap, p, len);
		return -EEXIST;
	}
	return 0;
}

void *mlx_map_any(unsigned long len)
{
	long p = sys_mmap(0, len, 1 | 2, 0x02 | 0x20, -1);

	return sys_error(p) ? NULL : (void *)p;
}

void mlx_unmap(void *p, unsigned long len)
{
	sys2(NR_munmap, p, len);
}

int mlx_listdir(const char *path, int (*fn)(void *arg, const char *name), void *arg)
{
	/* struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name. */
	static char buf[4096] __attribute__((aligned(8)));
	int fd = mlx_open(path, MLX_OPEN_READ), ret = 0;

	if (fd < 0)
		return fd;
	while (ret == 0) {
		long n = sys3(NR_getdents64, fd, buf, sizeof(buf)), off = 0;

		if (n <= 0) {
			ret = (int)n;
			break;
		}
		while (off < n && ret == 0) {
			const char *name = buf + off + 19;
			unsigned short reclen;

			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			off += reclen;
			if (!strcmp(name, ".") || !strcmp(name, ".."))
				continue;
			ret = fn(arg, name);
		}
	}
	mlx_close(fd);
	return ret;
}

void mlx_exit(int status)
{
	for (;;)
		sys1(NR_exit_group, status);
}

const char *mlx_strerror(int err)
{
	static char unknown[32];

	switch (err) {
	case 1:
		return "Operation not permitted";
	case ENOENT:
		return "No such file or directory";
	case EIO:
		return "Input/output error";
	case EBADF:
		return "Bad file descriptor";
	case ENOMEM:
		return "Cannot allocate memory";
	case EACCES:
		return "Permission denied";
	case EFAULT:
		return "Bad address";
	case EBUSY:
		return "Device or resource busy";
	case EEXIST:
		return "File exists";
	case ENOTDIR:
		return "Not a directory";
	case EISDIR:
		return "Is a directory";
	case EINVAL:
		return "Invalid argument";
	case ENOSPC:
		return "No space left on device";
	}
	mlx_snprintf(unknown, sizeof(unknown), "Unknown error %d", err);
	return unknown;
}

/* The kernel's struct sigaction for rt_sigaction on these CPUs, and its stack_t. */
struct k_sigaction {
	void (*handler)(int, void *, void *);
	unsigned long flags;
	const void *restorer;
	uint32_t mask[2];
};

struct k_stack {
	void *sp;
	int flags;
	size_t size;
};

int mlx_catch_faults(void (*handler)(int sig, void *info, void *ctx), void *stack, size_t size)
{
	static const int sigs[] = { MLX_SIGSEGV, MLX_SIGBUS, MLX_SIGILL, MLX_SIGFPE };
	struct k_stack ss = { stack, 0, size };
	struct k_sigaction sa;
	size_t i;
	long r;

	r = sys2(NR_sigaltstack, &ss, 0);
	if (r < 0)
		return (int)r;
	memset(&sa, 0, sizeof(sa));
	sa.handler = handler;
	sa.flags = SA_FLAGS;
	sa.restorer = mlx_restorer;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
#if defined(__sparc__)
		r = sys6(NR_rt_sigaction, sigs[i], (long)&sa, 0, (long)mlx_restorer - 8,
			 sizeof(sa.mask), 0);
#else
		r = sys6(NR_rt_sigaction, sigs[i], (long)&sa, 0, sizeof(sa.mask), 0, 0);
#endif
		if (r < 0)
			return (int)r;
	}
	return 0;
}
