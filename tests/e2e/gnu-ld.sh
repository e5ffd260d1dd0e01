#!/bin/bash
# An independent reference: GNU ld, told to place every section of a fixture at the address
# modlink chose (a linker script generated from modlink's -m map) and given the same symbol
# values, must produce the same bytes for every section that comes from the object -- on
# every CPU, with that CPU's cross ld (tests/e2e/ld-compare.sh; a variant whose ld is not
# installed is skipped, with the Debian package to install).  The fixtures are the ones the
# run tests use: built by make for x86_64 and i386, tests/fixtures/prebuilt for the others.
#
# Sections insmod itself creates (.this, .kmodtab, .plt, and the strings/entries it
# appends to .kstrtab and __ksymtab) have no ld counterpart and are compared only over
# their original length. Allocated NOTE and CPU-specific sections (MIPS .reginfo) must be
# zeros: modutils never reads their bytes, and insmod loads them as it did. Fixtures with
# COMMON symbols are left out: ld and modutils place
# COMMONs by different rules (modutils: by size; ld: by input order), so their code
# differs by design.
#
# The kernel symbols are given addresses near the module, in reach of every branch, so
# that neither linker needs a stub and the bytes must be identical.  arm-far and ppc-far
# put them hundreds of MiB away: there both linkers route calls through stubs of their own
# (modlink: 8-byte ARM veneers, 16-byte PowerPC trampolines in its .plt; ld: its long
# branch stubs, with --relax on PowerPC), so the branch instructions to those targets
# differ by design.  For those variants every difference must be such a branch (ARM B/BL,
# PowerPC b/bl, both linkers' words), and the branches are counted, not failed.
#
# Environment: top_builddir and top_srcdir (set by make check), GNULD_VARIANTS limits the
# variants.
set -u
: "${top_builddir:?}"
: "${top_srcdir:?}"
. "$top_srcdir/tests/e2e/ld-compare.sh"
MODLINK=$top_builddir/modlink
T=$(mktemp -d "${TMPDIR:-/tmp}/ml-gnuld.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 fail=0 skip=0 bydesign=0 commons=0

# variant VARIANT: set LD (the command), OBJCOPY, TRIPLE, BASE, KBASE (the first kernel
# symbol's address), ENDIAN, DIR (the fixtures), ZIPPED, FAR (arm, ppc or empty).
variant() {
	V=$1 FAR= ZIPPED=1 ENDIAN=big KBASE=0x00401000 BASE=0x20000000
	DIR=$top_srcdir/tests/fixtures/prebuilt/${V%-far}
	case $V in
	x86_64) TRIPLE=x86_64-linux-gnu LD="ld -m elf_x86_64" ENDIAN=little ZIPPED=0 ;;
	i386) TRIPLE=i686-linux-gnu LD="ld -m elf_i386" ENDIAN=little ZIPPED=0 BASE=0x40000000 ;;
	arm | arm-longcalls)
		TRIPLE=arm-linux-gnueabi ENDIAN=little BASE=0x01000000 ;;
	arm-far) TRIPLE=arm-linux-gnueabi ENDIAN=little FAR=arm ;;
	mips) TRIPLE=mips-linux-gnu ;;
	mipsel) TRIPLE=mipsel-linux-gnu ENDIAN=little ;;
	ppc) TRIPLE=powerpc-linux-gnu BASE=0x11000000 KBASE=0x10001000 ;;
	ppc-far) TRIPLE=powerpc-linux-gnu FAR=ppc ;;
	sh4) TRIPLE=sh4-linux-gnu ENDIAN=little ;;
	sh4eb) TRIPLE=sh4-linux-gnu ;;
	m68k) TRIPLE=m68k-linux-gnu ;;
	sparc) TRIPLE=sparc64-linux-gnu ;;
	esac
	case $V in
	x86_64 | i386) DIR=$top_builddir/tests/fixtures/$V OBJCOPY=objcopy ;;
	*) LD=$TRIPLE-ld OBJCOPY=$TRIPLE-objcopy ;;
	esac
	case $V in
	sh4eb) LD="$LD -EB" ;;
	sparc) LD="$LD -m elf32_sparc" ;;
	ppc-far) LD="$LD --relax" ;;
	esac
}

# word FILE OFFSET: the 32-bit word at OFFSET of FILE, in the variant's byte order.
word() {
	od -A n --endian="$ENDIAN" -t x4 -j "$2" -N 4 "$1" | tr -d ' '
}

# is_branch WORD: an ARM B/BL (any condition) or a PowerPC b/bl (I-form).
is_branch() {
	case $FAR in
	arm) [ $(((0x$1 >> 25) & 7)) -eq 5 ] ;;
	ppc) [ $(((0x$1 >> 26) & 63)) -eq 18 ] ;;
	*) false ;;
	esac
}

# far_differences WORKDIR OBJ: after ld_compare found differences in WORKDIR, check that
# every differing word is a branch in both outputs; print and count them.
far_differences() {
	fd_w=$1 fd_n=0 fd_bad=0
	while read -r sec _ addr; do
		grep -q "^$sec " "$fd_w/objsecs" || continue
		[ "$(awk -v s="$sec" '$1==s {print $3}' "$fd_w/objsecs")" != NOBITS ] || continue
		fd_size=$((0x$(awk -v s="$sec" '$1==s {print $2}' "$fd_w/objsecs")))
		[ "$fd_size" -gt 0 ] || continue
		$OBJCOPY -O binary --only-section="$sec" "$fd_w/ld.out" "$fd_w/ld.sec" 2>/dev/null
		dd if="$fd_w/blob" of="$fd_w/ml.sec" bs=1 skip=$((0x$addr - BASE)) count="$fd_size" \
			2>/dev/null
		head -c "$fd_size" "$fd_w/ld.sec" >"$fd_w/ld.cut"
		cmp -s "$fd_w/ld.cut" "$fd_w/ml.sec" && continue
		for fd_off in $(cmp -l "$fd_w/ld.cut" "$fd_w/ml.sec" | awk '{print int(($1 - 1) / 4) * 4}' | uniq); do
			fd_l=$(word "$fd_w/ld.cut" "$fd_off")
			fd_m=$(word "$fd_w/ml.sec" "$fd_off")
			if is_branch "$fd_l" && is_branch "$fd_m"; then
				fd_n=$((fd_n + 1))
			else
				echo "    $sec+$(printf '%#x' "$fd_off"): ld $fd_l, modlink $fd_m: not a branch"
				fd_bad=1
			fi
		done
	done < <(awk '/^Sections:/ {s=1; next} /^$/ {s=0} s {print $1, $2, $3}' "$fd_w/map")
	FAR_BRANCHES=$fd_n
	return $fd_bad
}

ALL="x86_64 i386 arm arm-longcalls arm-far mips mipsel ppc ppc-far sh4 sh4eb m68k sparc"
for V in ${GNULD_VARIANTS:-$ALL}; do
	variant "$V"
	if ! command -v "${LD%% *}" >/dev/null 2>&1; then
		echo "skip $V: ${LD%% *} is not installed (Debian: binutils-$TRIPLE)"
		skip=$((skip + 1))
		continue
	fi
	if ! ls "$DIR"/*.o* >/dev/null 2>&1; then
		echo "skip $V: no fixtures in $DIR"
		skip=$((skip + 1))
		continue
	fi
	# Plain objects: ld reads no .gz.
	mkdir -p "$T/$V/obj"
	for o in "$DIR"/*.o*; do
		name=$(basename "$o")
		name=${name%.gz}
		if [ "$ZIPPED" -eq 1 ]; then
			gzip -dc "$o" >"$T/$V/obj/$name"
		else
			cp "$o" "$T/$V/obj/$name"
		fi
	done
	# A kernel symbol file covering every undefined name of every fixture.
	ks=$T/$V.ksyms
	: >"$ks"
	addr=$((KBASE))
	for s in $(for o in "$T/$V"/obj/*.o; do nm -u "$o"; done | awk '{print $2}' | sort -u); do
		[ "$s" = __this_module ] && continue
		printf '%08x %s\n' $addr "$s" >>"$ks"
		addr=$((addr + 0x40))
	done
	export LD_FOR_ARCH=$LD OBJCOPY_FOR_ARCH=$OBJCOPY
	for o in "$T/$V"/obj/*.o; do
		name=$(basename "$o" .o)
		if nm "$o" | grep -q ' C '; then
			echo "by design $V/$name: COMMON symbols (placed by different rules in ld)"
			commons=$((commons + 1))
			continue
		fi
		w=$T/$V-$name
		if ld_compare "$V" "$o" "$ks" "$BASE" "$w" >"$w.out" 2>&1; then
			cat "$w.out"
			pass=$((pass + 1))
		elif [ -n "$FAR" ] && [ -f "$w/ld.out" ] && far_differences "$w" >"$w.far"; then
			echo "ok   $V/$name.o: identical to GNU ld but for $FAR_BRANCHES branches through stubs (by design)"
			bydesign=$((bydesign + FAR_BRANCHES))
			pass=$((pass + 1))
		else
			cat "$w.out"
			[ ! -s "$w.far" ] || cat "$w.far"
			fail=$((fail + 1))
		fi
	done
done
echo "$pass passed, $fail failed, $skip skipped; $bydesign branches differ by design (stubs), $commons objects with COMMONs left to ld's own rules"
[ "$fail" -eq 0 ]
