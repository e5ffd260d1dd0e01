# tests/e2e/k24emu/local.mk -- k24emu's end-to-end test and its probe program (included from
# the top Makefile.am; paths are relative to the top of the tree).
#
# The probe makes the 2.4 module system calls with syscall(): once 64-bit (the host
# compiler) and once 32-bit (static, $(CC_I386)), so that both system call ABIs reach
# k24emu.  Neither gets AM_CFLAGS/AM_LDFLAGS: it runs under ptrace, where LeakSanitizer
# cannot stop the world, and it hands the kernel bad pointers on purpose.

PROBE_CC_FLAGS = -std=gnu11 -O2 $(WARN_CFLAGS)

check_PROGRAMS += tests/e2e/k24emu/probe-x86_64
tests_e2e_k24emu_probe_x86_64_SOURCES = tests/e2e/k24emu/probe.c
tests_e2e_k24emu_probe_x86_64_CFLAGS = $(PROBE_CC_FLAGS)
tests_e2e_k24emu_probe_x86_64_LDFLAGS =

if HAVE_CC_I386
check_DATA += tests/e2e/k24emu/probe-i386
endif
CLEANFILES += tests/e2e/k24emu/probe-i386

tests/e2e/k24emu/probe-i386: tests/e2e/k24emu/probe.c
	$(AM_V_CCLD)$(MKDIR_P) $(@D) && \
	$(CC_I386) $(PROBE_CC_FLAGS) -static -o $@ $(srcdir)/tests/e2e/k24emu/probe.c

TESTS += tests/e2e/k24emu.sh
EXTRA_DIST += tests/e2e/k24emu.sh
