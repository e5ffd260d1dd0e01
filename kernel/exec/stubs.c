/*
 * kernel/exec/stubs.c -- the stub kernel that modules run against.
 *
 * Each function here stands for a 2.4 kernel export with the same name and C signature.
 * `modlink-exec ksyms` lists their addresses as /proc/ksyms lines; modlink relocates a
 * module against that list, so the module's calls land here and its data references
 * (jiffies) read the executor's variables.
 *
 * Module code was not compiled for this process's conventions, so every entry point
 * realigns the stack: i386 2.4 modules are built with -mpreferred-stack-boundary=2 and
 * may call in with a 4-byte aligned stack, while the C library behind these stubs assumes
 * the i386 psABI's 16 bytes.  (force_align_arg_pointer is harmless on x86_64, where
 * modules keep 16 bytes.)
 *
 * The semantics are the 2.4 ones where a module could notice: printk strips the "<N>" log
 * level at the start of each line, kmalloc refuses more than 128 KiB, register_chrdev
 * hands out dynamic majors from the top down.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE, REG_RIP/REG_EIP, strndup */
#endif
#include "exec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STUB __attribute__((force_align_arg_pointer))

/* 2.4 printk formats into a 1 KiB buffer and truncates longer messages. */
#define PRINTK_BUF 1024
/* The largest kmalloc size in 2.4 (the biggest general cache). */
#define KMALLOC_MAX (128 * 1024)
/* 2.4 MAX_CHRDEV: majors 1..254 are usable, dynamic ones are searched from 254 down. */
#define MAX_CHRDEV 255

/* A fixed value, so that modules printing jiffies give reproducible output. */
static volatile unsigned long stub_jiffies = 100000;

/* Whether the next printk character starts a line (the only place for a log level). */
static int printk_line_start = 1;

STUB static int stub_printk(const char *fmt, ...)
{
	char buf[PRINTK_BUF];
	const char *p, *end;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		return 0;
	end = buf + (len < (int)sizeof(buf) ? len : (int)sizeof(buf) - 1);

	for (p = buf; p < end;) {
		const char *nl;

		if (printk_line_start && end - p >= 3 && p[0] == '<' && p[1] >= '0' &&
		    p[1] <= '7' && p[2] == '>')
			p += 3;
		nl = memchr(p, '\n', end - p);
		if (!nl) {
			fwrite(p, 1, end - p, stdout);
			printk_line_start = 0;
			break;
		}
		fwrite(p, 1, nl + 1 - p, stdout);
		printk_line_start = 1;
		p = nl + 1;
	}
	/* Flush at once: a fault may end the process before stdio would. */
	fflush(stdout);
	return len;
}

STUB static int stub_sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsprintf(buf, fmt, ap);
	va_end(ap);
	return len;
}

STUB static int stub_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return len;
}

STUB static unsigned long stub_simple_strtoul(const char *cp, char **endp,
					       unsigned int base)
{
	return strtoul(cp, endp, (int)base);
}

STUB static long stub_simple_strtol(const char *cp, char **endp, unsigned int base)
{
	return strtol(cp, endp, (int)base);
}

STUB static void *stub_kmalloc(size_t size, int flags)
{
	(void)flags;
	if (size > KMALLOC_MAX)
		return NULL;
	return malloc(size ? size : 1);
}

STUB static void stub_kfree(const void *p)
{
	free((void *)p);
}

STUB static void *stub_vmalloc(unsigned long size)
{
	if (!size)
		return NULL;
	return malloc(size);
}

STUB static void stub_vfree(void *p)
{
	free(p);
}

static struct {
	const char *name;
	const void *fops;
} chrdevs[MAX_CHRDEV];

STUB static int stub_register_chrdev(unsigned int major, const char *name,
				     const void *fops)
{
	if (major == 0) {
		for (major = MAX_CHRDEV - 1; major > 0; major--) {
			if (!chrdevs[major].fops) {
				chrdevs[major].name = name;
				chrdevs[major].fops = fops;
				return (int)major;
			}
		}
		return -EBUSY;
	}
	if (major >= MAX_CHRDEV)
		return -EINVAL;
	if (chrdevs[major].fops && chrdevs[major].fops != fops)
		return -EBUSY;
	chrdevs[major].name = name;
	chrdevs[major].fops = fops;
	return 0;
}

STUB static int stub_unregister_chrdev(unsigned int major, const char *name)
{
	if (major >= MAX_CHRDEV)
		return -EINVAL;
	if (!chrdevs[major].fops || strcmp(chrdevs[major].name, name) != 0)
		return -EINVAL;
	chrdevs[major].name = NULL;
	chrdevs[major].fops = NULL;
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

#define KSYM(sym) { #sym, (unsigned long)&stub_##sym }

/* In name order, which is also the order `ksyms` prints them in. */
const struct mlx_ksym mlx_ksyms[] = {
	KSYM(jiffies),
	KSYM(kfree),
	KSYM(kmalloc),
	KSYM(memcmp),
	KSYM(memcpy),
	KSYM(memmove),
	KSYM(memset),
	KSYM(printk),
	KSYM(register_chrdev),
	KSYM(simple_strtol),
	KSYM(simple_strtoul),
	KSYM(snprintf),
	KSYM(sprintf),
	KSYM(strcat),
	KSYM(strcmp),
	KSYM(strcpy),
	KSYM(strlen),
	KSYM(strncmp),
	KSYM(strncpy),
	KSYM(unregister_chrdev),
	KSYM(vfree),
	KSYM(vmalloc),
};

const size_t mlx_nksyms = sizeof(mlx_ksyms) / sizeof(mlx_ksyms[0]);
