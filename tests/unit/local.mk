# Check unit suites: one program per area of the library.
if HAVE_CHECK
UNIT_TESTS = \
	tests/unit/test-target \
	tests/unit/test-arch \
	tests/unit/test-module \
	tests/unit/test-ksymoops \
	tests/unit/test-params \
	tests/unit/test-symbols \
	tests/unit/test-diag
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
UNIT_LDADD = $(LIBMODLINK) $(CHECK_LIBS)

tests_unit_test_target_SOURCES = tests/unit/test-target.c tests/unit/unit.h
tests_unit_test_target_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_target_LDADD = $(UNIT_LDADD)

tests_unit_test_arch_SOURCES = tests/unit/test-arch.c tests/unit/unit.h
tests_unit_test_arch_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_arch_LDADD = $(UNIT_LDADD)

tests_unit_test_module_SOURCES = tests/unit/test-module.c tests/unit/unit.h
tests_unit_test_module_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_module_LDADD = $(UNIT_LDADD)

tests_unit_test_ksymoops_SOURCES = tests/unit/test-ksymoops.c tests/unit/unit.h
tests_unit_test_ksymoops_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ksymoops_LDADD = $(UNIT_LDADD)

tests_unit_test_params_SOURCES = tests/unit/test-params.c tests/unit/unit.h
tests_unit_test_params_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_params_LDADD = $(UNIT_LDADD)

tests_unit_test_symbols_SOURCES = tests/unit/test-symbols.c tests/unit/unit.h
tests_unit_test_symbols_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_symbols_LDADD = $(UNIT_LDADD)

tests_unit_test_diag_SOURCES = tests/unit/test-diag.c tests/unit/unit.h
tests_unit_test_diag_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_diag_LDADD = $(UNIT_LDADD)
endif
