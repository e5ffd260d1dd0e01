# tests/i386.sh -- how the tests run a 32-bit x86 program on this host (sourced).
#
# An x86_64 kernel runs i386 programs only with its IA-32 emulation; kernels built
# without it, or booted with ia32_emulation=0, refuse them ("Exec format error"), and
# binfmt_misc is not relied on.  There the tests run them under qemu-i386, as they run the
# other CPUs' programs, and as modlink itself does (common/hostcpu.c decides the same for
# the executor of 'kernel create --cpu=i386' and for k24emu).
#
#	i386_runner PROGRAM [ARGS...]
#
# runs PROGRAM ARGS (its output discarded) natively, or else under qemu-i386, sets
# I386_RUN to the prefix that worked ("" or "qemu-i386"), prints which ("i386: native" or
# "i386: via qemu-i386"), and returns 0; it returns 1, saying why, when neither runs it.
# MODLINK_NO_NATIVE_I386=1 skips the native try, so that a host that can run i386 programs
# still tests the qemu-i386 path (modlink honours the same switch).

i386_runner() {
	I386_RUN=
	if [ "${MODLINK_NO_NATIVE_I386:-}" != 1 ]; then
		if "$@" >/dev/null 2>&1; then
			echo "i386: native"
			return 0
		fi
		i386_why="does not run natively here"
	else
		i386_why="is not run natively (MODLINK_NO_NATIVE_I386=1)"
	fi
	if ! command -v qemu-i386 >/dev/null 2>&1; then
		echo "i386: $1 $i386_why, and qemu-i386 is not installed (Debian: qemu-user)"
		return 1
	fi
	if ! qemu-i386 "$@" >/dev/null 2>&1; then
		echo "i386: $1 $i386_why, nor under qemu-i386:"
		qemu-i386 "$@" 2>&1 >/dev/null | head -5
		return 1
	fi
	I386_RUN=qemu-i386
	echo "i386: via qemu-i386 ($1 $i386_why)"
	return 0
}
