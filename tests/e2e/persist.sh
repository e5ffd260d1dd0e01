#!/bin/bash
# Persistent module data, end to end with the module's own code running in the model:
# a module whose init and cleanup change persistent parameters (a load counter, a string,
# an array) is loaded with a persist file, removed (rmmod saves through the kernel
# read-back), loaded again (insmod restores) and prints the restored values itself.
# Then crash safety (the save interrupted at every step leaves the old or the new file),
# concurrent saves, and a kernel without the persist patch.
set -u
: "${top_builddir:?}" "${top_srcdir:?}"
ML=$top_builddir/modlink
T=$(mktemp -d "${TMPDIR:-/tmp}/ml-persist.XXXXXX")
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

cat >"$T/pst.c" <<'EOF'
#include <linux/module.h>
#include <linux/kernel.h>
MODULE_LICENSE("GPL");
static int loads;
MODULE_PARM(loads, "ip");
static char note[16] = "fresh";
MODULE_PARM(note, "c16p");
static int hist[3];
MODULE_PARM(hist, "3ip");
static int plain __attribute__((used)) = 5;
MODULE_PARM(plain, "i");
extern int sprintf(char *, const char *, ...);
int init_module(void)
{
	loads++;
	hist[loads % 3] = loads * 10;
	printk("pst: loads %d note %s hist %d,%d,%d plain %d\n", loads, note, hist[0], hist[1], hist[2], plain);
	sprintf(note, "load \"%d\"", loads);
	return 0;
}
void cleanup_module(void)
{
	printk("pst: cleanup after rmmod saved\n");
}
EOF
gcc -c -O2 -nostdinc -I"$top_srcdir/tests/fixtures/include" -D__KERNEL__ -DMODULE -mcmodel=kernel \
	-mno-red-zone -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-ffreestanding -o "$T/pst.o" "$T/pst.c" || exit 1
K=$T/kernel
"$ML" kernel create "$K" --cpu=x86_64 --persist || exit 1
export MODLINK_KERNEL=sim:$K
P=$T/var/persist/pst.dat

check "insmod -e (no file yet)" "$ML" insmod -e "$P" "$T/pst.o"
check "first load: defaults" grep -qx "pst: loads 1 note fresh hist 0,10,0 plain 5" <("$ML" dmesg)
check "ksyms: __insmod_pst_P<file>" grep -q "__insmod_pst_P$P " <("$ML" ksyms)
check "rmmod saves" "$ML" rmmod pst
check "the file was written" test -f "$P"
check "header: #% Kernel" grep -Eq '^#% Kernel Linux .* 2\.4\.37 ' <(sed -n 1p "$P")
check "header: #% Data saved ... GMT" grep -Eq '^#% Data saved [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [0-9]{4} GMT$' <(sed -n 2p "$P")
check "values (in .modinfo order)" diff -u - <(sed 1,2d "$P") <<'EOF'
hist=0,10,0
note="load \"1\""
loads=1
EOF
# A user's comment, an unknown name, and order are kept across saves.
{ sed -n 1,2p "$P"; echo "# my note"; echo "hist=0,10,0"; echo "gone=3"; echo "loads=1"; echo "note=\"load \\\"1\\\"\""; } >"$P.new" && mv "$P.new" "$P"
check "insmod restores" "$ML" insmod -e "$P" "$T/pst.o"
check "second load prints the restored values" grep -qx 'pst: loads 2 note load "1" hist 0,10,20 plain 5' <("$ML" dmesg)
check "rmmod -e saves without unloading" "$ML" rmmod -e pst
check "still loaded" grep -q "^pst " <("$ML" lsmod)
check "merged file" diff -u - <(sed 1,2d "$P") <<'EOF'
# my note
hist=0,10,20
#% Warning: parameter gone is not supported in this kernel
gone=3
loads=2
note="load \"2\""
EOF

# Crash safety: die before each step of the replace; the file is the old or the new one.
cp "$P" "$T/old"
"$ML" rmmod pst >/dev/null 2>&1 # saves the same values as old (no load since)
cp "$P" "$T/new"
cp "$T/old" "$P"
"$ML" insmod -e "$P" "$T/pst.o" >/dev/null 2>&1 # loads=3 now
for step in open write write-half fsync rename dirsync; do
	cp "$T/old" "$P"
	MODLINK_PERSIST_CRASH=$step "$ML" rmmod -e pst >/dev/null 2>&1
	st=$?
	# the complete old file, or a complete file with the new values (loads=3)
	if cmp -s "$P" "$T/old" || { grep -qx "loads=3" "$P" && [ "$(sed 1,2d "$P" | wc -l)" -eq 6 ]; }; then
		check "crash before $step: old or new file (status $st)" true
	else
		check "crash before $step: old or new file" false
		cat "$P"
	fi
done
# Concurrent saves never interleave.
for i in 1 2 3 4 5 6 7 8; do "$ML" rmmod -e pst & done 2>/dev/null
wait
check "concurrent saves: one complete file" test "$(grep -c '^loads=' "$P")" -eq 1
check "no temporary files left" test -z "$(find "$(dirname "$P")" -name '*.tmp' | head -1)"
"$ML" rmmod pst >/dev/null 2>&1

# A kernel without the persist patch: insmod warns, rmmod says so and still unloads.
K2=$T/plain
"$ML" kernel create "$K2" --cpu=x86_64 >/dev/null || exit 1
export MODLINK_KERNEL=sim:$K2
"$ML" insmod -e "$P" "$T/pst.o" >"$T/out" 2>&1
check "insmod on a kernel without the patch still loads" test $? -eq 0
check "...and says why persist will fail" grep -q "has persistent data but the kernel is too old to support it" "$T/out"
"$ML" rmmod pst >"$T/out" 2>&1
check "rmmod: too old message" grep -q "pst has persistent data but the kernel is too old to support it." "$T/out"
check "rmmod still unloaded it" test "$("$ML" lsmod | wc -l)" -eq 1
# -y refuses persistent data
"$ML" insmod -y -e "$P" "$T/pst.o" >"$T/out" 2>&1
check "-y: refused" grep -q "has persistent data but ksymoops symbols are not available" "$T/out"

echo "$ok passed, $fail failed"
[ "$fail" -eq 0 ]
