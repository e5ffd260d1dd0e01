#!/bin/bash
# modern.sh: the modern (.ko, Linux 2.6+) path without Debian's kernel or qemu
# (tests/e2e/debian-corpus.sh needs both): loader/modern.c, `modlink relocate` and
# `modlink insmod -n -O` on a .ko.
#
# The fixtures are built here, at test time, with the host gcc for x86_64 and the flags
# kbuild gives a 6.1 module, from our own sources in tests/fixtures/modern/ (modern.h
# makes the sections a 6.1 .ko has: .gnu.linkonce.this_module, .modinfo, __versions,
# exports in the PREL32 and the absolute form, __ksymtab_gpl, .init.*, .exit.text,
# .data..ro_after_init, __jump_table, .data..percpu, a weak undefined symbol):
#   base     exports base_func (PREL32), base_var (absolute), base_gpl_func (GPL-only)
#   user     needs base: calls base_func, points at base_var, has per-CPU data
#   gpluser  uses base_gpl_func (GPL); propuser: the same source, licence "Proprietary"
#   unknown  calls a function nobody exports; common: a COMMON symbol (-fcommon)
#   gpl1..6  copies of gpluser under other names, to keep the loader threads busy
#   escaped, noname: gpluser named "../escaped" and "" in .modinfo (--out must hold)
# The "kernel" is a /proc/kallsyms file written below.  Each check prints `ok - NAME` or
# `not ok - NAME` followed by what was wrong; the test fails if any check failed.
#
# Environment: top_srcdir, top_builddir (default: the tree this file is in), MODLINK
# (default $top_builddir/modlink), E2E_KEEP=1 keeps the work directory.
# shellcheck disable=SC2015 # `A && B || die`: die when either fails, as meant
. "${0%/*}/lib.sh" # set -eu, top_srcdir, MODLINK, skip, the work directory E2E_WORK
require_modlink
# shellcheck source=tests/e2e/ld-modern.sh
. "$top_srcdir/tests/e2e/ld-modern.sh" # ldm_compare, ldm_exports
for t in gcc ld objcopy readelf nm perl gzip xz zstd cmp diff; do
	command -v "$t" >/dev/null 2>&1 || skip "$t is not installed"
done
case $(gcc -dumpmachine 2>/dev/null) in
x86_64-*) ;;
*) skip "the host gcc does not target x86_64 ($(gcc -dumpmachine 2>/dev/null))" ;;
esac

FIX=$top_srcdir/tests/fixtures/modern
W=$E2E_WORK
cd "$W"

# ---- the fixtures ----

CFLAGS_KO="-mcmodel=kernel -mno-red-zone -fno-pic -fno-pie -fno-common -O2 -c -nostdinc -ffreestanding -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none"
echo 'int f(void) { return 0; }' >probe.c
# shellcheck disable=SC2086
gcc $CFLAGS_KO -o probe.o probe.c 2>probe.err || skip "gcc does not accept the kernel flags: $(head -1 probe.err)"
ko() { # NAME SOURCE [EXTRA GCC FLAGS]: NAME.ko from tests/fixtures/modern/SOURCE.c
	local name=$1 src=$2
	shift 2
	# shellcheck disable=SC2086
	gcc $CFLAGS_KO "$@" -DKBUILD_MODNAME="\"$name\"" -o "$name.ko" "$FIX/$src.c" ||
		{ echo "FAIL: cannot compile $src.c as $name.ko"; exit 1; }
}
ko base base
ko user user
ko gpluser gpluser
ko propuser gpluser -DGPLUSER_LICENSE='"Proprietary"'
ko unknown unknown
ko common common -fcommon
for i in 1 2 3 4 5 6; do ko "gpl$i" gpluser; done
# .modinfo names that cannot name a file in --out: one climbing out of it, one empty
# shellcheck disable=SC2086
gcc $CFLAGS_KO -DKBUILD_MODNAME='"../escaped"' -o escaped.ko "$FIX/gpluser.c" &&
	gcc $CFLAGS_KO -DKBUILD_MODNAME='""' -o noname.ko "$FIX/gpluser.c" ||
	{ echo "FAIL: cannot compile gpluser.c as escaped.ko and noname.ko"; exit 1; }
# A 2.4 module: the build tree's fixture if make built it, else one of our own.
OLD=$top_builddir/tests/fixtures/x86_64/hello.o
if [ ! -f "$OLD" ]; then
	OLD=$W/hello.o
	printf '%s\n' 'int init_module(void) { return 0; }' \
		'static const char mi[] __attribute__((section(".modinfo"), used)) = "kernel_version=2.4.37";' >hello.c
	# shellcheck disable=SC2086
	gcc $CFLAGS_KO -o hello.o hello.c || { echo "FAIL: cannot compile a 2.4 module"; exit 1; }
fi

# The kernel: /proc/kallsyms lines (a local symbol and a module's symbol among them).
cat >k.kallsyms <<'EOF'
ffffffff81000000 T _stext
ffffffff81000100 T printk
ffffffff81000200 T kmalloc
ffffffff81000300 T kfree
ffffffff81000400 t local_helper
ffffffff81800000 R __start_rodata
ffffffff82000000 D __per_cpu_end
ffffffffc0400000 t other_func	[othermod]
EOF
PERCPU_END=ffffffff82000000
AREA=ffffffffc0000000 # the default --base

# ---- helpers ----

# sym MAP NAME: the address of symbol NAME in a load map (hex, no 0x), or nothing.
sym() {
	awk -v n="$2" 'p && NF == 3 && $3 == n { print $1; exit } /^Symbols:/ { p = 1 }' "$1"
}
# sec MAP NAME: "ADDRESS SIZE" of a section in a load map.
sec() {
	awk -v n="$2" '/^Symbols:/ { exit } NF == 4 && $1 == n { print $3, $2; exit }' "$1"
}
# objsym OBJECT NAME: a symbol's value in an object file (its offset in its section), as 0x...
objsym() {
	nm "$1" | awk -v n="$2" '$3 == n { print "0x" $1; exit }'
}
# idx OUT NAME FIELD: a field of modules.index (2 path, 3 core, 4 core size, 5 init, 6 init size).
idx() {
	awk -v n="$2" -v f="$3" '$1 == n { print $f; exit }' "$1/modules.index"
}
# word IMG OFFSET BYTES: the little-endian value there, as 0x%016x (sign-extended if 4 bytes).
word() {
	perl -e 'open(my $f, "<:raw", $ARGV[0]) or die "$ARGV[0]: $!"; seek($f, $ARGV[1], 0);
		read($f, my $b, $ARGV[2]) == $ARGV[2] or die "$ARGV[0]: short read at $ARGV[1]\n";
		printf("0x%016x\n", $ARGV[2] == 4 ? unpack("l<", $b) : unpack("Q<", $b))' "$@"
}
hex16() { printf '0x%016x' "$(($1))"; }
# die MESSAGE: end the check (each runs in a subshell) with what went wrong.
die() {
	echo "$*"
	exit 1
}
# rel OUT LOG [ARGS]: modlink relocate --kallsyms=k.kallsyms --out=OUT ARGS; LOG.out, LOG.err, LOG.rc
rel() {
	local out=$1 log=$2
	shift 2
	set +e
	"$MODLINK" relocate --kallsyms=k.kallsyms ${out:+--out="$out"} "$@" >"$log.out" 2>"$log.err"
	echo $? >"$log.rc"
	set -e
}
show() { # LOG: what a run printed
	sed 's/^/    | /' "$1.out" "$1.err"
}
summary() { tail -1 "$1.out"; }
# order LOG: the module names of the ok/FAIL lines, in the order printed.
order() { awk '$1 == "ok" || $1 == "FAIL" { printf "%s ", $2 }' "$1.out"; }

npass=0 nfail=0
check() { # NAME FUNCTION
	local name=$1
	shift
	local rc
	set +e
	(set -e; "$@") >check.log 2>&1 # not in an `if`: set -e must hold in the check
	rc=$?
	set -e
	if [ $rc -eq 0 ]; then
		echo "ok - $name"
		npass=$((npass + 1))
	else
		echo "not ok - $name"
		sed 's/^/    /' check.log
		nfail=$((nfail + 1))
	fi
}

# The reference run: user first on the command line, base must still come first.
rel out main user.ko base.ko gpluser.ko
# base's exports from its map, /proc/ksyms style (GPL-only ones as GPLONLY_NAME), for insmod.
ldm_exports out/base.map >base.ksyms 2>/dev/null || : # checked by check 5

# ---- 1. relocate: the summary, the order, the exports ----
c_relocate() {
	[ "$(cat main.rc)" = 0 ] || { show main; die "relocate exited $(cat main.rc), not 0"; }
	case $(summary main) in
	"3 modules: 3 ok, 0 failed; "*" relocations, 0 unresolved symbols, 3 exports; "*) ;;
	*) show main; die "wrong summary: $(summary main)" ;;
	esac
	[ "$(order main)" = "base user gpluser " ] || die "load order '$(order main)', not 'base user gpluser '"
	grep -Eq '^ok   base .* exports +3 unresolved 0( |$)' main.out || { show main; die "base: not 3 exports"; }
	[ "$(awk '{ printf "%s ", $1 }' out/modules.index)" = "base user gpluser " ] ||
		die "modules.index order: $(awk '{ printf "%s ", $1 }' out/modules.index)"
	[ "$(idx out base 3)" = 0x$AREA ] || die "base is at $(idx out base 3), not at the area's start 0x$AREA"
	# user right after base (core + init, page aligned), gpluser after user
	local bend uend
	bend=$(hex16 "$(idx out base 5) + $(idx out base 6)")
	[ "$(hex16 "$(idx out user 3)")" = "$bend" ] || die "user's core $(idx out user 3) is not at base's end $bend"
	uend=$(hex16 "$(idx out user 5) + $(idx out user 6)")
	[ "$(hex16 "$(idx out gpluser 3)")" = "$uend" ] || die "gpluser's core is not at user's end $uend"
	for m in base user gpluser; do
		[ -s "out/$m.img" ] && [ -s "out/$m.map" ] || die "out/$m.img or out/$m.map missing"
		[ "$(stat -c %s "out/$m.img")" -eq $(($(idx out $m 4) + $(idx out $m 6))) ] ||
			die "out/$m.img is not core + init bytes long"
	done
	# --tree: user sorts first by path, base still goes first; same images
	mkdir -p tree/a tree/b tree/c
	cp user.ko tree/a/ && cp base.ko tree/b/ && cp gpluser.ko tree/c/ && echo junk >tree/c/README
	rel tout tree --tree=tree
	[ "$(cat tree.rc)" = 0 ] || { show tree; die "relocate --tree exited $(cat tree.rc)"; }
	[ "$(order tree)" = "base user gpluser " ] || die "--tree load order '$(order tree)'"
	case $(summary tree) in
	"3 modules: 3 ok, 0 failed; "*", 0 unresolved symbols, 3 exports; "*) ;;
	*) die "--tree: wrong summary: $(summary tree)" ;;
	esac
	for m in base user gpluser; do
		cmp "out/$m.img" "tout/$m.img" || die "--tree: $m.img differs from the run with file arguments"
		diff "out/$m.map" "tout/$m.map" || die "--tree: $m.map differs"
	done
}
check "relocate: 3 modules ok, 0 unresolved, 3 exports, base before user given first, --tree alike" c_relocate

# ---- 2. GNU ld agrees byte for byte ----
c_ld() {
	ldm_compare out k.kallsyms ldwork >ld.log 2>&1 || { cat ld.log; die "ldm_compare failed"; }
	grep -q '^ld: 3 modules, [1-9][0-9]* sections, [1-9][0-9]* bytes identical; 0 modules differ$' ld.log ||
		{ cat ld.log; die "GNU ld does not agree"; }
	cat ld.log
}
check "GNU ld links every module at modlink's addresses to the same bytes" c_ld

# ---- 3. layout facts from the maps ----
# layout MAP OBJECT CORE CORE_SIZE INIT INIT_SIZE PERCPU: the 6.1 layout rules, checked.
layout() {
	perl -w - "$@" <<'EOP'
use strict;
no warnings 'portable';
my ($map, $obj, $core, $csize, $init, $isize, $pcpu) = @ARGV;
$_ = hex for ($core, $csize, $init, $isize, $pcpu);
my $P = 4096;
sub up { return ($_[0] + $P - 1) & ~($P - 1) }
my (%flags, %index, %size, %align, @bad);
for (`readelf -SW '$obj'`) {
	next unless /^\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([A-Za-z]*)\s+\d+\s+\d+\s+(\d+)$/;
	($index{$2}, $size{$2}, $flags{$2}, $align{$2}) = ($1, hex($3), $4, $5);
}
my (@secs, %inmap);
open(my $f, '<', $map) or die "$map: $!";
while (<$f>) {
	last if /^Symbols:/;
	my @w = split;
	next if @w != 4 || $w[0] eq 'Sections:';
	push @secs, { name => $w[0], size => hex($w[1]), addr => hex($w[2]) };
	$inmap{$w[0]} = $secs[-1];
}
close $f;
my %roai = ('.data..ro_after_init' => 1, '__jump_table' => 1);
my %unloaded = ('.modinfo' => 1, '__versions' => 1, '.data..percpu' => 1);
sub part { return $_[0] =~ /^\.init/ ? 1 : 0 }
sub group { # 0 code, 1 read-only, 2 ro_after_init, 3 writable
	my ($n) = @_;
	return $flags{$n} =~ /X/ ? 0 : $flags{$n} !~ /W/ ? 1 : $roai{$n} ? 2 : 3;
}
# Where each section must be, computed from the object alone: per part (core, then init),
# the groups in turn, sections in index order aligned to sh_addralign, a page boundary
# after every group.
my (%want, @psize);
my @alloc = sort { $index{$a} <=> $index{$b} } grep { $flags{$_} =~ /A/ && !$unloaded{$_} } keys %flags;
for my $part (0, 1) {
	my $off = 0;
	for my $g (0 .. 3) {
		for my $n (grep { part($_) == $part && group($_) == $g } @alloc) {
			my $a = $align{$n} || 1;
			$off = ($off + $a - 1) & ~($a - 1);
			$want{$n} = ($part ? $init : $core) + $off;
			$off += $size{$n};
		}
		$off = up($off);
	}
	$psize[$part] = $off;
}
push @bad, sprintf("core size 0x%x, want 0x%x", $csize, $psize[0]) if $csize != $psize[0];
push @bad, sprintf("init size 0x%x, want 0x%x", $isize, $psize[1]) if $isize != $psize[1];
for my $n (@alloc) {
	next unless $inmap{$n};
	push @bad, sprintf("%s at 0x%x, want 0x%x", $n, $inmap{$n}{addr}, $want{$n}) if $inmap{$n}{addr} != $want{$n};
}
for my $n (sort keys %flags) {
	next unless $flags{$n} =~ /A/;
	if ($n eq '.modinfo' || $n eq '__versions') {
		push @bad, "$n is in the map: the kernel does not load it" if $inmap{$n};
	} elsif (!$inmap{$n}) {
		push @bad, "allocated section $n is not in the map";
	}
}
push @bad, ".text is at " . sprintf("0x%x", $inmap{'.text'}{addr}) . ", not at the base"
	if !$inmap{'.text'} || $inmap{'.text'}{addr} != $core;
push @bad, sprintf("core size 0x%x or init size 0x%x is not page aligned", $csize, $isize)
	if $csize % $P || $isize % $P;
push @bad, sprintf("init 0x%x is not right after the core (0x%x)", $init, $core + $csize)
	if $init != $core + $csize;
push @bad, ".init.text is not at the start of the init part"
	if !$inmap{'.init.text'} || $inmap{'.init.text'}{addr} != $init;
# groups: 0 code, 1 read-only, 2 ro_after_init, 3 writable; per part (core, init)
my %grp;
for my $s (@secs) {
	my $n = $s->{name};
	if ($n eq '.data..percpu') {
		push @bad, sprintf(".data..percpu at 0x%x, not at 0x%x", $s->{addr}, $pcpu) if $s->{addr} != $pcpu;
		push @bad, ".data..percpu lies inside the module's image"
			if $s->{addr} + $s->{size} > $core && $s->{addr} < $init + $isize;
		next;
	}
	if (!defined $flags{$n}) {
		push @bad, "$n is not a section of the object";
		next;
	}
	my ($part, $g) = (part($n), group($n));
	push @bad, "$n is a ro_after_init section but not in the ro_after_init group" if $roai{$n} && $g != 2;
	my ($lo, $hi) = $part ? ($init, $init + $isize) : ($core, $core + $csize);
	push @bad, sprintf("%s at 0x%x is outside its part [0x%x, 0x%x)", $n, $s->{addr}, $lo, $hi)
		if $s->{addr} < $lo || $s->{addr} + $s->{size} > $hi;
	push @{$grp{$part}[$g]}, $s;
}
my @gname = ('code', 'read-only data', 'ro_after_init data', 'writable data');
for my $part (0, 1) {
	my $end = $part ? $init : $core;
	for my $g (0 .. 3) {
		my $l = $grp{$part}[$g] or next;
		my @s = sort { $a->{addr} <=> $b->{addr} } @$l;
		my $want = $g == 0 ? $end : up($end);
		push @bad, sprintf("%s %s starts at 0x%x (%s), not at 0x%x, the page after the group before",
				   $part ? 'init' : 'core', $gname[$g], $s[0]{addr}, $s[0]{name}, $want)
			if $s[0]{addr} != $want;
		for my $k (1 .. $#s) {
			push @bad, "$s[$k]{name} overlaps $s[$k - 1]{name}"
				if $s[$k - 1]{addr} + $s[$k - 1]{size} > $s[$k]{addr};
			push @bad, "$s[$k]{name} comes before $s[$k - 1]{name} in the object but after it in memory"
				if $index{$s[$k]{name}} < $index{$s[$k - 1]{name}};
		}
		$end = $s[-1]{addr} + $s[-1]{size};
	}
	push @bad, sprintf("%s part ends at 0x%x, beyond its size", $part ? 'init' : 'core', $end)
		if $end > ($part ? $init + $isize : $core + $csize);
}
print "$map: $_\n" for @bad;
exit(@bad ? 1 : 0);
EOP
}
# after_base_pcpu START: where user's .data..percpu goes when base's is at START
after_base_pcpu() {
	local bsize ualign
	bsize=0x$(sec out/base.map .data..percpu | cut -d' ' -f2)
	ualign=$(readelf -SW user.ko | awk '/ \.data\.\.percpu / { print $NF }')
	printf '%016x' $((($1 + bsize + ualign - 1) & -ualign))
}
c_layout() {
	local m p
	for m in base user gpluser; do
		p=$PERCPU_END
		[ $m != user ] || p=$(after_base_pcpu 0x$PERCPU_END)
		layout out/$m.map $m.ko "$(idx out $m 3)" "$(idx out $m 4)" "$(idx out $m 5)" "$(idx out $m 6)" "$p"
	done
	# the groups base has, by name
	[ "$(sec out/base.map __jump_table | cut -d' ' -f1)" = "$(sec out/base.map .data..ro_after_init | cut -d' ' -f1)" ] &&
		die "__jump_table and .data..ro_after_init at the same place"
	[ -n "$(sec out/base.map .data..ro_after_init)" ] && [ -n "$(sec out/base.map .init.data)" ] &&
		[ -n "$(sec out/base.map .init.rodata)" ] && [ -n "$(sec out/base.map .exit.text)" ] ||
		die "base.map lacks one of .data..ro_after_init .init.data .init.rodata .exit.text"
	# .exit.text stays in the core (CONFIG_MODULE_UNLOAD), code group
	local et
	et=0x$(sec out/base.map .exit.text | cut -d' ' -f1)
	[ $((et - $(idx out base 3))) -lt 4096 ] || die ".exit.text is not in the core's code"
	# per-CPU symbols: their section's address plus their offset in it
	[ "$(sec out/base.map .data..percpu | cut -d' ' -f1)" = $PERCPU_END ] || die "base's .data..percpu is not at __per_cpu_end"
	[ "$(sym out/base.map base_pcpu)" = "$(printf '%016x' $((0x$PERCPU_END + $(objsym base.ko base_pcpu))))" ] ||
		die "base_pcpu at $(sym out/base.map base_pcpu), not at __per_cpu_end + its offset"
	[ "$(sym out/user.map user_pcpu)" = "$(after_base_pcpu 0x$PERCPU_END)" ] ||
		die "user_pcpu at $(sym out/user.map user_pcpu), not after base's per-CPU data"
	# --percpu moves both, and nothing else
	rel pout pcpu --percpu=0xffffffff83000000 base.ko user.ko
	[ "$(cat pcpu.rc)" = 0 ] || { show pcpu; die "relocate --percpu failed"; }
	layout pout/base.map base.ko "$(idx pout base 3)" "$(idx pout base 4)" "$(idx pout base 5)" "$(idx pout base 6)" ffffffff83000000
	[ "$(sym pout/user.map user_pcpu)" = "$(after_base_pcpu 0xffffffff83000000)" ] || die "--percpu: user_pcpu at $(sym pout/user.map user_pcpu)"
	[ "$(word pout/base.img $((0x$(sym pout/base.map base_pcpu_ptr) - $(idx pout base 3))) 8)" = "$(hex16 "0xffffffff83000000 + $(objsym base.ko base_pcpu)")" ] ||
		die "--percpu: base_pcpu_ptr does not hold the new per-CPU address"
	cmp -s out/base.img pout/base.img && die "--percpu: base.img unchanged"
	# the rest of the image does not move
	[ "$(idx pout user 3)" = "$(idx out user 3)" ] || die "--percpu moved user's core"
}
check "layout: text at the base, page-aligned groups, init after the core, .modinfo/__versions unloaded, per-CPU data outside" c_layout

# ---- 4. values in the image ----
c_values() {
	local bc uc site disp want v
	bc=$(idx out base 3) uc=$(idx out user 3)
	# user_call_site: call base_func; call printk
	site=0x$(sym out/user.map user_call_site)
	[ "$(perl -e 'open(F, "<:raw", $ARGV[0]); seek(F, $ARGV[1], 0); read(F, $b, 1); printf("%02x", ord $b)' \
		out/user.img $((site - uc)))" = e8 ] || die "no call opcode at user_call_site"
	disp=$(word out/user.img $((site - uc + 1)) 4)
	want=$(hex16 "0x$(sym out/base.map base_func) - ($site + 5)")
	[ "$disp" = "$want" ] || die "call base_func: displacement $disp, want $want"
	disp=$(word out/user.img $((site - uc + 6)) 4)
	want=$(hex16 "0xffffffff81000100 - ($site + 10)")
	[ "$disp" = "$want" ] || die "call printk: displacement $disp, want $want (printk at 0xffffffff81000100)"
	# absolute pointer to base_var (exported in the absolute form)
	v=$(word out/user.img $((0x$(sym out/user.map user_var_ptr) - uc)) 8)
	[ "$v" = "0x$(sym out/base.map base_var)" ] || die "user_var_ptr holds $v, base_var is at 0x$(sym out/base.map base_var)"
	# weak undefined symbols: 0
	v=$(word out/user.img $((0x$(sym out/user.map user_weak_ptr) - uc)) 8)
	[ "$v" = 0x0000000000000000 ] || die "user_weak_ptr (weak undefined) holds $v, not 0"
	v=$(word out/base.img $((0x$(sym out/base.map base_hook_ptr) - bc)) 8)
	[ "$v" = 0x0000000000000000 ] || die "base_hook_ptr (weak undefined) holds $v, not 0"
	# per-CPU references
	v=$(word out/base.img $((0x$(sym out/base.map base_pcpu_ptr) - bc)) 8)
	want=$(hex16 "0x$PERCPU_END + $(objsym base.ko base_pcpu)")
	[ "$v" = "$want" ] && [ "$v" = "0x$(sym out/base.map base_pcpu)" ] || die "base_pcpu_ptr holds $v, want $want (__per_cpu_end + offset)"
	v=$(word out/base.img $((0x$(sym out/base.map base_stats_ptr) - bc)) 8)
	want=$(hex16 "0x$(sym out/base.map base_pcpu_stats) + 8")
	[ "$v" = "$want" ] || die "base_stats_ptr (&base_pcpu_stats[1]) holds $v, want $want"
	v=$(word out/user.img $((0x$(sym out/user.map user_pcpu_ptr) - uc)) 8)
	[ "$v" = "0x$(sym out/user.map user_pcpu)" ] || die "user_pcpu_ptr holds $v, user_pcpu is at 0x$(sym out/user.map user_pcpu)"
	# the PREL32 export entry: value field = base_func - place
	site=0x$(sym out/base.map __ksymtab_base_func)
	v=$(word out/base.img $((site - bc)) 4)
	want=$(hex16 "0x$(sym out/base.map base_func) - $site")
	[ "$v" = "$want" ] || die "__ksymtab_base_func: value field $v, want $want"
	# the absolute export entry: value = &base_var, name -> "base_var"
	site=0x$(sym out/base.map __ksymtab_base_var)
	v=$(word out/base.img $((site - bc)) 8)
	[ "$v" = "0x$(sym out/base.map base_var)" ] || die "__ksymtab_base_var: value $v, not &base_var"
	v=$(word out/base.img $((site - bc + 8)) 8)
	[ "$v" = "0x$(sym out/base.map __kstrtab_base_var)" ] || die "__ksymtab_base_var: name $v, not __kstrtab_base_var"
	# struct module's init pointer (0x138) points at init_module, in the init part
	v=$(word out/base.img $((0x$(sym out/base.map __this_module) + 0x138 - bc)) 8)
	[ "$v" = "0x$(sym out/base.map init_module)" ] && [ "$v" = "$(hex16 "$(idx out base 5)")" ] ||
		die "__this_module.init holds $v, init_module is at 0x$(sym out/base.map init_module)"
	# .modinfo's bytes are nowhere in the image
	! grep -q 'vermagic=' out/base.img || die "the image holds .modinfo's strings"
}
check "values: call displacements, pointer to base_var, weak = 0, per-CPU pointers, ksymtab entries" c_values

# ---- 5. insmod -n -O on a .ko = relocate at the same place ----
c_insmod() {
	local at=0xffffffffc0100000
	[ "$(wc -l <base.ksyms)" -eq 3 ] && grep -q " GPLONLY_base_gpl_func$" base.ksyms && grep -q " base_var$" base.ksyms ||
		{ cat base.ksyms; die "base's exports not found in its map"; }
	"$MODLINK" insmod -n -m -O ins.img --base=$at --kallsyms=k.kallsyms --ksyms=base.ksyms user.ko >ins.out 2>ins.err ||
		{ cat ins.out ins.err; die "insmod -n -O user.ko failed"; }
	[ ! -s ins.err ] || { cat ins.err; die "insmod printed errors"; }
	grep -q "^.text .* ${at#0x} " ins.out || die "insmod -m: .text not at $at"
	# user's per-CPU data where insmod puts it: at __per_cpu_end, aligned
	rel aout at --at=user=$at,,0x$PERCPU_END base.ko user.ko
	[ "$(cat at.rc)" = 0 ] || { show at; die "relocate --at failed"; }
	[ "$(idx aout user 3)" = $at ] || die "--at: user at $(idx aout user 3), not $at"
	cmp ins.img aout/user.img || die "insmod's image differs from relocate's at the same address"
	diff ins.out aout/user.map || die "insmod -m's map differs from relocate's"
	# --at with an explicit init address
	rel iout atinit --at=user=$at,0xffffffffc0200000 base.ko user.ko
	[ "$(idx iout user 5)" = 0xffffffffc0200000 ] && [ "$(sec iout/user.map .init.text | cut -d' ' -f1)" = ffffffffc0200000 ] ||
		{ show atinit; die "--at=user=CORE,INIT: .init.text not at INIT"; }
	[ "$(word iout/user.img $((0x$(sym iout/user.map __this_module) + 0x138 - at)) 8)" = 0xffffffffc0200000 ] ||
		die "--at=user=CORE,INIT: struct module's init pointer does not follow INIT"
}
check "insmod -n -m -O user.ko --base=ADDR gives relocate's image and map at the same address (--at)" c_insmod

# ---- 6. GPL-only exports ----
c_gpl() {
	rel "" gpl base.ko propuser.ko gpluser.ko
	[ "$(cat gpl.rc)" != 0 ] || { show gpl; die "relocate exited 0 with a proprietary module using a GPL-only export"; }
	grep -q '^FAIL propuser ' gpl.out || { show gpl; die "no FAIL line for propuser"; }
	grep -q "propuser.ko: unresolved symbol base_gpl_func (exported GPL-only; this module's license is 'Proprietary')" gpl.err ||
		{ show gpl; die "no GPL-only message for propuser"; }
	grep -q '^ok   gpluser ' gpl.out || { show gpl; die "gpluser (GPL) not ok"; }
	grep -q '^ok   base ' gpl.out || { show gpl; die "base not ok"; }
	set +e
	"$MODLINK" insmod -n -O prop.img --kallsyms=k.kallsyms --ksyms=base.ksyms propuser.ko >ip.out 2>ip.err
	local rc=$?
	set -e
	[ $rc -ne 0 ] || die "insmod propuser.ko exited 0"
	grep -q 'unresolved symbol base_gpl_func (exported GPL-only' ip.err || { cat ip.out ip.err; die "insmod: no GPL-only message"; }
	[ ! -e prop.img ] || die "insmod left an image behind for a module it refused"
	"$MODLINK" insmod -n -O gpl.img --kallsyms=k.kallsyms --ksyms=base.ksyms gpluser.ko >ig.out 2>&1 ||
		{ cat ig.out; die "insmod gpluser.ko failed"; }
}
check "GPL-only export: refused to a Proprietary module (relocate and insmod), bound for a GPL one" c_gpl

# ---- 7. unresolved symbols ----
c_unresolved() {
	rel uout unres base.ko unknown.ko user.ko
	[ "$(cat unres.rc)" = 1 ] || { show unres; die "relocate exited $(cat unres.rc), not 1"; }
	grep -Eq '^FAIL unknown .* unresolved 1( |$)' unres.out || { show unres; die "no FAIL line for unknown"; }
	grep -q '^unknown.ko: unresolved symbol no_such_function$' unres.err || { show unres; die "no message naming no_such_function"; }
	grep -q '^ok   base ' unres.out && grep -q '^ok   user ' unres.out || { show unres; die "base and user not ok"; }
	case $(summary unres) in
	"3 modules: 2 ok, 1 failed; "*", 1 unresolved symbols, "*) ;;
	*) die "wrong summary: $(summary unres)" ;;
	esac
	[ ! -e uout/unknown.img ] || die "an image was written for the failed module"
	! grep -q '^unknown ' uout/modules.index || die "the failed module is in modules.index"
	cmp out/base.img uout/base.img || die "base.img differs from the reference run"
	# The kernel frees a module that fails: user goes where it goes without unknown.
	[ "$(idx uout user 3)" = "$(idx out user 3)" ] ||
		die "user at $(idx uout user 3) after the failed module, not $(idx out user 3) as without it"
	cmp out/user.img uout/user.img || die "user.img differs from the run without the failed module"
}
check "unresolved symbol: FAIL line naming module and symbol, exit 1, the others ok, no space kept for it" c_unresolved

# ---- 8. COMMON symbols ----
c_common() {
	nm common.ko | grep -q ' C common_counter$' || die "the fixture has no COMMON symbol (gcc ignored -fcommon?)"
	rel "" common base.ko common.ko
	[ "$(cat common.rc)" = 1 ] || { show common; die "relocate exited $(cat common.rc), not 1"; }
	grep -q '^FAIL common ' common.out || { show common; die "no FAIL line for common"; }
	grep -q 'common_counter.*-fno-common' common.err || { show common; die "no message naming common_counter and -fno-common"; }
	grep -q '^ok   base ' common.out || { show common; die "base not ok"; }
	set +e
	"$MODLINK" insmod -n -O c.img --kallsyms=k.kallsyms common.ko >ic.out 2>ic.err
	local rc=$?
	set -e
	[ $rc -ne 0 ] && grep -q 'common_counter.*-fno-common' ic.err || { cat ic.out ic.err; die "insmod common.ko: no refusal"; }
}
check "COMMON symbol refused, naming the symbol and -fno-common" c_common

# ---- 9. compressed modules ----
c_compressed() {
	local z ext
	mkdir -p zt
	"$MODLINK" insmod -n -O ins.plain.img --base=0xffffffffc0100000 --kallsyms=k.kallsyms --ksyms=base.ksyms \
		user.ko >ins.plain.out 2>&1 || { cat ins.plain.out; die "insmod user.ko failed"; }
	for z in gzip xz zstd; do
		ext=${z/gzip/gz}
		ext=${ext/zstd/zst}
		mkdir -p "zt/$ext"
		for m in base user gpluser; do
			$z -q -c $m.ko >"zt/$ext/$m.ko.$ext"
		done
		# the reference run's order on the command line (a tree would sort gpluser first)
		rel "z$ext" "z$ext" "zt/$ext/user.ko.$ext" "zt/$ext/base.ko.$ext" "zt/$ext/gpluser.ko.$ext"
		[ "$(cat "z$ext.rc")" = 0 ] || { show "z$ext"; die ".ko.$ext: relocate failed"; }
		for m in base user gpluser; do
			cmp "out/$m.img" "z$ext/$m.img" || die ".ko.$ext: $m.img differs from the plain .ko's"
			diff "out/$m.map" "z$ext/$m.map" || die ".ko.$ext: $m.map differs"
		done
		"$MODLINK" insmod -n -O "ins.$ext.img" --base=0xffffffffc0100000 --kallsyms=k.kallsyms --ksyms=base.ksyms \
			"zt/$ext/user.ko.$ext" >"ins.$ext.out" 2>&1 || { cat "ins.$ext.out"; die "insmod user.ko.$ext failed"; }
		cmp ins.plain.img "ins.$ext.img" || die "insmod user.ko.$ext: image differs from user.ko's"
	done
}
check ".ko.gz, .ko.xz, .ko.zst: the same images and maps as the plain .ko (relocate and insmod)" c_compressed

# ---- 10. threads ----
c_threads() {
	local mods="gpl3.ko user.ko gpl1.ko gpl5.ko base.ko gpl2.ko unknown.ko gpl4.ko propuser.ko gpl6.ko gpluser.ko common.ko"
	# shellcheck disable=SC2086
	rel j1 j1 -j1 $mods
	# shellcheck disable=SC2086
	rel j3 j3 -j3 $mods
	[ "$(cat j1.rc)" = 1 ] && [ "$(cat j3.rc)" = 1 ] || die "exit statuses $(cat j1.rc) and $(cat j3.rc), not 1 (three modules fail)"
	case $(summary j1) in
	"12 modules: 9 ok, 3 failed; "*) ;;
	*) show j1; die "wrong summary: $(summary j1)" ;;
	esac
	diff -r j1 j3 || die "-j1 and -j3 wrote different files"
	diff j1.out j3.out || die "-j1 and -j3 printed different lines"
	diff j1.err j3.err || die "-j1 and -j3 printed different messages"
}
check "threads: relocate -j1 and -j3 write the same images, maps, modules.index and lines" c_threads

# ---- 11. --modules-dep ----
c_moddep() {
	# The symbols would give: base gpluser user. modules.dep says gpluser needs user.
	printf '%s\n' 'kernel/misc/gpluser.ko: kernel/misc/user.ko kernel/misc/base.ko' \
		'kernel/misc/user.ko: kernel/misc/base.ko' 'kernel/misc/base.ko:' 'kernel/misc/absent.ko.xz: kernel/misc/base.ko' >modules.dep
	rel "" sym gpluser.ko user.ko base.ko
	[ "$(order sym)" = "base gpluser user " ] || { show sym; die "from the symbols: order '$(order sym)'"; }
	rel dout dep --modules-dep=modules.dep gpluser.ko user.ko base.ko
	[ "$(cat dep.rc)" = 0 ] || { show dep; die "relocate --modules-dep failed"; }
	[ "$(order dep)" = "base user gpluser " ] || { show dep; die "--modules-dep: order '$(order dep)', not 'base user gpluser '"; }
	cmp out/user.img dout/user.img && cmp out/base.img dout/base.img || die "--modules-dep: images differ from the reference"
	# an empty modules.dep: the command line's order
	: >empty.dep
	rel "" dep0 --modules-dep=empty.dep user.ko gpluser.ko base.ko
	[ "$(order dep0)" = "user gpluser base " ] || { show dep0; die "empty modules.dep: order '$(order dep0)'"; }
	# a line that is no rule (no colon): skipped with a warning naming file:line, the rest used
	{ sed -n 1,2p modules.dep; echo 'kernel/misc/garbled.ko kernel/misc/base.ko'; sed -n '3,$p' modules.dep; } >quirky.dep
	rel "" depq --modules-dep=quirky.dep gpluser.ko user.ko base.ko
	[ "$(cat depq.rc)" = 0 ] || { show depq; die "relocate refused a modules.dep with one bad line"; }
	grep -q 'quirky.dep:3: not a dependency rule (no colon), skipped' depq.out depq.err ||
		{ show depq; die "no file:line warning for the bad modules.dep line"; }
	[ "$(order depq)" = "base user gpluser " ] || { show depq; die "quirky modules.dep: order '$(order depq)'"; }
}
check "--modules-dep orders the modules as the file says" c_moddep

# ---- 12. refusals ----
c_refuse() {
	local before
	rel "" old base.ko "$OLD"
	[ "$(cat old.rc)" = 1 ] || { show old; die "relocate exited $(cat old.rc) with a 2.4 module, not 1"; }
	grep -q '^FAIL hello ' old.out && grep -q 'not a modern' old.err || { show old; die "no FAIL/'not a modern' for $OLD"; }
	grep -q '^ok   base ' old.out || { show old; die "base not ok"; }
	cp base.ko x.ko
	before=$(cksum <x.ko)
	set +e
	"$MODLINK" insmod -n -O x.ko --kallsyms=k.kallsyms x.ko >x.out 2>x.err
	local rc=$?
	set -e
	[ $rc -ne 0 ] || die "insmod -O x.ko x.ko exited 0"
	grep -q 'x.ko.*is the module being read' x.err || { cat x.out x.err; die "no clear message for output = input"; }
	[ "$(cksum <x.ko)" = "$before" ] || die "insmod -O x.ko x.ko changed its input"
	# the same file under another name
	ln x.ko y.ko
	set +e
	"$MODLINK" insmod -n -O y.ko --kallsyms=k.kallsyms x.ko >y.out 2>y.err
	rc=$?
	set -e
	[ $rc -ne 0 ] && grep -q 'is the module being read' y.err || { cat y.out y.err; die "a hard link to the input was not refused"; }
	[ "$(cksum <x.ko)" = "$before" ] || die "insmod -O through a hard link changed its input"
	# a .modinfo name with a '/' must not write outside --out; an empty one is no name
	mkdir -p esc
	rel esc/out esc base.ko escaped.ko noname.ko
	[ "$(cat esc.rc)" = 1 ] || { show esc; die "relocate exited $(cat esc.rc) with a module named '../escaped', not 1"; }
	grep -q "^FAIL \.\./escaped " esc.out && grep -q "escaped.ko: module name '../escaped' (.modinfo) is not a plain file name" esc.err ||
		{ show esc; die "no FAIL line or message for the module named '../escaped'"; }
	[ ! -e esc/escaped.img ] && [ ! -e esc/escaped.map ] || die "relocate wrote esc/escaped.img or .map, outside --out=esc/out"
	grep -q '^ok   noname ' esc.out && [ -s esc/out/noname.img ] || { show esc; die "the module with an empty name is not named after its file"; }
	[ "$(ls esc/out)" = "$(printf '%s\n' base.img base.map modules.index noname.img noname.map)" ] ||
		die "esc/out holds: $(ls esc/out | tr '\n' ' ')"
	# a second module of a name is refused, as by the kernel; the first one's files stay its own
	mkdir -p again
	cp base.ko again/base.ko
	rel dupout dup user.ko base.ko gpluser.ko again/base.ko
	[ "$(cat dup.rc)" = 1 ] || { show dup; die "relocate exited $(cat dup.rc) with two modules named base, not 1"; }
	grep -q '^relocate: again/base.ko: a module named base is already loaded, from base.ko$' dup.err &&
		[ "$(grep -c '^FAIL base ' dup.out)" = 1 ] && [ "$(grep -c '^ok   base ' dup.out)" = 1 ] ||
		{ show dup; die "no FAIL line and message for the second module named base"; }
	[ "$(grep -c '^base ' dupout/modules.index)" = 1 ] || die "modules.index lists base twice"
	cmp out/base.img dupout/base.img || die "the second base replaced the first one's image"
	# the message names the module that was loaded first (z/base.ko, which user needs)
	mkdir -p z
	cp base.ko z/base.ko
	rel dup2out dup2 user.ko z/base.ko again/base.ko
	grep -q '^relocate: again/base.ko: a module named base is already loaded, from z/base.ko$' dup2.err &&
		grep -q '^ok   user ' dup2.out || { show dup2; die "not the first base in load order kept"; }
	# --at with an empty INIT and nothing after it keeps the default init place
	rel at2out at2 "--at=user=$(idx out user 3)," base.ko user.ko
	[ "$(cat at2.rc)" = 0 ] && cmp out/user.img at2out/user.img || { show at2; die "--at=user=CORE, was not taken as CORE"; }
}
check "refusals: a 2.4 object in relocate ('not a modern'), insmod -O onto its own input, a name= that is no file name, a second module of a name" c_refuse

echo "$npass passed, $nfail failed"
[ $nfail -eq 0 ]
