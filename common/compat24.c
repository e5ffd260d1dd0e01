// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The compatibility layer of the retro build: scripts/retro.sh compiles this file
 * into the static binaries for 2.2/2.4 systems (docs/retro.md); the normal build does
 * not use it.
 *
 * Error texts.  modutils printed strerror()'s words in its messages ("rmmod: exporter:
 * Device or resource busy"), and the scripts of a 2.4 system match them: they are part
 * of the interface.  Those systems ran glibc, and so does the normal build; the retro
 * build runs on musl, which words some errors differently ("Resource busy", "Out of
 * memory", "I/O error").  The static binaries are linked with
 * -Wl,--wrap=strerror, so every call of strerror, ours and the C library's own (perror,
 * printf's %m), comes here: the errors a module tool meets (files, memory, the module
 * system calls, the model's locks) get glibc's words, every other one musl's.
 *
 * System calls.  Nothing is needed here so far: from each post-2.4 system call the
 * binaries make, musl falls back by itself when a 2.4 kernel answers ENOSYS
 * (tests/retro/fallbacks-i386.txt lists them; tests/retro/retro.sh checks it).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

char *__real_strerror(int err);
char *__wrap_strerror(int err);

/* glibc's words where musl 1.2.3's differ. */
static const struct {
	int err;
	const char *text;
} glibc_words[] = {
	{ EIO, "Input/output error" },
	{ ECHILD, "No child processes" },
	{ ENOMEM, "Cannot allocate memory" },
	{ EBUSY, "Device or resource busy" },
	{ EXDEV, "Invalid cross-device link" },
	{ EMFILE, "Too many open files" },
	{ ENOTTY, "Inappropriate ioctl for device" },
	{ ESPIPE, "Illegal seek" },
	{ EDOM, "Numerical argument out of domain" },
	{ ERANGE, "Numerical result out of range" },
	{ EDEADLK, "Resource deadlock avoided" },
	{ ENAMETOOLONG, "File name too long" },
	{ ELOOP, "Too many levels of symbolic links" },
	{ ETIME, "Timer expired" },
	{ EOVERFLOW, "Value too large for defined data type" },
	{ EILSEQ, "Invalid or incomplete multibyte or wide character" },
	{ EOPNOTSUPP, "Operation not supported" },
	{ ETIMEDOUT, "Connection timed out" },
	{ EUCLEAN, "Structure needs cleaning" },
	{ EDQUOT, "Disk quota exceeded" },
};

char *__wrap_strerror(int err)
{
	for (size_t i = 0; i < sizeof(glibc_words) / sizeof(glibc_words[0]); i++)
		if (glibc_words[i].err == err)
			return (char *)glibc_words[i].text;
	return __real_strerror(err);
}
