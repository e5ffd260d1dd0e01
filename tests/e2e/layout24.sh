#!/bin/bash
# A 2.4 module laid out as modutils 2.4's insmod lays it out (issue 19), on every CPU:
# our own fixtures (x86_64 and i386 built by make, the others from tests/fixtures/prebuilt)
# linked with insmod -n -m -O, and these rules checked on the map and the image:
#
#  - sections: .this first at 0x12340000, each section at the next multiple of its
#    alignment after the previous one, the image exactly as long as the last one's end;
#    the sections insmod creates read-only (.kstrtab, __ksymtab, .kmodtab, __archdata) sort
#    before .data, and .bss after it;
#  - __archdata: on every CPU, 16-aligned, right before the first writable section (whose
#    start it rounds up to 16); empty, except on MIPS (__dbe_table) and PPC (__ftr_fixup)
#    where it holds { start, end } of that section and struct module points at it;
#  - .bss and COMMON: the COMMON symbols of common.o in .bss by increasing size, every
#    symbol in .bss typed d/D (modutils has made .bss data by the time it prints);
#  - __kallsyms (-S): 4-aligned, its header's total size and section count those of the
#    map, the section entries in section index order with the strings starting at 0
#    (the first is .text's name), the symbol entries sorted by address;
#  - map lines: the STT_FILE symbol ("00000000 a hello.c"), section symbols (" t .text"),
#    hidden init_module/cleanup_module lower case, a weak undefined symbol as absolute 0
#    ("A"), and symbols at one address in modutils' hash order (bucket = ELF hash % 521,
#    ascending).
#
# Environment: top_builddir and top_srcdir (set by make check); LAYOUT24_VARIANTS limits the
# variants.
set -u
: "${top_builddir:?}"
: "${top_srcdir:?}"
MODLINK=$top_builddir/modlink
T=$(mktemp -d "${TMPDIR:-/tmp}/ml-layout24.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL $V: $*"
	fail=$((fail + 1))
}

# variant V: DIR (the fixtures), SUF (.o or .o.gz), ENDIAN, WS (bytes of a word).
variant() {
	V=$1 ENDIAN=big WS=4 SUF=.o.gz DIR=$top_srcdir/tests/fixtures/prebuilt/$1
	case $V in
	x86_64) DIR=$top_builddir/tests/fixtures/x86_64 SUF=.o ENDIAN=little WS=8 ;;
	i386) DIR=$top_builddir/tests/fixtures/i386 SUF=.o ENDIAN=little ;;
	arm | mipsel | sh4) ENDIAN=little ;;
	esac
}

# obj NAME: a plain copy of fixture NAME (nm reads no .gz).
obj() {
	if [ "$SUF" = .o.gz ]; then
		gzip -dc "$DIR/$1$SUF" >"$T/$V-$1.o"
	else
		cp "$DIR/$1$SUF" "$T/$V-$1.o"
	fi
	echo "$T/$V-$1.o"
}

# link NAME [KSYMS]: insmod -n -m -O; the map in $W.map, the image in $W.img.
link() {
	W=$T/$V-$1${KA:+-S}
	ks=${2:-$W.ksyms}
	if [ -z "${2:-}" ]; then
		# every undefined name but weak.c's ml_missing_* (which nothing provides)
		nm -u "$(obj "$1")" | awk '$2 != "__this_module" && $2 !~ /^ml_missing_/ { printf "%08x %s\n", 4096 + 64 * NR, $2 }' >"$ks"
	fi
	"$MODLINK" insmod -n -m -O "$W.img" ${KA:+-S} --ksyms="$ks" --kernel-release=2.4.37 "$DIR/$1$SUF" \
		>"$W.map" 2>"$W.err" || { bad "$1: insmod failed: $(head -3 "$W.err")"; return 1; }
	awk '/^Sections:/ {s=1; next} /^$/ {s=0} s' "$W.map" >"$W.secs"
	awk '/^Symbols:/ {s=1; next} s' "$W.map" >"$W.syms"
}

# word FILE OFFSET: the target word at OFFSET, in hex.
word() {
	od -A n --endian="$ENDIAN" -t x"$WS" -j "$2" -N "$WS" "$1" | tr -d ' '
}

# secfield NAME COLUMN: a column of a section's map line (2 size, 3 address).
secfield() { awk -v n="$1" -v c="$2" '$1 == n { print $c; exit }' "$W.secs"; }
secindex() { awk -v n="$1" '$1 == n { print NR; exit }' "$W.secs"; }

# The section lines: .this first at the base, every address the previous end aligned up,
# the image as long as the last end.
check_sections() {
	local end
	end=$(awk '
		function hex(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
		NR == 1 && ($1 != ".this" || hex($3) != 305397760) { print "first"; exit }
		{
			a = 2 ^ substr($4, 4); want = dot % a ? dot - dot % a + a : dot
			if (NR > 1 && hex($3) != want) { printf "%s at %s, not %x\n", $1, $3, want; exit }
			dot = hex($3) + hex($2)
		}
		END { printf "%d\n", dot - 305397760 }' "$W.secs")
	case $end in
	*[!0-9]*) bad "$1: sections: $end" ;;
	*) [ "$end" -eq "$(wc -c <"$W.img")" ] && ok || bad "$1: image is $(wc -c <"$W.img") bytes, sections end at $end" ;;
	esac
	# insmod's read-only sections before .data, .bss after it
	local d b s i
	d=$(secindex .data) b=$(secindex .bss)
	[ -n "$d" ] && [ -n "$b" ] && [ "$b" -gt "$d" ] && ok || bad "$1: .bss ($b) not after .data ($d)"
	for s in .kstrtab __ksymtab .kmodtab __archdata; do
		i=$(secindex "$s")
		[ -z "$i" ] && continue
		[ "$i" -lt "$d" ] && ok || bad "$1: $s (line $i) is not before .data (line $d)"
	done
}

# check_archdata NAME SIZE: __archdata 16-aligned, SIZE bytes, followed by a writable
# section (which starts on 16 when __archdata is empty).
check_archdata() {
	local i a n next
	i=$(secindex __archdata)
	[ -n "$i" ] || { bad "$1: no __archdata"; return; }
	a=$(secfield __archdata 3)
	[ $((0x$a % 16)) -eq 0 ] && ok || bad "$1: __archdata at $a"
	[ $((0x$(secfield __archdata 2))) -eq "$2" ] && ok || bad "$1: __archdata is $(secfield __archdata 2) bytes, not $2"
	next=$(awk -v i="$i" 'NR == i + 1 { print $1 }' "$W.secs")
	case $next in
	.data | .got | .plt) ok ;;
	*) bad "$1: __archdata is followed by $next, not the writable data" ;;
	esac
	n=$(awk -v i="$i" 'NR == i + 1 { print $3 }' "$W.secs")
	[ "$2" -ne 0 ] || [ $((0x$n % 16)) -eq 0 ] && ok || bad "$1: $next at $n, not rounded up to 16 by __archdata"
}

# The map's symbols at one address in modutils' order: ELF hash % 521 ascending.
check_hash_order() {
	awk '
	BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
	function elfhash(s,   h, i, g, k, bit) {
		h = 0
		for (i = 1; i <= length(s); i++) {
			h = (h * 16 + ord[substr(s, i, 1)]) % 4294967296
			g = int(h / 268435456)
			if (g) {
				for (k = 0; k < 4; k++) {	# h ^= g << 4 (bits 4-7)
					bit = 2 ^ (k + 4)
					if (int(g / 2 ^ k) % 2)
						h += int(h / bit) % 2 ? -bit : bit
				}
				h %= 268435456		# h &= ~(g << 28)
			}
		}
		return h
	}
	{
		b = elfhash($3) % 521
		if ($1 == last && b < lastb) { printf "%s (bucket %d) after %s (bucket %d)\n", $3, b, lastn, lastb; exit 1 }
		last = $1; lastb = b; lastn = $3
	}' "$W.syms" >"$W.order" && ok || bad "$1: symbols at one address: $(cat "$W.order")"
}

# The __kallsyms section of the image (linked with -S).
check_kallsyms() {
	local a k n nsec secoff stroff symoff nsym first prev i v
	a=$(secfield __kallsyms 3)
	[ -n "$a" ] || { bad "$1: no __kallsyms with -S"; return; }
	[ "$(awk '$1 == "__kallsyms" { print $4 }' "$W.secs")" = "2**2" ] && ok || bad "$1: __kallsyms not 4-aligned"
	k=$((0x$a - 0x12340000))
	n=$(od -A n --endian="$ENDIAN" -t u4 -j $((k + 4)) -N 4 "$W.img" | tr -d ' ')
	[ "$n" -eq $((0x$(secfield __kallsyms 2))) ] && ok || bad "$1: __kallsyms total size $n"
	nsec=$(od -A n --endian="$ENDIAN" -t u4 -j $((k + 8)) -N 4 "$W.img" | tr -d ' ')
	[ "$nsec" -eq "$(wc -l <"$W.secs")" ] && ok || bad "$1: __kallsyms has $nsec sections, the map $(wc -l <"$W.secs")"
	if [ "$WS" -eq 8 ]; then
		secoff=$((0x$(word "$W.img" $((k + 16))))) stroff=$((0x$(word "$W.img" $((k + 48)))))
		symoff=$((0x$(word "$W.img" $((k + 32))))) nsym=$(od -A n --endian="$ENDIAN" -t u4 -j $((k + 28)) -N 4 "$W.img" | tr -d ' ')
	else
		secoff=$((0x$(word "$W.img" $((k + 12))))) stroff=$((0x$(word "$W.img" $((k + 32)))))
		symoff=$((0x$(word "$W.img" $((k + 24))))) nsym=$(od -A n --endian="$ENDIAN" -t u4 -j $((k + 20)) -N 4 "$W.img" | tr -d ' ')
	fi
	first=$((0x$(word "$W.img" $((k + secoff + 2 * WS)))))
	[ $first -eq 0 ] && [ "$(dd if="$W.img" bs=1 skip=$((k + stroff)) count=6 2>/dev/null | tr '\0' '|')" = ".text|" ] && ok ||
		bad "$1: __kallsyms: first section name at $first is not .text at the strings' start"
	prev=0
	for i in $(seq 0 $((nsym - 1))); do
		v=$((0x$(word "$W.img" $((k + symoff + i * 3 * WS + WS)))))
		[ "$v" -ge "$prev" ] || { bad "$1: __kallsyms symbol $i at $v after $prev"; return; }
		prev=$v
	done
	[ "$nsym" -gt 0 ] && ok || bad "$1: __kallsyms has no symbols"
}

has() {
	grep -Eq "$2" "$W.syms" && ok || bad "$1: no map line matching /$2/"
}

for V in ${LAYOUT24_VARIANTS:-x86_64 i386 arm mips mipsel ppc sh4 sh4eb m68k sparc}; do
	variant "$V"
	if ! [ -f "$DIR/hello$SUF" ]; then
		if [ "$V" = i386 ]; then
			echo "skip i386: no fixtures (configure found no i386 compiler)"
			continue
		fi
		bad "no fixtures in $DIR"
		continue
	fi
	Z=$(printf '%0*d' $((2 * WS)) 0)

	# hello: sections, __archdata (empty), map lines
	if link hello; then
		check_sections hello
		check_archdata hello 0
		check_hash_order hello
		has hello "^$Z a hello\\.c\$"
		has hello '^[0-9a-f]+ t \.text$'
		has hello '^[0-9a-f]+ d \.data$'
		has hello '^[0-9a-f]+ t init_module$'
		has hello '^[0-9a-f]+ t cleanup_module$'
		has hello '^[0-9a-f]+ D hello_who$'
		has hello '^[0-9a-f]+ d opens$'
		has hello "^[0-9a-f]+ T __insmod_hello_S\\.text_L$((0x$(secfield .text 2)))\$"
		[ "$(secfield __ksymtab 2)" != "" ] && ok || bad "hello: no __ksymtab (its globals are exported)"
	fi

	if KA=1 link hello; then
		check_sections hello
		check_kallsyms hello
	fi

	# archdata: filled on MIPS and PPC, empty elsewhere; struct module's archdata_start/end
	if link archdata; then
		check_sections archdata
		off=$((6 * WS + 8 + 13 * WS))
		start=$(word "$W.img" $off) end=$(word "$W.img" $((off + WS)))
		case $V in
		mips | mipsel | ppc)
			src=__dbe_table
			[ "$V" = ppc ] && src=__ftr_fixup
			check_archdata archdata $((2 * WS))
			a=$(secfield __archdata 3) ad=$((0x$(secfield __archdata 3) - 0x12340000))
			[ $((0x$start)) -eq $((0x$a)) ] && [ $((0x$end)) -eq $((0x$a + 2 * WS)) ] && ok ||
				bad "archdata: struct module says $start-$end, __archdata is at $a"
			s=$(secfield $src 3) l=$(secfield $src 2)
			[ $((0x$(word "$W.img" $ad))) -eq $((0x$s)) ] &&
				[ $((0x$(word "$W.img" $((ad + WS))))) -eq $((0x$s + 0x$l)) ] && ok ||
				bad "archdata: __archdata holds $(word "$W.img" $ad) $(word "$W.img" $((ad + WS))), $src is $s+$l"
			;;
		*)
			check_archdata archdata 0
			[ $((0x$start | 0x$end)) -eq 0 ] && ok || bad "archdata: struct module's archdata is $start-$end"
			;;
		esac
	fi

	# common: the COMMONs in .bss by increasing size; .bss symbols typed d/D
	if link common; then
		check_sections common
		o=$T/$V-common.o
		bss=$(secfield .bss 3) bsz=$(secfield .bss 2)
		nm -S "$o" | awk '$3 == "C" { print $4 }' | sort >"$W.commons"
		[ -s "$W.commons" ] || bad "common: the object has no COMMON symbols"
		awk 'NR == FNR { c[$1] = 1; next } ($3 in c) { print $3 }' "$W.commons" "$W.syms" >"$W.inmap"
		cmp -s "$W.commons" <(sort "$W.inmap") && ok || bad "common: COMMONs in the map: $(tr '\n' ' ' <"$W.inmap")"
		# sizes (nm -S) in map (address) order must not decrease
		nm -S "$o" | awk '$3 == "C" { print $4, $2 }' >"$W.sizes"
		awk 'NR == FNR { s[$1] = $2; next } ($3 in s) { print s[$3] }' "$W.sizes" "$W.syms" |
			awk '{ v = 0; for (i = 1; i <= length($1); i++) v = v * 16 + index("0123456789abcdef", substr($1, i, 1)) - 1
			       if (NR > 1 && v < last) exit 1; last = v }' && ok || bad "common: COMMONs not by increasing size"
		awk -v b="$bss" -v l="$bsz" '
			function hex(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
			hex($1) >= hex(b) && hex($1) < hex(b) + hex(l) && $2 != "d" && $2 != "D" { print; bad = 1 }
			END { exit bad }' "$W.syms" >"$W.badtypes" && ok || bad "common: .bss symbols not d/D: $(head -3 "$W.badtypes")"
		check_hash_order common
	fi

	# weak: a weak undefined symbol is absolute 0
	if link weak; then
		has weak "^$Z A ml_missing_function\$"
		has weak "^$Z A ml_missing_variable\$"
	fi

	# user of exporter: .kmodtab (the dependency) is read-only, before .data
	exp=$(obj exporter)
	u=$(obj user)
	ks=$T/$V-user.ksyms
	nm -g --defined-only "$exp" | awk '{ printf "%08x %s\t[exporter]\n", 8192 + 64 * NR, $3 }' >"$ks"
	printf '%08x __insmod_exporter_O/exporter.o_M00000000_V132133\t[exporter]\n' 8192 >>"$ks"
	nm -u "$u" | awk 'NR == FNR { split($2, n, "\t"); e[n[1]] = 1; next }
		!($2 in e) && $2 != "__this_module" { printf "%08x %s\n", 4096 + 64 * FNR, $2 }' "$ks" - >>"$ks"
	if link user "$ks"; then
		check_sections user
		[ -n "$(secindex .kmodtab)" ] && ok || bad "user: no .kmodtab"
	fi
done
echo "$pass checks passed, $fail failed"
[ "$fail" -eq 0 ]
