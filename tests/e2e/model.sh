#!/bin/bash
# The LKM HOWTO's workflow against the model 2.4 kernel, with module code really running:
# a module that needs another's exports fails with the unresolved list until that one is
# loaded; lsmod shows the reference; the used module cannot go; rmmod -r removes the stack;
# ksyms lists both modules' exports and ksymoops symbols; an autoclean module that was used
# is reaped by rmmod -a only on the second pass (2.4's VISITED second chance).
# exporter.o and user.o (tests/fixtures) stand in for fat.o and msdos.o.
set -u
: "${top_builddir:?}" "${top_srcdir:?}"
ML=$top_builddir/modlink
T=$(mktemp -d "${TMPDIR:-/tmp}/ml-model.XXXXXX")
trap 'rm -rf "$T"' EXIT
ok=0 fail=0
check() { # NAME CONDITION-COMMAND...
	local name=$1
	shift
	if "$@"; then
		echo "ok   $name"
		ok=$((ok + 1))
	else
		echo "FAIL $name"
		fail=$((fail + 1))
	fi
}
same() { # FILE: stdin must equal FILE's content
	diff -u - "$1"
}

arch=x86_64
FIX=$top_builddir/tests/fixtures/$arch
export MODLINK_EXEC_DIR=$top_builddir/tests
[ -x "$MODLINK_EXEC_DIR/modlink-exec-$arch" ] || { echo "SKIP: no executor"; exit 77; }
K=$T/kernel
"$ML" kernel create "$K" --cpu=$arch --release=2.4.37 || exit 1
export MODLINK_KERNEL=sim:$K

# 1. user before exporter: every missing symbol listed, nothing left in the kernel
"$ML" insmod "$FIX/user.o" >"$T/out" 2>"$T/err"
check "user.o before exporter.o fails (exit 1)" test $? -eq 1
check "the unresolved list names exporter's symbols" grep -q "user.o: unresolved symbol exp_add$" "$T/err"
check "nothing was created" test "$("$ML" lsmod | wc -l)" -eq 1

# 2. exporter, then user: both run
check "insmod exporter.o" "$ML" insmod "$FIX/exporter.o"
check "insmod user.o" "$ML" insmod "$FIX/user.o"
check "user's init_module called exporter's functions" grep -q "^user: exp_add(2, 3) = 5$" <("$ML" dmesg)
"$ML" lsmod >"$T/lsmod"
check "lsmod header" grep -qx "Module                  Size  Used by    Not tainted" "$T/lsmod"
check "lsmod: user unused" grep -Eq '^user +[0-9]+   0 \(unused\)$' "$T/lsmod"
check "lsmod: exporter used by user" grep -Eq '^exporter +[0-9]+   0 \[user\]$' "$T/lsmod"
check "lsmod: newest first" test "$(sed -n 2p "$T/lsmod" | cut -d' ' -f1)" = user

# 3. the used module cannot go
"$ML" rmmod exporter >"$T/out" 2>"$T/err"
check "rmmod exporter refused (exit 1)" test $? -eq 1
echo "rmmod: exporter: Device or resource busy" | check "rmmod message" same "$T/err"

# 4. ksyms: both modules' exports and their __insmod_ symbols
"$ML" ksyms >"$T/ksyms"
check "ksyms: exp_add of exporter" grep -Eq '^[0-9a-f]{16}  exp_add +\[exporter\]$' "$T/ksyms"
check "ksyms: __insmod_exporter_O" grep -Eq '^[0-9a-f]{16}  __insmod_exporter_O/.*/exporter\.o_M[0-9A-F]{16}_V132133 +\[exporter\]$' "$T/ksyms"
check "ksyms: __insmod_user_S.text" grep -Eq '__insmod_user_S\.text_L[0-9]+ +\[user\]$' "$T/ksyms"
check "/proc/ksyms: module lines end in TAB [module]" grep -qP '^[0-9a-f]{16} exp_add\t\[exporter\]$' <("$ML" k24emu -- cat /proc/ksyms 2>/dev/null || true) ||
	echo "     (k24emu not available: /proc/ksyms text checked in the unit tests)"

# 5. rmmod -r user: the stack goes, cleanups run in order
check "rmmod -r user" "$ML" rmmod -r user
check "lsmod empty" test "$("$ML" lsmod | wc -l)" -eq 1
check "user's cleanup ran before exporter went" grep -q "^user: cleanup, exp_counter" <("$ML" dmesg)

# 6. autoclean: reaped only on the second rmmod -a when it was used (VISITED)
cat >"$T/ac.c" <<'EOF'
#include <linux/module.h>
#include <linux/kernel.h>
MODULE_LICENSE("GPL");
int init_module(void)
{
	MOD_INC_USE_COUNT; /* used once: VISITED | USED_ONCE */
	MOD_DEC_USE_COUNT;
	printk("ac: loaded\n");
	return 0;
}
void cleanup_module(void) { printk("ac: reaped\n"); }
EOF
gcc -c -O2 -nostdinc -I"$top_srcdir/tests/fixtures/include" -D__KERNEL__ -DMODULE -mcmodel=kernel \
	-mno-red-zone -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-ffreestanding -o "$T/ac.o" "$T/ac.c" || exit 1
check "insmod -k ac.o" "$ML" insmod -k "$T/ac.o"
check "lsmod: (autoclean)" grep -Eq '^ac +[0-9]+   0 \(autoclean\)$' <("$ML" lsmod)
check "rmmod -a (first pass)" "$ML" rmmod -a
check "ac survives the first pass" grep -q '^ac ' <("$ML" lsmod)
check "rmmod -a (second pass)" "$ML" rmmod -a
check "ac reaped on the second pass" test "$("$ML" lsmod | wc -l)" -eq 1
check "its cleanup ran" grep -q "^ac: reaped$" <("$ML" dmesg)

echo "$ok passed, $fail failed"
[ "$fail" -eq 0 ]
