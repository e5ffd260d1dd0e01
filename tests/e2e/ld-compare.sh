# ld_compare ARCH OBJ KSYMS BASE WORKDIR: link OBJ with modlink (-n -m -O) and with GNU ld
# at the same addresses, and compare every section from the object byte for byte.
# Prints one line per object; returns 1 on any difference.
ld_compare() {
	local arch=$1 obj=$2 ks=$3 base=$4 w=$5 ld
	case $arch in
	x86_64) ld="ld -m elf_x86_64" ;;
	i386) ld="ld -m elf_i386" ;;
	*) ld="${LD_FOR_ARCH:?}" ;;
	esac
	mkdir -p "$w"
	if ! "$MODLINK" insmod -n -m -y -x --ksyms="$ks" --base="$base" --kernel-release=2.4.37 \
		-O "$w/blob" "$obj" >"$w/map" 2>"$w/err"; then
		echo "FAIL $arch/$(basename "$obj"): modlink failed: $(head -1 "$w/err")"
		return 1
	fi
	# Sections the object has (ALLOC ones), with their original sizes.
	readelf -SW "$obj" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) *\([A-Z_]*\) *[0-9a-f]* *[0-9a-f]* *\([0-9a-f]*\) .*/\1 \3 \2/p' >"$w/objsecs"
	{
		echo "SECTIONS {"
		awk '/^Sections:/ {s=1; next} /^$/ {s=0} s {print $1, $3}' "$w/map" | while read -r sec addr; do
			grep -q "^$sec " "$w/objsecs" || continue
			printf '  %s 0x%s : { *(%s) }\n' "$sec" "$addr" "$sec"
		done
		echo "  /DISCARD/ : { *(.modinfo) *(.comment) *(.note*) *(__ksymtab_discard) }"
		echo "}"
		thisaddr=$(awk '$1==".this" {print $3}' "$w/map")
		echo "__this_module = 0x$thisaddr;"
		# Only names the object leaves undefined: its own definitions win, as in insmod.
		nm -u "$obj" | awk '{print $2}' | sort >"$w/undef"
		while read -r a s; do
			grep -qx -- "$s" "$w/undef" && printf '%s = 0x%s;\n' "$s" "$a"
		done <"$ks"
	} >"$w/link.ld"
	# insmod never merges strings; GNU ld merges (and tail-merges) SHF_MERGE sections, so
	# give ld a copy of the object with the merge flag taken off those sections.
	local flags=""
	for sec in $(readelf -SW "$obj" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .* \([WAXMSIL]*M[WAXMSIL]*\) .*/\1/p'); do
		flags="$flags --set-section-flags $sec=alloc,load,readonly,data,contents"
	done
	local objcopy_=objcopy
	[ -n "${OBJCOPY_FOR_ARCH:-}" ] && objcopy_=$OBJCOPY_FOR_ARCH
	$objcopy_ $flags "$obj" "$w/nomerge.o"
	if ! $ld -T "$w/link.ld" --no-check-sections -e 0 -o "$w/ld.out" "$w/nomerge.o" 2>"$w/lderr"; then
		echo "FAIL $arch/$(basename "$obj"): ld failed: $(head -1 "$w/lderr")"
		return 1
	fi
	local bad=0 n=0 zero
	while read -r sec size addr; do
		grep -q "^$sec " "$w/objsecs" || continue
		local osize
		osize=$(awk -v s="$sec" '$1==s {print $2}' "$w/objsecs")
		[ $((0x$osize)) -eq 0 ] && continue
		# NOBITS, and (as modutils loads them: it never reads their bytes) allocated NOTE
		# and CPU-specific sections such as MIPS .reginfo: zeros.
		case $(awk -v s="$sec" '$1==s {print $3}' "$w/objsecs") in
		NOBITS | NOTE | MIPS_* | ARM_* | LOPROC*) zero=1 ;;
		*) zero=0 ;;
		esac
		if [ "$zero" -eq 1 ]; then
			head -c $((0x$osize)) /dev/zero >"$w/ld.bin"
		else
			$objcopy_ -O binary --only-section="$sec" "$w/ld.out" "$w/ld.bin" 2>/dev/null
		fi
		tail -c +$((0x$addr - base + 1)) "$w/blob" | head -c $((0x$osize)) >"$w/ml.bin"
		head -c $((0x$osize)) "$w/ld.bin" >"$w/ld.cut"
		n=$((n + 1))
		if ! cmp -s "$w/ld.cut" "$w/ml.bin"; then
			echo "FAIL $arch/$(basename "$obj"): section $sec differs from GNU ld:"
			cmp -l "$w/ld.cut" "$w/ml.bin" | head -5 | sed 's/^/    /'
			bad=1
		fi
	done < <(awk '/^Sections:/ {s=1; next} /^$/ {s=0} s {print $1, $2, $3}' "$w/map")
	[ $bad -eq 0 ] && echo "ok   $arch/$(basename "$obj"): $n sections identical to GNU ld"
	return $bad
}
