# tests/e2e/lib.sh -- shared helpers of the end-to-end tests that run modules (sourced).
#
# A test relocates one of our fixture modules (tests/fixtures/) with modlink insmod -n -O
# against the stub kernel of modlink-exec, runs the image with modlink-exec run, and
# compares what the module printed, line for line, and the exit statuses.  Every test runs
# once per CPU whose executor and fixtures were built (x86_64 with the host compiler, i386
# with configure's CC_I386), each time in its own subshell with set -e:
#
#	. "${0%/*}/lib.sh"
#	require_modlink
#	t_hello() {
#		ml_insmod "$W/h.blob" "$BASE" "$FIX/hello.o"
#		ml_run 0 "$W/h.blob@$BASE" <<EOT
#	...the exact lines...
#	EOT
#	}
#	for_each_arch t_hello
#
# Per CPU, for_each_arch sets ARCH, EXEC (the executor), FIX (the fixture directory), BASE
# and BASE2 (two load addresses), SOS (sizeof(struct module)), WIDTH (hex digits of an
# address in /proc/ksyms) and W, a fresh work directory holding k.ksyms, the stub kernel's
# symbols.  The test passes if every CPU that could run passed, is skipped (77) if none
# could, and fails if any failed.
#
# Environment: top_builddir and top_srcdir (set by make check; by default the tree this
# file is in), MODLINK (default $top_builddir/modlink), E2E_KEEP=1 keeps the work
# directories.

set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${MODLINK:=$top_builddir/modlink}"
E2E_NAME=$(basename "$0" .sh)

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

# arch_setup ARCH: set the per-CPU variables, or say why the CPU cannot run and return 1.
arch_setup() {
	ARCH=$1
	EXEC=$top_builddir/tests/modlink-exec-$ARCH
	FIX=$top_builddir/tests/fixtures/$ARCH
	# shellcheck disable=SC2034 # used by the tests that source this file
	case $ARCH in
	x86_64) BASE=0x20000000 BASE2=0x21000000 SOS=184 WIDTH=16 ;;
	i386) BASE=0x40000000 BASE2=0x41000000 SOS=96 WIDTH=8 ;;
	*) echo "SKIP $ARCH: unknown CPU"; return 1 ;;
	esac
	if [ ! -x "$EXEC" ]; then
		echo "SKIP $ARCH: no executor $EXEC (for i386: configure found no i686-linux-gnu-gcc)"
		return 1
	fi
	if [ ! -f "$FIX/hello.o" ]; then
		echo "SKIP $ARCH: fixtures not built in $FIX"
		return 1
	fi
	W=$E2E_WORK/$ARCH
	mkdir -p "$W"
	if ! "$EXEC" ksyms >"$W/k.ksyms" 2>"$W/ksyms.err"; then
		echo "SKIP $ARCH: $EXEC does not run on this host:"
		cat "$W/ksyms.err"
		return 1
	fi
	return 0
}

# for_each_arch FUNCTION: run FUNCTION once per CPU (see above), then exit: the verdict.
for_each_arch() {
	e2e_ran=0
	e2e_failed=0
	for e2e_arch in x86_64 i386; do
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
		*) echo "FAIL $E2E_NAME: $e2e_arch (status $e2e_rc)"; e2e_failed=$((e2e_failed + 1)) ;;
		esac
	done
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
	"$EXEC" run "$@" >"$W/run.out" 2>"$W/run.err"
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
	if ! "$EXEC" exports "$@" 2>"$W/exports.err"; then
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

# ml_word BLOB INDEX: the INDEX-th native word (little endian) of BLOB, in decimal.
ml_word() {
	ml_size=$((WIDTH / 2))
	od -A n -t u$ml_size -j $(($2 * ml_size)) -N $ml_size "$1" | tr -d ' '
}
