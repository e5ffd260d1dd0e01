#!/bin/sh
# k24emu: unmodified programs make the 2.4 module system calls and read the 2.4 /proc files,
# and k24emu serves them from a model kernel.  Per CPU (x86_64: 64-bit programs and a
# --cpu=x86_64 model; i386: 32-bit static programs, int 0x80, and a --cpu=i386 model):
#  - our probe (tests/e2e/k24emu/probe.c) calls create_module, init_module, delete_module,
#    query_module and get_kernel_syms with syscall(); its lines are compared exactly: the
#    query_module buffers byte for byte, with the ENOSPC protocol (*ret = bytes needed, the
#    entries that fit written), EFAULT for bad pointers, create_module's address, and the
#    error cases that a real 2.4.37 kernel gave (the QM_MODULES lines are the real kernel's);
#  - the real tools: modlink insmod, lsmod, rmmod (their live-kernel path, so without
#    MODLINK_KERNEL) and cat read and change the model through k24emu (64-bit only: there
#    is no 32-bit modlink);
#  - /proc/sys/kernel/tainted written by a program reaches the model; uname() says 2.4.37;
#    k24emu's exit status is the command's; a 32-bit program against a 64-bit model gets
#    ENOSYS and a message.
# Where the host cannot run i386 programs (or MODLINK_NO_NATIVE_I386=1), k24emu starts the
# 32-bit probe under qemu-i386 itself and serves its calls from qemu's log (man k24emu):
# the same expected lines then prove that path, and the i386 model's executor runs under
# qemu-i386 too (lib.sh prints "i386: via qemu-i386").
# The probe is built without sanitizers; the modlink under test may have them, and
# LeakSanitizer cannot work in a traced process (it stops the world with ptrace), so the
# programs k24emu runs get ASAN_OPTIONS=detect_leaks=0; k24emu itself keeps it.

. "${0%/*}/lib.sh"
require_modlink

# emu STATE CMD...: CMD under k24emu, as it would run on a 2.4 kernel.
emu() {
	emu_state=$1
	shift
	"$MODLINK" k24emu --state "$emu_state" -- env -u MODLINK_KERNEL \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$@"
}

# same NAME <EXPECTED: $W/NAME.out must equal EXPECTED exactly.
same() {
	cat >"$W/$1.exp"
	if ! diff -u "$W/$1.exp" "$W/$1.out"; then
		echo "k24emu ($ARCH): $1: the lines above differ (- expected, + got)"
		return 1
	fi
}

# status WANT GOT WHAT
status() {
	if [ "$2" -ne "$1" ]; then
		echo "k24emu ($ARCH): $3: exit status $2, expected $1"
		return 1
	fi
}

# le VALUE: the bytes of a word of the CPU (little endian), in hex.
le() {
	le_v=$(($1))
	le_i=0
	while [ "$le_i" -lt "$WS" ]; do
		printf '%02x ' $((le_v & 255))
		le_v=$((le_v >> 8))
		le_i=$((le_i + 1))
	done
}

# strhex STRING: its bytes and the NUL, in hex.
strhex() {
	printf '%s' "$1" | od -An -tx1 -v | tr '\n' ' '
	printf '00 '
}

# fill N: N bytes of 0xee.
fill() {
	fill_i=0
	while [ "$fill_i" -lt "$1" ]; do
		printf 'ee '
		fill_i=$((fill_i + 1))
	done
}

# hexdump <HEX: hex bytes as the probe dumps them.
hexdump() {
	tr -s ' \t\n' '\n' | grep . | awk '
	function val(h) { return index("0123456789abcdef", substr(h, 1, 1)) * 16 + \
		index("0123456789abcdef", substr(h, 2, 1)) - 17 }
	{ b[n++] = $1 }
	END {
		for (o = 0; o < n; o += 16) {
			line = sprintf("  %04x: ", o)
			asc = ""
			for (i = o; i < o + 16; i++) {
				if (i >= n) { line = line "   "; continue }
				line = line b[i] " "
				v = val(b[i])
				asc = asc ((v >= 32 && v < 127) ? sprintf("%c", v) : ".")
			}
			print line " |" asc "|"
		}
	}'
}

# new_model DIR CPU: a fresh model; the executor runs module code when it can.
new_model() {
	if ml_exec info >/dev/null 2>&1; then
		"$MODLINK" kernel create "$1" --cpu="$2" --exec="$RUN${RUN:+ }$EXEC"
	else
		"$MODLINK" kernel create "$1" --cpu="$2" --no-exec --ksyms="$W/k.ksyms"
	fi
}

# load_by_probe STATE NAME OBJECT: create_module, relocate for the address it gave (against
# the model's /proc/ksyms), init_module, all made by the probe.
load_by_probe() {
	emu "$1" cat /proc/ksyms >"$W/model.ksyms"
	"$MODLINK" insmod -n --kernel-release=2.4.37 --ksyms="$W/model.ksyms" --base=0 \
		-O "$W/$2.blob" "$3"
	lbp_size=$(wc -c <"$W/$2.blob")
	emu "$1" "$PROBE" create "$2" "$lbp_size" >"$W/create.out"
	lbp_addr=$(sed -n 's/^create_module.* -> //p' "$W/create.out")
	[ -n "$lbp_addr" ] || { cat "$W/create.out"; return 1; }
	"$MODLINK" insmod -n --kernel-release=2.4.37 --ksyms="$W/model.ksyms" --base="$lbp_addr" \
		-O "$W/$2.blob" "$3"
	emu "$1" "$PROBE" init "$2" "$W/$2.blob" >"$W/init.out"
	echo "init_module(\"$2\", $W/$2.blob) = 0" | diff -u - "$W/init.out"
	eval "ADDR_$2=$lbp_addr SIZE_$2=$lbp_size"
}

# syms MODULE: "VALUE NAME" lines of MODULE's exports in the model's /proc/ksyms.
syms() {
	awk -v m="[$1]" -F '\t' '$2 == m { print $1 }' "$W/model.ksyms"
}

# qm_symbols_expect MODULE BUFSIZE: what the probe prints for query_module(MODULE,
# QM_SYMBOLS) with BUFSIZE, after 2.4's qm_symbols: nsyms {value, name offset} pairs then
# the names; when it does not all fit, ENOSPC with *ret = the bytes needed, and the pairs
# and names of the symbols whose names fitted are written (none if the pairs do not fit).
qm_symbols_expect() {
	syms "$1" >"$W/qs.syms"
	qs_n=$(wc -l <"$W/qs.syms")
	qs_space=$((qs_n * 2 * WS))
	qs_total=$qs_space
	while read -r qs_v qs_name; do
		qs_total=$((qs_total + ${#qs_name} + 1))
	done <"$W/qs.syms"
	qs_left=$(($2 - qs_space))
	qs_off=$qs_space
	qs_fit=0
	: >"$W/qs.pairs"
	: >"$W/qs.names"
	: >"$W/qs.lines"
	[ "$qs_left" -ge 0 ] || qs_left=-1
	while read -r qs_v qs_name; do
		qs_len=$((${#qs_name} + 1))
		echo "  [$qs_fit] value=0x$(printf '%x' $((0x$qs_v))) name_off=$qs_off \"$qs_name\"" >>"$W/qs.lines"
		if [ "$qs_left" -ge "$qs_len" ]; then
			{ le "0x$qs_v"; le "$qs_off"; } >>"$W/qs.pairs"
			strhex "$qs_name" >>"$W/qs.names"
			qs_left=$((qs_left - qs_len))
			qs_fit=$((qs_fit + 1))
			qs_off=$((qs_off + qs_len))
		else
			qs_left=-1
		fi
	done <"$W/qs.syms"
	if [ "$qs_fit" -eq "$qs_n" ]; then
		echo "query_module($1, QM_SYMBOLS, buf, $2, &ret) = 0 ret=$qs_n"
		cat "$W/qs.lines"
		echo "  bytes used: $qs_total"
		{ cat "$W/qs.pairs" "$W/qs.names"; } | hexdump
		return 0
	fi
	echo "query_module($1, QM_SYMBOLS, buf, $2, &ret) = -1 errno=28 ENOSPC ret=$qs_total"
	echo "  buffer after the call (pre-filled with 0xee):"
	if [ "$2" -ge "$qs_space" ]; then
		qs_names=$(wc -w <"$W/qs.names")
		{
			cat "$W/qs.pairs"
			fill $(((qs_n - qs_fit) * 2 * WS))
			cat "$W/qs.names"
			fill $(($2 - qs_space - qs_names))
		} | hexdump
	else
		fill "$2" | hexdump
	fi
}

# qm_info_expect MODULE ADDR SIZE FLAGS FLAGNAMES USECOUNT: a successful QM_INFO, dumped.
qm_info_expect() {
	echo "query_module($1, QM_INFO, buf, $((4 * WS)), &ret) = 0 ret=$((4 * WS))"
	echo "  addr=$2 size=$3 flags=$4 = $5 usecount=$6"
	{ le "$2"; le "$3"; le "$4"; le "$6"; } | hexdump
}

# ---- the probe's system calls, byte for byte ----

t_probe() {
	S=$W/probe-model
	new_model "$S" "$ARCH"

	# The module list of the golden transcript: QM_MODULES's bytes and the ENOSPC protocol
	# are the real kernel's, names only (no words), so the same for both CPUs.
	: >"$W/qm.out"
	for m in tiny tinyuser fat msdos nls_cp437 unin; do
		emu "$S" "$PROBE" create "$m" 256 >>"$W/create-list.out"
	done
	unin=$(sed -n 's/^create_module("unin", 256) -> //p' "$W/create-list.out")
	while read -r args; do
		# shellcheck disable=SC2086 # the words are the probe's arguments
		emu "$S" "$PROBE" qm $args >>"$W/qm.out"
	done <<EOF
- 0 0
tiny 0 0
nosuch 0 0
- 6 64
- -1 64
tiny 99 64
- 1 0
- 1 1
- 1 10 dump
- 1 38
- 1 39 dump
- 1 4096
tiny 1 4096
- 2 4096
unin 2 4096
nosuch 2 4096
- 3 4096
unin 3 4096
unin 4 4096
unin 4 0
- 5 64
tiny 5 $((4 * WS - 1))
tiny 5 0
EOF
	same qm <<EOF
query_module(NULL, 0, buf, 0, &ret) = 0 ret=(unchanged)
query_module(tiny, 0, buf, 0, &ret) = 0 ret=(unchanged)
query_module(nosuch, 0, buf, 0, &ret) = -1 errno=2 ENOENT ret=(unchanged)
query_module(NULL, ?, buf, 64, &ret) = -1 errno=22 EINVAL ret=(unchanged)
query_module(NULL, ?, buf, 64, &ret) = -1 errno=22 EINVAL ret=(unchanged)
query_module(tiny, ?, buf, 64, &ret) = -1 errno=22 EINVAL ret=(unchanged)
query_module(NULL, QM_MODULES, buf, 0, &ret) = -1 errno=28 ENOSPC ret=39
query_module(NULL, QM_MODULES, buf, 1, &ret) = -1 errno=28 ENOSPC ret=39
query_module(NULL, QM_MODULES, buf, 10, &ret) = -1 errno=28 ENOSPC ret=39
  buffer after the call (pre-filled with 0xee):
  0000: 75 6e 69 6e 00 ee ee ee ee ee                    |unin......|
query_module(NULL, QM_MODULES, buf, 38, &ret) = -1 errno=28 ENOSPC ret=39
query_module(NULL, QM_MODULES, buf, 39, &ret) = 0 ret=6
  names: "unin" "nls_cp437" "msdos" "fat" "tinyuser" "tiny"
  0000: 75 6e 69 6e 00 6e 6c 73 5f 63 70 34 33 37 00 6d  |unin.nls_cp437.m|
  0010: 73 64 6f 73 00 66 61 74 00 74 69 6e 79 75 73 65  |sdos.fat.tinyuse|
  0020: 72 00 74 69 6e 79 00                             |r.tiny.|
query_module(NULL, QM_MODULES, buf, 4096, &ret) = 0 ret=6
  names: "unin" "nls_cp437" "msdos" "fat" "tinyuser" "tiny"
query_module(tiny, QM_MODULES, buf, 4096, &ret) = 0 ret=6
  names: "unin" "nls_cp437" "msdos" "fat" "tinyuser" "tiny"
query_module(NULL, QM_DEPS, buf, 4096, &ret) = -1 errno=22 EINVAL ret=(unchanged)
query_module(unin, QM_DEPS, buf, 4096, &ret) = 0 ret=0
  names:
query_module(nosuch, QM_DEPS, buf, 4096, &ret) = -1 errno=2 ENOENT ret=(unchanged)
query_module(NULL, QM_REFS, buf, 4096, &ret) = -1 errno=22 EINVAL ret=(unchanged)
query_module(unin, QM_REFS, buf, 4096, &ret) = 0 ret=0
  names:
query_module(unin, QM_SYMBOLS, buf, 4096, &ret) = 0 ret=0
  bytes used: 0
query_module(unin, QM_SYMBOLS, buf, 0, &ret) = 0 ret=0
  bytes used: 0
query_module(NULL, QM_INFO, buf, 64, &ret) = -1 errno=22 EINVAL ret=(unchanged)
query_module(tiny, QM_INFO, buf, $((4 * WS - 1)), &ret) = -1 errno=28 ENOSPC ret=$((4 * WS))
query_module(tiny, QM_INFO, buf, 0, &ret) = -1 errno=28 ENOSPC ret=$((4 * WS))
EOF
	emu "$S" "$PROBE" qm unin 5 $((4 * WS)) dump >"$W/info-unin.out"
	qm_info_expect unin "$unin" 256 0x0 UNINITIALIZED 0 | same info-unin

	# create_module and delete_module errors as a 2.4.37 kernel gave them; a 4095-byte name
	# is the longest (it and its NUL fill the kernel's page).
	long=$(printf '%4095s' '' | tr ' ' a)
	: >"$W/errors.out"
	emu "$S" "$PROBE" create "" 256 >>"$W/errors.out"
	emu "$S" "$PROBE" create @bad 256 >>"$W/errors.out"
	emu "$S" "$PROBE" create "$long" 8192 | sed 's/-> 0x[0-9a-f]*$/-> ADDR/' >>"$W/errors.out"
	emu "$S" "$PROBE" delete "$long" >>"$W/errors.out"
	emu "$S" "$PROBE" create "${long}a" 8192 >>"$W/errors.out"
	emu "$S" "$PROBE" create cm 0 >>"$W/errors.out"
	emu "$S" "$PROBE" create cm $((SOS + 2)) >>"$W/errors.out"
	emu "$S" "$PROBE" create cm $((SOS + 3)) | sed 's/-> 0x[0-9a-f]*$/-> ADDR/' >>"$W/errors.out"
	emu "$S" "$PROBE" create cm 4096 >>"$W/errors.out"
	emu "$S" "$PROBE" create cm2 0xffffffff >>"$W/errors.out"
	emu "$S" "$PROBE" delete cm >>"$W/errors.out"
	emu "$S" "$PROBE" delete nosuch >>"$W/errors.out"
	emu "$S" "$PROBE" delete "" >>"$W/errors.out"
	emu "$S" "$PROBE" delete @bad >>"$W/errors.out"
	emu "$S" "$PROBE" init nosuch "$EXEC" >>"$W/errors.out"
	emu "$S" "$PROBE" init unin @bad >>"$W/errors.out"
	same errors <<EOF
create_module("", 256) = -1 errno=22 EINVAL
create_module("@bad", 256) = -1 errno=14 EFAULT
create_module("$long", 8192) -> ADDR
delete_module($long) = 0
create_module("${long}a", 8192) = -1 errno=36 ENAMETOOLONG
create_module("cm", 0) = -1 errno=22 EINVAL
create_module("cm", $((SOS + 2))) = -1 errno=22 EINVAL
create_module("cm", $((SOS + 3))) -> ADDR
create_module("cm", 4096) = -1 errno=17 EEXIST
create_module("cm2", 4294967295) = -1 errno=12 ENOMEM
delete_module(cm) = 0
delete_module(nosuch) = -1 errno=2 ENOENT
delete_module() = -1 errno=22 EINVAL
delete_module(@bad) = -1 errno=14 EFAULT
init_module("nosuch", $EXEC) = -1 errno=2 ENOENT
init_module("unin", @bad) = -1 errno=14 EFAULT
EOF
	for m in tiny tinyuser fat msdos nls_cp437 unin; do
		emu "$S" "$PROBE" delete "$m" >/dev/null
	done

	# Two real modules, loaded by the probe: exporter, and user, which uses it.
	load_by_probe "$S" exporter "$FIX/exporter.o"
	load_by_probe "$S" user "$FIX/user.o"
	# the first address of the module area (of a model without executor, whose area is the
	# default: 0xc4800000 is returned as is to a 32-bit caller, which judges by errno)
	# shellcheck disable=SC2154 # set by load_by_probe
	if ! ml_exec info >/dev/null 2>&1 && [ "$ADDR_exporter" != "$BASE_MODAREA" ]; then
		echo "k24emu ($ARCH): create_module gave $ADDR_exporter, expected $BASE_MODAREA"
		return 1
	fi
	emu "$S" cat /proc/modules >"$W/modules.out"
	# shellcheck disable=SC2154 # set by load_by_probe
	same modules <<EOF
$(printf '%-20s%8d%4d %s' user "$SIZE_user" 0 '(unused)')
$(printf '%-20s%8d%4d %s' exporter "$SIZE_exporter" 0 '[user]')
EOF
	: >"$W/deps.out"
	for args in "user 2 4096 dump" "user 2 8 dump" "user 2 9" "exporter 2 4096" \
		"exporter 3 4096 dump" "exporter 3 4 dump" "user 3 4096"; do
		# shellcheck disable=SC2086 # the words are the probe's arguments
		emu "$S" "$PROBE" qm $args >>"$W/deps.out"
	done
	same deps <<EOF
query_module(user, QM_DEPS, buf, 4096, &ret) = 0 ret=1
  names: "exporter"
  0000: 65 78 70 6f 72 74 65 72 00                       |exporter.|
query_module(user, QM_DEPS, buf, 8, &ret) = -1 errno=28 ENOSPC ret=9
  buffer after the call (pre-filled with 0xee):
  0000: ee ee ee ee ee ee ee ee                          |........|
query_module(user, QM_DEPS, buf, 9, &ret) = 0 ret=1
  names: "exporter"
query_module(exporter, QM_DEPS, buf, 4096, &ret) = 0 ret=0
  names:
query_module(exporter, QM_REFS, buf, 4096, &ret) = 0 ret=1
  names: "user"
  0000: 75 73 65 72 00                                   |user.|
query_module(exporter, QM_REFS, buf, 4, &ret) = -1 errno=28 ENOSPC ret=5
  buffer after the call (pre-filled with 0xee):
  0000: ee ee ee ee                                      |....|
query_module(user, QM_REFS, buf, 4096, &ret) = 0 ret=0
  names:
EOF
	emu "$S" "$PROBE" qm exporter 5 $((4 * WS)) dump >"$W/info.out"
	emu "$S" "$PROBE" qm user 5 $((4 * WS)) dump >>"$W/info.out"
	# shellcheck disable=SC2154 # set by load_by_probe
	{
		qm_info_expect exporter "$ADDR_exporter" "$SIZE_exporter" 0x11 "RUNNING USED_ONCE" 0
		qm_info_expect user "$ADDR_user" "$SIZE_user" 0x1 RUNNING 0
	} | same info

	# QM_SYMBOLS: every buffer size around the edges of the protocol.
	emu "$S" cat /proc/ksyms >"$W/model.ksyms"
	n=$(syms exporter | wc -l)
	space=$((n * 2 * WS))
	l0=$(syms exporter | awk 'NR == 1 { print length($2) + 1 }')
	l1=$(syms exporter | awk 'NR == 2 { print length($2) + 1 }')
	total=$(syms exporter | awk -v s="$space" '{ s += length($2) + 1 } END { print s }')
	[ "$n" -ge 3 ] || { echo "k24emu ($ARCH): exporter has $n symbols in /proc/ksyms"; return 1; }
	: >"$W/symbols.out"
	: >"$W/symbols.want"
	for size in 0 $((space - 1)) "$space" $((space + l0)) $((space + l0 + l1 + 3)) \
		$((total - 1)) "$total" 65536; do
		emu "$S" "$PROBE" qm exporter 4 "$size" dump >>"$W/symbols.out"
		qm_symbols_expect exporter "$size" >>"$W/symbols.want"
	done
	same symbols <"$W/symbols.want"
	emu "$S" "$PROBE" qm user 4 65536 dump >"$W/symbols-user.out"
	qm_symbols_expect user 65536 | same symbols-user

	# EFAULT: the name, the buffer, *ret.  QM_INFO writes the buffer before *ret.
	: >"$W/efault.out"
	for args in "@bad 1 4096" "- 1 4096 buf=bad" "- 1 4096 ret=bad" "exporter 4 4096 buf=bad" \
		"exporter 5 $((4 * WS)) ret=bad" "exporter 5 $((4 * WS)) buf=bad"; do
		# shellcheck disable=SC2086 # the words are the probe's arguments
		emu "$S" "$PROBE" qm $args >>"$W/efault.out"
	done
	same efault <<EOF
query_module(@bad, QM_MODULES, buf, 4096, &ret) = -1 errno=14 EFAULT ret=(unchanged)
query_module(NULL, QM_MODULES, buf, 4096, &ret) = -1 errno=14 EFAULT ret=(unchanged)
query_module(NULL, QM_MODULES, buf, 4096, &ret) = -1 errno=14 EFAULT ret=(unchanged)
query_module(exporter, QM_SYMBOLS, buf, 4096, &ret) = -1 errno=14 EFAULT ret=(unchanged)
query_module(exporter, QM_INFO, buf, $((4 * WS)), &ret) = -1 errno=14 EFAULT ret=(unchanged)
query_module(exporter, QM_INFO, buf, $((4 * WS)), &ret) = -1 errno=14 EFAULT ret=(unchanged)
EOF

	# get_kernel_syms: NULL counts nsyms + 1 for every module, the kernel included; the table
	# has a "#name" entry (value: the module's address) before each module's symbols, the
	# kernel's "#" last; names are cut to 59 characters (58 after the '#').
	emu "$S" "$PROBE" gks >"$W/gks.out.raw"
	sed 's/^\(  \[[0-9]*\] \)0x[0-9a-f]* #$/\1KERNEL #/' "$W/gks.out.raw" >"$W/gks.out"
	esz=$(((WS + 60 + WS - 1) / WS * WS))
	nlines=$(wc -l <"$W/model.ksyms")
	# shellcheck disable=SC2154 # set by load_by_probe
	{
		echo "get_kernel_syms(NULL) = $((nlines + 3))"
		echo "get_kernel_syms(table) = $((nlines + 3)) (entries are {unsigned long value; char name[60];} = $esz bytes)"
		awk -v au="$ADDR_user" -v ae="$ADDR_exporter" -F '[ \t]' '
			function entry(v, name) { printf "  [%d] %s %s\n", i++, v, substr(name, 1, 59) }
			function hex(h) { sub(/^0+/, "", h); return "0x" (h == "" ? "0" : h) }
			{ m = $3; if (m != last) {
				if (m == "[user]") entry(au, "#user")
				else if (m == "[exporter]") entry(ae, "#exporter")
				else entry("KERNEL", "#")
				last = m }
			  entry(hex($1), $2) }' "$W/model.ksyms"
		echo "  hexdump of entry [0]:"
		{ le "$ADDR_user"; strhex "#user"; } >"$W/e0"
		{ cat "$W/e0"; i=$(wc -w <"$W/e0"); while [ "$i" -lt "$esz" ]; do printf '00 '; i=$((i + 1)); done; } | hexdump
		echo "  hexdump of entry [$(($(syms user | wc -l) + 1))]:"
		{ le "$ADDR_exporter"; strhex "#exporter"; } >"$W/e1"
		{ cat "$W/e1"; i=$(wc -w <"$W/e1"); while [ "$i" -lt "$esz" ]; do printf '00 '; i=$((i + 1)); done; } | hexdump
		echo "  the entry after the last:"
		fill "$esz" | hexdump
	} | same gks
	emu "$S" "$PROBE" gks table=bad >"$W/gks-bad.out"
	same gks-bad <<EOF
get_kernel_syms(NULL) = $((nlines + 3))
get_kernel_syms(bad) = 0
EOF

	# Removal: refused while used, then in order.
	: >"$W/delete.out"
	for m in exporter user exporter user; do
		emu "$S" "$PROBE" delete "$m" >>"$W/delete.out"
	done
	same delete <<EOF
delete_module(exporter) = -1 errno=16 EBUSY
delete_module(user) = 0
delete_module(exporter) = 0
delete_module(user) = -1 errno=2 ENOENT
EOF

	# The /proc files through open and openat, tainted written, uname.
	emu "$S" "$PROBE" create late 256 >/dev/null
	: >"$W/proc.out"
	emu "$S" "$PROBE" open /proc/modules >>"$W/proc.out"
	emu "$S" "$PROBE" openat /proc/modules >>"$W/proc.out"
	emu "$S" "$PROBE" open /proc/sys/kernel/tainted >>"$W/proc.out"
	emu "$S" "$PROBE" taint 1 >>"$W/proc.out"
	emu "$S" "$PROBE" openat /proc/sys/kernel/tainted >>"$W/proc.out"
	emu "$S" "$PROBE" taint 4 >>"$W/proc.out"
	emu "$S" "$PROBE" open /proc/sys/kernel/tainted >>"$W/proc.out"
	emu "$S" "$PROBE" open /proc/sys/kernel/osrelease >>"$W/proc.out"
	emu "$S" "$PROBE" uname >>"$W/proc.out"
	case $ARCH in i386) machine=i686 ;; *) machine=$ARCH ;; esac
	same proc <<EOF
$(printf '%-20s%8d %s' late 256 '(uninitialized)')
$(printf '%-20s%8d %s' late 256 '(uninitialized)')
0
tainted <- 1
1
tainted <- 4
5
2.4.37
2.4.37 $machine
EOF
	emu "$S" "$PROBE" open /proc/ksyms >"$W/ksyms.out"
	emu "$S" cat /proc/ksyms | same ksyms
}

# ---- the real tools under k24emu (64-bit) ----

t_tools() {
	S=$W/tools-model
	new_model "$S" "$ARCH"
	emu "$S" cat /proc/ksyms >"$W/model.ksyms"
	for m in exporter user; do
		"$MODLINK" insmod -n --kernel-release=2.4.37 --ksyms="$W/model.ksyms" --base=0 \
			-O "$W/$m.blob" "$FIX/$m.o"
		eval "SIZE_$m=$(wc -c <"$W/$m.blob")"
		set +e
		emu "$S" "$MODLINK" insmod "$FIX/$m.o" >"$W/insmod.out" 2>"$W/insmod.err"
		rc=$?
		set -e
		status 0 "$rc" "k24emu -- modlink insmod $m.o"
		cat "$W/insmod.out" "$W/insmod.err" >"$W/insmod-$m.out"
		same "insmod-$m" </dev/null
		emu "$S" cat /proc/ksyms >"$W/model.ksyms"
	done
	emu "$S" "$MODLINK" lsmod >"$W/lsmod.out"
	# shellcheck disable=SC2154 # set by the loop above
	same lsmod <<EOF
Module                  Size  Used by    Not tainted
$(printf '%-20s%8d%4d %s' user "$SIZE_user" 0 '(unused)')
$(printf '%-20s%8d%4d %s' exporter "$SIZE_exporter" 0 '[user]')
EOF
	emu "$S" cat /proc/modules >"$W/cat.out"
	sed 1d "$W/lsmod.exp" | same cat
	# the dependency insmod recorded, seen by a probe
	emu "$S" "$PROBE" qm user 2 4096 >"$W/tools-deps.out"
	same tools-deps <<EOF
query_module(user, QM_DEPS, buf, 4096, &ret) = 0 ret=1
  names: "exporter"
EOF
	set +e
	emu "$S" "$MODLINK" rmmod exporter >"$W/rmmod.out" 2>&1
	rc=$?
	set -e
	status 1 "$rc" "k24emu -- modlink rmmod exporter (used by user)"
	same rmmod <<EOF
rmmod: exporter: Device or resource busy
EOF
	emu "$S" "$MODLINK" rmmod -r user >"$W/rmmod-r.out" 2>&1
	same rmmod-r </dev/null
	emu "$S" "$PROBE" taint 1 >/dev/null
	emu "$S" "$MODLINK" lsmod >"$W/lsmod-empty.out"
	same lsmod-empty <<EOF
Module                  Size  Used by    Tainted: P  
EOF

	# a link named k24emu; the model from MODLINK_KERNEL; exit statuses
	ln -s "$MODLINK" "$W/k24emu"
	emu "$S" "$PROBE" create viaenv 256 >/dev/null
	MODLINK_KERNEL=sim:$S "$W/k24emu" cat /proc/modules >"$W/link.out"
	same link <<EOF
$(printf '%-20s%8d %s' viaenv 256 '(uninitialized)')
EOF
	# stat and access see the files too (the host has no /proc/ksyms)
	emu "$S" sh -c 'test -e /proc/ksyms && test -r /proc/ksyms && echo there' >"$W/stat.out"
	echo there | same stat
	set +e
	"$MODLINK" k24emu --state "$S" -- sh -c 'exit 3'
	rc=$?
	status 3 "$rc" "k24emu -- sh -c 'exit 3'"
	"$MODLINK" k24emu --state "$S" -- sh -c 'kill -TERM $$'
	rc=$?
	status 143 "$rc" "k24emu -- sh -c 'kill -TERM \$\$'"
	"$MODLINK" k24emu --state "$S" -- "$W/no-such-program" 2>"$W/noprog.out"
	rc=$?
	status 127 "$rc" "k24emu -- no-such-program"
	"$MODLINK" k24emu --state "$W/no-such-model" -- true 2>/dev/null
	rc=$?
	status 125 "$rc" "k24emu --state no-such-model"
	set -e
	same noprog <<EOF
k24emu: $W/no-such-program: No such file or directory
EOF

	# a 32-bit program against this 64-bit model: ENOSYS, and k24emu says why
	if [ -x "$PROBE32" ]; then
		emu "$S" "$PROBE32" qm - 1 4096 >"$W/mismatch.out" 2>"$W/mismatch.err"
		sed 's/pid [0-9]*/pid N/' "$W/mismatch.err" >>"$W/mismatch.out"
		same mismatch <<EOF
query_module(NULL, QM_MODULES, buf, 4096, &ret) = -1 errno=38 ENOSYS ret=(unchanged)
k24emu: pid N: query_module from a 32-bit (i386) program, but the model in $S is for x86_64, with 64-bit little-endian words: the call got ENOSYS (a 32-bit program needs a model made with 'modlink kernel create DIR --cpu=i386', a 64-bit one --cpu=x86_64)
EOF
	fi
}

# ---- an init_module that oopses kills its caller (only with an executor) ----

t_oops() {
	cat >"$W/oops.c" <<'EOF'
static const char mi[] __attribute__((section(".modinfo"), used)) =
	"kernel_version=2.4.37\0license=GPL\0";
extern int printk(const char *fmt, ...);
int init_module(void)
{
	printk("<1>oops: about to fault\n");
	return *(volatile int *)8;
}
EOF
	case $ARCH in
	x86_64) oops_cc="${CC:-gcc} -mcmodel=kernel -mno-red-zone" ;;
	*) oops_cc="$CC_I386 -mpreferred-stack-boundary=2" ;;
	esac
	mkdir -p "$W/oops"
	# shellcheck disable=SC2086 # the compiler and its flags
	$oops_cc -c -O2 -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
		-fcf-protection=none -ffreestanding -o "$W/oops/oops.o" "$W/oops.c"
	S=$W/oops-model
	new_model "$S" "$ARCH"
	emu "$S" cat /proc/ksyms >"$W/model.ksyms"
	"$MODLINK" insmod -n --kernel-release=2.4.37 --ksyms="$W/model.ksyms" --base=0 \
		-O "$W/oops.blob" "$W/oops/oops.o"
	oops_size=$(wc -c <"$W/oops.blob")
	oops_addr=$(emu "$S" "$PROBE" create oops "$oops_size" | sed -n 's/^create_module.* -> //p')
	"$MODLINK" insmod -n --kernel-release=2.4.37 --ksyms="$W/model.ksyms" --base="$oops_addr" \
		-O "$W/oops.blob" "$W/oops/oops.o"
	# killed even with SIGSEGV ignored: an oops does not ask
	set +e
	"$MODLINK" k24emu --state "$S" -- sh -c "trap '' SEGV; exec '$PROBE' init oops '$W/oops.blob'" \
		>"$W/oops.out" 2>"$W/oops.err"
	rc=$?
	set -e
	status 139 "$rc" "k24emu -- probe init oops"
	sed 's/pid [0-9]*/pid N/' "$W/oops.err" >>"$W/oops.out"
	emu "$S" cat /proc/modules >>"$W/oops.out"
	same oops <<EOF
k24emu: pid N: init_module oopsed in the model (see 'modlink dmesg'); the caller is killed with SIGSEGV, as 2.4 kills it
$(printf '%-20s%8d %s' oops "$oops_size" '(initializing)')
EOF
}

t_k24emu() {
	case $ARCH in
	x86_64 | i386) ;;
	*) echo "n/a $ARCH: this test runs once per x86 system call ABI (x86_64, i386)"; exit 77 ;;
	esac
	WS=$((WIDTH / 2))
	PROBE=$top_builddir/tests/e2e/k24emu/probe-$ARCH
	PROBE32=$top_builddir/tests/e2e/k24emu/probe-i386
	case $ARCH in x86_64) BASE_MODAREA=0x20000000 ;; i386) BASE_MODAREA=0xc4800000 ;; esac
	if [ ! -x "$PROBE" ]; then
		echo "SKIP $ARCH: no probe $PROBE (for i386: configure found no i686-linux-gnu-gcc)"
		exit 77
	fi
	new_model "$W/ptrace-model" "$ARCH"
	set +e
	"$MODLINK" k24emu --state "$W/ptrace-model" -- true 2>"$W/ptrace.err"
	rc=$?
	set -e
	if [ "$rc" -ne 0 ]; then
		echo "SKIP $ARCH: k24emu cannot trace here:"
		cat "$W/ptrace.err"
		exit 77
	fi
	t_probe
	if ml_exec info >/dev/null 2>&1; then
		t_oops
	else
		echo "($ARCH: this executor runs no module code for a model: the oops case is left out)"
	fi
	if [ "$ARCH" = x86_64 ]; then
		t_tools
	fi
}

# Once per x86 system call ABI: the other CPUs' variants are not this test's.
E2E_VARIANTS=$(for v in ${E2E_VARIANTS:-$E2E_ALL_VARIANTS}; do
	case $v in x86_64 | i386) echo "$v" ;; esac
done)
for_each_arch t_k24emu
