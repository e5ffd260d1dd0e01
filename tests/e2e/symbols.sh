#!/bin/bash
# Symbol binding as modutils 2.4 does it: versioned names (name_R<crc>, SMP prefix) in the
# four module/kernel combinations, CRC-less symbol files, GPLONLY_ exports and licences,
# module exports preferred over the kernel's. The bound value is read back from --explain.
set -u
: "${top_builddir:?}"
MODLINK=$top_builddir/modlink
T=$(mktemp -d "${TMPDIR:-/tmp}/ml-symbols.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"
ok=0 fail=0
CF="-c -O2 -mcmodel=kernel -mno-red-zone -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none"

mod() { # NAME MODINFO SYMBOL: a module calling SYMBOL
	cat >"$1.c" <<EOF
extern int $3(const char *, ...);
static const char mi[] __attribute__((section(".modinfo"), used)) = "kernel_version=2.4.37\\0$2";
int init_module(void) { return $3("x"); }
EOF
	gcc $CF -o "$1.o" "$1.c" || exit 99
}
mod vmod 'using_checksums=1\0license=GPL\0' printk_R1b7d4074
mod smpmod 'using_checksums=1\0license=GPL\0' printk_Rsmp_1b7d4074
mod plain 'license=GPL\0' printk
mod gplonly_gpl 'license=GPL v2\0' gpl_thing
mod gplonly_prop 'license=Proprietary\0' gpl_thing
mod nolicense '' printk
mod prop 'license=Proprietary\0' printk

check() { # NAME STATUS SYMBOL-VALUE-REGEX OUTPUT-REGEX -- insmod args
	local name=$1 want=$2 sre=$3 ore=$4
	shift 5
	"$MODLINK" insmod -n --base=0x20000000 --kernel-release=2.4.37 --explain "$@" >out 2>err
	local st=$?
	if [ $st -ne "$want" ] || { [ -n "$sre" ] && ! grep -Eq "$sre" out; } || { [ -n "$ore" ] && ! cat out err | grep -Eq "$ore"; }; then
		echo "FAIL $name (status $st, want $want)"
		cat out err | sed 's/^/    /'
		fail=$((fail + 1))
	else
		echo "ok   $name"
		ok=$((ok + 1))
	fi
}
printf '0000000000401000 printk_R1b7d4074\n0000000000000001 Using_Versions\n' >kv.ksyms
printf '0000000000401000 printk_Rdeadbeef\n0000000000000001 Using_Versions\n' >kbad.ksyms
printf '0000000000402000 printk\n' >ku.ksyms
printf '0000000000403000 printk_Rsmp_1b7d4074\n0000000000403100 get_module_symbol_Rsmp_12345678\n0000000000000001 Using_Versions\n' >ksmp.ksyms
printf '0000000000404000 T printk\n0000000000404100 t local_only\n' >System.map
printf '0000000000405000 GPLONLY_gpl_thing\n' >kgpl.ksyms
printf '0000000000406000 printk\t[mymod]\n' >kmod.ksyms

check "versioned module, versioned kernel, same CRC" 0 'printk_R1b7d4074 +S=0x0*401000' '' -- --ksyms=kv.ksyms vmod.o
check "versioned module, versioned kernel, CRC differs" 1 '' '^vmod\.o: unresolved symbol printk_R1b7d4074 \(the kernel exports printk_Rdeadbeef: a different CRC, so this module was built for another kernel or configuration\)$' -- --ksyms=kbad.ksyms vmod.o
check "versioned module, unversioned kernel" 0 'printk_R1b7d4074 +S=0x0*402000' '' -- --ksyms=ku.ksyms vmod.o
check "unversioned module, versioned kernel" 0 'printk +S=0x0*401000' '' -- --ksyms=kv.ksyms plain.o
check "unversioned module, unversioned kernel" 0 'printk +S=0x0*402000' '' -- --ksyms=ku.ksyms plain.o
check "SMP prefix derived from get_module_symbol_R" 0 'printk_Rsmp_1b7d4074 +S=0x0*403000' '' -- --ksyms=ksmp.ksyms smpmod.o
check "SMP module, plain kernel with -P smp_" 0 'printk_Rsmp_1b7d4074 +S=0x0*402000' '' -- -P smp_ --ksyms=ku.ksyms smpmod.o
check "System.map: versioned module binds by name, one warning" 0 'printk_R1b7d4074 +S=0x0*404000' 'carry no CRCs' -- --system-map=System.map vmod.o
n=$(grep -c 'carry no CRCs' out)
[ "$n" -eq 1 ] && ok=$((ok + 1)) || { echo "FAIL: CRC warning printed $n times"; fail=$((fail + 1)); }
check "GPLONLY_ export, GPL v2 module" 0 'gpl_thing +S=0x0*405000' '' -- --ksyms=kgpl.ksyms gplonly_gpl.o
check "GPLONLY_ export, proprietary module" 1 '' 'GPLONLY symbols' -- --ksyms=kgpl.ksyms gplonly_prop.o
grep -q '^gplonly_prop\.o: unresolved symbol gpl_thing$' err && ok=$((ok + 1)) || { echo "FAIL: GPLONLY unresolved line"; fail=$((fail + 1)); }
check "proprietary module taints" 0 '' 'will taint the kernel: non-GPL license - Proprietary' -- --ksyms=ku.ksyms prop.o
check "no licence taints" 0 '' 'will taint the kernel: no license' -- --ksyms=ku.ksyms nolicense.o
check "module export wins over kernel" 0 'printk +S=0x0*406000' '' -- --ksyms=ku.ksyms --ksyms=kmod.ksyms plain.o
check "kallsyms local symbols are not linkable" 1 '' 'unresolved symbol local_only' -- --system-map=System.map "$(mod loc 'license=GPL\0' local_only; echo loc.o)"
check "version mismatch forced" 0 '' 'Warning: kernel-module version mismatch' -- -f --kernel-release=2.4.20 --ksyms=ku.ksyms plain.o
grep -q 'will taint the kernel: forced load' out || { echo "FAIL: forced load taint warning"; fail=$((fail + 1)); }
check "version mismatch, numeric only (-N)" 0 '' '' -- -N --kernel-release=2.4.37-custom --ksyms=ku.ksyms plain.o

echo "$ok passed, $fail failed"
[ "$fail" -eq 0 ]
