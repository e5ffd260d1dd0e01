# ld-modern.sh: GNU ld as the independent reference for modern (.ko) modules, sourced by
# tests/e2e/debian-corpus.sh (ld-compare.sh serves the 2.4 fixtures: one object, symbols
# from a ksyms file, insmod's own sections; here a whole tree relocated in one run).
#
# ldm_compare OUT KALLSYMS WORK [WORKER NWORKERS]
#   OUT is a `modlink relocate --out=OUT` directory (modules.index, NAME.map, NAME.img).
#   For every module of the index (every NWORKERS-th one from WORKER), it writes a linker
#   script placing each section modlink placed at modlink's address (from NAME.map), and
#   gives every name the module leaves undefined its value from the reference sources, not
#   from modlink: the kernel's /proc/kallsyms (first global entry), or, if a module earlier
#   in the load order exports the name (__ksymtab_NAME in its map), that module's symbol.
#   GNU ld links the object with that script (after SHF_MERGE is taken off string sections:
#   the kernel never merges strings, ld would), and every allocated section of ld's output
#   must equal modlink's image byte for byte: core sections at their offset from the core
#   base, init sections after the core, .data..percpu (not in the image: the kernel copies
#   it unrelocated to per-CPU memory) against the object's own bytes.
#   LDM_KEEP=1 keeps each module's work directory (link.ld, ld.cmd: the ld command line).
#   Prints one line per module and a summary "ld: M modules, S sections, B bytes identical;
#   F modules differ"; returns 1 if any module differs or could not be linked.
# ldm_exports MAP...: the exports of the modules whose load maps (`relocate --out` or
#   `insmod -m`) are given, as /proc/ksyms lines "ADDR NAME" for insmod --ksyms: each
#   __ksymtab_NAME entry's NAME with the address of the global NAME, GPLONLY_NAME if the
#   entry lies in __ksymtab_gpl.
ldm_exports() {
	perl -e 'for my $map (@ARGV) {
		my (%a, @k, $glo, $ghi);
		open(my $f, "<", $map) or die "$map: $!\n";
		while (<$f>) {
			my @w = split;
			if (@w == 4 && $w[0] eq "__ksymtab_gpl") { $glo = hex($w[2]); $ghi = $glo + hex($w[1]) }
			next unless @w == 3;
			$a{$w[2]} //= $w[0] if $w[1] =~ /^[A-Z]$/; # the global of that name
			push @k, [$1, hex($w[0])] if $w[2] =~ /^__ksymtab_(\S+)$/;
		}
		for (@k) {
			my ($n, $e) = @$_;
			next unless defined $a{$n};
			print "$a{$n} ", (defined $glo && $e >= $glo && $e < $ghi ? "GPLONLY_" : ""), "$n\n";
		}
	}' "$@"
}

ldm_compare() {
	perl -w - "$@" <<'EOP'
use strict;
no warnings 'portable'; # 64-bit addresses through hex()
my ($out, $kallsyms, $work, $worker, $nworkers) = @ARGV;
$worker //= 0;
$nworkers //= 1;
mkdir $work;

my %kernel;
open(my $kf, '<', $kallsyms) or die "$kallsyms: $!";
while (<$kf>) {
	my @f = split;
	next if @f != 3 || $f[1] !~ /^[ABCDGRSTVW]$/; # [module] lines are not the kernel's
	$kernel{$f[2]} //= $f[0];
}
close $kf;

my (@mods, %idx);
open(my $ix, '<', "$out/modules.index") or die "$out/modules.index: $!";
while (<$ix>) {
	my ($name, $path, $core, $csize, $init, $isize) = split;
	push @mods, { name => $name, path => $path, core => hex($core), csize => hex($csize),
		      init => hex($init), isize => hex($isize) };
	$idx{$name} = $#mods;
}
close $ix;

sub read_map {
	my ($name) = @_;
	my (@secs, %syms);
	open(my $f, '<', "$out/$name.map") or die "$out/$name.map: $!";
	my $part = 0;
	while (<$f>) {
		if (/^Sections:/) { $part = 1; next }
		if (/^Symbols:/) { $part = 2; next }
		next if /^$/;
		my @w = split;
		if ($part == 1) {
			push @secs, { name => $w[0], size => hex($w[1]), addr => $w[2] };
		} elsif ($part == 2 && $w[1] =~ /^[A-Z]$/) {
			$syms{$w[2]} //= $w[0];
		}
	}
	close $f;
	return (\@secs, \%syms);
}

# Exporters: NAME -> index of the first module (in load order) with __ksymtab_NAME.
my %exporter;
for my $i (0 .. $#mods) {
	open(my $f, '<', "$out/$mods[$i]{name}.map") or die;
	while (<$f>) {
		$exporter{$1} //= $i if /^[0-9a-f]+ \S __ksymtab_(\S+)$/;
	}
	close $f;
}

sub slurp {
	my ($p) = @_;
	open(my $f, '<:raw', $p) or return undef;
	local $/;
	my $d = <$f>;
	close $f;
	return $d // '';
}

my ($nmods, $nsecs, $nbytes, $nbad) = (0, 0, 0, 0);
my %expsyms; # exporter index -> its map's global symbols
# ld drops input build-id notes (it makes its own with --build-id): hand it the bytes
# under another name.
my %rename = ('.note.gnu.build-id' => '.note.ml-build-id');
for my $i (0 .. $#mods) {
	next if $i % $nworkers != $worker;
	my $m = $mods[$i];
	my ($name, $path) = ($m->{name}, $m->{path});
	my $w = "$work/$name";
	mkdir $w;
	my ($secs) = read_map($name);
	# The object's sections: type, flags.
	my (%type, %flags, %count);
	for (`readelf -SW '$path'`) {
		next unless /^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+([A-Za-z]*)\s/;
		$type{$1} = $2;
		$flags{$1} = $3;
		$count{$1}++;
	}
	my @bad;
	my @dups = grep { $count{$_->{name}} && $count{$_->{name}} > 1 } @$secs;
	push @bad, "section $dups[0]{name} appears twice in the object" if @dups;
	# The linker script.
	my $ld = "SECTIONS {\n";
	for my $s (@$secs) {
		next unless $type{$s->{name}};
		$ld .= sprintf("  %s 0x%s : { *(%s) }\n", $s->{name}, $s->{addr}, $rename{$s->{name}} // $s->{name});
	}
	$ld .= "}\n";
	for (`nm -u '$path'`) {
		my ($t, $sym) = split;
		my $e = $exporter{$sym};
		my $v;
		if (defined $e && $e < $i) {
			$expsyms{$e} //= (read_map($mods[$e]{name}))[1];
			$v = $expsyms{$e}{$sym};
		}
		$v //= $kernel{$sym};
		if (defined $v) {
			$ld .= "$sym = 0x$v;\n";
		} elsif ($t ne 'w' && $t ne 'v') {
			push @bad, "the reference has no value for undefined '$sym'";
		}
	}
	open(my $lf, '>', "$w/link.ld") or die;
	print $lf $ld;
	close $lf;
	my @merge = grep { $flags{$_} =~ /M/ } keys %flags;
	my $obj = $path;
	if (@merge || grep { $type{$_} } keys %rename) {
		my $fl = join(' ', map { "--set-section-flags '$_=alloc,load,readonly,data,contents'" } @merge);
		$fl .= join('', map { $type{$_} ? " --rename-section '$_=$rename{$_}'" : '' } keys %rename);
		system("objcopy $fl '$path' '$w/nomerge.o'") == 0 or push @bad, "objcopy failed";
		$obj = "$w/nomerge.o";
	}
	my $ldcmd = "ld -m elf_x86_64 -T '$w/link.ld' --no-check-sections --no-warn-rwx-segments -e 0 -o '$w/ld.out' '$obj'";
	if ($ENV{LDM_KEEP}) {
		open(my $cf, '>', "$w/ld.cmd") or die;
		print $cf "$ldcmd\n";
		close $cf;
	}
	if (!@bad && system("$ldcmd 2>'$w/ld.err'") != 0) {
		push @bad, "ld failed: " . (split /\n/, slurp("$w/ld.err"))[0];
	}
	my $img = @bad ? '' : slurp("$out/$name.img");
	my (@cmp, $dump);
	for my $s (@$secs) {
		next if !$type{$s->{name}} || $s->{size} == 0 || $type{$s->{name}} eq 'NOBITS';
		push @cmp, $s;
		$dump .= " --dump-section '$s->{name}=$w/ld.sec." . scalar(@cmp) . "'";
	}
	if (!@bad && @cmp && system("objcopy$dump '$w/ld.out' '$w/ld.junk' 2>/dev/null") != 0) {
		push @bad, "objcopy --dump-section failed";
	}
	my $n = 0;
	# NOBITS sections: zeros in the image.
	for my $s (@$secs) {
		last if @bad;
		next if !$type{$s->{name}} || $type{$s->{name}} ne 'NOBITS' || !$s->{size};
		my $a = hex($s->{addr});
		my $o = $a >= $m->{core} && $a < $m->{core} + $m->{csize} ? $a - $m->{core}
		      : $m->{csize} + $a - $m->{init};
		if (substr($img, $o, $s->{size}) ne "\0" x $s->{size}) {
			push @bad, "section $s->{name} (NOBITS) is not zero in the image";
		} else {
			$n++;
			$nbytes += $s->{size};
		}
	}
	for my $k (0 .. $#cmp) {
		last if @bad;
		my $s = $cmp[$k];
		my $a = hex($s->{addr});
		my $ref = slurp("$w/ld.sec." . ($k + 1));
		my $mine;
		if ($a >= $m->{core} && $a + $s->{size} <= $m->{core} + $m->{csize}) {
			$mine = substr($img, $a - $m->{core}, $s->{size});
		} elsif ($a >= $m->{init} && $a + $s->{size} <= $m->{init} + $m->{isize}) {
			$mine = substr($img, $m->{csize} + $a - $m->{init}, $s->{size});
		} else {
			system("objcopy --dump-section '$s->{name}=$w/obj.sec' '$path' '$w/obj.junk'");
			$mine = slurp("$w/obj.sec");
		}
		if (!defined $ref || !defined $mine || $ref ne $mine) {
			my $off = 0;
			$off++ while defined $ref && defined $mine && $off < length($ref) &&
			    substr($ref, $off, 1) eq substr($mine, $off, 1);
			push @bad, sprintf("section %s differs from GNU ld at +0x%x (ld %s, modlink %s)", $s->{name}, $off,
				defined $ref ? unpack("H8", substr($ref, $off, 4)) : "-",
				defined $mine ? unpack("H8", substr($mine, $off, 4)) : "-");
			next;
		}
		$n++;
		$nbytes += length($ref);
	}
	$nmods++;
	if (@bad) {
		$nbad++;
		print "FAIL $name: $_\n" for @bad[0 .. (@bad > 5 ? 4 : $#bad)];
		print "FAIL $name: ... and ", @bad - 5, " more\n" if @bad > 5;
	} else {
		$nsecs += $n;
		print "ok   $name: $n sections identical to GNU ld\n" if $ENV{LDM_VERBOSE};
		system("rm -rf '$w'") unless $ENV{LDM_KEEP};
	}
}
print "ld: $nmods modules, $nsecs sections, $nbytes bytes identical; $nbad modules differ\n";
exit($nbad ? 1 : 0);
EOP
}
