# tests/e2e/local.mk -- the end-to-end tests that run modules (included from the top
# Makefile.am; paths are relative to the top of the tree).
#
# Each script relocates fixtures (tests/fixtures/local.mk) with modlink and runs them with
# modlink-exec (kernel/exec/local.mk), once per CPU that was built, and skips (77) when none
# was.  They need top_builddir and top_srcdir in the environment (AM_TESTS_ENVIRONMENT) and
# are run directly (they are executable, #!/bin/sh).

E2E_RUN_TESTS = \
	tests/e2e/exec.sh \
	tests/e2e/hello.sh \
	tests/e2e/params.sh \
	tests/e2e/stack.sh \
	tests/e2e/tables.sh \
	tests/e2e/common.sh \
	tests/e2e/bigbss.sh \
	tests/e2e/aligned.sh \
	tests/e2e/extable.sh \
	tests/e2e/weak.sh \
	tests/e2e/gzip.sh \
	tests/e2e/call.sh

TESTS += $(E2E_RUN_TESTS)
EXTRA_DIST += tests/e2e/lib.sh tests/i386.sh $(E2E_RUN_TESTS)

# The modern (.ko) path without Debian's kernel or qemu: fixtures built at test time with
# the host gcc from tests/fixtures/modern/, GNU ld as the reference (tests/e2e/ld-modern.sh).
E2E_MODERN_TESTS = tests/e2e/modern.sh
E2E_MODERN_FIXTURES = \
	tests/fixtures/modern/modern.h \
	tests/fixtures/modern/base.c \
	tests/fixtures/modern/user.c \
	tests/fixtures/modern/gpluser.c \
	tests/fixtures/modern/unknown.c \
	tests/fixtures/modern/common.c

TESTS += $(E2E_MODERN_TESTS)
EXTRA_DIST += $(E2E_MODERN_TESTS) $(E2E_MODERN_FIXTURES)
