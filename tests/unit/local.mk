# Check unit suites: one program per area of the library.
if HAVE_CHECK
UNIT_TESTS = \
	tests/unit/test-target \
	tests/unit/test-arch \
	tests/unit/test-module \
	tests/unit/test-ksymoops \
	tests/unit/test-params \
	tests/unit/test-symbols \
	tests/unit/test-diag \
	tests/unit/test-model
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

tests_unit_test_model_SOURCES = tests/unit/test-model.c tests/unit/unit.h
tests_unit_test_model_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_model_LDADD = $(UNIT_LDADD)
endif

# m68k and 32-bit SPARC relocation tables (rows run by tests/unit/arch-rows.h)
if HAVE_CHECK
check_PROGRAMS += tests/unit/test-arch-m68k tests/unit/test-arch-sparc
TESTS += tests/unit/test-arch-m68k tests/unit/test-arch-sparc

tests_unit_test_arch_m68k_SOURCES = tests/unit/test-arch-m68k.c tests/unit/arch-rows.h \
	tests/unit/unit.h
tests_unit_test_arch_m68k_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_arch_m68k_LDADD = $(UNIT_LDADD)

tests_unit_test_arch_sparc_SOURCES = tests/unit/test-arch-sparc.c tests/unit/arch-rows.h \
	tests/unit/unit.h
tests_unit_test_arch_sparc_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_arch_sparc_LDADD = $(UNIT_LDADD)
endif

# ARM and SH relocation tables (rows run by tests/unit/arch-rows.h)
if HAVE_CHECK
check_PROGRAMS += tests/unit/test-arch-arm tests/unit/test-arch-sh
TESTS += tests/unit/test-arch-arm tests/unit/test-arch-sh

tests_unit_test_arch_arm_SOURCES = tests/unit/test-arch-arm.c tests/unit/arch-rows.h \
	tests/unit/unit.h
tests_unit_test_arch_arm_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_arch_arm_LDADD = $(UNIT_LDADD)

tests_unit_test_arch_sh_SOURCES = tests/unit/test-arch-sh.c tests/unit/arch-rows.h \
	tests/unit/unit.h
tests_unit_test_arch_sh_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_arch_sh_LDADD = $(UNIT_LDADD)
endif

# MIPS (both byte orders) and 32-bit PowerPC relocation tables, HI16/LO16 pairing, trampolines
if HAVE_CHECK
check_PROGRAMS += tests/unit/test-arch-mips tests/unit/test-arch-ppc
TESTS += tests/unit/test-arch-mips tests/unit/test-arch-ppc

tests_unit_test_arch_mips_SOURCES = tests/unit/test-arch-mips.c tests/unit/arch-rows.h \
	tests/unit/unit.h
tests_unit_test_arch_mips_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_arch_mips_LDADD = $(UNIT_LDADD)

tests_unit_test_arch_ppc_SOURCES = tests/unit/test-arch-ppc.c tests/unit/arch-rows.h \
	tests/unit/unit.h
tests_unit_test_arch_ppc_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_arch_ppc_LDADD = $(UNIT_LDADD)
endif
