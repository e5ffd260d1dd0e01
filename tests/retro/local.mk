# tests/retro/local.mk -- static modlink binaries for 2.2/2.4 systems, and the test that
# runs them as a 2.4 kernel would (docs/retro.md).  Included from the top Makefile.am;
# paths are relative to the top of the tree.
#
#  make retro        scripts/retro.sh: static i386 (and armel, mipsel) binaries against
#                    musl, in retro/ of the build directory; needs Debian's archive.
#                    RETRO_ARCH=i386 (or i386,armel,...) picks the CPUs.
#  make check-retro  make retro, then the retro test alone.
#
# In a plain make check the retro test skips (77) unless make retro ran in this build
# directory.  seccomp-24, its launcher, gets neither sanitizers (it runs under ptrace in
# the k24emu step, where LeakSanitizer cannot work) nor the other AM_CFLAGS.

check_PROGRAMS += tests/retro/seccomp-24
tests_retro_seccomp_24_SOURCES = tests/retro/seccomp-24.c
tests_retro_seccomp_24_CFLAGS = -std=gnu11 -O2 $(WARN_CFLAGS)
tests_retro_seccomp_24_LDFLAGS =

TESTS += tests/retro/retro.sh
EXTRA_DIST += tests/retro/retro.sh tests/retro/syscalls-2.4-i386.txt \
	tests/retro/fallbacks-i386.txt scripts/retro.sh docs/retro.md common/compat24.c

retro:
	$(SHELL) $(srcdir)/scripts/retro.sh --out=$(abs_top_builddir)/retro \
		--srcdir=$(abs_top_srcdir) $(if $(RETRO_ARCH),--arch=$(RETRO_ARCH))
check-retro: retro
	$(MAKE) $(AM_MAKEFLAGS) check TESTS=tests/retro/retro.sh
.PHONY: retro check-retro
