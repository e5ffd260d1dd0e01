#!/bin/bash
# Position-independent objects: modutils built a GOT for them, and so do we.
# An i386 -fpic module (R_386_GOTPC against _GLOBAL_OFFSET_TABLE_, GOTOFF, GOT32X, PLT32)
# and an x86_64 -fpic -fno-plt one (GOTPCRELX, REX_GOTPCRELX) are linked and run by the
# executor; their output proves every GOT slot and GOT-relative offset is right.
set -u
: "${top_builddir:?}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
MODLINK=$top_builddir/modlink
. "$top_srcdir/tests/i386.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/ml-pic.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"
ok=0 fail=0 ran=0
cat >picm.c <<'EOF'
extern int printk(const char *fmt, ...);
static const char mi[] __attribute__((section(".modinfo"), used)) = "kernel_version=2.4.37\0license=GPL\0";
static int counter = 41;
int shared = 7;
static const char *msgs[] = { "zero", "one", "two" };
const char **volatile msgp = msgs;
static int helper(int x) { return x * 2; }
int init_module(void)
{
	counter++;
	printk("<1>pic: counter %d shared %d msg %s helper %d\n", counter, shared, msgp[2], helper(shared));
	return 0;
}
void cleanup_module(void) { printk("pic: bye %d\n", counter); }
EOF
cat >want <<'EOF'
pic: counter 42 shared 7 msg two helper 14
init_module(picm) = 0
pic: bye 42
cleanup_module(picm)
EOF
run() { # ARCH CC FLAGS... -- BASE TYPES-REGEX
	local arch=$1 cc=$2 base types exe=$top_builddir/tests/modlink-exec-$1 run=
	shift 2
	local flags=()
	while [ "$1" != -- ]; do flags+=("$1"); shift; done
	base=$2 types=$3
	if ! command -v "$cc" >/dev/null || [ ! -x "$exe" ]; then
		echo "skip $arch: no compiler $cc or executor $exe"
		return
	fi
	if [ "$arch" = i386 ]; then
		if ! i386_runner "$exe" info; then
			echo "FAIL $arch: the executor cannot run"
			fail=$((fail + 1))
			return
		fi
		run=$I386_RUN
	fi
	ran=$((ran + 1))
	mkdir -p "$arch" && cd "$arch"
	"$cc" -c -O2 -fpic -fno-stack-protector -fno-asynchronous-unwind-tables "${flags[@]}" -o picm.o ../picm.c
	$run "$exe" ksyms >k.ksyms
	if ! readelf -rW picm.o | grep -Eq "$types"; then
		echo "FAIL $arch: the compiler emitted no $types"
		fail=$((fail + 1))
	elif "$MODLINK" insmod -n --base="$base" --kernel-release=2.4.37 --ksyms=k.ksyms -O picm.blob picm.o &&
		$run "$exe" run "picm.blob@$base" >out 2>&1 && diff -u ../want out; then
		echo "ok   $arch: PIC module runs${run:+ (under $run)}"
		ok=$((ok + 1))
	else
		echo "FAIL $arch"
		cat out 2>/dev/null
		fail=$((fail + 1))
	fi
	cd ..
}
run i386 "${CC_I386:-i686-linux-gnu-gcc}" -mpreferred-stack-boundary=2 -- 0x50000000 'R_386_GOTPC.*_GLOBAL_OFFSET_TABLE_'
run x86_64 gcc -fno-plt -mno-red-zone -fcf-protection=none -- 0x50000000 'R_X86_64_(REX_)?GOTPCRELX'
echo "$ok passed, $fail failed"
[ "$ran" -gt 0 ] || exit 77
[ "$fail" -eq 0 ]
