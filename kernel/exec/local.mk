# kernel/exec/local.mk -- modlink-exec, the executor that runs relocated modules (included
# from the top Makefile.am; paths are relative to the top of the tree).
#
# Built once per CPU whose modules it runs, always static and not position independent: the
# stub kernel's addresses must be the same in every run (and, on x86_64, lie in the low
# 2 GiB, where the kernel code model's 32-bit relocations reach them).
#  - tests/modlink-exec-x86_64: the host compiler (the tests run on an x86_64 host);
#  - tests/modlink-exec-x86_64-nolibc: the same without the C library (rt-nolibc.c), so that
#    the freestanding runtime the SH and SPARC executors use is tested natively;
#  - tests/modlink-exec-i386: $(CC_I386), when configure found one; it runs natively on an
#    x86_64 kernel;
#  - tests/modlink-exec-VARIANT for the CPUs that run under qemu-user, with Debian's cross
#    compilers (EXEC_CC_VARIANT; override on the make command line).  A missing compiler is
#    not an error: the executor is not built and the tests skip that CPU.  With glibc
#    (rt-libc.c) where a static glibc program runs under qemu-user, else freestanding
#    (rt-nolibc.c): see kernel/exec/rt.h for which and why.
# None gets AM_CFLAGS/AM_LDFLAGS: sanitizers cannot link statically, and the executor runs
# module code that no sanitizer knows about.
#
# With --enable-executors (configure.ac; the default on x86_64 hosts) make builds them all and
# make install puts every one that was built into pkglibexecdir as modlink-exec-CPU, where
# `modlink kernel create` finds them (tools/kernelctl.c).  They are installed as they are,
# never stripped: the host's strip does not know the other CPUs' objects.  The nolibc variant
# is a test of the runtime, not an executor of its own CPU, and stays in the build tree.

EXEC_SRCS = \
	kernel/exec/exec.h \
	kernel/exec/rt.h \
	kernel/exec/exec.c \
	kernel/exec/fault.c \
	kernel/exec/fmt.c \
	kernel/exec/image.c \
	kernel/exec/kdata.c \
	kernel/exec/stubs.c
EXEC_RT_LIBC = kernel/exec/rt-libc.c
EXEC_RT_NOLIBC = kernel/exec/rt-nolibc.c
EXTRA_DIST += $(EXEC_RT_NOLIBC)

EXEC_CC_FLAGS = -std=c11 -O2 $(WARN_CFLAGS) -fno-pie
EXEC_LD_FLAGS = -static -no-pie
# Freestanding: no C library, no libgcc (Debian has none for 32-bit SPARC or big-endian
# SH), and no calls gcc would invent to memcpy/memset inside memcpy/memset.
EXEC_NOLIBC_FLAGS = -DMLX_NOLIBC -ffreestanding -nostdlib -fno-stack-protector \
	-fno-tree-loop-distribute-patterns

check_PROGRAMS += tests/modlink-exec-x86_64
tests_modlink_exec_x86_64_SOURCES = $(EXEC_SRCS) $(EXEC_RT_LIBC)
tests_modlink_exec_x86_64_CFLAGS = $(EXEC_CC_FLAGS)
tests_modlink_exec_x86_64_LDFLAGS = $(EXEC_LD_FLAGS)

check_DATA += tests/modlink-exec-x86_64-nolibc
CLEANFILES += tests/modlink-exec-x86_64-nolibc
tests/modlink-exec-x86_64-nolibc: $(EXEC_SRCS) $(EXEC_RT_NOLIBC)
	$(AM_V_CCLD)$(MKDIR_P) $(@D) && \
	$(CC) $(EXEC_CC_FLAGS) $(EXEC_NOLIBC_FLAGS) $(EXEC_LD_FLAGS) -o $@ $(filter %.c,$^)

if HAVE_CC_I386
check_DATA += tests/modlink-exec-i386
endif
CLEANFILES += tests/modlink-exec-i386

tests/modlink-exec-i386: $(EXEC_SRCS) $(EXEC_RT_LIBC)
	$(AM_V_CCLD)$(MKDIR_P) $(@D) && \
	$(CC_I386) $(EXEC_CC_FLAGS) $(EXEC_LD_FLAGS) -o $@ $(filter %.c,$^)

# The qemu-user CPUs: compiler, CPU flags, runtime.  arm-longcalls modules run in the arm
# executor.  SH is compiled without optimisation: gcc 12's SH back end (sh_treg_combine /
# sh_optimize_sett_clrt) deletes T-bit compares that later branches still need (seen in
# fmt.c's number(), `if (sign)`), which no -fno- option turns off; -O0 also means gcc
# emits __udivsi3 calls for any division, so the executor's code never divides (fmt.c's
# mlx_udiv).  Big-endian SH links with the little-endian emulation and -EB: Debian's SH
# binutils has no big-endian emulation, which is what gcc -mb asks ld for.
EXEC_CROSS = arm mips mipsel ppc m68k sh4 sh4eb sparc
EXEC_CC_arm = arm-linux-gnueabi-gcc
EXEC_CPU_arm = -marm
EXEC_RT_arm = LIBC
EXEC_CC_mips = mips-linux-gnu-gcc
EXEC_RT_mips = LIBC
EXEC_CC_mipsel = mipsel-linux-gnu-gcc
EXEC_RT_mipsel = LIBC
EXEC_CC_ppc = powerpc-linux-gnu-gcc
EXEC_RT_ppc = LIBC
EXEC_CC_m68k = m68k-linux-gnu-gcc
EXEC_RT_m68k = LIBC
EXEC_CC_sh4 = sh4-linux-gnu-gcc
EXEC_CPU_sh4 = -ml -O0
EXEC_RT_sh4 = NOLIBC
EXEC_CC_sh4eb = sh4-linux-gnu-gcc
EXEC_CPU_sh4eb = -mb -O0 -Wl,-m,shlelf_linux -Wl,-EB
EXEC_RT_sh4eb = NOLIBC
EXEC_CC_sparc = sparc64-linux-gnu-gcc
EXEC_CPU_sparc = -m32 -mcpu=v8
EXEC_RT_sparc = NOLIBC
EXEC_FLAGS_LIBC =
EXEC_FLAGS_NOLIBC = $(EXEC_NOLIBC_FLAGS)
EXEC_DROP_LIBC = %/rt-nolibc.c
EXEC_DROP_NOLIBC = %/rt-libc.c

EXEC_CROSS_BINS = $(EXEC_CROSS:%=tests/modlink-exec-%)
check_DATA += $(EXEC_CROSS_BINS)
CLEANFILES += $(EXEC_CROSS_BINS)

$(EXEC_CROSS_BINS): tests/modlink-exec-%: $(EXEC_SRCS) $(EXEC_RT_LIBC) $(EXEC_RT_NOLIBC)
	@$(MKDIR_P) $(@D)
	$(AM_V_CCLD)if command -v $(EXEC_CC_$*) >/dev/null 2>&1; then \
		$(EXEC_CC_$*) $(EXEC_CC_FLAGS) $(EXEC_FLAGS_$(EXEC_RT_$*)) $(EXEC_CPU_$*) \
			$(EXEC_LD_FLAGS) -o $@ \
			$(filter-out $(EXEC_DROP_$(EXEC_RT_$*)),$(filter %.c,$^)); \
	else \
		echo "  SKIP     $@: $(EXEC_CC_$*) is not installed"; rm -f $@; \
	fi

# Build and install.  The cross executors' rule leaves no file when the compiler is missing,
# so only what exists is installed; uninstall removes every name it could have installed.
EXEC_INSTALL_CPUS = x86_64 i386 $(EXEC_CROSS)
if INSTALL_EXECUTORS
EXEC_ALL = tests/modlink-exec-x86_64$(EXEEXT) $(EXEC_CROSS_BINS)
if HAVE_CC_I386
EXEC_ALL += tests/modlink-exec-i386
endif
all-local: $(EXEC_ALL)
install-exec-local: $(EXEC_ALL)
	@$(NORMAL_INSTALL)
	$(MKDIR_P) '$(DESTDIR)$(pkglibexecdir)'
	@for c in $(EXEC_INSTALL_CPUS); do \
		f=tests/modlink-exec-$$c; \
		test -f $$f || continue; \
		echo " $(INSTALL) -m 755 $$f '$(DESTDIR)$(pkglibexecdir)/modlink-exec-$$c'"; \
		$(INSTALL) -m 755 $$f '$(DESTDIR)$(pkglibexecdir)/modlink-exec-'$$c || exit 1; \
	done
uninstall-local:
	@$(NORMAL_UNINSTALL)
	for c in $(EXEC_INSTALL_CPUS); do \
		rm -f '$(DESTDIR)$(pkglibexecdir)/modlink-exec-'$$c; \
	done
	rmdir '$(DESTDIR)$(pkglibexecdir)' 2>/dev/null || :
endif
