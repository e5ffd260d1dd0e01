# tests/retro/local.mk -- static modlink binaries for 2.2/2.4 systems, and the test that
# runs them as a 2.4 kernel would (docs/retro.md).  Included from the top Makefile.am;
# paths are relative to the top of the tree.
#
#  make retro        scripts/retro.sh: static i386 (and armel, mipsel) binaries against
#                    musl, in retro/ of the build directory; needs Debian's archive.
#                    RETRO_ARCH=i386 (or i386,armel,...) picks the CPUs.
#  make check-retro  make retro, then the retro test alone.
#
# The retro test is not in a plain make check (it would only skip there: the binaries come
# from make retro, which needs Debian's archive); check-retro runs it, and so does CI
# (.ci/run: scripts/run.sh retro).  Run by hand, it skips (77) unless make retro ran in this build
# directory.  seccomp-24, its launcher, gets neither sanitizers (it runs under ptrace in
# the k24emu step, where LeakSanitizer cannot work) nor the other AM_CFLAGS.

check_PROGRAMS += tests/retro/seccomp-24
tests_retro_seccomp_24_SOURCES = tests/retro/seccomp-24.c
tests_retro_seccomp_24_CFLAGS = -std=gnu11 -O2 $(WARN_CFLAGS)
tests_retro_seccomp_24_LDFLAGS =

EXTRA_DIST += tests/retro/retro.sh tests/retro/syscalls-2.4-i386.txt \
	tests/retro/fallbacks-i386.txt scripts/retro.sh docs/retro.md common/compat24.c

retro:
	$(SHELL) $(srcdir)/scripts/retro.sh --out=$(abs_top_builddir)/retro \
		--srcdir=$(abs_top_srcdir) $(if $(RETRO_ARCH),--arch=$(RETRO_ARCH))
# The retro test, run as the harness would (its log and .trs beside it, for
# scripts/no-skips.sh), after everything make check would build.
check-retro: retro
	$(MAKE) $(AM_MAKEFLAGS) $(check_PROGRAMS) $(check_DATA)
	@mkdir -p tests/retro; $(AM_TESTS_ENVIRONMENT) rc=0; \
	$(srcdir)/tests/retro/retro.sh >tests/retro/retro.sh.log 2>&1 || rc=$$?; \
	cat tests/retro/retro.sh.log; \
	case $$rc in 0) r=PASS ;; 77) r=SKIP ;; *) r=FAIL ;; esac; \
	echo ":test-result: $$r" >tests/retro/retro.sh.trs; \
	echo "$$r: tests/retro/retro.sh"; \
	[ $$r != FAIL ]
.PHONY: retro check-retro
