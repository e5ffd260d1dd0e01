#!/bin/sh
# depmod: modules.dep of a 2.4 module tree under a base directory (-b), in modutils'
# format, computed from the symbols each module leaves undefined and the exports of the
# model kernel and the other modules; the map files of device tables; unresolved symbols
# (-e, -u, -q); System.map and ksyms files (-F), versioned names; -n, -v, -A, the version
# argument, modules named on the command line, a dependency loop, the root check; a device
# table of addresses read from an image laid out as modutils laid it out.
. "${0%/*}/lib.sh"
. "${0%/*}/modtree.sh"
require_modlink

P=/lib/modules/2.4.37/kernel

t_depmod() {
	B=$W/b
	D=$B/lib/modules/2.4.37
	mt_tree "$B"
	mt_kernel "$W/k"
	: >"$W/empty.conf"

	# The whole tree: the version comes from the kernel (2.4.37), paths lose the base.
	mt_run 0 depmod -a -b "$B" -C "$W/empty.conf"
	mt_out </dev/null
	mt_err <<EOF
depmod: *** Unresolved symbols in $D/kernel/misc/needy.o
EOF
	mt_tree_dep 2.4.37 >"$W/dep.expected"
	diff -u "$W/dep.expected" "$D/modules.dep"

	# The map files: every one written, each with its header; pcidrv's tables.
	for f in generic_string pcimap isapnpmap usbmap parportmap ieee1394map pnpbiosmap; do
		[ -f "$D/modules.$f" ] || fail "no modules.$f"
	done
	if [ "$ARCH" = x86_64 ]; then dd=0000000000000001 dd2=0000000000000002 di=0000000000000007
	else dd=00000001 dd2=00000002 di=00000007; fi
	diff -u - "$D/modules.pcimap" <<EOF
# pci module         vendor     device     subvendor  subdevice  class      class_mask driver_data
pcidrv               0x00008086 0x00001229 0xffffffff 0xffffffff 0x00000000 0x00000000 0x$dd
pcidrv               0x000010ec 0x00008139 0x000010ec 0x00008139 0x00020000 0x00ffff00 0x$dd2
EOF
	diff -u - "$D/modules.usbmap" <<EOF
# usb module         match_flags idVendor idProduct bcdDevice_lo bcdDevice_hi bDeviceClass bDeviceSubClass bDeviceProtocol bInterfaceClass bInterfaceSubClass bInterfaceProtocol driver_info
pcidrv               0x0003      0x046d   0xc00e    0x0000       0x0000       0x00         0x00            0x00            0x00            0x00               0x00               0x$di
EOF
	diff -u - "$D/modules.generic_string" <<EOF
# module             id=string
pcidrv               pcidrv=id one
EOF
	diff -u - "$D/modules.ieee1394map" <<EOF
# ieee1394 module    match_flags vendor_id model_id specifier_id version
EOF

	# -e names the symbols; -u makes them an error; -q keeps quiet.
	mt_run 0 depmod -ae -b "$B" -C "$W/empty.conf" 2.4.37
	mt_err <<EOF
depmod: *** Unresolved symbols in $D/kernel/misc/needy.o
depmod: 	no_such_function
depmod: 	no_such_variable
EOF
	mt_run 1 depmod -a -u -b "$B" -C "$W/empty.conf"
	mt_run 0 depmod -a -q -e -b "$B" -C "$W/empty.conf"
	mt_err </dev/null

	# -n: everything on stdout, modules.dep first; -v: each module as visited.
	rm -f "$D/modules.dep"
	mt_run 0 depmod -a -n -q -b "$B" -C "$W/empty.conf"
	[ ! -e "$D/modules.dep" ] || fail "depmod -n wrote modules.dep"
	head -n "$(wc -l <"$W/dep.expected")" "$W/out" | diff -u "$W/dep.expected" -
	mt_has "$W/out" "# pci module         vendor     device     subvendor  subdevice  class      class_mask driver_data"
	mt_run 0 depmod -a -v -q -b "$B" -C "$W/empty.conf"
	mt_out <<EOF
$P/drivers/pcidrv.o
$P/fs/fat.o
$P/fs/msdos.o
$P/fs/vfat.o
$P/misc/char10.o
$P/misc/needy.o
$P/misc/probea.o
$P/misc/probeb.o
$P/misc/versym.o
EOF

	# -A: nothing is done while modules.dep is newer than the modules and the config.
	touch -d '2001-01-01 00:00' "$D"/modules.*
	mt_run 0 depmod -A -q -b "$B" -C "$W/empty.conf"
	[ "$(stat -c %Y "$D/modules.dep")" != "$(date -d '2001-01-01 00:00' +%s)" ] ||
		fail "depmod -A did not update an old modules.dep"
	touch -d '2000-01-01 00:00' "$W/empty.conf" $(find "$B" -name '*.o')
	touch -d '2001-01-01 00:00' "$D"/modules.*
	mt_run 0 depmod -A -q -b "$B" -C "$W/empty.conf"
	[ "$(stat -c %Y "$D/modules.dep")" = "$(date -d '2001-01-01 00:00' +%s)" ] ||
		fail "depmod -A rewrote an up-to-date modules.dep"

	# modules.conf: path[] replaces the search list, depfile= moves the output.
	cat >"$W/fs.conf" <<EOF
path[fs]=/lib/modules/\`uname -r\`/kernel/fs
depfile=/lib/modules/\`uname -r\`/fs.dep
EOF
	mt_run 0 depmod -a -b "$B" -C "$W/fs.conf" 2.4.37
	diff -u - "$D/fs.dep" <<EOF
$P/fs/fat.o:

$P/fs/msdos.o:	$P/fs/fat.o

$P/fs/vfat.o:	$P/fs/fat.o

EOF

	# Modules named on the command line: their rules on stdout, paths as given.
	mt_run 0 depmod -q "$D/kernel/fs/msdos.o" "$D/kernel/fs/fat.o"
	cat >"$W/cmdline.expected" <<EOF
$D/kernel/fs/msdos.o:	$D/kernel/fs/fat.o

$D/kernel/fs/fat.o:

EOF
	head -n 4 "$W/out" | diff -u "$W/cmdline.expected" -

	# -F System.map: only the exported names (__kstrtab_NAME) count, without CRCs.
	$RUN "$EXEC" ksyms | sed -n 's/^\([0-9a-f]*\) \([^ ]*\)$/\1 T \2\n\1 r __kstrtab_\2/p' \
		>"$W/System.map"
	mt_run 0 depmod -a -e -b "$B" -C "$W/empty.conf" -F "$W/System.map" 2.4.37
	mt_err <<EOF
depmod: *** Unresolved symbols in $D/kernel/misc/needy.o
depmod: 	no_such_function
depmod: 	no_such_variable
EOF
	diff -u "$W/dep.expected" "$D/modules.dep"
	# printk defined but not exported: every module that prints misses it.
	grep -v '__kstrtab_printk$' "$W/System.map" >"$W/noprintk.map"
	mt_run 0 depmod -a -e -b "$B" -C "$W/empty.conf" -F "$W/noprintk.map" 2.4.37
	mt_has "$W/err" "depmod: *** Unresolved symbols in $D/kernel/fs/fat.o" "depmod: 	printk" \
		"depmod: *** Unresolved symbols in $D/kernel/misc/versym.o" \
		"depmod: 	printk_R1b7d4074"
	# A /proc/ksyms copy: module lines are left out.
	{ $RUN "$EXEC" ksyms; echo "0000000012345678 fat_mount	[fat]"; } >"$W/ksyms"
	mt_run 0 depmod -a -e -b "$B" -C "$W/empty.conf" -F "$W/ksyms" 2.4.37
	diff -u "$W/dep.expected" "$D/modules.dep"

	# A dependency loop is reported (and fails), not followed.
	B2=$W/loop
	mt_tree "$B2" loop
	mt_run 1 depmod -a -q -b "$B2" -C "$W/empty.conf"
	mt_has "$W/err" "depmod: *** Dependency loop: $B2$P/misc/loopa.o -> $B2$P/misc/loopb.o -> $B2$P/misc/loopa.o"
	mt_has "$B2/lib/modules/2.4.37/modules.dep" "$P/misc/loopa.o:	$P/misc/loopb.o" \
		"$P/misc/loopb.o:	$P/misc/loopa.o"

	# Not an object: reported, the others are still done; the status says it.
	echo "not an ELF file" >"$D/kernel/misc/junk.o"
	mt_run 1 depmod -a -q -b "$B" -C "$W/empty.conf"
	grep -q "junk.o" "$W/err" || fail "no complaint about junk.o"
	diff -u "$W/dep.expected" "$D/modules.dep"
	rm "$D/kernel/misc/junk.o"

	# Run as root, modules must belong to root unless -r.
	if [ "$(id -u)" = 0 ] && chown 1:1 "$D/kernel/misc/probeb.o" 2>/dev/null; then
		mt_run 1 depmod -a -q -b "$B" -C "$W/empty.conf"
		mt_has "$W/err" "depmod: $D/kernel/misc/probeb.o is not owned by root"
		mt_lacks "$D/modules.dep" probeb.o
		mt_run 0 depmod -a -q -r -b "$B" -C "$W/empty.conf"
		diff -u "$W/dep.expected" "$D/modules.dep"
		chown 0:0 "$D/kernel/misc/probeb.o"
	fi

	# A device table of addresses (ptrdrv: each driver_data points at one of twelve int
	# COMMONs): depmod's pseudo-relocated image places the COMMONs as insmod (modutils)
	# does, in its symbol hash's order, so the addresses are those modutils' depmod wrote.
	names="alpha beta gamma delta eps zeta eta theta iota kappa lambda mu"
	printf '%s\n' $names >"$W/names"
	mt_run 0 insmod -n -m --system-map="$W/System.map" --kernel-release=2.4.37 "$TREE/ptrdrv.o"
	awk '$2 == "D" { print $3 }' "$W/out" | grep -Fx -f "$W/names" >"$W/insmod.order"
	[ "$(wc -l <"$W/insmod.order")" = 12 ] || fail "insmod -m does not list the twelve COMMONs"
	cmp -s "$W/names" "$W/insmod.order" && fail "the COMMONs are in declaration order: no test"
	mt_run 0 depmod -q -F "$W/System.map" "$TREE/ptrdrv.o"
	awk '$1 == "ptrdrv" { print $NF, $3 }' "$W/out" | sort | while read -r dd dev; do
		sed -n "$((dev))p" "$W/names"
	done >"$W/depmod.order"
	diff -u "$W/insmod.order" "$W/depmod.order"

	mt_run 0 depmod -V -a -q -b "$B" -C "$W/empty.conf"
	grep -q '^depmod version ' "$W/out" || fail "no version from -V"
	mt_run 1 depmod --no-such-option
	mt_has "$W/err" "depmod: Aborting"
}

mt_for_each_arch t_depmod
