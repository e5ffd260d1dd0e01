#!/bin/bash
# An independent reference: GNU ld, told to place every section of a fixture at the address
# modlink chose (a linker script generated from modlink's -m map) and given the same symbol
# values, must produce the same bytes for every section that comes from the object.
# Sections insmod itself creates (.this, .kmodtab, and the strings/entries it appends to
# .kstrtab and __ksymtab) have no ld counterpart and are compared only over their original
# length. Fixtures with COMMON symbols are left out: ld and modutils place COMMONs by
# different rules (modutils: by size; ld: by input order), so their code differs by design.
set -u
: "${top_builddir:?}"
. "$top_srcdir/tests/e2e/ld-compare.sh"
MODLINK=$top_builddir/modlink
T=$(mktemp -d "${TMPDIR:-/tmp}/ml-gnuld.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 fail=0 skip=0

for arch in x86_64 i386; do
	case $arch in
	x86_64) LD="ld -m elf_x86_64"; base=0x20000000 ;;
	i386) LD="ld -m elf_i386"; base=0x40000000 ;;
	esac
	dir=$top_builddir/tests/fixtures/$arch
	if [ ! -d "$dir" ]; then
		echo "skip $arch: no fixtures built in $dir"
		skip=$((skip + 1))
		continue
	fi
	# A kernel symbol file covering every undefined name of every fixture.
	ks=$T/$arch.ksyms
	addr=$((0x00401000))
	for s in $(for o in "$dir"/*.o; do nm -u "$o"; done | awk '{print $2}' | sort -u); do
		[ "$s" = __this_module ] && continue
		printf '%016x %s\n' $addr "$s" >>"$ks"
		addr=$((addr + 0x40))
	done
	[ -f "$ks" ] || : >"$ks"
	for o in "$dir"/*.o; do
		name=$(basename "$o" .o)
		if nm "$o" | grep -q ' C '; then
			echo "skip $arch/$name: COMMON symbols (placed by different rules in ld)"
			skip=$((skip + 1))
			continue
		fi
		# exporter/user pairs: resolve user's references to exporter via its own symbols
		if ld_compare "$arch" "$o" "$ks" "$base" "$T/$arch-$name"; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
		fi
	done
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
