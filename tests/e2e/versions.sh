#!/bin/bash
# Versioned symbols, licences, taint and ksymoops snapshots against model kernels made
# versioned (CONFIG_MODVERSIONS, SMP or not) and unversioned, with module code running.
set -u
: "${top_builddir:?}" "${top_srcdir:?}"
ML=$top_builddir/modlink
T=$(mktemp -d "${TMPDIR:-/tmp}/ml-versions.XXXXXX")
trap 'rm -rf "$T"' EXIT
ok=0 fail=0
check() {
	local name=$1
	shift
	if "$@"; then echo "ok   $name"; ok=$((ok + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
export MODLINK_EXEC_DIR=$top_builddir/tests
[ -x "$MODLINK_EXEC_DIR/modlink-exec-x86_64" ] || { echo "SKIP: no executor"; exit 77; }
unset MODLINK_KERNEL
crc() { printf '%s' "$1" | gzip -c | tail -c8 | od -An -tx4 -N4 | tr -d ' '; }
PK=$(crc printk)

# mod NAME MODINFO PRINTK-NAME: a module that prints through PRINTK-NAME
mod() {
	cat >"$T/$1.c" <<EOF
extern int $3(const char *, ...);
static const char mi[] __attribute__((section(".modinfo"), used)) = "kernel_version=2.4.37\\0$2";
int init_module(void) { $3("<6>$1: running\\n"); return 0; }
void cleanup_module(void) { }
EOF
	gcc -c -O2 -mcmodel=kernel -mno-red-zone -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables \
		-fcf-protection=none -o "$T/$1.o" "$T/$1.c" || exit 1
}
mod vgood 'using_checksums=1\0license=GPL\0' "printk_R$PK"
mod vbad 'using_checksums=1\0license=GPL\0' printk_R00000bad
mod vsmp 'using_checksums=1\0license=GPL\0' "printk_Rsmp_$PK"
mod plain 'license=GPL\0' printk
mod gpl2 'license=GPL v2\0' printk
mod dual 'license=Dual BSD/GPL\0' printk
mod prop 'license=Proprietary\0' printk
mod nolic '' printk
mod old 'license=GPL\0kernel_version=2.4.20\0' printk
sed -i 's/kernel_version=2.4.37\\0license=GPL\\0kernel_version=2.4.20/kernel_version=2.4.20\\0license=GPL/' "$T/old.c"
gcc -c -O2 -mcmodel=kernel -mno-red-zone -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -o "$T/old.o" "$T/old.c" || exit 1

"$ML" kernel create "$T/kv" --cpu=x86_64 --versioned >/dev/null || exit 1
"$ML" kernel create "$T/ks" --cpu=x86_64 --smp >/dev/null || exit 1
"$ML" kernel create "$T/ku" --cpu=x86_64 >/dev/null || exit 1
ins() { # KERNEL ARGS...: insmod into a model kernel, output in $T/out
	MODLINK_KERNEL=sim:$T/$1 "$ML" insmod "${@:2}" >"$T/out" 2>&1
}
ran() { # KERNEL MODULE: its init ran
	MODLINK_KERNEL=sim:$T/$1 "$ML" dmesg | grep -qx "$2: running"
}

# The four combinations.
check "versioned module, versioned kernel, same CRC" ins kv "$T/vgood.o"
check "  ...and it ran" ran kv vgood
ins kv "$T/vbad.o"
check "versioned module, versioned kernel, CRC differs: refused" test $? -eq 1
check "  ...the message names both CRCs" grep -qx "$T/vbad.o: unresolved symbol printk_R00000bad (the kernel exports printk_R$PK: a different CRC, so this module was built for another kernel or configuration)" "$T/out"
check "versioned module, unversioned kernel" ins ku "$T/vgood.o"
check "  ...and it ran" ran ku vgood
check "unversioned module, versioned kernel" ins kv "$T/plain.o"
check "  ...and it ran" ran kv plain
check "unversioned module, unversioned kernel" ins ku "$T/plain.o"
check "SMP prefix derived from the kernel (get_module_symbol_Rsmp_)" ins ks "$T/vsmp.o"
check "  ...and it ran" ran ks vsmp
ins ks "$T/vgood.o"
check "non-SMP versioned module on an SMP kernel: refused" test $? -eq 1

# The version check: only when CRCs are not both in use; -f forces and taints (F).
ins ku "$T/old.o"
check "2.4.20 module on 2.4.37: refused" test $? -eq 1
check "  ...modutils' message" grep -q "kernel-module version mismatch" "$T/out"
check "  ...nothing created" sh -c "! MODLINK_KERNEL=sim:$T/ku '$ML' lsmod | grep -q '^old '"
check "-f loads it" ins ku -f "$T/old.o"
check "  ...with the forced-load warning" grep -q "will taint the kernel: forced load" "$T/out"
check "  ...tainted F" grep -qx "Module                  Size  Used by    Tainted: GF " <(MODLINK_KERNEL=sim:$T/ku "$ML" lsmod | head -1)

# Licences and taint (P).
"$ML" kernel create "$T/kl" --cpu=x86_64 >/dev/null || exit 1
for m in plain gpl2 dual; do
	ins kl "$T/$m.o"
	check "licence $m: no taint warning" sh -c "! grep -q taint '$T/out'"
done
check "after GPL-compatible modules: Not tainted" grep -q "Not tainted" <(MODLINK_KERNEL=sim:$T/kl "$ML" lsmod | head -1)
ins kl "$T/prop.o"
check "Proprietary: warning" grep -q "Warning: loading $T/prop.o will taint the kernel: non-GPL license - Proprietary" "$T/out"
check "  ...with the URL line" grep -q "See http://www.tux.org/lkml/#s1-18 for information about tainted modules" "$T/out"
check "  ...tainted P" grep -q "Tainted: P  $" <(MODLINK_KERNEL=sim:$T/kl "$ML" lsmod | head -1)
ins kl "$T/nolic.o"
check "no licence: warning" grep -q "will taint the kernel: no license" "$T/out"
check "/proc/sys/kernel/tainted = 1" test "$(cat "$T/kl/tainted")" = 1

# ksymoops snapshots: only when the directory exists and the list changed.
export MODLINK_KSYMOOPS_DIR=$T/ksymoops
"$ML" kernel create "$T/kk" --cpu=x86_64 >/dev/null || exit 1
ins kk "$T/plain.o"
check "no directory: no snapshot" test ! -e "$T/ksymoops"
mkdir "$T/ksymoops"
ins kk "$T/gpl2.o"
check "load: one .ksyms and one .modules" test "$(ls "$T/ksymoops" | grep -c '^[0-9]\{14\}\.\(ksyms\|modules\)$')" -eq 2
check "  ...the .modules is the kernel's /proc/modules" cmp -s "$(ls "$T"/ksymoops/*.modules | tail -1)" <(MODLINK_KERNEL=sim:$T/kk "$ML" k24emu -- cat /proc/modules 2>/dev/null || MODLINK_KERNEL=sim:$T/kk "$ML" lsmod | tail -n +2)
check "  ...the .ksyms lists gpl2's ksymoops symbol" grep -q "__insmod_gpl2_O" "$(ls "$T"/ksymoops/*.ksyms | tail -1)"
check "  ...the day's log has the command" grep -q "insmod .*gpl2.o" "$T/ksymoops/$(date +%Y%m%d).log"
n=$(ls "$T/ksymoops" | wc -l)
MODLINK_KERNEL=sim:$T/kk "$ML" rmmod nosuch >/dev/null 2>&1
check "a failed rmmod changes nothing: no snapshot" test "$(ls "$T/ksymoops" | wc -l)" -eq "$n"
sleep 1
MODLINK_KERNEL=sim:$T/kk "$ML" rmmod gpl2
check "unload: another snapshot" test "$(ls "$T/ksymoops" | grep -c '\.modules$')" -eq 2

echo "$ok passed, $fail failed"
[ "$fail" -eq 0 ]
