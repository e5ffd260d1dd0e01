#!/bin/sh
# modinfo: the default output and -a -d -l -n -p -f for every tree fixture and the typed
# parameters of params.o, format errors in modutils' words, a module found by name along
# the module path, an object without .modinfo, and a real modern .ko from Debian's
# linux-image package (license, depends, vermagic, alias, parm), when the package can be
# had: from apt's cache or Debian's archive (skipped, with the reason, otherwise).
. "${0%/*}/lib.sh"
. "${0%/*}/modtree.sh"
require_modlink

t_modinfo() {
	cd "$TREE"
	mt_run 0 modinfo fat.o msdos.o vfat.o needy.o loopa.o loopb.o pcidrv.o versym.o \
		probea.o probeb.o char10.o
	mt_out <<'EOF'
filename:    fat.o
description: "FAT stand-in: what msdos and vfat share"
author:      "modlink test suite"
license:     "GPL"
filename:    msdos.o
description: "MS-DOS stand-in on top of fat"
author:      "modlink test suite"
license:     "GPL"
parm:        label string, description "the volume label
  shown at mount"
parm:        codepage int, description "the code page of short names"
filename:    vfat.o
description: "VFAT stand-in on top of fat"
author:      "modlink test suite"
license:     "GPL"
filename:    needy.o
description: "needs what nobody has"
author:      <none>
license:     "GPL"
filename:    loopa.o
description: <none>
author:      <none>
license:     "GPL"
filename:    loopb.o
description: <none>
author:      <none>
license:     "GPL"
filename:    pcidrv.o
description: "device tables for depmod"
author:      <none>
license:     "GPL"
filename:    versym.o
description: "uses a versioned kernel symbol"
author:      <none>
license:     "GPL"
filename:    probea.o
description: "a driver that finds no hardware"
author:      <none>
license:     "GPL"
filename:    probeb.o
description: "a driver that finds its hardware"
author:      <none>
license:     "GPL"
filename:    char10.o
description: "misc character device 10,30"
author:      <none>
license:     "GPL"
parm:        minor int
EOF
	mt_err </dev/null

	# The single-field options and -f with tags, shorthands, escapes and %{parm} lines.
	mt_run 0 modinfo -a msdos.o
	mt_out <<'EOF'
"modlink test suite"
EOF
	mt_run 0 modinfo -d needy.o
	mt_out <<'EOF'
"needs what nobody has"
EOF
	mt_run 0 modinfo -l loopa.o
	mt_out <<'EOF'
"GPL"
EOF
	mt_run 0 modinfo -n char10.o
	mt_out <<'EOF'
char10.o
EOF
	mt_run 0 modinfo -p msdos.o fat.o char10.o
	mt_out <<'EOF'
label string, description "the volume label
  shown at mount"
codepage int, description "the code page of short names"
minor int
EOF
	mt_run 0 modinfo -f '%n|%{kernel_version}|%{using_checksums}|%{nosuchtag}|%%|\t%l\n' \
		versym.o fat.o
	mt_out <<'EOF'
versym.o|2.4.37|1|<none>|%|	"GPL"
fat.o|2.4.37|<none>|<none>|%|	"GPL"
EOF
	mt_run 0 modinfo --format='%{filename}: %{parm}\nend %a\n' msdos.o probeb.o
	mt_out <<'EOF'
msdos.o: label string, description "the volume label
  shown at mount"
msdos.o: codepage int, description "the code page of short names"
end "modlink test suite"
end <none>
EOF

	# Every parameter type of params.o, with arrays and sizes.
	mt_run 0 modinfo -p "$TREE/../params.o"
	mt_out <<'EOF'
params_global int
carr char array (min = 2, max = 2)
sarr string array (min = 1, max = 2)
larr long array (min = 1, max = 3)
barr byte array (min = 2, max = 3)
harr short array (min = 2, max = 2)
parr int array (min = 1, max = 4)
pc char, description "a 20-byte buffer"
ps string, description "a string"
pl long, description "a long"
pi int, description "an int"
ph short, description "a short"
pb byte, description "a byte"
EOF

	# Bad formats: modutils' complaints, status 1, nothing printed.
	mt_run 1 modinfo -f '%{author' fat.o
	mt_err <<'EOF'
modinfo: unterminated %{...} construct
EOF
	mt_run 1 modinfo -f 'x %z' fat.o
	mt_err <<'EOF'
modinfo: z: unknown replacement
EOF
	mt_run 1 modinfo -f 'x %' fat.o
	mt_err <<'EOF'
modinfo: missing replacement
EOF
	mt_out </dev/null

	# A name without '/' or '.': looked up along the module path.
	B=$W/b
	mt_tree "$B"
	: >"$W/empty.conf"
	mt_run 0 modinfo -C "$W/empty.conf" --basedir "$B" --kernel-release 2.4.37 -n vfat
	mt_out <<EOF
$B/lib/modules/2.4.37/kernel/fs/vfat.o
EOF
	mt_run 1 modinfo -C "$W/empty.conf" --basedir "$B" --kernel-release 2.4.37 nosuch
	mt_err <<'EOF'
modinfo: nosuch: no module by that name found
EOF
	mt_run 1 modinfo "$W/missing.o"
	grep -q "missing.o" "$W/err" || fail "no complaint about a missing file"

	# An object without .modinfo (a 2.0-era module): no typed parameters.
	if command -v cc >/dev/null 2>&1 && echo 'int x = 1;' | cc -x c -c -o "$W/old.o" - 2>/dev/null; then
		mt_run 1 modinfo -p "$W/old.o"
		mt_err <<EOF
$W/old.o: module does not support typed parameters
EOF
		mt_run 0 modinfo -f '%d %{kernel_version}\n' "$W/old.o"
		mt_out <<'EOF'
<none> <none>
EOF
	else
		echo "note: no C compiler here; the no-.modinfo case is skipped"
	fi
	[ "$ARCH" != x86_64 ] || debian_ko
}

# A real 2.6+ module: Debian's vfat.ko and dummy.ko (bookworm's linux-image-6.1).
debian_ko() {
	deb=${MODLINK_TEST_DEB:-}
	if [ -z "$deb" ]; then
		deb=$(ls /var/cache/apt/archives/linux-image-6.1.0-*-amd64_*.deb 2>/dev/null | tail -n 1)
	fi
	if [ -z "$deb" ] && command -v apt-get >/dev/null 2>&1; then
		pkg=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
			grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' | sort -V | tail -n 1)
		if [ -n "$pkg" ]; then
			(cd "$W" && timeout 300 apt-get download "$pkg" >"$W/apt.log" 2>&1) || true
			deb=$(ls "$W"/linux-image-6.1.0-*-amd64_*.deb 2>/dev/null | head -n 1)
		fi
	fi
	if [ -z "$deb" ] || ! command -v dpkg-deb >/dev/null 2>&1; then
		echo "SKIP the Debian .ko case: no linux-image-6.1.0-*-amd64 package in apt's cache and none could be downloaded (or no dpkg-deb)"
		return 0
	fi
	mkdir -p "$W/deb"
	dpkg-deb --fsys-tarfile "$deb" | tar -C "$W/deb" -xf - --wildcards \
		'./lib/modules/*/kernel/fs/fat/vfat.ko*' './lib/modules/*/kernel/drivers/net/dummy.ko*'
	vfat=$(find "$W/deb" -name 'vfat.ko*' | head -n 1)
	dummy=$(find "$W/deb" -name 'dummy.ko*' | head -n 1)
	case $vfat in *.ko) ;; *)
		echo "SKIP the Debian .ko case: the package ships compressed modules ($vfat)"
		return 0 ;;
	esac
	mt_run 0 modinfo "$vfat"
	mt_has "$W/out" "filename:    $vfat" 'description: "VFAT filesystem support"' \
		'license:     "GPL"' 'depends:     fat' 'alias:       fs-vfat'
	grep -q '^vermagic:    6\.1\.0-.* SMP ' "$W/out" || fail "no vermagic line for vfat.ko"
	mt_run 0 modinfo "$dummy"
	mt_has "$W/out" 'alias:       rtnl-link-dummy' \
		'parm:        numdummies int, description "Number of dummy pseudo devices"'
	mt_run 0 modinfo -f '%l %{depends} [%{alias}]\n' -p "$vfat"
	mt_out </dev/null
	mt_run 0 modinfo -f '%l %{depends} [%{alias}]\n' "$vfat"
	mt_out <<'EOF'
"GPL" fat [fs-vfat]
EOF
	echo "the Debian .ko case ran with $(basename "$deb")"
}

mt_for_each_arch t_modinfo
