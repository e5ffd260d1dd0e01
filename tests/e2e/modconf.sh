#!/bin/sh
# modules.conf, the 2.4 language, seen through modprobe -c and modprobe -n -v: malformed
# lines and broken conditionals in modutils' words with their line numbers,
# if/elseif/else/endif with each kind of expression, define, include, continuation
# lines, shell-meta expansion of words (variables, globs, `uname -r`, commands), add,
# keep and path[], prune, insmod_opt, aliases with their own options, and the
# environment: MODULECONFIG, MODULECONF, MODPATH.
. "${0%/*}/lib.sh"
. "${0%/*}/modtree.sh"
require_modlink

P=/lib/modules/2.4.37/kernel

# conf NAME <TEXT: write $W/NAME.conf
conf() {
	cat >"$W/$1.conf"
}

t_modconf() {
	B=$W/b
	mt_tree "$B"
	mt_kernel "$W/k"
	: >"$W/empty.conf"
	mt_run 0 depmod -a -q -b "$B" -C "$W/empty.conf"

	# Malformed lines: every one reported with its (last physical) line number.
	conf bad <<'EOF'
# a comment
alias char-major-10-30 char10
frobnicate all the things
options msdos \
	codepage=850
alias onlyonename
path[fs=/nowhere
add install vfat true
EOF
	mt_run 255 modprobe -b "$B" -C "$W/bad.conf" -c
	mt_err <<EOF
modprobe: Invalid line 3 in $W/bad.conf
	frobnicate all the things
modprobe: Invalid line 6 in $W/bad.conf
	alias onlyonename
modprobe: Invalid line 7 in $W/bad.conf
	path[fs=/nowhere
modprobe: Invalid line 8 in $W/bad.conf
	add install vfat true
EOF

	# Broken conditionals stop the file.
	printf 'if 1\nalias a b\n' | conf noendif
	mt_run 255 modprobe -b "$B" -C "$W/noendif.conf" -c
	mt_err <<EOF
modprobe: missing endif at $W/noendif.conf EOF
EOF
	printf 'alias a b\n\nendif\n' | conf endif
	mt_run 255 modprobe -b "$B" -C "$W/endif.conf" -c
	mt_err <<EOF
modprobe: unmatched endif in line 3
EOF
	printf 'else\n' | conf else
	mt_run 255 modprobe -b "$B" -C "$W/else.conf" -c
	mt_err <<EOF
modprobe: else without if in line 1
EOF
	printf '# x\nelseif 1\n' | conf elseif
	mt_run 255 modprobe -b "$B" -C "$W/elseif.conf" -c
	mt_err <<EOF
modprobe: elseif without if in line 2
EOF
	for i in $(seq 21); do echo "if 1"; done | conf deep
	mt_run 255 modprobe -b "$B" -C "$W/deep.conf" -c
	mt_err <<EOF
modprobe: Too many nested if's in line 21
EOF
	mt_run 255 modprobe -b "$B" -C "$W/nosuch.conf" -c
	mt_err <<EOF
modprobe: Can't open $W/nosuch.conf (No such file or directory)
EOF

	# Conditionals: each kind of expression, else/elseif chains, nesting.
	touch "$W/flagfile"
	conf cond <<EOF
define VOL MYVOL
define ZERO 0
if \`uname -r\` == 2.4.37
alias t-release yes
else
alias t-release no
endif
if -n \`kernelversion\` >= 2
alias t-numeric yes
endif
if \$ZERO
alias t-zero yes
elseif \$VOL
alias t-zero no-but-vol
else
alias t-zero neither
endif
if \$UNDEFINED_VARIABLE_XYZ
alias t-undef yes
else
alias t-undef no
endif
if -f $W/flagfile
alias t-file yes
endif
if ! -f $W/noflagfile
alias t-nofile yes
endif
if -k
alias t-autoclean yes
else
alias t-autoclean no
endif
if 0
if 1
alias t-nested wrong
endif
else
if abc < abd
alias t-nested right
endif
endif
include $W/inc.conf
options msdos label=\$VOL
add options msdos codepage=850
alias dos2 msdos
options dos2 label=FROMALIAS
insmod_opt=-N -f
persistdir=/var/\`echo lib\`/persist
prune vfat.o
EOF
	conf inc <<'EOF'
alias t-included yes
define FROMINC fromincluded
alias t-define $FROMINC
EOF
	mt_run 0 modprobe -b "$B" -C "$W/cond.conf" -c
	mt_has "$W/out" "alias t-release yes" "alias t-numeric yes" "alias t-zero no-but-vol" \
		"alias t-undef no" "alias t-file yes" "alias t-nofile yes" \
		"alias t-autoclean no" "alias t-nested right" "alias t-included yes" \
		"alias t-define fromincluded" "options msdos label=MYVOL codepage=850" \
		"insmod_opt=-N -f" "persistdir=/var/lib/persist" "prune vfat.o"
	mt_lacks "$W/out" "t-nested wrong"
	mt_run 0 modprobe -b "$B" -C "$W/cond.conf" -k -c
	mt_has "$W/out" "alias t-autoclean yes"
	# options of the alias override the module's; insmod_opt comes first
	mt_run 0 modprobe -b "$B" -C "$W/cond.conf" -n -v dos2
	mt_out <<EOF
/sbin/insmod -N -f $B$P/fs/fat.o
/sbin/insmod -N -f $B$P/fs/msdos.o label=FROMALIAS codepage=850
EOF
	# prune hides a file from the search
	mt_run 0 modprobe -b "$B" -C "$W/cond.conf" -l -t fs
	mt_out <<EOF
$B$P/fs/fat.o
$B$P/fs/msdos.o
EOF

	# path[]: the first one replaces the builtin list, unless "keep" came before it;
	# globs expand.
	conf path <<'EOF'
path[fs]=/lib/modules/2.4.37/kernel/f*
EOF
	mt_run 0 modprobe -b "$B" -C "$W/path.conf" -c
	grep '^path' "$W/out" >"$W/paths"
	diff -u - "$W/paths" <<EOF
path[fs]=$B$P/fs
EOF
	printf 'keep\npath[extra]=/extra\n' | conf keep
	mt_run 0 modprobe -b "$B" -C "$W/keep.conf" -c
	mt_has "$W/out" "path[boot]=$B/lib/modules/boot" "path[toplevel]=$B/lib/modules/2.4.37" \
		"path[toplevel]=$B/lib/modules/2.4" "path[fs]=$B/lib/modules/fs" \
		"path[extra]=$B/extra"

	# The environment: MODULECONFIG (modutils), MODULECONF, -C first; MODPATH.
	printf 'alias t-env modulecconfig\n' | conf env1
	printf 'alias t-env moduleconf\n' | conf env2
	MODULECONFIG=$W/env1.conf mt_run 0 modprobe -b "$B" -c
	mt_has "$W/out" "alias t-env modulecconfig"
	MODULECONF=$W/env2.conf mt_run 0 modprobe -b "$B" -c
	mt_has "$W/out" "alias t-env moduleconf"
	MODULECONFIG=$W/env1.conf mt_run 0 modprobe -b "$B" -C "$W/env2.conf" -c
	mt_has "$W/out" "alias t-env moduleconf"
	MODPATH=/lib/modules/%s/kernel/misc:/lib/modules/%s/kernel/drivers \
		mt_run 0 modprobe -b "$B" -C "$W/empty.conf" -l
	mt_out <<EOF
$B$P/misc/char10.o
$B$P/misc/needy.o
$B$P/misc/probea.o
$B$P/misc/probeb.o
$B$P/misc/versym.o
$B$P/drivers/pcidrv.o
EOF
}

mt_for_each_arch t_modconf
