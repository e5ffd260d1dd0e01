#!/bin/sh
# call: the executor's side of the 2.4 model, on every CPU.  `modlink-exec info` names the
# module area and the kernel data area; `modlink-exec call DIR ADDR` maps the model's
# module memory (DIR/mem/<hexaddr>, shared) and kernel data (DIR/kdata), logs printk to
# DIR/kmsg and calls the function at ADDR, one call per process:
#  - kernel state survives between processes: init_module kmallocs a buffer and registers
#    a misc device; cleanup_module, in a second process, finds the buffer's contents and
#    the device, and frees the buffer, which a third process's init gets back;
#  - what the module writes into its own memory lands in DIR/mem (its loads counter);
#  - the exception tables of the mapped modules work, other files in DIR/mem are mapped
#    but not taken for modules, an unhandled fault appends an oops to DIR/kmsg (status
#    3), and a bad DIR is refused (status 2).
. "${0%/*}/lib.sh"
require_modlink

# ml_call STATUS DIR ADDR: run call; its exit status must be STATUS.  stdout is left in
# $W/call.out, stderr in $W/call.err.
ml_call() {
	mc_want=$1
	shift
	set +e
	ml_exec call "$@" >"$W/call.out" 2>"$W/call.err"
	mc_status=$?
	set -e
	if [ "$mc_status" -ne "$mc_want" ]; then
		echo "modlink-exec call $*: exit status $mc_status, expected $mc_want; stdout, stderr:"
		cat "$W/call.out" "$W/call.err"
		return 1
	fi
	return 0
}

# expect_file FILE <EXPECTED: FILE must hold exactly EXPECTED.
expect_file() {
	if ! diff -u - "$1"; then
		echo "$1 differs from the expected text"
		return 1
	fi
}

# member BLOB NAME: a struct module member of an image (init or cleanup).
member() {
	case $2 in
	init) mb_off=11 ;;
	cleanup) mb_off=12 ;;
	esac
	# Past nsyms and ndeps, two ints: one word on 64-bit CPUs, two on 32-bit ones.
	[ "$WS" -eq 4 ] || mb_off=$((mb_off - 1))
	printf '%#x' "$(ml_word "$1" "$mb_off")"
}

t_call() {
	# info: two lines, page-aligned ranges that do not overlap.
	ml_exec info >"$W/info"
	grep -Eqx 'modarea 0x[0-9a-f]+ 0x[0-9a-f]+' "$W/info" ||
		fail "info: no modarea line: $(cat "$W/info")"
	grep -Eqx 'kdata 0x[0-9a-f]+ 0x[0-9a-f]+' "$W/info" || fail "info: no kdata line"
	[ "$(wc -l <"$W/info")" -eq 2 ] || fail "info: not two lines: $(cat "$W/info")"
	modarea=$(awk '$1 == "modarea" { print $2 }' "$W/info")
	modsize=$(awk '$1 == "modarea" { print $3 }' "$W/info")
	kdata=$(awk '$1 == "kdata" { print $2 }' "$W/info")
	kdsize=$(awk '$1 == "kdata" { print $3 }' "$W/info")
	[ $(((modarea | modsize | kdata | kdsize) & 4095)) -eq 0 ] || fail "info: not page aligned"
	[ $((modsize >= 0x800000 && kdsize >= 0x100000)) -eq 1 ] || fail "info: areas too small"
	[ $((kdata + kdsize <= modarea || modarea + modsize <= kdata)) -eq 1 ] ||
		fail "info: the kdata area overlaps the module area"

	# A module at the start of the module area, as the model's create_module places it.
	D=$W/model
	mkdir -p "$D/mem"
	mem=$D/mem/$(printf '%x' "$modarea")
	ml_insmod "$mem" "$modarea" "$FIX/kstate$O"
	init=$(member "$mem" init)
	cleanup=$(member "$mem" cleanup)
	# The first kmalloc block: 16 bytes into the heap, which starts 64 KiB into kdata.
	buf=$(ml_hex $((kdata + 0x10000 + 16)))

	ml_call 0 "$D" "$init"
	echo 0 | expect_file "$W/call.out"
	[ "$(wc -c <"$D/kdata")" -eq $((kdsize)) ] || fail "kdata is not $kdsize bytes"
	ml_call 0 "$D" "$cleanup"
	ml_call 0 "$D" "$init"
	echo 0 | expect_file "$W/call.out"
	expect_file "$D/kmsg" <<EOT
<6>kstate: init #1: buffer at $buf, misc minor 63
<6>kstate: cleanup: buffer at $buf holds "written by init #1", misc_deregister 0
<6>kstate: init #2: buffer at $buf, misc minor 63
EOT
	# "init #2": the counter the first init wrote was in the module's memory file.

	# A second module in the same kernel gets the next dynamic minor (the first one is
	# still registered, in kdata) and a new buffer.
	mem2=$D/mem/$(printf '%x' $((modarea + 0x100000)))
	ml_insmod "$mem2" $((modarea + 0x100000)) "$FIX/kstate$O"
	ml_call 0 "$D" "$(member "$mem2" init)"
	tail -n 1 "$D/kmsg" | grep -Eqx "<6>kstate: init #1: buffer at [0-9a-f]{$WIDTH}, misc minor 62" ||
		fail "second module: $(tail -n 1 "$D/kmsg")"
	tail -n 1 "$D/kmsg" | grep -qv "$buf" || fail "second module got the first one's buffer"

	# Exception tables work in called code; a file that is not a module is mapped too.
	X=$W/xmodel
	mkdir -p "$X/mem"
	xmem=$X/mem/$(printf '%x' "$modarea")
	ml_insmod "$xmem" "$modarea" "$FIX/extable$O"
	dd if=/dev/zero of="$X/mem/$(printf '%x' $((modarea + 0x200000)))" bs=4096 count=2 \
		2>/dev/null
	ml_call 0 "$X" "$(member "$xmem" init)"
	echo 0 | expect_file "$W/call.out"
	expect_file "$X/kmsg" <<'EOT'
extable: get_user(good) = 0, value 777
extable: get_user(0x10) = -14, value 0
extable: put_user(0x10) = -14
extable: put_user(good) = 0, good 778
EOT

	# An unprotected access is an oops: status 3, the oops appended to kmsg.
	rm -f "$X/kmsg"
	ml_insmod "$xmem" "$modarea" "$FIX/extable$O" oops=1
	ml_call 3 "$X" "$(member "$xmem" init)"
	[ ! -s "$W/call.out" ] || fail "an oops printed a return value: $(cat "$W/call.out")"
	head -n 6 "$X/kmsg" >"$W/oops"
	expect_file "$W/oops" <<'EOT'
extable: get_user(good) = 0, value 777
extable: get_user(0x10) = -14, value 0
extable: put_user(0x10) = -14
extable: put_user(good) = 0, good 778
extable: unprotected load from 0x10
Unable to handle kernel NULL pointer dereference at virtual address 00000010
EOT
	pcname=PC
	case $CPU in x86_64 | i386) pcname=EIP ;; esac
	pc=$(sed -n 7p "$X/kmsg")
	echo "$pc" | grep -Eqx "$pcname is at [0-9a-f]{8,16}" || fail "oops: bad line 7: $pc"
	pc=0x${pc##* }
	size=$(wc -c <"$xmem")
	[ $((pc >= modarea && pc < modarea + size)) -eq 1 ] ||
		fail "oops: $pc is not inside the module [$modarea, +$size)"
	[ "$(wc -l <"$X/kmsg")" -eq 7 ] || fail "oops: kmsg has more lines than expected"

	# Refused: a DIR/mem file not named by its address, a DIR without mem, a bad ADDR.
	: >"$X/mem/notanaddress"
	ml_call 2 "$X" "$(member "$xmem" init)"
	grep -Fqx "modlink-exec: $X/mem/notanaddress: not a module memory file (its name must be its address in lower-case hex)" \
		"$W/call.err" || fail "bad mem file name: $(cat "$W/call.err")"
	mkdir -p "$W/empty"
	ml_call 2 "$W/empty" "$init"
	grep -Fqx "modlink-exec: $W/empty/mem: No such file or directory" "$W/call.err" ||
		fail "no mem directory: $(cat "$W/call.err")"
	ml_call 2 "$D" 0x
	grep -Fqx "modlink-exec: call: bad address '0x'" "$W/call.err" ||
		fail "bad address: $(cat "$W/call.err")"
}

for_each_arch t_call
