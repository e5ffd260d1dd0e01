// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The system calls k24emu looks at, by their numbers in each ABI: the 2.4
 * module calls (x86_64 create_module 174 to query_module 178; i386
 * create_module 127, init_module 128, delete_module 129, get_kernel_syms
 * 130, query_module 167), the calls that take a path (a /proc file may be
 * shown instead), uname, close (after which a tainted file is read), and
 * on x86_64 execve and write (qemu-i386, qemu.c).
 */
#include "kernel/emu/emu-int.h"

#include <string.h>

#if defined(__x86_64__)

#define MOD(n, c, s)                \
	{                           \
		n, c, s, -1, F_NONE \
	}
#define PATH(n, s, p, f)           \
	{                          \
		n, C_PATH, s, p, f \
	}

static const struct sysent calls_x86_64[] = {
	MOD(174, C_CREATE, "create_module"), MOD(175, C_INIT, "init_module"),
	MOD(176, C_DELETE, "delete_module"), MOD(177, C_GKS, "get_kernel_syms"),
	MOD(178, C_QUERY, "query_module"),   PATH(2, "open", 0, 1),
	PATH(4, "stat", 0, F_NONE),          PATH(6, "lstat", 0, F_NONE),
	PATH(21, "access", 0, F_NONE),       PATH(85, "creat", 0, F_CREAT),
	PATH(257, "openat", 1, 2),           PATH(262, "newfstatat", 1, F_NONE),
	PATH(269, "faccessat", 1, F_NONE),   PATH(332, "statx", 1, F_NONE),
	PATH(437, "openat2", 1, F_HOW),      PATH(439, "faccessat2", 1, F_NONE),
	MOD(63, C_UNAME, "uname"),           MOD(3, C_CLOSE, "close"),
	MOD(59, C_EXEC, "execve"),           MOD(1, C_WRITE, "write"),
};

static const struct sysent calls_i386[] = {
	MOD(127, C_CREATE, "create_module"),
	MOD(128, C_INIT, "init_module"),
	MOD(129, C_DELETE, "delete_module"),
	MOD(130, C_GKS, "get_kernel_syms"),
	MOD(167, C_QUERY, "query_module"),
	PATH(5, "open", 0, 1),
	PATH(8, "creat", 0, F_CREAT),
	PATH(33, "access", 0, F_NONE),
	PATH(106, "stat", 0, F_NONE),
	PATH(107, "lstat", 0, F_NONE),
	PATH(195, "stat64", 0, F_NONE),
	PATH(196, "lstat64", 0, F_NONE),
	PATH(295, "openat", 1, 2),
	PATH(300, "fstatat64", 1, F_NONE),
	PATH(307, "faccessat", 1, F_NONE),
	PATH(383, "statx", 1, F_NONE),
	PATH(437, "openat2", 1, F_HOW),
	PATH(439, "faccessat2", 1, F_NONE),
	MOD(122, C_UNAME, "newuname"),
	MOD(109, C_UNAME, "olduname"),
	MOD(6, C_CLOSE, "close"),
};

const struct sysent *emu_lookup(enum abi abi, uint64_t nr)
{
	const struct sysent *v = abi == ABI_I386 ? calls_i386 : calls_x86_64;
	size_t n = abi == ABI_I386 ? ML_ARRAY_SIZE(calls_i386) : ML_ARRAY_SIZE(calls_x86_64);

	for (size_t i = 0; i < n; i++)
		if ((uint64_t)v[i].nr == nr)
			return &v[i];
	return NULL;
}

const struct sysent *emu_lookup_logged(const char *p, size_t *len)
{
	for (size_t i = 0; i < ML_ARRAY_SIZE(calls_i386); i++) {
		*len = strlen(calls_i386[i].name);
		if (calls_i386[i].c <= C_QUERY && !strncmp(p, calls_i386[i].name, *len) &&
		    p[*len] == '(')
			return &calls_i386[i];
	}
	return NULL;
}

#endif
