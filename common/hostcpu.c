// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whether this host runs 32-bit x86 programs itself.
 *
 * modlink runs i386 programs in three places: the executor of an i386 model
 * kernel (modlink-exec-i386, tools/kernelctl.c), and the traced command of
 * k24emu (kernel/emu/).  An x86_64 kernel runs them natively only with its
 * IA-32 emulation: kernels built without it, or booted with
 * ia32_emulation=0 (many VM and container hosts), refuse the program with
 * ENOEXEC, and binfmt_misc, which could hand it to qemu-i386, is often not
 * mounted there either.  Such hosts run the program under qemu-i386, as they
 * run the other CPUs' executors.
 *
 * The test is the real thing, once per process: a 93-byte static i386
 * program that only makes the exit(0) system call through int 0x80, built
 * here in a memfd and started with fexecve().  It exits 0 only where the
 * kernel both loads 32-bit programs and serves their system calls.
 * MODLINK_NO_NATIVE_I386=1 answers "no" without trying, so that a host that
 * can run them still tests the qemu-i386 path.  An i386 build of modlink
 * (the retro binaries) runs on an i386 kernel, which needs no test.
 */
#include "common/common.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

bool ml_no_native_i386_forced(void)
{
	const char *v = getenv("MODLINK_NO_NATIVE_I386");

	return v && !strcmp(v, "1");
}

#if defined(__i386__)

bool ml_host_runs_i386(void)
{
	return !ml_no_native_i386_forced();
}

#else

/* exit(0): mov $1, %eax; xor %ebx, %ebx; int $0x80 */
static const unsigned char exit0[] = { 0xb8, 0x01, 0x00, 0x00, 0x00, 0x31, 0xdb, 0xcd, 0x80 };

#define PROBE_VADDR 0x08048000u

/* The probe program; 1 if it ran and exited 0, 0 if not, -1 if it could not be tried. */
static int try_i386(void)
{
	struct {
		Elf32_Ehdr e;
		Elf32_Phdr p;
		unsigned char code[sizeof(exit0)];
	} __attribute__((packed)) img;
	char *const argv[] = { "modlink-i386-probe", NULL };
	char *const envp[] = { NULL };
	int fd, st;
	pid_t pid;

	memset(&img, 0, sizeof(img));
	memcpy(img.e.e_ident, ELFMAG, SELFMAG);
	img.e.e_ident[EI_CLASS] = ELFCLASS32;
	img.e.e_ident[EI_DATA] = ELFDATA2LSB;
	img.e.e_ident[EI_VERSION] = EV_CURRENT;
	img.e.e_type = ET_EXEC;
	img.e.e_machine = EM_386;
	img.e.e_version = EV_CURRENT;
	img.e.e_entry = PROBE_VADDR + (Elf32_Addr)offsetof(__typeof__(img), code);
	img.e.e_phoff = sizeof(img.e);
	img.e.e_ehsize = sizeof(img.e);
	img.e.e_phentsize = sizeof(img.p);
	img.e.e_phnum = 1;
	img.p.p_type = PT_LOAD;
	img.p.p_vaddr = img.p.p_paddr = PROBE_VADDR;
	img.p.p_filesz = img.p.p_memsz = sizeof(img);
	img.p.p_flags = PF_R | PF_X;
	img.p.p_align = 0x1000;
	memcpy(img.code, exit0, sizeof(exit0));

	fd = memfd_create("modlink-i386-probe", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, &img, sizeof(img)) != (ssize_t)sizeof(img)) {
		close(fd);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		fexecve(fd, argv, envp);
		_exit(127);
	}
	close(fd);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

bool ml_host_runs_i386(void)
{
	static int known = -1;

	if (ml_no_native_i386_forced())
		return false;
	if (known < 0) {
		int r = try_i386();

		/* not tried (no memfd): assume the traditional x86 host */
		known = r != 0;
	}
	return known;
}

#endif
