#!/bin/sh
# depmod and modprobe for another release and another root, as when a 2.4 system's image
# is prepared on a modern host (whose own `uname -r` is anything but 2.4): an image of our
# fixtures (IMAGE/lib/modules/2.4.37 and a smaller 2.4.20 next to it, IMAGE/etc/
# modules.conf), depmod -b IMAGE -C CONF -F System.map --kernel-release=R (or the version
# argument) writing the image's modules.dep without any kernel, unresolved symbols judged
# against the System.map's exports only, modules.conf's `uname -r`, `kernelversion`,
# if/define, path= and depfile= following R in depmod and in modprobe, modprobe -b -C
# --kernel-release loading the image's modules into a model kernel (--kernel=sim:DIR);
# and the bad paths, each one clear error: a missing base directory, an unreadable
# configuration, a release without a tree, a symbol file that is missing, empty or junk
# (and a real System.map's quirks, read as insmod reads them),
# --kernel-release against a different version argument, a kernel without 2.4 modules.
. "${0%/*}/lib.sh"
. "${0%/*}/modtree.sh"
require_modlink

R=2.4.37
R2=2.4.20
P=/lib/modules/$R/kernel
P2=/lib/modules/$R2/kernel

# in_model CMD...: a helper of modtree.sh run against the model kernel (the tools under
# test get --kernel=sim:DIR instead; MODLINK_KERNEL names no kernel for them).
in_model() {
	(
		MODLINK_KERNEL=sim:$W/k
		export MODLINK_KERNEL
		"$@"
	)
}

t_modrelease() {
	I=$W/image
	D=$I/lib/modules/$R
	mt_tree "$I"
	mkdir -p "$I/lib/modules/$R2/kernel/fs" "$I/etc"
	cp "$D/kernel/fs/"*.o "$I/lib/modules/$R2/kernel/fs/"
	mt_kernel "$W/k"
	K=--kernel=sim:$W/k
	unset MODLINK_KERNEL
	host=$(uname -r)
	[ "$host" != "$R" ] || fail "this host runs $R itself: the test needs another release"

	# The kernel's System.map as a 2.4 build leaves it: every symbol with its nm type,
	# exports as __kstrtab_NAME (r) and __ksymtab_NAME (?), other types around them;
	# no_such_function is defined in the kernel but not exported.
	"$MODLINK" ksyms -a -h $K | awk '{ print $1 " T " $2; print $1 " r __kstrtab_" $2;
		print $1 " ? __ksymtab_" $2 }' >"$W/exports.map"
	[ -s "$W/exports.map" ] || fail "the model kernel lists no symbols"
	{
		echo "0000000000100000 A _text"
		cat "$W/exports.map"
		echo "0000000000200000 t no_such_function"
		echo "0000000000200010 W weak_helper"
		echo "0000000000200020 N .debug_info"
		echo "0000000000300000 A _end"
	} >"$W/System.map"
	cat >"$I/etc/modules.conf" <<'EOF'
# the image's own configuration: its options follow the release it is read for
if `kernelversion` == 2.4
  define CODEPAGE 850
else
  define CODEPAGE 437
endif
alias fsdriver msdos
options msdos codepage=$CODEPAGE
EOF
	C=$I/etc/modules.conf

	# depmod for release R of the image: no kernel asked, the System.map's exports only;
	# needy's two symbols are unresolved (no_such_function too: the kernel has it, but
	# does not export it).
	mt_run 0 depmod -a -e -b "$I" -C "$C" -F "$W/System.map" --kernel-release=$R
	mt_out </dev/null
	mt_err <<EOF
depmod: *** Unresolved symbols in $D/kernel/misc/needy.o
depmod: 	no_such_function
depmod: 	no_such_variable
EOF
	mt_tree_dep $R >"$W/dep.expected"
	diff -u "$W/dep.expected" "$D/modules.dep"
	for f in generic_string pcimap isapnpmap usbmap parportmap ieee1394map pnpbiosmap; do
		[ -f "$D/modules.$f" ] || fail "no $D/modules.$f"
	done
	[ "$(ls "$I/lib/modules")" = "$(printf '%s\n' "$R2" "$R")" ] ||
		fail "depmod made other directories: $(ls "$I/lib/modules")"
	# -u: the unresolved symbols make the status 1; -q silences them.
	mt_run 1 depmod -a -q -u -b "$I" -C "$C" -F "$W/System.map" --kernel-release=$R
	mt_err </dev/null

	# The version argument is the same as --kernel-release; a base with a trailing slash,
	# a copy of the map with CRLF line ends: the same modules.dep.  -n: on stdout only.
	mt_run 0 depmod -a -n -q -b "$I/" -C "$C" -F "$W/System.map" $R
	head -n "$(wc -l <"$W/dep.expected")" "$W/out" | diff -u "$W/dep.expected" -
	mt_has "$W/out" "# module             id=string"
	sed 's/$/\r/' "$W/System.map" >"$W/crlf.map"
	rm "$D/modules.dep"
	mt_run 0 depmod -a -e -b "$I" -C "$C" -F "$W/crlf.map" $R --kernel-release=$R
	mt_has "$W/err" "depmod: 	no_such_function"
	diff -u "$W/dep.expected" "$D/modules.dep"
	# A real System.map's quirks, read by the reader insmod uses: addresses sign-extended
	# to 64 bits, '?' and 'W' lines, undefined __kstrtab_ strings (U, w: no exports), a
	# line without an address (skipped with insmod's warning), a module's line (not the
	# kernel's), CRLF ends: the same modules.dep and unresolved symbols.
	{
		sed -E 's/^([0-9a-f]{8})?([0-9a-f]{8}) /ffffffff\2 /' "$W/System.map"
		echo "0000000000000000 U __kstrtab_no_such_function"
		echo "0000000000000000 w __kstrtab_no_such_variable"
		echo "                 U printk"
		printf 'ffffffffc8800000 r __kstrtab_fat_mount\t[fat]\n'
	} | sed 's/$/\r/' >"$W/quirky.map"
	n=$(($(wc -l <"$W/System.map") + 3))
	rm "$D/modules.dep"
	mt_run 0 depmod -a -e -b "$I" -C "$C" -F "$W/quirky.map" --kernel-release=$R
	mt_out <<EOF
$W/quirky.map:$n: malformed System.map line skipped: address is not hexadecimal: '                 U printk'
EOF
	mt_err <<EOF
depmod: *** Unresolved symbols in $D/kernel/misc/needy.o
depmod: 	no_such_function
depmod: 	no_such_variable
EOF
	diff -u "$W/dep.expected" "$D/modules.dep"
	# -A: nothing to do while modules.dep is newer than the modules and the config.
	touch -d '2000-01-01 00:00' "$C" $(find "$I" -name '*.o')
	touch -d '2001-01-01 00:00' "$D"/modules.*
	mt_run 0 depmod -A -q -b "$I" -C "$C" -F "$W/System.map" --kernel-release=$R
	[ "$(stat -c %Y "$D/modules.dep")" = "$(date -d '2001-01-01 00:00' +%s)" ] ||
		fail "depmod -A --kernel-release rewrote an up-to-date modules.dep"

	# The other release of the image: its own tree and files.
	mt_run 0 depmod -a -b "$I" -C "$C" -F "$W/System.map" --kernel-release=$R2
	mt_err </dev/null
	diff -u - "$I/lib/modules/$R2/modules.dep" <<EOF
$P2/fs/fat.o:

$P2/fs/msdos.o:	$P2/fs/fat.o

$P2/fs/vfat.o:	$P2/fs/fat.o

EOF

	# Without a release, depmod -F works for `uname -r` (modutils' rule): the host's
	# release, which the image does not have: one error, nothing written anywhere.
	mt_run 1 depmod -a -b "$I" -C "$C" -F "$W/System.map"
	mt_out </dev/null
	mt_err <<EOF
depmod: Can't open $I/lib/modules/$host/modules.dep for writing (No such file or directory)
EOF
	[ ! -e "$I/lib/modules/$host" ] || fail "depmod created $I/lib/modules/$host"

	# modules.conf read for R: `uname -r` and `kernelversion` in if, define, path= and
	# depfile= are R's, in depmod and in modprobe.
	cat >"$W/rel.conf" <<'EOF'
if `uname -r` == 2.4.20
  define PART fs
elseif `kernelversion` == 2.4
  define PART misc
endif
path[toplevel]=/lib/modules/`uname -r`/kernel/$PART
depfile=/lib/modules/`uname -r`/$PART-`kernelversion`.dep
EOF
	mt_run 0 depmod -a -b "$I" -C "$W/rel.conf" -F "$W/System.map" --kernel-release=$R2
	diff -u - "$I/lib/modules/$R2/fs-2.4.dep" <<EOF
$P2/fs/fat.o:

$P2/fs/msdos.o:	$P2/fs/fat.o

$P2/fs/vfat.o:	$P2/fs/fat.o

EOF
	mt_run 0 depmod -a -q -b "$I" -C "$W/rel.conf" -F "$W/System.map" --kernel-release=$R
	diff -u - "$D/misc-2.4.dep" <<EOF
$P/misc/char10.o:

$P/misc/needy.o:	$P/misc/char10.o

$P/misc/probea.o:

$P/misc/probeb.o:

$P/misc/versym.o:

EOF
	mt_run 0 modprobe -b "$I" -C "$W/rel.conf" --kernel-release=$R2 -c
	mt_has "$W/out" "path[toplevel]=$I/lib/modules/$R2/kernel/fs" \
		"depfile=$I/lib/modules/$R2/fs-2.4.dep" \
		"pcimapfile=$I/lib/modules/$R2/modules.pcimap"
	mt_run 0 modprobe -b "$I" -C "$W/rel.conf" --kernel-release=$R -l
	mt_out <<EOF
$D/kernel/misc/char10.o
$D/kernel/misc/needy.o
$D/kernel/misc/probea.o
$D/kernel/misc/probeb.o
$D/kernel/misc/versym.o
EOF
	mt_run 0 modprobe -b "$I" -C "$W/rel.conf" --kernel-release=$R2 -n -v msdos
	mt_out <<EOF
/sbin/insmod $I$P2/fs/fat.o
/sbin/insmod $I$P2/fs/msdos.o
EOF

	# modprobe with no 2.4 kernel (the host's, -n): `uname -r` is the host's, which the
	# image lacks; --kernel-release names the image's.
	mt_run 255 modprobe --kernel=live -b "$I" -C "$C" -n -v fsdriver
	mt_out </dev/null
	mt_err <<EOF
modprobe: Can't open dependencies file $I/lib/modules/$host/modules.dep (No such file or directory)
EOF
	mt_run 0 modprobe --kernel=live -b "$I" -C "$C" --kernel-release=$R -n -v fsdriver
	mt_out <<EOF
/sbin/insmod $I$P/fs/fat.o
/sbin/insmod $I$P/fs/msdos.o codepage=850
EOF
	mt_err </dev/null

	# Into the model kernel (release 2.4.37): by default its release picks the tree;
	# --kernel-release picks another (the version check stays the kernel's).
	mt_run 0 modprobe $K -b "$I" -C "$C" -v fsdriver
	mt_out <<EOF
/sbin/insmod $I$P/fs/fat.o
/sbin/insmod $I$P/fs/msdos.o codepage=850
EOF
	mt_err </dev/null
	in_model mt_loaded msdos fat
	in_model mt_dmesg
	if [ "$MT_EXEC" = 1 ]; then
		diff -u - "$W/log" <<EOF
fat: init
msdos: init codepage=850 label=NO NAME
fat: mount by msdos, 1 user(s)
EOF
	fi
	mt_run 0 modprobe $K -b "$I" -C "$C" -r fsdriver
	in_model mt_loaded
	mt_run 0 modprobe $K -b "$I" -C "$C" --kernel-release=$R2 -v vfat
	mt_out <<EOF
/sbin/insmod $I$P2/fs/fat.o
/sbin/insmod $I$P2/fs/vfat.o
EOF
	in_model mt_loaded vfat fat
	mt_run 0 modprobe $K -b "$I" -C "$C" --kernel-release=$R2 -r vfat
	in_model mt_loaded
	in_model mt_dmesg

	# A missing base directory, or one that is a file: one error, nothing done.
	mt_run 1 depmod -a -b "$W/nowhere" -C "$C" -F "$W/System.map" --kernel-release=$R
	mt_err <<EOF
depmod: Can't open base directory $W/nowhere (No such file or directory)
EOF
	[ ! -e "$W/nowhere" ] || fail "depmod created $W/nowhere"
	mt_run 1 depmod -a -b "$C" -C "$C" -F "$W/System.map" --kernel-release=$R
	mt_err <<EOF
depmod: Can't open base directory $C (Not a directory)
EOF
	mt_run 255 modprobe $K -b "$W/nowhere" -C "$C" --kernel-release=$R fsdriver
	mt_out </dev/null
	mt_err <<EOF
modprobe: Can't open base directory $W/nowhere (No such file or directory)
EOF
	in_model mt_loaded

	# A configuration that cannot be read (missing; a directory): one error.
	mt_run 1 depmod -a -b "$I" -C "$W/nosuch.conf" -F "$W/System.map" --kernel-release=$R
	mt_err <<EOF
depmod: Can't open $W/nosuch.conf (No such file or directory)
EOF
	mt_run 1 depmod -a -b "$I" -C "$I/etc" -F "$W/System.map" --kernel-release=$R
	mt_err <<EOF
depmod: Can't open $I/etc (Is a directory)
EOF
	mt_run 255 modprobe $K -b "$I" -C "$I/etc" --kernel-release=$R fsdriver
	mt_err <<EOF
modprobe: Can't open $I/etc (Is a directory)
EOF
	in_model mt_loaded

	# A release the image has no tree for: one error, nothing written.
	mt_run 1 depmod -a -b "$I" -C "$C" -F "$W/System.map" --kernel-release=2.4.99
	mt_err <<EOF
depmod: Can't open $I/lib/modules/2.4.99/modules.dep for writing (No such file or directory)
EOF
	[ ! -e "$I/lib/modules/2.4.99" ] || fail "depmod created $I/lib/modules/2.4.99"
	mt_run 255 modprobe $K -b "$I" -C "$C" --kernel-release=2.4.99 fsdriver
	mt_err <<EOF
modprobe: Can't open dependencies file $I/lib/modules/2.4.99/modules.dep (No such file or directory)
EOF
	in_model mt_loaded

	# --kernel-release and a different version argument.
	mt_run 1 depmod -a -b "$I" -C "$C" -F "$W/System.map" --kernel-release=$R $R2
	mt_err <<EOF
depmod: --kernel-release=$R and version $R2 disagree
EOF

	# Symbol files: missing, empty, junk: one error each, modules.dep left as it was.
	cp "$D/modules.dep" "$W/dep.before"
	mt_run 1 depmod -a -b "$I" -C "$C" -F "$W/nosuch.map" --kernel-release=$R
	mt_err <<EOF
depmod: $W/nosuch.map: No such file or directory
EOF
	: >"$W/empty.map"
	mt_run 1 depmod -a -b "$I" -C "$C" -F "$W/empty.map" --kernel-release=$R
	mt_err <<EOF
depmod: premature EOF on $W/empty.map
EOF
	printf 'this is not\na symbol file at all\n\n' >"$W/junk.map"
	mt_run 1 depmod -a -b "$I" -C "$C" -F "$W/junk.map" --kernel-release=$R
	mt_err <<EOF
depmod: $W/junk.map: no exported kernel symbols (a 2.2/2.4 System.map names them __kstrtab_NAME; a /proc/ksyms copy has one per line)
EOF
	# a modern kernel's map: nothing in it is a 2.4 export
	grep -v __kstrtab_ "$W/System.map" >"$W/modern.map"
	mt_run 1 depmod -a -b "$I" -C "$C" -F "$W/modern.map" --kernel-release=$R
	mt_has "$W/err" "depmod: $W/modern.map: no exported kernel symbols (a 2.2/2.4 System.map names them __kstrtab_NAME; a /proc/ksyms copy has one per line)"
	diff -u "$W/dep.before" "$D/modules.dep"

	# No -F, and the kernel is the host's, which has no 2.4 modules: depmod says how.
	if [ ! -e /proc/ksyms ]; then
		mt_run 1 depmod --kernel=live -a -b "$I" -C "$C" --kernel-release=$R
		mt_err <<EOF
depmod: this kernel has no 2.2/2.4 module interface; give the symbols of the kernel the modules are for with -F System.map (or a copy of its /proc/ksyms), or use --kernel=sim:DIR
EOF
		diff -u "$W/dep.before" "$D/modules.dep"
	fi
}

mt_for_each_arch t_modrelease
