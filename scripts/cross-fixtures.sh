#!/bin/sh
# scripts/cross-fixtures.sh -- build the test modules for every CPU variant of
# docs/cross.md with Debian's cross compilers, into tests/fixtures/prebuilt/<variant>/
# <name>.o.gz (committed, so that the tests relocate them without any cross compiler).
#
#   scripts/cross-fixtures.sh [-s SRCDIR] [-o OUTDIR] [-c] [VARIANT...]
#
# SRCDIR is the source tree (default: the tree this script is in), OUTDIR the prebuilt
# directory (default SRCDIR/tests/fixtures/prebuilt), VARIANT one or more of the variants
# below (default all).  -c only checks: it rebuilds into a temporary directory and fails
# if a committed .o.gz differs or is missing (a fixture that does not compile is only
# reported).  `make cross-fixtures` runs it.
#
# The outputs are reproducible: each fixture is compiled from inside tests/fixtures with a
# relative path (the object's STT_FILE symbol is just "hello.c"), and compressed with
# gzip -9 -n (no name, no time stamp).  A variant whose compiler is missing is skipped;
# a fixture that does not compile for a CPU (extable.c, until asm/uaccess.h has a block
# for that CPU) is skipped with the compiler's first error, and its old .o.gz, if any, is
# removed so that no stale object is tested.
set -eu

usage() {
	echo "usage: $0 [-s SRCDIR] [-o OUTDIR] [-c] [VARIANT...]" >&2
	exit 2
}

srcdir=$(cd "$(dirname "$0")/.." && pwd)
outdir=
check=0
while getopts s:o:c opt; do
	case $opt in
	s) srcdir=$(cd "$OPTARG" && pwd) ;;
	o) outdir=$OPTARG ;;
	c) check=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$outdir" ] || outdir=$srcdir/tests/fixtures/prebuilt
ALL="arm arm-longcalls mips mipsel ppc sh4 sh4eb m68k sparc"
[ $# -gt 0 ] || set -- $ALL

# variant_flags VARIANT: set CC and FLAGS (docs/cross.md, "Variants and compiler flags").
#
# SH is built with -O0, not -O2: Debian 12's gcc 12.2 for SH deletes the comparison
# before a conditional branch when a call comes between them, at -O1, -O2, -Os and -Og
# alike, so the modules would branch on a stale T bit (`printk("a"); printk(w ? "x" :
# "y");` with w a weak function compiles to a bt after the call with no tst at all).
# The fixtures printed "<NULL>" for non-NULL strings and took the wrong side of their
# weak-symbol tests.  -O0 runs none of the passes involved; the relocations are the same
# kinds (DIR32 through literal pools, as -O2 emits for calls).
variant_flags() {
	case $1 in
	arm)
		CC=arm-linux-gnueabi-gcc FLAGS="-O2 -marm -fno-pic -msoft-float -fno-common" ;;
	arm-longcalls)
		CC=arm-linux-gnueabi-gcc
		FLAGS="-O2 -marm -fno-pic -msoft-float -fno-common -mlong-calls" ;;
	mips)
		CC=mips-linux-gnu-gcc
		FLAGS="-O2 -mno-abicalls -fno-pic -G 0 -mlong-calls -msoft-float" ;;
	mipsel)
		CC=mipsel-linux-gnu-gcc
		FLAGS="-O2 -mno-abicalls -fno-pic -G 0 -mlong-calls -msoft-float" ;;
	ppc)
		CC=powerpc-linux-gnu-gcc FLAGS="-O2 -fno-pic -msoft-float -mno-sdata -G 0" ;;
	sh4) CC=sh4-linux-gnu-gcc FLAGS="-O0 -fno-pic -ml" ;;
	sh4eb) CC=sh4-linux-gnu-gcc FLAGS="-O0 -fno-pic -mb" ;;
	m68k) CC=m68k-linux-gnu-gcc FLAGS="-O2 -fno-pic -msoft-float" ;;
	sparc) CC=sparc64-linux-gnu-gcc FLAGS="-m32 -mcpu=v8 -O2 -fno-pic -mno-fpu" ;;
	*) echo "$0: unknown variant '$1' (known: $ALL)" >&2; return 1 ;;
	esac
	# Common to all (as tests/fixtures/local.mk builds i386/x86_64).
	FLAGS="$FLAGS -nostdinc -Iinclude -D__KERNEL__ -DMODULE -fno-stack-protector \
-fno-asynchronous-unwind-tables -ffreestanding -fno-strict-aliasing \
-Wall -Wextra -Wno-unused-parameter"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cross-fixtures.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0
built=0
skipped=0

for v in "$@"; do
	variant_flags "$v" || exit 2
	if ! command -v "$CC" >/dev/null 2>&1; then
		echo "skip $v: $CC is not installed (Debian: gcc-${CC%-gcc})"
		skipped=$((skipped + 1))
		continue
	fi
	mkdir -p "$tmp/$v"
	[ "$check" -eq 1 ] || mkdir -p "$outdir/$v"
	for src in "$srcdir"/tests/fixtures/*.c; do
		name=$(basename "$src" .c)
		extra=
		[ "$name" != common ] || extra=-fcommon
		# shellcheck disable=SC2086 # FLAGS is a list of words
		if ! (cd "$srcdir/tests/fixtures" &&
			"$CC" $FLAGS $extra -c -o "$tmp/$v/$name.o" "$name.c") \
			>"$tmp/$v/$name.log" 2>&1; then
			echo "skip $v/$name: does not compile: $(grep -m1 'error' "$tmp/$v/$name.log" || head -n1 "$tmp/$v/$name.log")"
			skipped=$((skipped + 1))
			[ "$check" -eq 1 ] || rm -f "$outdir/$v/$name.o.gz"
			continue
		fi
		if [ -s "$tmp/$v/$name.log" ]; then
			echo "warning: $v/$name:"
			sed 's/^/    /' "$tmp/$v/$name.log"
		fi
		gzip -9 -n -c "$tmp/$v/$name.o" >"$tmp/$v/$name.o.gz"
		if [ "$check" -eq 1 ]; then
			if ! cmp -s "$tmp/$v/$name.o.gz" "$outdir/$v/$name.o.gz"; then
				echo "differs: $v/$name.o.gz (run make cross-fixtures)"
				status=1
			fi
		else
			cp "$tmp/$v/$name.o.gz" "$outdir/$v/$name.o.gz"
		fi
		built=$((built + 1))
	done
done

echo "$built fixtures built, $skipped skipped"
if [ "$check" -eq 0 ] && [ -d "$outdir" ]; then
	echo "prebuilt size: $(cat "$outdir"/*/*.o.gz 2>/dev/null | wc -c) bytes in $(ls "$outdir"/*/*.o.gz 2>/dev/null | wc -l) files"
fi
exit $status
