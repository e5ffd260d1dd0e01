#!/bin/sh
# exec: modlink-exec on its own, for every CPU, with hand-made images (no modlink
# involved): the stub kernel listing, the struct module checks of 2.4's sys_init_module
# (same order, same messages), init/cleanup calls and their statuses, exception-table
# fixups and unhandled faults, exports, and the usage errors.  The images hold a few
# instructions of each CPU (machine_code below), in its byte order.

# Offsets and values are plain numbers, left unquoted in FIELD=VALUE arguments.
# shellcheck disable=SC2086
. "${0%/*}/lib.sh"

# put_le FILE OFFSET VALUE BYTES: store VALUE in BYTES bytes, in the CPU's byte order.
put_le() {
	pl_esc=
	pl_i=0
	while [ "$pl_i" -lt "$4" ]; do
		pl_shift=$((8 * pl_i))
		[ "$ENDIAN" = little ] || pl_shift=$((8 * ($4 - 1 - pl_i)))
		pl_esc="$pl_esc\\$(printf '%03o' $((($3 >> pl_shift) & 255)))"
		pl_i=$((pl_i + 1))
	done
	# shellcheck disable=SC2059 # the format is the data: octal escapes
	printf "$pl_esc" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc 2>/dev/null
}

# put_bytes FILE OFFSET "HEX...": store bytes given in hex, in this order.
put_bytes() {
	pb_esc=
	for pb_b in $3; do
		pb_esc="$pb_esc\\$(printf '%03o' "0x$pb_b")"
	done
	# shellcheck disable=SC2059 # the format is the data: octal escapes
	printf "$pb_esc" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc 2>/dev/null
}

# put_str FILE OFFSET STRING: store STRING and its NUL.
put_str() {
	printf '%s\000' "$3" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc 2>/dev/null
}

# Field offsets of struct module (facts file, section 1.7) and word size: the same on
# every 32-bit CPU (all members are 4-byte words or ints).
layout() {
	case $WS in
	8)
		WS=8 O_NAME=16 O_SIZE=24 O_FLAGS=40 O_NSYMS=48 O_NDEPS=52 O_SYMS=56 O_DEPS=64
		O_INIT=80 O_CLEANUP=88 O_EXS=96 O_EXE=104 O_CANUNLOAD=128 O_KAS=144 O_KAE=152
		O_ADS=160 O_ADE=168 O_KDATA=176 SOS_MIN=112 ;;
	4)
		WS=4 O_NAME=8 O_SIZE=12 O_FLAGS=20 O_NSYMS=24 O_NDEPS=28 O_SYMS=32 O_DEPS=36
		O_INIT=44 O_CLEANUP=48 O_EXS=52 O_EXE=56 O_CANUNLOAD=68 O_KAS=76 O_KAE=80
		O_ADS=84 O_ADE=88 O_KDATA=92 SOS_MIN=60 ;;
	esac
}

# new_blob FILE [NAME]: a valid 512-byte image for module NAME (default bad) at $BASE, as
# create_module leaves it: size_of_struct, name right after the struct, size; all else 0.
new_blob() {
	dd if=/dev/zero of="$1" bs=512 count=1 2>/dev/null
	put_le "$1" 0 "$SOS" "$WS"
	put_le "$1" "$O_NAME" $((BASE + SOS)) "$WS"
	put_le "$1" "$O_SIZE" 512 "$WS"
	put_str "$1" "$SOS" "${2:-bad}"
}

# refused MESSAGE FIELD=VALUE...: an image with those fields changed is refused with
# MESSAGE.  FIELD is a byte offset; VALUE is stored as a word, or as 4 bytes for
# nsyms/ndeps.
refused() {
	rf_msg=$1
	shift
	new_blob "$W/r.blob"
	for rf_set in "$@"; do
		rf_off=${rf_set%%=*}
		rf_n=$WS
		[ "$rf_off" != "$O_NSYMS" ] && [ "$rf_off" != "$O_NDEPS" ] || rf_n=4
		put_le "$W/r.blob" "$rf_off" "$((${rf_set#*=}))" "$rf_n"
	done
	ml_run 3 "$W/r.blob@$BASE" </dev/null
	{
		printf '%s\n' "$rf_msg"
		echo "modlink-exec: $W/r.blob: refused, as 2.4's init_module would refuse it (EINVAL)"
	} | ml_run_stderr
}

t_ksyms() {
	ml_exec ksyms >"$W/ksyms"
	awk '{ print $2 }' "$W/ksyms" >"$W/names"
	cat >"$W/names.expected" <<EOT
jiffies
kfree
kmalloc
memcmp
memcpy
memmove
memset
misc_deregister
misc_register
printk
register_chrdev
simple_strtol
simple_strtoul
snprintf
sprintf
strcat
strcmp
strcpy
strlen
strncmp
strncpy
unregister_chrdev
vfree
vmalloc
EOT
	diff -u "$W/names.expected" "$W/names"
	# /proc/ksyms kernel lines: WIDTH lower-case hex digits, a space, the name.
	if grep -Ev "^[0-9a-f]{$WIDTH} [a-z_]+\$" "$W/ksyms"; then
		fail "ksyms lines not in /proc/ksyms format"
	fi
	# Distinct, and the same in every run (a static, non-PIE executor).
	[ "$(cut -d' ' -f1 "$W/ksyms" | sort -u | wc -l)" -eq "$(wc -l <"$W/ksyms")" ] ||
		fail "two stub symbols share an address"
	ml_exec ksyms | cmp -s - "$W/ksyms" || fail "ksyms differ between two runs"
}

t_checks() {
	layout
	exts=$((2 * WS))

	new_blob "$W/ok.blob"
	echo "init_module(bad) = 0" | ml_run 0 "$W/ok.blob@$BASE"
	ml_run_stderr </dev/null

	hdr='init_module: Invalid module header size.
A new version of the modutils is likely needed.'
	refused "$hdr" 0=40
	refused "$hdr" 0=$((SOS_MIN - 1))
	refused "$hdr" 0=$((SOS + 16 * WS + 1))
	refused "$hdr" 0=0
	refused "init_module: Size of initialized module exceeds size of created module." \
		$O_SIZE=513
	refused "init_module: mod->name out of bounds." $O_NAME=$((BASE + 4))
	refused "init_module: mod->name out of bounds." $O_NAME=0
	refused "init_module: mod->name out of bounds." $O_NAME=$((BASE + 512))
	# A bigger header is accepted, but the name now lies inside it.
	refused "init_module: mod->name out of bounds." 0=$((SOS + 16 * WS))
	refused "init_module: mod->syms out of bounds." $O_NSYMS=1 $O_SYMS=$((BASE + 512 - WS))
	refused "init_module: mod->syms out of bounds." $O_NSYMS=1 $O_SYMS=$BASE
	refused "init_module: mod->deps out of bounds." $O_NDEPS=1 \
		$O_DEPS=$((BASE + 512 - 2 * WS))
	refused "init_module: mod->init out of bounds." $O_INIT=$((BASE - 4096))
	refused "init_module: mod->init out of bounds." $O_INIT=$BASE
	refused "init_module: mod->cleanup out of bounds." $O_CLEANUP=$((BASE + 513))
	refused "init_module: mod->ex_table_* invalid." $O_EXS=$((BASE + 208)) \
		$O_EXE=$((BASE + 200))
	refused "init_module: mod->ex_table_* invalid." $O_EXS=$((BASE + 208)) \
		$O_EXE=$((BASE + 208 + exts + 1))
	refused "init_module: mod->ex_table_* invalid." $O_EXS=$((BASE + 8)) \
		$O_EXE=$((BASE + 8 + exts))
	refused "init_module: mod->ex_table_* invalid." $O_EXS=$((BASE + 512 - exts)) \
		$O_EXE=$((BASE + 512))
	refused "init_module: mod->flags invalid." $O_FLAGS=0x40
	refused "init_module: mod->flags invalid." $O_FLAGS=0x1
	refused "init_module: mod->can_unload out of bounds." $O_CANUNLOAD=$((BASE + 4))
	refused "init_module: mod->kallsyms out of bounds." $O_KAS=$((BASE + 256)) \
		$O_KAE=$((BASE + 4096))
	refused "init_module: mod->kallsyms invalid." $O_KAS=$((BASE + 264)) \
		$O_KAE=$((BASE + 256))
	refused "init_module: mod->archdata out of bounds." $O_ADS=$((BASE + 256)) \
		$O_ADE=$((BASE + 4096))
	refused "init_module: mod->archdata invalid." $O_ADS=$((BASE + 264)) \
		$O_ADE=$((BASE + 256))
	refused "init_module: mod->kernel_data must be zero." $O_KDATA=1
	# The checks stop at the first failure, in 2.4's order: flags before kernel_data.
	refused "init_module: mod->flags invalid." $O_FLAGS=0x40 $O_KDATA=1

	# Dependencies must be other modules already there.
	refused "init_module: self-referential dependency in mod->deps." $O_NDEPS=1 \
		$O_DEPS=$((BASE + 256)) 256=$BASE
	refused "init_module: found dependency that is (no longer?) a module." $O_NDEPS=1 \
		$O_DEPS=$((BASE + 256)) 256=$BASE2

	# Accepted edge cases: AUTOCLEAN, an empty exception table, the oldest header size
	# (kernel_data is then not a member, so not checked), init one past the end.
	new_blob "$W/e.blob"
	put_le "$W/e.blob" "$O_FLAGS" 4 "$WS"
	put_le "$W/e.blob" "$O_EXS" $((BASE + 256)) "$WS"
	put_le "$W/e.blob" "$O_EXE" $((BASE + 256)) "$WS"
	echo "init_module(bad) = 0" | ml_run 0 "$W/e.blob@$BASE"
	new_blob "$W/e.blob"
	put_le "$W/e.blob" 0 "$SOS_MIN" "$WS"
	put_le "$W/e.blob" "$O_NAME" $((BASE + SOS_MIN)) "$WS"
	put_str "$W/e.blob" "$SOS_MIN" old
	put_le "$W/e.blob" "$O_KDATA" 1 "$WS"
	echo "init_module(old) = 0" | ml_run 0 "$W/e.blob@$BASE"

	# A second module depending on the first: accepted once the first is there.
	new_blob "$W/two.blob" two
	put_le "$W/two.blob" "$O_NAME" $((BASE2 + SOS)) "$WS"
	put_le "$W/two.blob" "$O_NDEPS" 1 4
	put_le "$W/two.blob" "$O_DEPS" $((BASE2 + 256)) "$WS"
	put_le "$W/two.blob" 256 "$BASE" "$WS"
	printf 'init_module(bad) = 0\ninit_module(two) = 0\n' |
		ml_run 0 "$W/ok.blob@$BASE" "$W/two.blob@$BASE2"
	ml_run 3 "$W/two.blob@$BASE2" "$W/ok.blob@$BASE" </dev/null
}

# machine_code: the instructions of the hand-made images, as hex bytes in memory order:
# functions returning -19, 0, 5 and -14, one returning nothing, and one loading a word
# from address 0x10 (and returning it), whose load instruction is FAULT_OFF bytes in.
machine_code() {
	case $CPU in
	x86_64 | i386)
		# b8 imm32: mov $imm32,%eax; c3: ret; 8b 04 25 10 00 00 00: mov 0x10,%eax
		RET_M19="b8 ed ff ff ff c3" RET_0="b8 00 00 00 00 c3" RET_5="b8 05 00 00 00 c3"
		RET_M14="b8 f2 ff ff ff c3" RET="c3" LOAD="8b 04 25 10 00 00 00 c3" FAULT_OFF=0 ;;
	arm)
		# mvn r0,#18 | mov r0,#0 | mov r0,#5 | mvn r0,#13; bx lr
		# mov r0,#16; ldr r0,[r0]; bx lr
		RET_M19="12 00 e0 e3 1e ff 2f e1" RET_0="00 00 a0 e3 1e ff 2f e1"
		RET_5="05 00 a0 e3 1e ff 2f e1" RET_M14="0d 00 e0 e3 1e ff 2f e1" RET="1e ff 2f e1"
		LOAD="10 00 a0 e3 00 00 90 e5 1e ff 2f e1" FAULT_OFF=4 ;;
	mips)
		# li $2,IMM; jr $31; nop | lw $2,0x10($0); jr $31; nop
		RET_M19="24 02 ff ed 03 e0 00 08 00 00 00 00" RET_0="24 02 00 00 03 e0 00 08 00 00 00 00"
		RET_5="24 02 00 05 03 e0 00 08 00 00 00 00" RET_M14="24 02 ff f2 03 e0 00 08 00 00 00 00"
		RET="03 e0 00 08 00 00 00 00" LOAD="8c 02 00 10 03 e0 00 08 00 00 00 00" FAULT_OFF=0 ;;
	mipsel)
		RET_M19="ed ff 02 24 08 00 e0 03 00 00 00 00" RET_0="00 00 02 24 08 00 e0 03 00 00 00 00"
		RET_5="05 00 02 24 08 00 e0 03 00 00 00 00" RET_M14="f2 ff 02 24 08 00 e0 03 00 00 00 00"
		RET="08 00 e0 03 00 00 00 00" LOAD="10 00 02 8c 08 00 e0 03 00 00 00 00" FAULT_OFF=0 ;;
	ppc)
		# li 3,IMM; blr | lwz 3,0x10(0); blr
		RET_M19="38 60 ff ed 4e 80 00 20" RET_0="38 60 00 00 4e 80 00 20"
		RET_5="38 60 00 05 4e 80 00 20" RET_M14="38 60 ff f2 4e 80 00 20" RET="4e 80 00 20"
		LOAD="80 60 00 10 4e 80 00 20" FAULT_OFF=0 ;;
	sh4)
		# rts; mov #IMM,r0 (in the delay slot) | mov #16,r1; mov.l @r1,r0; rts; nop
		RET_M19="0b 00 ed e0" RET_0="0b 00 00 e0" RET_5="0b 00 05 e0" RET_M14="0b 00 f2 e0"
		RET="0b 00 09 00" LOAD="10 e1 12 60 0b 00 09 00" FAULT_OFF=2 ;;
	sh4eb)
		RET_M19="00 0b e0 ed" RET_0="00 0b e0 00" RET_5="00 0b e0 05" RET_M14="00 0b e0 f2"
		RET="00 0b 00 09" LOAD="e1 10 60 12 00 0b 00 09" FAULT_OFF=2 ;;
	m68k)
		# moveq #IMM,%d0; rts | move.l 0x10.w,%d0; rts
		RET_M19="70 ed 4e 75" RET_0="70 00 4e 75" RET_5="70 05 4e 75" RET_M14="70 f2 4e 75"
		RET="4e 75" LOAD="20 38 00 10 4e 75" FAULT_OFF=0 ;;
	sparc)
		# retl; mov IMM,%o0 (in the delay slot) | ld [%g0+0x10],%o0; retl; nop
		RET_M19="81 c3 e0 08 90 10 3f ed" RET_0="81 c3 e0 08 90 10 20 00"
		RET_5="81 c3 e0 08 90 10 20 05" RET_M14="81 c3 e0 08 90 10 3f f2"
		RET="81 c3 e0 08 01 00 00 00" LOAD="d0 00 20 10 81 c3 e0 08 01 00 00 00" FAULT_OFF=0 ;;
	esac
}

# Image offsets: init code at 256, cleanup at 272, a fixup at 288, an exception table at
# 320.
t_calls() {
	layout
	machine_code

	# init returns -ENODEV: status 1, no cleanup (the module never ran).
	new_blob "$W/c.blob"
	put_bytes "$W/c.blob" 256 "$RET_M19"
	put_bytes "$W/c.blob" 272 "$RET"
	put_le "$W/c.blob" "$O_INIT" $((BASE + 256)) "$WS"
	put_le "$W/c.blob" "$O_CLEANUP" $((BASE + 272)) "$WS"
	echo "init_module(bad) = -19" | ml_run 1 "$W/c.blob@$BASE"

	# init returns 0: cleanup is called at the end.
	put_bytes "$W/c.blob" 256 "$RET_0"
	printf 'init_module(bad) = 0\ncleanup_module(bad)\n' | ml_run 0 "$W/c.blob@$BASE"

	# Two modules: inits in order, cleanups in reverse; a failing second init stops
	# there and the first is still cleaned up.
	new_blob "$W/d.blob" two
	put_le "$W/d.blob" "$O_NAME" $((BASE2 + SOS)) "$WS"
	put_bytes "$W/d.blob" 256 "$RET_5"
	put_bytes "$W/d.blob" 272 "$RET"
	put_le "$W/d.blob" "$O_INIT" $((BASE2 + 256)) "$WS"
	put_le "$W/d.blob" "$O_CLEANUP" $((BASE2 + 272)) "$WS"
	ml_run 1 "$W/c.blob@$BASE" "$W/d.blob@$BASE2" <<EOT
init_module(bad) = 0
init_module(two) = 5
cleanup_module(bad)
EOT
	put_bytes "$W/d.blob" 256 "$RET_0"
	ml_run 0 "$W/c.blob@$BASE" "$W/d.blob@$BASE2" <<EOT
init_module(bad) = 0
init_module(two) = 0
cleanup_module(two)
cleanup_module(bad)
EOT

	# A load from 0x10 with an exception table entry: resumes at the fixup, which
	# returns -EFAULT from init.
	insn=$((BASE + 256 + FAULT_OFF))
	new_blob "$W/x.blob"
	put_bytes "$W/x.blob" 256 "$LOAD"
	put_bytes "$W/x.blob" 288 "$RET_M14"
	put_le "$W/x.blob" 320 "$insn" "$WS"
	put_le "$W/x.blob" $((320 + WS)) $((BASE + 288)) "$WS"
	put_le "$W/x.blob" "$O_INIT" $((BASE + 256)) "$WS"
	put_le "$W/x.blob" "$O_EXS" $((BASE + 320)) "$WS"
	put_le "$W/x.blob" "$O_EXE" $((BASE + 320 + 2 * WS)) "$WS"
	echo "init_module(bad) = -14" | ml_run 1 "$W/x.blob@$BASE"

	# Without the table the same load is an oops: status 128 + SIGSEGV, and a report.
	put_le "$W/x.blob" "$O_EXS" 0 "$WS"
	put_le "$W/x.blob" "$O_EXE" 0 "$WS"
	ml_run 139 "$W/x.blob@$BASE" </dev/null
	ml_run_stderr <<EOT
modlink-exec: Unable to handle kernel NULL pointer dereference at virtual address $(ml_hex 0x10)
modlink-exec: ip $(ml_hex "$insn") (bad+$(printf '%#x' $((256 + FAULT_OFF)))), no exception table entry
EOT

	# An entry for another instruction does not catch it.
	put_le "$W/x.blob" 320 $((insn + 4)) "$WS"
	put_le "$W/x.blob" "$O_EXS" $((BASE + 320)) "$WS"
	put_le "$W/x.blob" "$O_EXE" $((BASE + 320 + 2 * WS)) "$WS"
	ml_run 139 "$W/x.blob@$BASE" </dev/null
}

t_exports() {
	layout
	new_blob "$W/s.blob"
	put_le "$W/s.blob" "$O_NSYMS" 2 4
	put_le "$W/s.blob" "$O_SYMS" $((BASE + 320)) "$WS"
	put_le "$W/s.blob" 320 $((BASE + 256)) "$WS"
	put_le "$W/s.blob" $((320 + WS)) $((BASE + 400)) "$WS"
	put_le "$W/s.blob" $((320 + 2 * WS)) 0x1234 "$WS"
	put_le "$W/s.blob" $((320 + 3 * WS)) $((BASE + 410)) "$WS"
	put_str "$W/s.blob" 400 alpha
	put_str "$W/s.blob" 410 beta
	ml_exports "$W/s.blob@$BASE" >"$W/s.ksyms"
	printf '%s alpha\t[bad]\n%s beta\t[bad]\n' "$(ml_hex $((BASE + 256)))" "$(ml_hex 0x1234)" |
		diff -u - "$W/s.ksyms"

	# A name pointer outside the image: refused, nothing printed.
	put_le "$W/s.blob" $((320 + 3 * WS)) $((BASE + 4096)) "$WS"
	set +e
	ml_exec exports "$W/s.blob@$BASE" >"$W/s.out" 2>"$W/s.err"
	st=$?
	set -e
	[ "$st" -eq 3 ] || fail "exports with a bad name pointer: status $st, expected 3"
	echo "modlink-exec: $W/s.blob: symbol 1: name pointer $(printf '%#x' $((BASE + 4096))) is outside the image" |
		diff -u - "$W/s.err"
}

# usage STATUS STDERR ARGS...: modlink-exec ARGS exits STATUS with STDERR's first line.
usage() {
	us_want=$1
	us_line=$2
	shift 2
	set +e
	ml_exec "$@" >"$W/u.out" 2>"$W/u.err"
	us_st=$?
	set -e
	[ "$us_st" -eq "$us_want" ] || fail "modlink-exec $*: status $us_st, expected $us_want"
	[ "$(head -n 1 "$W/u.err")" = "$us_line" ] ||
		fail "modlink-exec $*: stderr starts with '$(head -n 1 "$W/u.err")', expected '$us_line'"
}

t_usage() {
	layout
	new_blob "$W/ok.blob"
	dd if=/dev/zero of="$W/short.blob" bs=2 count=1 2>/dev/null
	dd if="$W/ok.blob" of="$W/trunc.blob" bs=$((SOS - 8)) count=1 2>/dev/null

	usage 2 "usage: modlink-exec ksyms"
	usage 2 "usage: modlink-exec ksyms" run
	usage 2 "usage: modlink-exec ksyms" frobnicate
	usage 0 "" --help
	usage 2 "modlink-exec: '$W/ok.blob': expected BLOB@ADDR" run "$W/ok.blob"
	usage 2 "modlink-exec: '$W/ok.blob@zz': bad address 'zz'" run "$W/ok.blob@zz"
	usage 2 "modlink-exec: $W/ok.blob: address $(printf '%#x' $((BASE + 16))) is not page aligned" \
		run "$W/ok.blob@$(printf '%#x' $((BASE + 16)))"
	usage 2 "modlink-exec: $W/none.blob: No such file or directory" run "$W/none.blob@$BASE"
	usage 2 "modlink-exec: $W/short.blob: 2 bytes, too short for a module image" \
		run "$W/short.blob@$BASE"
	usage 2 "modlink-exec: $W/trunc.blob: $((SOS - 8)) bytes, shorter than its $SOS-byte header" \
		run "$W/trunc.blob@$BASE"
	# The same address twice: the second mapping is refused, never placed over the
	# first.
	usage 2 "modlink-exec: $W/ok.blob: cannot map 512 bytes at $(printf '%#x' "$BASE"): the range is already in use" \
		run "$W/ok.blob@$BASE" "$W/ok.blob@$BASE"
	[ "$(cat "$W/u.out")" = "init_module(bad) = 0" ] || fail "the first module did not run"
}

t_exec() {
	t_ksyms
	t_checks
	t_calls
	t_exports
	t_usage
}

for_each_arch t_exec
