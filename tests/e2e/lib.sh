# tests/e2e/lib.sh -- shared helpers of the end-to-end tests that run modules (sourced).
#
# A test relocates one of our fixture modules (tests/fixtures/) with modlink insmod -n -O
# against the stub kernel of modlink-exec, runs the image with modlink-exec run, and
# compares what the module printed, line for line, and the exit statuses.  Every test runs
# once per CPU variant whose executor could be built and runs here, each time in its own
# subshell with set -e:
#
#	. "${0%/*}/lib.sh"
#	require_modlink
#	t_hello() {
#		ml_insmod "$W/h.blob" "$BASE" "$FIX/hello$O"
#		ml_run 0 "$W/h.blob@$BASE" <<EOT
#	...the exact lines...
#	EOT
#	}
#	for_each_arch t_hello
#
# The variants (E2E_VARIANTS, a space-separated list, limits them):
#  - x86_64 and i386 run natively, with fixtures built by make (tests/fixtures/local.mk);
#    i386 under qemu-i386 where the host cannot run it, or MODLINK_NO_NATIVE_I386=1
#    (tests/i386.sh: i386_runner, which prints the runner used);
#    x86_64-nolibc is the x86_64 run again with the freestanding executor;
#  - arm, arm-longcalls, mips, mipsel, ppc, sh4, sh4eb, m68k, sparc run their executor
#    under qemu-user, with the committed fixtures tests/fixtures/prebuilt/<variant>/*.o.gz
#    (docs/cross.md has their compiler flags);
#  - arm-far and ppc-far are arm and ppc with the modules loaded more than 32 MiB away
#    from the executor's stub kernel, out of reach of a direct branch: modlink must route
#    the calls through ARM veneers and PowerPC trampolines.
# A variant whose executor was not built, or whose qemu-user is missing, is skipped with
# the reason.
#
# Per variant, for_each_arch sets ARCH (the variant), CPU (x86_64 i386 arm mips mipsel ppc
# sh4 sh4eb m68k sparc), EXEC (the executor) and RUN (the command it runs under: empty or
# qemu-CPU; use ml_exec), FIX and O (the fixture directory and object suffix: .o or
# .o.gz), BASE and BASE2 (two load addresses), SOS (sizeof(struct module)), WS (bytes in a
# long), WIDTH (hex digits of an address in /proc/ksyms), ENDIAN (little or big), and W, a
# fresh work directory holding k.ksyms, the stub kernel's symbols.  The test passes if
# every variant that could run passed, is skipped (77) if none could, and fails if any
# failed.
#
# Environment: top_builddir and top_srcdir (set by make check; by default the tree this
# file is in), MODLINK (default $top_builddir/modlink), E2E_KEEP=1 keeps the work
# directories, E2E_VARIANTS.

set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${MODLINK:=$top_builddir/modlink}"
E2E_NAME=$(basename "$0" .sh)
. "$top_srcdir/tests/i386.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*"
	exit 1
}

E2E_WORK=$(mktemp -d "${TMPDIR:-/tmp}/modlink-e2e-$E2E_NAME.XXXXXX")
e2e_cleanup() {
	if [ "${E2E_KEEP:-0}" = 1 ]; then
		echo "work directory kept: $E2E_WORK"
	else
		rm -rf "$E2E_WORK"
	fi
}
trap e2e_cleanup EXIT

require_modlink() {
	[ -x "$MODLINK" ] || skip "modlink is not built ($MODLINK)"
}

E2E_ALL_VARIANTS="x86_64 x86_64-nolibc i386 arm arm-far arm-longcalls mips mipsel ppc ppc-far \
sh4 sh4eb m68k sparc"

# arch_setup VARIANT: set the per-variant variables, or say why it cannot run and return 1.
#
# Load addresses: a 32-bit guest of qemu-user has its mmap area and stack from 0x40000000
# up, so the modules go below, clear of the executor at its link address and of its kdata
# area (kernel/exec/exec.h: 0x1f000000 on most CPUs).  On x86_64 they are above the 1 GiB
# over which Linux randomises the executor's heap, and below 2 GiB (the kernel code
# model); i386 uses the same addresses, free both natively and under qemu-i386 (whose
# guest has its stack at 0x40000000).  On ARM and PowerPC the first two
# are within 32 MiB of the stub kernel (ARM executor at 0x10000, PowerPC at 0x10000000),
# as 2.4 placed modules; the -far variants are hundreds of MiB away.
arch_setup() {
	ARCH=$1
	RUN=
	QEMU=
	O=.o.gz
	ENDIAN=big
	SOS=96 WS=4 WIDTH=8
	BASE=0x20000000 BASE2=0x21000000
	# shellcheck disable=SC2034 # used by the tests that source this file
	case $ARCH in
	x86_64 | x86_64-nolibc)
		CPU=x86_64 ENDIAN=little O=.o SOS=184 WS=8 WIDTH=16
		BASE=0x50000000 BASE2=0x51000000 ;;
	i386) CPU=i386 ENDIAN=little O=.o BASE=0x50000000 BASE2=0x51000000 ;;
	arm | arm-longcalls) CPU=arm ENDIAN=little BASE=0x01000000 BASE2=0x01400000 ;;
	arm-far) CPU=arm ENDIAN=little ;;
	mips) CPU=mips ;;
	mipsel) CPU=mipsel ENDIAN=little ;;
	ppc) CPU=ppc BASE=0x11000000 BASE2=0x11400000 ;;
	ppc-far) CPU=ppc ;;
	sh4) CPU=sh4 ENDIAN=little ;;
	sh4eb) CPU=sh4eb ;;
	m68k) CPU=m68k ;;
	sparc) CPU=sparc ;;
	*) echo "SKIP $ARCH: unknown variant"; return 1 ;;
	esac
	case $ARCH in
	x86_64 | i386)
		EXEC=$top_builddir/tests/modlink-exec-$ARCH
		FIX=$top_builddir/tests/fixtures/$ARCH ;;
	x86_64-nolibc)
		EXEC=$top_builddir/tests/modlink-exec-$ARCH
		FIX=$top_builddir/tests/fixtures/x86_64 ;;
	*)
		EXEC=$top_builddir/tests/modlink-exec-$CPU
		FIX=$top_srcdir/tests/fixtures/prebuilt/${ARCH%-far}
		QEMU=qemu-$CPU
		[ "$CPU" != sparc ] || QEMU=qemu-sparc
		;;
	esac
	if [ -n "$QEMU" ]; then
		if ! command -v "$QEMU" >/dev/null 2>&1; then
			echo "SKIP $ARCH: $QEMU is not installed (Debian: qemu-user)"
			return 1
		fi
		RUN=$QEMU
	fi
	if [ ! -x "$EXEC" ]; then
		case $ARCH in
		i386) echo "SKIP $ARCH: no executor $EXEC (configure found no i686-linux-gnu-gcc)" ;;
		x86_64*) echo "SKIP $ARCH: no executor $EXEC" ;;
		*) echo "SKIP $ARCH: no executor $EXEC (its cross compiler is not installed: see kernel/exec/local.mk)" ;;
		esac
		return 1
	fi
	if [ ! -f "$FIX/hello$O" ]; then
		echo "SKIP $ARCH: no fixtures in $FIX"
		return 1
	fi
	if [ "$CPU" = i386 ]; then
		i386_runner "$EXEC" info || { echo "SKIP $ARCH: see above"; return 1; }
		RUN=$I386_RUN
	fi
	W=$E2E_WORK/$ARCH
	mkdir -p "$W"
	if ! ml_exec ksyms >"$W/k.ksyms" 2>"$W/ksyms.err"; then
		echo "SKIP $ARCH: $RUN $EXEC does not run on this host:"
		cat "$W/ksyms.err"
		return 1
	fi
	return 0
}

# ml_exec ARGS...: run the executor of the variant (under qemu-user when it needs it).
ml_exec() {
	$RUN "$EXEC" "$@"
}

# for_each_arch FUNCTION: run FUNCTION once per variant (see above), then exit: the verdict.
for_each_arch() {
	e2e_ran=0
	e2e_failed=0
	e2e_failures=
	for e2e_arch in ${E2E_VARIANTS:-$E2E_ALL_VARIANTS}; do
		arch_setup "$e2e_arch" || continue
		echo "=== $E2E_NAME: $e2e_arch"
		set +e
		(
			set -e
			"$@"
		)
		e2e_rc=$?
		set -e
		case $e2e_rc in
		0) echo "PASS $E2E_NAME: $e2e_arch"; e2e_ran=$((e2e_ran + 1)) ;;
		77) echo "SKIP $E2E_NAME: $e2e_arch" ;;
		*)
			e2e_why=
			if grep -qs 'Unhandled relocation' "$W/insmod.err"; then
				e2e_why=" -- modlink: Unhandled relocation (no relocation code for $CPU in arch/ yet?)"
			fi
			echo "FAIL $E2E_NAME: $e2e_arch (status $e2e_rc)$e2e_why"
			e2e_failed=$((e2e_failed + 1))
			e2e_failures="$e2e_failures $e2e_arch"
			;;
		esac
	done
	echo "$E2E_NAME: $e2e_ran variants passed, $e2e_failed failed${e2e_failures:+:$e2e_failures}"
	[ "$e2e_failed" -eq 0 ] || exit 1
	[ "$e2e_ran" -gt 0 ] || skip "no CPU could run this test"
	exit 0
}

# ml_insmod BLOB BASE [OPTIONS...] OBJECT [PARAMS...]: relocate OBJECT for BASE against
# the stub kernel into BLOB; fail, with modlink's messages, unless it succeeds silently.
ml_insmod() {
	ml_blob=$1
	ml_base=$2
	shift 2
	if ! "$MODLINK" insmod -n --ksyms="$W/k.ksyms" --base="$ml_base" \
		--kernel-release=2.4.37 -O "$ml_blob" "$@" >"$W/insmod.out" 2>"$W/insmod.err"; then
		echo "modlink insmod $* failed:"
		cat "$W/insmod.out" "$W/insmod.err"
		return 1
	fi
	if [ -s "$W/insmod.out" ] || [ -s "$W/insmod.err" ]; then
		echo "modlink insmod $* was not silent:"
		cat "$W/insmod.out" "$W/insmod.err"
		return 1
	fi
	return 0
}

# ml_insmod_fails STATUS [OPTIONS...] OBJECT [PARAMS...]: modlink must exit with STATUS,
# print nothing on stdout and write no blob; its stderr is left in $W/insmod.err.
ml_insmod_fails() {
	ml_want=$1
	shift
	rm -f "$W/fail.blob"
	set +e
	"$MODLINK" insmod -n --ksyms="$W/k.ksyms" --base="$BASE" --kernel-release=2.4.37 \
		-O "$W/fail.blob" "$@" >"$W/insmod.out" 2>"$W/insmod.err"
	ml_status=$?
	set -e
	if [ "$ml_status" -ne "$ml_want" ] || [ -s "$W/insmod.out" ] || [ -e "$W/fail.blob" ]; then
		echo "modlink insmod $*: status $ml_status (expected $ml_want), stdout and stderr:"
		cat "$W/insmod.out" "$W/insmod.err"
		[ ! -e "$W/fail.blob" ] || echo "(and it wrote a blob)"
		return 1
	fi
	return 0
}

# ml_stderr_has LINE...: each LINE must be a whole line of modlink's last stderr.
ml_stderr_has() {
	for ml_line in "$@"; do
		if ! grep -Fqx -- "$ml_line" "$W/insmod.err"; then
			echo "modlink's stderr lacks the line: $ml_line"
			echo "stderr was:"
			cat "$W/insmod.err"
			return 1
		fi
	done
	return 0
}

# ml_run STATUS BLOB@ADDR... <EXPECTED: run the images; stdout must equal EXPECTED exactly
# and the exit status must be STATUS.  stderr is left in $W/run.err (see ml_run_stderr).
ml_run() {
	ml_want=$1
	shift
	cat >"$W/run.expected"
	set +e
	ml_exec run "$@" >"$W/run.out" 2>"$W/run.err"
	ml_status=$?
	set -e
	ml_bad=0
	if ! diff -u "$W/run.expected" "$W/run.out" >"$W/run.diff"; then
		echo "modlink-exec run $*: stdout differs from the expected lines:"
		cat "$W/run.diff"
		ml_bad=1
	fi
	if [ "$ml_status" -ne "$ml_want" ]; then
		echo "modlink-exec run $*: exit status $ml_status, expected $ml_want"
		ml_bad=1
	fi
	if [ "$ml_bad" -ne 0 ]; then
		echo "stderr was:"
		cat "$W/run.err"
		return 1
	fi
	return 0
}

# ml_run_stderr <EXPECTED: the last run's stderr must equal EXPECTED exactly.
ml_run_stderr() {
	cat >"$W/run.err.expected"
	if ! diff -u "$W/run.err.expected" "$W/run.err"; then
		echo "modlink-exec: stderr differs from the expected lines"
		return 1
	fi
	return 0
}

# ml_exports BLOB@ADDR >FILE: the image's exports in /proc/ksyms format.
ml_exports() {
	if ! ml_exec exports "$@" 2>"$W/exports.err"; then
		echo "modlink-exec exports $* failed:" >&2
		cat "$W/exports.err" >&2
		return 1
	fi
	return 0
}

# ml_hex VALUE: VALUE as an address in /proc/ksyms width.
ml_hex() {
	printf "%0${WIDTH}x" "$(($1))"
}

# ml_word BLOB INDEX: the INDEX-th word (a long, in the CPU's byte order) of BLOB, in
# decimal.
ml_word() {
	od -A n --endian="$ENDIAN" -t u"$WS" -j $(($2 * WS)) -N "$WS" "$1" | tr -d ' '
}
