#!/bin/bash
# Real-world symbol files (issue 13, parts 3 and 7): a vendor System.map with every nm type,
# CRLF ends, blank lines, nm -l's extra column and a garbage line loads, with one warning per
# bad line naming file:line; a 32-bit MIPS map written sign-extended to 64 bits gives the
# same image as the plain one; kallsyms copies with and without [module] columns; a file of
# which nothing can be read is one error and exit 1.  And offline linking (-n with symbol
# files) does not compare the module with the host's kernel: one note says how to check,
# --kernel-release=R checks (a mismatch is refused, -f forces).
# Needs only modlink, the committed MIPS fixture and the host gcc: nothing here can skip.
set -u
: "${top_builddir:?}" "${top_srcdir:?}"
MODLINK=$top_builddir/modlink
MIPS_HELLO=$top_srcdir/tests/fixtures/prebuilt/mips/hello.o.gz
T=$(mktemp -d "${TMPDIR:-/tmp}/ml-symfiles.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 99
ok=0 fail=0
CF="-c -O2 -mcmodel=kernel -mno-red-zone -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none"

pass() { echo "ok   $1"; ok=$((ok + 1)); }
flunk() {
	echo "FAIL $1"
	[ -f out ] && sed 's/^/    out: /' out
	[ -f err ] && sed 's/^/    err: /' err
	fail=$((fail + 1))
}
# run CMD...: stdout in out, stderr in err, status in st
run() { "$@" >out 2>err; st=$?; }
# has NAME FILE LINE: FILE holds exactly this line
has() { if grep -qxF -- "$3" "$2"; then pass "$1"; else flunk "$1: no line '$3' in $2"; fi; }
status() { if [ "$st" -eq "$2" ]; then pass "$1"; else flunk "$1: status $st, want $2"; fi; }
lines() { # NAME FILE N
	local n
	n=$(wc -l <"$2")
	if [ "$n" -eq "$3" ]; then pass "$1"; else flunk "$1: $n lines in $2, want $3"; fi
}
# bound NAME SYMBOL VALUE: --explain (in out) shows SYMBOL bound to VALUE, and to nothing else
bound() {
	local vals
	vals=$(awk -v s="$2" '$3 == s { for (i = 4; i <= NF; i++) if ($i ~ /^S=/) print substr($i, 3) }' out | sort -u)
	if [ "$vals" = "$3" ]; then pass "$1"; else flunk "$1: $2 bound to '${vals//$'\n'/ }', want $3"; fi
}

[ -f "$MIPS_HELLO" ] || { echo "FAIL: $MIPS_HELLO missing"; exit 1; }

# ---- a 32-bit MIPS vendor map, sign-extended, with every quirk ----
# printk and jiffies are plain definitions; register_chrdev's type is '?'; the U, w, v, N
# lines name things that are not definitions (a 'U jiffies' line must not shadow the real
# one); unregister_chrdev carries nm -l's file:line column; line 9 is garbage.
printf '%s\r\n' \
	'ffffffff80001234 T printk' \
	'0000000000000000 U jiffies' \
	'ffffffff80002000 D jiffies' \
	'ffffffff80003000 ? register_chrdev' \
	'0000000000000000 w weak_undefined' \
	'0000000000000000 v weak_object_undefined' \
	'0000000000000040 N debug_info_sym' \
	'' \
	'<<< this line is garbage >>>' \
	'ffffffff80003100 T unregister_chrdev	fs/devices.c:230' \
	'ffffffff80004000 t local_helper' >vendor.map
# the same symbols as a 32-bit nm writes them
printf '%s\n' '80001234 T printk' '80002000 D jiffies' '80003000 T register_chrdev' \
	'80003100 T unregister_chrdev' >plain32.map

MIPS="$MODLINK insmod -n --kernel-release=2.4.37 --base=0x12340000"
run $MIPS --explain -O vendor.blob --system-map=vendor.map "$MIPS_HELLO"
status "MIPS vendor map: loads" 0
has "  ...one warning naming file:line" out "vendor.map:9: malformed System.map line skipped: address is not hexadecimal: '<<< this line is garbage >>>'"
[ "$(grep -c 'malformed' out)" -eq 1 ] && pass "  ...and only one" || flunk "  ...warnings: $(grep -c malformed out)"
lines "  ...nothing on stderr" err 0
bound "  ...printk at its 32-bit address" printk 0x80001234
bound "  ...jiffies: the definition, not the U line" jiffies 0x80002000
bound "  ...register_chrdev from its '?' line" register_chrdev 0x80003000
bound "  ...unregister_chrdev despite the extra column" unregister_chrdev 0x80003100
run $MIPS -O plain.blob --system-map=plain32.map "$MIPS_HELLO"
status "MIPS plain 32-bit map: loads" 0
if cmp -s vendor.blob plain.blob; then pass "  ...same image as from the vendor map"; else flunk "  ...images differ"; fi

# -m: the load map of the module itself, at the given base
run $MIPS -m --system-map=vendor.map "$MIPS_HELLO"
status "MIPS -m" 0
grep -Eq '^12340[0-9a-f]{3} [tT] init_module$' out && pass "  ...load map shows init_module at the base" || flunk "  ...load map"

# a 64-bit map for a 32-bit module: one error naming the line, exit 1
printf '%s\n' 'ffffffff80001234 T printk' 'ffffffff80002000 D jiffies' \
	'0000000100003000 T register_chrdev' '0000000100003100 T unregister_chrdev' >wide.map
run $MIPS --system-map=wide.map "$MIPS_HELLO"
status "64-bit addresses for a 32-bit module: refused" 1
has "  ...one error naming file:line" err "insmod: wide.map:3: address 0x100003000 does not fit a 32-bit target, nor do 1 more (symbols of a 64-bit kernel?)"
lines "  ...and nothing else" err 1

# ---- files of which nothing can be read ----
printf 'this is not\r\na symbol file\n\n at all\n' >garbage.map
run $MIPS --system-map=garbage.map "$MIPS_HELLO"
status "100% garbage System.map: refused" 1
has "  ...one clear error" err "insmod: garbage.map: not a System.map file: none of its lines can be read (line 1: address is not hexadecimal: 'this is not')"
lines "  ...and only it" err 1
lines "  ...nothing on stdout" out 0
head -c 4096 /dev/zero | tr '\0' '\377' >binary.ksyms
run $MIPS --ksyms=binary.ksyms "$MIPS_HELLO"
status "binary ksyms: refused" 1
grep -q '^insmod: binary\.ksyms: not a ksyms file: none of its lines can be read (line 1: address is not hexadecimal: ' err \
	&& pass "  ...one clear error" || flunk "  ...error text"
lines "  ...and only it" err 1
zcat "$MIPS_HELLO" >hello.o
run $MIPS --system-map=hello.o "$MIPS_HELLO"
status "an ELF file as System.map: refused" 1
has "  ...named as such" err "insmod: hello.o: not a System.map file but an ELF object (a vmlinux? give its System.map, or nm's output)"

# many bad lines: ten warnings, then a count
{
	echo 'ffffffff80001234 T printk'
	for i in $(seq 1 14); do echo "junk line $i"; done
	printf '%s\n' 'ffffffff80002000 D jiffies' 'ffffffff80003000 T register_chrdev' 'ffffffff80003100 T unregister_chrdev'
} >many.map
run $MIPS --system-map=many.map "$MIPS_HELLO"
status "14 bad lines: loads" 0
[ "$(grep -c 'malformed System.map line skipped' out)" -eq 10 ] && pass "  ...10 warnings" || flunk "  ...warning count"
has "  ...the first names line 2" out "many.map:2: malformed System.map line skipped: address is not hexadecimal: 'junk line 1'"
has "  ...then the count" out "many.map: 4 more malformed lines skipped"

# ---- kallsyms copies: [module] columns, and lines without one (x86_64, host gcc) ----
cat >user.c <<'EOF'
extern int printk(const char *, ...);
extern int fat_fn(int), vfat_var;
static const char mi[] __attribute__((section(".modinfo"), used)) = "kernel_version=2.4.37\0license=GPL\0";
int init_module(void) { return printk("x") + fat_fn(vfat_var); }
EOF
gcc $CF -o user.o user.c || exit 99
printf '%s\n' 'ffffffff81000000 T printk' 'ffffffffa0010000 T fat_fn	[fat]' \
	'ffffffffa0010100 t fat_static	[fat]' 'ffffffffa0020000 D vfat_var	[vfat]' \
	'ffffffffa0030000 T printk	[console_hook]' >copy.kallsyms
X86="$MODLINK insmod -n --base=0xffffffffa0100000 --explain"
run $X86 --kernel-release=2.4.37 --kallsyms=copy.kallsyms user.o
status "kallsyms copy with and without [module]: loads" 0
lines "  ...no warning" err 0
bound "  ...fat_fn from [fat]" fat_fn 0xffffffffa0010000
bound "  ...vfat_var from [vfat]" vfat_var 0xffffffffa0020000
bound "  ...printk: the module's export wins, as in modutils" printk 0xffffffffa0030000
grep -q 'fat_fn.*S=0xffffffffa0010000' out && pass "  ...(explain lines present)" || flunk "  ...explain"

# ---- part 7: offline linking is not checked against the host's kernel ----
NOTE="user.o: note: kernel version 2.4.37 not checked: the symbols come from files, not from a running kernel (give --kernel-release=R to check it)"
run $X86 --kallsyms=copy.kallsyms user.o
status "-n with symbol files, no --kernel-release: loads on this $(uname -r) host" 0
has "  ...one note saying how to check" out "$NOTE"
[ "$(grep -c 'not checked' out)" -eq 1 ] && pass "  ...once" || flunk "  ...note count"
if grep -q 'version mismatch' out err; then flunk "  ...no mismatch with the host"; else pass "  ...no mismatch with the host"; fi
run $X86 --kernel-release=2.4.37 --kallsyms=copy.kallsyms user.o
status "--kernel-release=2.4.37 (matches)" 0
grep -q 'not checked' out && flunk "  ...no note when checked" || pass "  ...no note when checked"
run $X86 --kernel-release=2.4.20 --kallsyms=copy.kallsyms user.o
status "--kernel-release=2.4.20: mismatch refused" 1
grep -q '^user\.o: kernel-module version mismatch$' err && grep -q 'while this kernel is version 2\.4\.20\.$' err \
	&& pass "  ...modutils' message, with the given release" || flunk "  ...mismatch message"
run $X86 -f --kernel-release=2.4.20 --kallsyms=copy.kallsyms user.o
status "-f forces it" 0
grep -q 'Warning: kernel-module version mismatch' out && pass "  ...with the warning" || flunk "  ...forced warning"
run $MODLINK insmod -n --system-map=plain32.map "$MIPS_HELLO"
status "-n (0x12340000) with a System.map, MIPS: loads" 0
has "  ...the note names the object" out "$MIPS_HELLO: note: kernel version 2.4.37 not checked: the symbols come from files, not from a running kernel (give --kernel-release=R to check it)"

# a model kernel named with --kernel states its release, also with -n and symbol files
"$MODLINK" kernel create model20 --cpu=x86_64 --release=2.4.20 --no-exec >/dev/null || { echo "FAIL kernel create"; exit 1; }
run $X86 --kernel=sim:model20 --kallsyms=copy.kallsyms user.o
status "-n, files, --kernel=sim: (2.4.20 model): mismatch refused" 1
grep -q 'while this kernel is version 2\.4\.20\.$' err && pass "  ...against the model's release" || flunk "  ...model release"
grep -q 'not checked' out && flunk "  ...no note" || pass "  ...no note"
run $X86 --kernel=sim:model20 --kernel-release=2.4.37 --kallsyms=copy.kallsyms user.o
status "  ...--kernel-release still wins" 0
bound "  ...and the files' symbols are used" fat_fn 0xffffffffa0010000

echo "$ok passed, $fail failed"
[ "$fail" -eq 0 ]
