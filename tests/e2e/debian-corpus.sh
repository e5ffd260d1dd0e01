#!/bin/bash
# debian-corpus.sh: Debian's own kernel modules as the real-world corpus of modern .ko
# support (scripts/debian-kernel.sh fetches the package at test time; nothing of it is
# committed).
#
# 1. Every module of linux-image-6.1.0-*-amd64 (about 4,000) is relocated in one
#    `modlink relocate` run, in dependency order, against the /proc/kallsyms the same
#    kernel printed under QEMU (scripts/qemu-kallsyms.sh); there must be no failure and
#    no unresolved symbol.  The counts are printed.  Two large modules are then linked
#    alone with `insmod -n -O` at the batch's address: the same image, byte for byte.
# 2. GNU ld is the independent reference (tests/e2e/ld-modern.sh): every allocated
#    section of every module, linked by ld at modlink's addresses with the symbol values
#    taken from kallsyms and the exporting modules, must equal modlink's image byte for
#    byte.  Any difference fails the test.
# 3. The modules the guest loaded with its own insmod are relocated again at the
#    addresses the kernel chose (/proc/modules, /sys/module/*/sections and, for
#    .data..percpu, which sysfs lacks, the module's per-CPU symbols in /proc/kallsyms),
#    and compared with the kernel's memory (read from /proc/kcore in the guest):
#    - every section address modlink computes equals the kernel's (the layout);
#    - read-only data (.rodata*, __ksymtab*, __param, .note*, ...) is identical;
#    - in writable data, a word may differ only as run-time state: bits the kernel or the
#      module's init added to modlink's value (reference counts, flags), a word holding no
#      address (no relocation wrote it), or an empty list head that pointed at itself;
#      a relocated address the kernel holds differently fails;
#    - tables the kernel sorts at load (.orc_unwind*, __mcount_loc, __jump_table) and
#      rewrites (.static_call_sites, struct module in .gnu.linkonce.this_module, .bss)
#      are reported, not compared;
#    - the core allocation's size (modlink's kernel-size: the core plus the kernel's
#      kallsyms tables, page aligned) equals /proc/modules;
#    - code is reported: every byte of .text that differs must lie in a site the kernel
#      patches after relocation, found through the module's own tables.  Why .text
#      differs: alternatives (.altinstructions: instructions replaced by variants for
#      the CPU's features), paravirt patching (.parainstructions), ftrace call sites
#      (__mcount_loc: each 5-byte `call __fentry__` becomes a 5-byte NOP), retpolines and
#      return thunks (.retpoline_sites: indirect-thunk calls become plain indirect calls
#      or lfence forms; .return_sites: `jmp __x86_return_thunk` becomes `ret; int3...`
#      unless the CPU needs the thunk), jump labels (__jump_table: the 5-byte jmp/nop
#      at each static branch is set to the key's state), static calls
#      (.static_call_sites: calls patched to the current target) and, on a one-CPU
#      guest, .smp_locks (each `lock` prefix becomes a harmless `ds` prefix).  A
#      difference outside these sites fails the test.
# Skips (77) only when the package or QEMU cannot be had.  MODLINK_CORPUS_JOBS sets the
# number of ld workers (default: the CPUs).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
MODLINK=${MODLINK:-$top_builddir/modlink}
# CI sets MODLINK_REQUIRE_CORPUS=1 (.ci/run): there, not running is a failure, not a skip.
skip() {
	[ "${MODLINK_REQUIRE_CORPUS:-0}" = 1 ] && { echo "FAIL (MODLINK_REQUIRE_CORPUS=1): $*"; exit 1; }
	echo "SKIP: $*"
	exit 77
}
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$MODLINK" ] || skip "modlink is not built"
command -v ld >/dev/null && command -v objcopy >/dev/null && command -v perl >/dev/null ||
	skip "binutils or perl missing"
env=$("$top_srcdir/scripts/debian-kernel.sh") || skip "Debian's kernel package cannot be had"
eval "$env"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
cap=${MODLINK_QEMU_CAPTURE:-$KDIR/qemu}
"$top_srcdir/scripts/qemu-kallsyms.sh" "$cap" || fail "the QEMU capture failed"
. "$top_srcdir/tests/e2e/ld-modern.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/ml-corpus.XXXXXX")
trap 'rm -rf "$T"' EXIT
bad=0

# 1. The whole tree, one process.
"$MODLINK" relocate -q --kallsyms="$cap/kallsyms" --tree="$MODDIR" --out="$T/out" >"$T/rel.out" 2>"$T/rel.err"
rc=$?
summary=$(tail -1 "$T/rel.out")
echo "modlink: $summary"
if [ $rc -ne 0 ]; then
	head -20 "$T/rel.out" "$T/rel.err"
	fail "modlink relocate failed on the tree"
fi
case $summary in
"$NMODULES modules: $NMODULES ok, 0 failed; "*", 0 unresolved symbols"*) ;;
*) fail "expected $NMODULES modules, all ok, 0 unresolved: $summary" ;;
esac

# 1b. Large modules alone (i915.ko; test_bpf.ko, whose 4.5 MB image is staged in huge
# pages; neither has per-CPU data, so its place is all there is): insmod -n -O at the
# core address the batch gave it, against the kernel's symbols and the exports of every
# module (from the maps), writes the batch's image byte for byte.
ldm_exports "$T"/out/*.map >"$T/exports.ksyms"
for n in i915 test_bpf; do
	read -r core path <<EOT
$(awk -v n="$n" '$1 == n { print $3, $2 }' "$T/out/modules.index")
EOT
	if [ -z "${core:-}" ]; then
		echo "no $n in the tree: its single-module check not run"
		continue
	fi
	"$MODLINK" insmod -n --kallsyms="$cap/kallsyms" --ksyms="$T/exports.ksyms" --base="$core" \
		-O "$T/$n.img" "$path" >"$T/$n.out" 2>&1 &&
		cmp "$T/$n.img" "$T/out/$n.img" &&
		echo "insmod -n -O $n.ko: $(wc -c <"$T/$n.img") bytes, the batch's image" ||
		{ cat "$T/$n.out"; echo "insmod -n -O $n.ko differs from the batch's image"; bad=1; }
	core=
done

# 2. GNU ld, module by module, split over the CPUs.
jobs=${MODLINK_CORPUS_JOBS:-$(nproc 2>/dev/null || echo 1)}
for w in $(seq 0 $((jobs - 1))); do
	ldm_compare "$T/out" "$cap/kallsyms" "$T/ld" "$w" "$jobs" >"$T/ld.$w" 2>&1 &
done
wait
perl -ne 'if (/^ld: (\d+) modules, (\d+) sections, (\d+) bytes identical; (\d+) modules differ/) {
	$m += $1; $s += $2; $b += $3; $d += $4 } elsif (/^FAIL/ || !/^ok/) { print }
	END { print "GNU ld: $m modules, $s sections, $b bytes identical; $d modules differ\n";
	      exit($d || $m == 0 ? 1 : 0) }' "$T"/ld.* || bad=1
grep -h '^ld: ' "$T"/ld.* | grep -q . || { echo "the ld comparison printed no summary"; bad=1; }
nmod=$(perl -ne '$m += $1 if /^ld: (\d+) modules/; END { print $m + 0 }' "$T"/ld.*)
[ "$nmod" -eq "$NMODULES" ] || { echo "GNU ld compared $nmod modules, not $NMODULES"; bad=1; }

# 3. The guest's modules at the kernel's addresses, against the kernel's memory.
at=() files=()
while read -r m; do
	core=$(awk -v m="$m" '$1 == m { print $6 }' "$cap/modules")
	init=$(awk -v m="$m" '$1 == m && $2 == ".init.text" { print $3 }' "$cap/sections")
	pcpu=$(awk -v m="$m" '$1 == m { print $2 }' "$cap/percpu" 2>/dev/null)
	if [ -n "$pcpu" ]; then at+=("--at=$m=$core,$init,$pcpu"); else at+=("--at=$m=$core${init:+,$init}"); fi
	files+=("$(find "$MODDIR/kernel" -name "$m.ko" | head -1)")
done <"$cap/loaded"
[ ${#files[@]} -gt 0 ] || fail "the guest loaded no module"
"$MODLINK" relocate -q --kallsyms="$cap/kallsyms" "${at[@]}" --out="$T/guest" "${files[@]}" >"$T/g.out" 2>&1 ||
	{ cat "$T/g.out"; fail "modlink relocate failed on the guest's modules"; }
# The core allocation's size: modlink's core plus the kernel's kallsyms tables, page
# aligned (modules.index column 7), must be what the guest's /proc/modules says.
perl -we 'no warnings "portable"; my (%size, $n, $d);
	open(my $f, "<", $ARGV[0]) or die; while (<$f>) { my @w = split; $size{$w[0]} = $w[1] }
	open($f, "<", $ARGV[1]) or die;
	while (<$f>) { my @w = split; $n++; next if hex($w[6]) == ($size{$w[0]} // -1); $d++;
		printf "size of %s: modlink %d, /proc/modules %s\n", $w[0], hex($w[6]), $size{$w[0]} // "none" }
	printf "/proc/modules: %d module sizes compared, %d differ\n", $n // 0, $d // 0; exit(($d || !$n) ? 1 : 0)' \
	"$cap/modules" "$T/guest/modules.index" || bad=1
perl -w - "$T/guest" "$cap" <<'EOP' || bad=1
use strict;
no warnings 'portable';
my ($out, $cap) = @ARGV;
my (%core, %sec, %idx);
open(my $f, '<', "$cap/modules") or die;
while (<$f>) { my @w = split; $core{$w[0]} = hex($w[5]) }
open($f, '<', "$cap/sections") or die;
while (<$f>) { my @w = split; $sec{$w[0]}{$w[1]} = hex($w[2]) }
# .data..percpu is not in /sys/module: its base comes from the module's kallsyms.
my $npcpu = 0;
if (open($f, '<', "$cap/percpu")) { while (<$f>) { my @w = split; $sec{$w[0]}{'.data..percpu'} = hex($w[1]) } }
open($f, '<', "$out/modules.index") or die;
while (<$f>) { my @w = split; $idx{$w[0]} = { path => $w[1], core => hex($w[2]), csize => hex($w[3]) } }
sub slurp { open(my $h, '<:raw', $_[0]) or return undef; local $/; my $d = <$h>; return $d // '' }
sub hexfile { my $t = slurp($_[0]); return undef unless defined $t; $t =~ s/\s//g; return pack('H*', $t) }
my %sorted = map { $_ => 1 } qw(.orc_unwind .orc_unwind_ip __mcount_loc __jump_table);
my %rewritten = map { $_ => 1 } qw(.static_call_sites .gnu.linkonce.this_module .bss);
my ($nsec, $naddr, $nexact, $nwords, $nruntime, $ntext, $ntextdiff, $fail) = (0) x 8;
my (%report, %textwhy);
for my $m (sort keys %idx) {
	my $i = $idx{$m};
	my $img = slurp("$out/$m.img");
	my (%flags);
	for (`readelf -SW '$i->{path}'`) {
		$flags{$1} = $2 if /^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+([A-Za-z]*)\s/;
	}
	# Layout: every section modlink placed, where the kernel placed it.
	open(my $mf, '<', "$out/$m.map") or die;
	my %addr;
	while (<$mf>) {
		last if /^Symbols:/;
		my @w = split;
		next if @w < 4 || $w[0] eq 'Sections:';
		$addr{$w[0]} = hex($w[2]);
		if ($w[0] eq '.data..percpu' && !exists $sec{$m}{$w[0]}) {
			print "FAIL $m .data..percpu: the capture has no per-CPU base for it (kallsyms)\n";
			$fail++;
		}
		$npcpu++ if $w[0] eq '.data..percpu';
		next unless exists $sec{$m}{$w[0]};
		$naddr++;
		if ($sec{$m}{$w[0]} != hex($w[2])) {
			printf "FAIL %s %s: modlink placed it at 0x%x, the kernel at 0x%x\n", $m, $w[0], hex($w[2]), $sec{$m}{$w[0]};
			$fail++;
		}
	}
	# Patch sites of the code, from the relocated tables in modlink's image.
	my %site; # text address -> why
	my $tab = sub {
		my ($name) = @_;
		return () unless exists $addr{$name} && exists $sec{$m}{$name};
		my $a = $addr{$name};
		my $size = 0;
		for (`readelf -SW '$i->{path}'`) { $size = hex($1) if /\]\s+\Q$name\E\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/ }
		return ($a, substr($img, $a - $i->{core}, $size));
	};
	my $rel32 = sub { my ($base, $data, $esz, $len, $why) = @_;
		for (my $o = 0; $o + 4 <= length($data); $o += $esz) {
			my $t = $base + $o + unpack('l<', substr($data, $o, 4));
			$site{$t + $_} //= $why for 0 .. $len - 1;
		} };
	if (my ($a, $d) = $tab->('.return_sites')) { $rel32->($a, $d, 4, 5, 'return thunk') }
	if (my ($a, $d) = $tab->('.retpoline_sites')) { $rel32->($a, $d, 4, 6, 'retpoline') }
	if (my ($a, $d) = $tab->('.smp_locks')) { $rel32->($a, $d, 4, 1, 'smp lock') }
	if (my ($a, $d) = $tab->('.static_call_sites')) { $rel32->($a, $d, 8, 5, 'static call') }
	if (my ($a, $d) = $tab->('__jump_table')) { $rel32->($a, $d, 16, 5, 'jump label') }
	if (my ($a, $d) = $tab->('__mcount_loc')) {
		for (my $o = 0; $o + 8 <= length($d); $o += 8) {
			my $t = unpack('Q<', substr($d, $o, 8));
			$site{$t + $_} //= 'ftrace' for 0 .. 4;
		}
	}
	if (my ($a, $d) = $tab->('.altinstructions')) {
		for (my $o = 0; $o + 12 <= length($d); $o += 12) {
			my ($off, undef, undef, $len) = unpack('l< l< S< C', substr($d, $o, 11));
			$site{$a + $o + $off + $_} //= 'alternative' for 0 .. $len - 1;
		}
	}
	if (my ($a, $d) = $tab->('.parainstructions')) {
		for (my $o = 0; $o + 16 <= length($d); $o += 16) {
			my ($p, undef, $len) = unpack('Q< C C', substr($d, $o, 10));
			$site{$p + $_} //= 'paravirt' for 0 .. $len - 1;
		}
	}
	opendir(my $dd, "$cap/dump/$m") or next;
	for my $s (sort grep { !/^\.\.?$/ } readdir($dd)) {
		my $k = hexfile("$cap/dump/$m/$s");
		my $a = $sec{$m}{$s};
		next unless defined $k && defined $a && $a >= $i->{core} && $a - $i->{core} + length($k) <= length($img);
		my $mine = substr($img, $a - $i->{core}, length($k));
		my $fl = $flags{$s} // '';
		$nsec++;
		if ($fl =~ /X/) {
			$ntext += length($k);
			for my $o (0 .. length($k) - 1) {
				next if substr($k, $o, 1) eq substr($mine, $o, 1);
				$ntextdiff++;
				my $why = $site{$a + $o};
				if (defined $why) {
					$textwhy{$why}++;
				} else {
					$textwhy{'outside every patch site'}++;
					printf "FAIL %s %s+0x%x: kernel %02x, modlink %02x, at no patch site\n", $m, $s, $o,
						ord(substr($k, $o, 1)), ord(substr($mine, $o, 1)) if $textwhy{'outside every patch site'} <= 10;
					$fail++;
				}
			}
		} elsif ($sorted{$s} || $rewritten{$s}) {
			my $d = grep { substr($k, $_, 1) ne substr($mine, $_, 1) } 0 .. length($k) - 1;
			$report{$s} += $d;
		} elsif ($fl !~ /W/) {
			if ($k eq $mine) {
				$nexact++;
			} else {
				my $o = 0;
				$o++ while substr($k, $o, 1) eq substr($mine, $o, 1);
				printf "FAIL %s %s+0x%x: read-only data differs from the kernel's\n", $m, $s, $o;
				$fail++;
			}
		} else {
			for (my $o = 0; $o < length($k); $o += 8) {
				my ($kw, $mw) = (substr($k, $o, 8), substr($mine, $o, 8));
				$nwords++;
				next if $kw eq $mw;
				$nruntime++;
				# Run-time state: bits added to modlink's value, a word that is no address
				# (no relocation made it), or an empty list head pointing at itself.
				my $v = unpack('Q<', $mw . "\0" x (8 - length($mw)));
				my $wa = $a + $o;
				next if ($mw & ~$kw) =~ /^\0*$/ || ($v >> 48) != 0xffff || $v == $wa || $v == $wa - 8;
				printf "FAIL %s %s+0x%x: kernel %s, modlink %s (modlink's bits are not all there)\n", $m, $s, $o,
					unpack('H*', $kw), unpack('H*', $mw);
				$fail++;
			}
		}
	}
}
print "kernel memory: $naddr section addresses equal to the kernel's ($npcpu .data..percpu from kallsyms); $nexact read-only sections identical;",
      " $nwords words of writable data, $nruntime of them run-time state, no relocated address differing\n";
print "kernel memory: .text: $ntext bytes compared, $ntextdiff differ: ",
      join(', ', map { "$textwhy{$_} $_" } sort keys %textwhy), "\n";
print "kernel memory: sorted or rewritten by the kernel at load (bytes differing): ",
      join(', ', map { "$_ $report{$_}" } sort keys %report), "\n";
exit($fail || !$naddr || !$nexact ? 1 : 0);
EOP
if [ $bad -ne 0 ]; then
	echo "1 passed, 1 failed"
	exit 1
fi
echo "1 passed, 0 failed"
exit 0
