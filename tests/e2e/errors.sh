#!/bin/bash
# Bad input: every case gives one clear line naming the file and the place,
# exit status 1, and no crash (the suite also runs under ASan+UBSan).
set -u
: "${top_builddir:?}"
MODLINK=$top_builddir/modlink
T=$(mktemp -d "${TMPDIR:-/tmp}/ml-errors.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"
fail=0
ok=0

CFLAGS64="-c -O2 -mcmodel=kernel -mno-red-zone -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none -ffreestanding"

cat > m.c <<'EOF'
extern int printk(const char *fmt, ...);
extern int missing_one(void), missing_two(int);
static const char mi[] __attribute__((section(".modinfo"), used)) =
	"kernel_version=2.4.37\0license=GPL\0parm_count=1-3i\0parm_name=s\0parm_tag=c8\0";
int count[3] = { 1, 2, 3 };
char *name = "x";
char tag[8];
int init_module(void) { return printk("hi %d %s\n", count[0], name); }
void cleanup_module(void) { }
EOF
cat > unres.c <<'EOF'
extern int printk(const char *fmt, ...);
extern int missing_one(void), missing_two(int);
static const char mi[] __attribute__((section(".modinfo"), used)) = "kernel_version=2.4.37\0license=GPL\0";
int init_module(void) { return missing_one() + missing_two(2) + printk("x"); }
EOF
cat > small.c <<'EOF'
static const char mi[] __attribute__((section(".modinfo"), used)) = "kernel_version=2.4.37\0license=GPL\0";
int v;
int *addr_of_v(void) { return &v; }
int init_module(void) { return v; }
EOF
gcc $CFLAGS64 -o m.o m.c || exit 99
gcc $CFLAGS64 -o unres.o unres.c || exit 99
gcc -c -O2 -mcmodel=small -fno-pic -fno-pie -fno-asynchronous-unwind-tables -o small.o small.c || exit 99
printf '0000000000401000 printk\n' > k.ksyms

# expect NAME STATUS REGEX LINES -- command...: stderr must have LINES lines, match REGEX
expect() {
	local name=$1 want=$2 re=$3 lines=$4
	shift 5
	"$@" >out 2>err
	local st=$?
	local n
	n=$(wc -l <err)
	if [ "$st" -ne "$want" ] || ! grep -Eq -- "$re" err || { [ "$lines" != any ] && [ "$n" -ne "$lines" ]; }; then
		echo "FAIL $name: status $st (want $want), $n stderr lines (want $lines), regex '$re'"
		sed 's/^/    stderr: /' err
		fail=$((fail + 1))
	else
		echo "ok   $name: $(head -1 err)"
		ok=$((ok + 1))
	fi
}
INS="$MODLINK insmod -n --base=0x20000000 --kernel-release=2.4.37 --ksyms=k.ksyms"

expect "missing file" 1 'nosuch\.o: No such file' 1 -- $INS nosuch.o
printf 'hello\n' > text.o
expect "not ELF" 1 '^insmod: text\.o is not an ELF file$' 1 -- $INS text.o
head -c 40 m.o > trunc1.o
expect "truncated header" 1 'trunc1\.o' 1 -- $INS trunc1.o
head -c 600 m.o > trunc2.o
expect "truncated body" 1 'trunc2\.o' 1 -- $INS trunc2.o
cp m.o mach.o; printf '\x34\x12' | dd of=mach.o bs=1 seek=18 conv=notrunc 2>/dev/null
expect "wrong machine" 1 'mach\.o not for this architecture: machine 4660 is not supported' 1 -- $INS mach.o
cp m.o class.o; printf '\x03\x00' | dd of=class.o bs=1 seek=18 conv=notrunc 2>/dev/null
expect "wrong class" 1 'class\.o not for this architecture: i386 objects must be ELFCLASS32' 1 -- $INS class.o
gcc -O2 -no-pie -o exe m.c -nostdlib -Wl,-e,init_module -Wl,--unresolved-symbols=ignore-all 2>/dev/null
expect "ET_EXEC" 1 'exe not a relocatable object \(e_type 2, an executable\)' 1 -- $INS exe

# Locate .rela.text entries: offset of the section in the file.
relaoff=$(printf '%d' "0x$(readelf -SW m.o | sed -n 's/^ *\[ *[0-9]*\] \.rela\.text  *[A-Z]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')")
cp m.o badsym.o
# r_info of the first entry: symbol index in the high 32 bits -> 0x7fff0000
printf '\x00\x00\xff\x7f' | dd of=badsym.o bs=1 seek=$((relaoff + 12)) conv=notrunc 2>/dev/null
expect "bad symbol index" 1 'badsym\.o: \.rela\.text\+0x0: Bad symbol index: 7fff0000 >= ' 1 -- $INS badsym.o
cp m.o badoff.o
printf '\x00\x00\x10\x00' | dd of=badoff.o bs=1 seek=$((relaoff)) conv=notrunc 2>/dev/null
expect "r_offset past section" 1 'badoff\.o: \.text\+0x100000: R_X86_64_[A-Z0-9]+ against .*past the end of \.text' 1 -- $INS badoff.o

expect "overflow" 1 'small\.o: \.text\+0x[0-9a-f]+: R_X86_64_32 against .v.: relocation overflow: S \+ A = 0xffffffffa[0-9a-f]+ not in \[0x0, 0x100000000\); hint: build the module with -mcmodel=kernel and load it in the top 2 GiB$' 1 -- \
	$MODLINK insmod -n --base=0xffffffffa0000000 --kernel-release=2.4.37 --ksyms=k.ksyms small.o
printf 'ffffffff81000000 printk\n' > far.ksyms
expect "PC32 out of range" 1 'R_X86_64_(PC32|PLT32) against .printk.: relocation overflow: S \+ A - P = -?0x[0-9a-f]+ not in \[-0x80000000, 0x80000000\); hint: the module must lie within 2 GiB of what it calls \(check --base\)$' 1 -- \
	$MODLINK insmod -n --base=0x20000000 --kernel-release=2.4.37 --ksyms=far.ksyms m.o

expect "unresolved (all listed)" 1 '^unres\.o: unresolved symbol missing_(one|two)$' 2 -- $INS unres.o
grep -q 'missing_one' err && grep -q 'missing_two' err || { echo "FAIL unresolved: both names"; fail=$((fail + 1)); }

# Symbol files of which no line can be read (a line that cannot be read in an otherwise good
# file is only a warning: tests/e2e/symfiles.sh).
printf 'zz12 bad\n0000000000401010\n' > bad.ksyms
expect "unreadable ksyms" 1 "^insmod: bad\\.ksyms: not a ksyms file: none of its lines can be read \\(line 1: address is not hexadecimal: 'zz12 bad'\\)\$" 1 -- \
	$MODLINK insmod -n --base=0x20000000 --kernel-release=2.4.37 --ksyms=bad.ksyms m.o
printf 'ffffffff81000010 printk2\n' > bad.kallsyms
expect "unreadable kallsyms" 1 '^insmod: bad\.kallsyms: not a kallsyms file: none of its lines can be read \(line 1: missing or bad symbol type' 1 -- \
	$MODLINK insmod -n --base=0x20000000 --kernel-release=2.4.37 --kallsyms=bad.kallsyms m.o
printf 'ffffffff81000000 T printk [mod\n' > bad.map
expect "unreadable System.map" 1 '^insmod: bad\.map: not a System\.map file: none of its lines can be read \(line 1: bad \[module\] column' 1 -- \
	$MODLINK insmod -n --base=0x20000000 --kernel-release=2.4.37 --system-map=bad.map m.o

expect "unknown parameter" 1 '^m\.o: invalid parameter parm_nosuch$' 1 -- $INS m.o nosuch=1
expect "too many values" 1 '^m\.o: too many values for count \(max 3\)$' 1 -- $INS m.o count=1,2,3,4
expect "bad number" 1 "^m\\.o: invalid argument syntax for count: 'x'\$" 1 -- $INS m.o count=1x
expect "string too long" 1 '^m\.o: string too long for tag \(max 7\)$' 1 -- $INS m.o tag=abcdefgh
expect "unterminated string" 1 '^m\.o: improperly terminated string argument for name$' 1 -- $INS m.o 'name="abc'
expect "version mismatch" 1 'kernel-module version mismatch' any -- \
	$MODLINK insmod -n --base=0x20000000 --kernel-release=2.4.20 --ksyms=k.ksyms m.o

# Compressed objects: gzip, xz and zstd give the same image as the plain file; a
# truncated stream is one clear error.
$INS -y -O plain.blob m.o >/dev/null 2>&1
for z in "gzip -9 -c" "xz -c" "zstd -q -c"; do
	ext=$(echo "$z" | sed 's/gzip.*/gz/; s/xz.*/xz/; s/zstd.*/zst/')
	command -v "${z%% *}" >/dev/null || { echo "skip $ext: no ${z%% *}"; continue; }
	$z m.o >m.o.$ext
	if $INS -y -O c.blob m.o.$ext >/dev/null 2>&1 && cmp -s plain.blob c.blob; then
		echo "ok   .o.$ext gives the same image"
		ok=$((ok + 1))
	else
		echo "FAIL .o.$ext image differs or load failed"
		fail=$((fail + 1))
	fi
	head -c 200 m.o.$ext >cut.o.$ext
	expect "truncated .$ext" 1 "cut\.o\.$ext: .* data is corrupt or truncated" 1 -- $INS cut.o.$ext
done

# A MIPS PIC object asks for _gp_disp, which no kernel has (i386/x86_64 PIC objects get a
# GOT: tests/e2e/pic.sh): say why.
if command -v mips-linux-gnu-gcc >/dev/null; then
	cat >pic.c <<'EOF'
extern int printk(const char *fmt, ...);
static const char mi[] __attribute__((section(".modinfo"), used)) = "kernel_version=2.4.37\0license=GPL\0";
int init_module(void) { return printk("x"); }
EOF
	mips-linux-gnu-gcc -c -O2 -o pic.o pic.c
	printf '80001000 printk\n' >k32.ksyms
	expect "PIC object" 1 '^pic\.o: unresolved symbol _gp_disp \(the object was built as position-independent code; hint: rebuild with -fno-pic -mno-abicalls -G 0\)$' 1 -- \
		$MODLINK insmod -n --base=0x80100000 --kernel-release=2.4.37 --ksyms=k32.ksyms pic.o
else
	echo "skip PIC object: no mips-linux-gnu-gcc"
fi

# Nothing is left behind by a failed run that was asked for a blob.
$INS -O left.blob unres.o >/dev/null 2>&1
if [ -e left.blob ]; then echo "FAIL blob written by a failed run"; fail=$((fail + 1)); else ok=$((ok + 1)); fi

echo "$ok passed, $fail failed"
[ "$fail" -eq 0 ]
