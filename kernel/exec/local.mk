# kernel/exec/local.mk -- modlink-exec, the executor that runs relocated modules (included
# from the top Makefile.am; paths are relative to the top of the tree).
#
# Built once per CPU whose modules it runs, always static and not position independent: the
# stub kernel's addresses must be the same in every run and lie in the low 2 GiB, where the
# x86_64 kernel code model's 32-bit relocations reach them.
#  - tests/modlink-exec-x86_64: the host compiler (the tests run on an x86_64 host);
#  - tests/modlink-exec-i386: $(CC_I386), when configure found one; it runs natively on an
#    x86_64 kernel.
# Neither gets AM_CFLAGS/AM_LDFLAGS: sanitizers cannot link statically, and the executor runs
# module code that no sanitizer knows about.

EXEC_SRCS = \
	kernel/exec/exec.h \
	kernel/exec/exec.c \
	kernel/exec/fault.c \
	kernel/exec/image.c \
	kernel/exec/stubs.c
EXEC_CC_FLAGS = -std=c11 -O2 $(WARN_CFLAGS) -fno-pie
EXEC_LD_FLAGS = -static -no-pie

check_PROGRAMS += tests/modlink-exec-x86_64
tests_modlink_exec_x86_64_SOURCES = $(EXEC_SRCS)
tests_modlink_exec_x86_64_CFLAGS = $(EXEC_CC_FLAGS)
tests_modlink_exec_x86_64_LDFLAGS = $(EXEC_LD_FLAGS)

if HAVE_CC_I386
check_DATA += tests/modlink-exec-i386
endif
CLEANFILES += tests/modlink-exec-i386

tests/modlink-exec-i386: $(EXEC_SRCS)
	$(AM_V_CCLD)$(MKDIR_P) $(@D) && \
	$(CC_I386) $(EXEC_CC_FLAGS) $(EXEC_LD_FLAGS) -o $@ $(filter %.c,$^)
