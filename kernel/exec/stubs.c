/*
 * kernel/exec/stubs.c -- the stub kernel that modules run against.
 *
 * Each function here stands for a 2.4 kernel export with the same name and C signature.
 * `modlink-exec ksyms` lists their addresses as /proc/ksyms lines; modlink relocates a
 * module against that list, so the module's calls land here and its data references
 * (jiffies) read the executor's variables.  They are ordinary C functions of the CPU's
 * ABI, which is the ABI module code calls with (printk is variadic there as here).
 *
 * The semantics are the 2.4 ones where a module could notice: printk formats like the
 * kernel's vsnprintf (fmt.c) into a 1 KiB buffer, kmalloc refuses more than 128 KiB,
 * register_chrdev hands out dynamic majors from the top down, misc_register dynamic
 * minors from 63 down.  All state a module leaves in the kernel (its kmalloc'd memory,
 * the character and misc device tables) lives in the kdata area (kdata.c), so that with
 * `call` a cleanup_module in one process finds what its init_module registered in
 * another.
 *
 * On x86 every entry point realigns the stack: i386 2.4 modules are built with
 * -mpreferred-stack-boundary=2 and may call in with a 4-byte aligned stack, while code
 * behind these stubs may assume the i386 psABI's 16 bytes (harmless on x86_64).
 */
#include "exec.h"

#if defined(__i386__) || defined(__x86_64__)
#define STUB __attribute__((force_align_arg_pointer))
#else
#define STUB
#endif

/* 2.4 printk formats into a 1 KiB buffer and truncates longer messages. */
#define PRINTK_BUF 1024
/* The largest kmalloc size in 2.4 (the biggest general cache). */
#define KMALLOC_MAX (128 * 1024)
/* 2.4 MAX_CHRDEV: majors 1..254 are usable, dynamic ones are searched from 254 down. */
#define MAX_CHRDEV 255
/* 2.4 drivers/char/misc.c: dynamic minors are 63..0; 255 asks for one. */
#define DYNAMIC_MINORS 64
#define MISC_DYNAMIC_MINOR 255

/* 2.4 struct miscdevice, as a module declares it. */
struct mlx_miscdevice {
	int minor;
	unsigned long name;
	unsigned long fops;
	struct mlx_miscdevice *next, *prev;
	unsigned long devfs_handle;
};

/* The stubs' part of the kdata area. */
struct mlx_kstate {
	struct {
		unsigned long name;
		unsigned long fops;
	} chrdevs[MAX_CHRDEV];
	unsigned char misc_minors[DYNAMIC_MINORS / 8];
	struct mlx_miscdevice misc_list; /* the list head; next == 0 until first used */
};

/* kdata.c keeps it between kdata + 256 and the heap at kdata + 64 KiB. */
_Static_assert(sizeof(struct mlx_kstate) < 65536 - 256, "kdata: stub state too big");

int mlx_printk_fd = -1;

/* A fixed value, so that modules printing jiffies give reproducible output. */
static volatile unsigned long stub_jiffies = 100000;

/* `run`: whether the next printk character starts a line (the only place for a level). */
static int printk_line_start = 1;

STUB static int stub_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
STUB static int stub_sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
STUB static int stub_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct mlx_kstate *kstate(void)
{
	return mlx_kdata_state();
}

STUB static int stub_printk(const char *fmt, ...)
{
	char buf[PRINTK_BUF];
	const char *p, *end;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = mlx_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		return 0;
	end = buf + (len < (int)sizeof(buf) ? len : (int)sizeof(buf) - 1);

	if (mlx_printk_fd >= 0) {
		mlx_puts(mlx_printk_fd, buf, (size_t)(end - buf));
		return len;
	}
	for (p = buf; p < end;) {
		const char *nl;

		if (printk_line_start && end - p >= 3 && p[0] == '<' && p[1] >= '0' &&
		    p[1] <= '7' && p[2] == '>')
			p += 3;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			mlx_puts(1, p, (size_t)(end - p));
			printk_line_start = 0;
			break;
		}
		mlx_puts(1, p, (size_t)(nl + 1 - p));
		printk_line_start = 1;
		p = nl + 1;
	}
	return len;
}

STUB static int stub_sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = mlx_vsnprintf(buf, (size_t)-1 >> 1, fmt, ap);
	va_end(ap);
	return len;
}

STUB static int stub_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = mlx_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return len;
}

STUB static unsigned long stub_simple_strtoul(const char *cp, char **endp, unsigned int base)
{
	return mlx_strtoul(cp, endp, base);
}

STUB static long stub_simple_strtol(const char *cp, char **endp, unsigned int base)
{
	if (*cp == '-')
		return -(long)mlx_strtoul(cp + 1, endp, base);
	return (long)mlx_strtoul(cp, endp, base);
}

STUB static void *stub_kmalloc(size_t size, int flags)
{
	(void)flags;
	if (size > KMALLOC_MAX)
		return NULL;
	return mlx_kdata_alloc(size ? size : 1);
}

STUB static void stub_kfree(const void *p)
{
	if (p && mlx_kdata_free(p) < 0)
		stub_printk("<3>kfree: bad pointer %p\n", p);
}

STUB static void *stub_vmalloc(unsigned long size)
{
	if (!size)
		return NULL;
	return mlx_kdata_alloc(size);
}

STUB static void stub_vfree(void *p)
{
	if (p && mlx_kdata_free(p) < 0)
		stub_printk("<3>Trying to vfree() bad address (%p)\n", p);
}

STUB static int stub_register_chrdev(unsigned int major, const char *name, const void *fops)
{
	struct mlx_kstate *k = kstate();

	if (major == 0) {
		for (major = MAX_CHRDEV - 1; major > 0; major--) {
			if (!k->chrdevs[major].fops) {
				k->chrdevs[major].name = (unsigned long)name;
				k->chrdevs[major].fops = (unsigned long)fops;
				return (int)major;
			}
		}
		return -EBUSY;
	}
	if (major >= MAX_CHRDEV)
		return -EINVAL;
	if (k->chrdevs[major].fops && k->chrdevs[major].fops != (unsigned long)fops)
		return -EBUSY;
	k->chrdevs[major].name = (unsigned long)name;
	k->chrdevs[major].fops = (unsigned long)fops;
	return 0;
}

STUB static int stub_unregister_chrdev(unsigned int major, const char *name)
{
	struct mlx_kstate *k = kstate();

	if (major >= MAX_CHRDEV)
		return -EINVAL;
	if (!k->chrdevs[major].fops || strcmp((const char *)k->chrdevs[major].name, name) != 0)
		return -EINVAL;
	k->chrdevs[major].name = 0;
	k->chrdevs[major].fops = 0;
	return 0;
}

static struct mlx_miscdevice *misc_head(void)
{
	struct mlx_kstate *k = kstate();

	if (!k->misc_list.next) {
		k->misc_list.minor = 0;
		k->misc_list.next = &k->misc_list;
		k->misc_list.prev = &k->misc_list;
	}
	return &k->misc_list;
}

STUB static int stub_misc_register(struct mlx_miscdevice *misc)
{
	struct mlx_miscdevice *head = misc_head(), *c;
	unsigned char *minors = kstate()->misc_minors;

	for (c = head->next; c != head; c = c->next)
		if (c->minor == misc->minor)
			return -EBUSY;
	if (misc->minor == MISC_DYNAMIC_MINOR) {
		int i;

		for (i = DYNAMIC_MINORS - 1; i >= 0; i--)
			if (!(minors[i >> 3] & (1 << (i & 7))))
				break;
		if (i < 0)
			return -EBUSY;
		misc->minor = i;
	}
	if (misc->minor >= 0 && misc->minor < DYNAMIC_MINORS)
		minors[misc->minor >> 3] |= (unsigned char)(1 << (misc->minor & 7));
	misc->next = head->next;
	misc->prev = head;
	head->next->prev = misc;
	head->next = misc;
	return 0;
}

STUB static int stub_misc_deregister(struct mlx_miscdevice *misc)
{
	unsigned char *minors = kstate()->misc_minors;
	int i = misc->minor;

	misc_head();
	if (!misc->next)
		return -EINVAL;
	misc->prev->next = misc->next;
	misc->next->prev = misc->prev;
	misc->next = NULL;
	misc->prev = NULL;
	if (i > 0 && i < DYNAMIC_MINORS)
		minors[i >> 3] &= (unsigned char)~(1 << (i & 7));
	return 0;
}

STUB static void *stub_memset(void *s, int c, size_t n)
{
	return memset(s, c, n);
}

STUB static void *stub_memcpy(void *dst, const void *src, size_t n)
{
	return memcpy(dst, src, n);
}

STUB static void *stub_memmove(void *dst, const void *src, size_t n)
{
	return memmove(dst, src, n);
}

STUB static int stub_memcmp(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n);
}

STUB static size_t stub_strlen(const char *s)
{
	return strlen(s);
}

STUB static int stub_strcmp(const char *a, const char *b)
{
	return strcmp(a, b);
}

STUB static int stub_strncmp(const char *a, const char *b, size_t n)
{
	return strncmp(a, b, n);
}

STUB static char *stub_strcpy(char *dst, const char *src)
{
	return strcpy(dst, src);
}

STUB static char *stub_strncpy(char *dst, const char *src, size_t n)
{
	return strncpy(dst, src, n);
}

STUB static char *stub_strcat(char *dst, const char *src)
{
	return strcat(dst, src);
}

#define KSYM(sym)                                \
	{                                        \
#sym, (unsigned long)&stub_##sym \
	}

/* In name order, which is also the order `ksyms` prints them in. */
const struct mlx_ksym mlx_ksyms[] = {
	KSYM(jiffies),         KSYM(kfree),
	KSYM(kmalloc),         KSYM(memcmp),
	KSYM(memcpy),          KSYM(memmove),
	KSYM(memset),          KSYM(misc_deregister),
	KSYM(misc_register),   KSYM(printk),
	KSYM(register_chrdev), KSYM(simple_strtol),
	KSYM(simple_strtoul),  KSYM(snprintf),
	KSYM(sprintf),         KSYM(strcat),
	KSYM(strcmp),          KSYM(strcpy),
	KSYM(strlen),          KSYM(strncmp),
	KSYM(strncpy),         KSYM(unregister_chrdev),
	KSYM(vfree),           KSYM(vmalloc),
};

const unsigned long mlx_nksyms = sizeof(mlx_ksyms) / sizeof(mlx_ksyms[0]);
