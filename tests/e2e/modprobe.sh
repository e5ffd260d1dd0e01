#!/bin/sh
# modprobe against the model kernel: a module and its dependencies loaded in order (their
# init code runs), -r taking the stack away again, -n -v showing the insmod commands, a
# kmod name resolved through modules.conf and the kernel's own "-s -k --" invocation,
# options lines reaching the parameters, the install/remove hooks, probe and probeall,
# above and below, -a, -t, -l, -c, a module in use, an unknown one, a dependency loop,
# and safe mode.
. "${0%/*}/lib.sh"
. "${0%/*}/modtree.sh"
require_modlink

P=/lib/modules/2.4.37/kernel

t_modprobe() {
	B=$W/b
	mt_tree "$B" loop
	mt_kernel "$W/k"
	: >"$W/empty.conf"
	# modules.dep first (loopa/loopb make depmod complain: a loop)
	mt_run 1 depmod -a -q -b "$B" -C "$W/empty.conf"
	H=$W/hooks
	cat >"$W/m.conf" <<EOF
# the kernel asks for char-major-10-30; char10 is the driver
alias char-major-10-30 char10
options msdos codepage=850 label=TESTVOL
options char10 minor=31
probe anyprobe probea probeb
probeall everything char10 probeb
install vfat echo "install vfat" >>$H
pre-install msdos echo "pre-install msdos" >>$H
post-install msdos echo "post-install msdos" >>$H
pre-remove msdos echo "pre-remove msdos" >>$H
post-remove fat echo "post-remove fat" >>$H
remove probeb echo "remove probeb" >>$H
EOF
	MP="modprobe -b $B -C $W/m.conf"

	# -n -v: the insmod commands, dependencies first; nothing is loaded.
	mt_run 0 $MP -n -v msdos
	mt_out <<EOF
/sbin/insmod $B$P/fs/fat.o
# pre-install msdos:
echo "pre-install msdos" >>$H
/sbin/insmod $B$P/fs/msdos.o codepage=850 label=TESTVOL
# post-install msdos:
echo "post-install msdos" >>$H
EOF
	mt_loaded
	[ ! -e "$H" ] || fail "modprobe -n ran a hook"

	mt_run 0 modprobe -b "$B" -C "$W/empty.conf" -n -v vfat
	mt_out <<EOF
/sbin/insmod $B$P/fs/fat.o
/sbin/insmod $B$P/fs/vfat.o
EOF
	mt_loaded

	# Loading: fat, then msdos, each init run, options in msdos' parameters.
	mt_run 0 $MP msdos
	mt_out </dev/null
	mt_err </dev/null
	mt_loaded msdos fat
	mt_dmesg
	if [ "$MT_EXEC" = 1 ]; then
		diff -u - "$W/log" <<EOF
fat: init
msdos: init codepage=850 label=TESTVOL
fat: mount by msdos, 1 user(s)
EOF
	fi
	diff -u - "$H" <<EOF
pre-install msdos
post-install msdos
EOF
	# fat is in use: it cannot go.
	mt_run 1 $MP -r fat
	mt_err <<EOF
fat: Device or resource busy
EOF
	mt_loaded msdos fat

	# -r: msdos, then fat which is now unused; the hooks around them.
	mt_run 0 $MP -r msdos
	mt_loaded
	mt_dmesg
	if [ "$MT_EXEC" = 1 ]; then
		diff -u - "$W/log" <<EOF
msdos: cleanup
fat: cleanup, 0 user(s) left
EOF
	fi
	diff -u - "$H" <<EOF
pre-install msdos
post-install msdos
pre-remove msdos
post-remove fat
EOF
	rm -f "$H"

	# Options on the command line override modules.conf's.
	mt_run 0 $MP msdos codepage=1252
	mt_dmesg
	[ "$MT_EXEC" = 0 ] || mt_has "$W/log" "msdos: init codepage=1252 label=TESTVOL"
	mt_run 0 $MP -r msdos

	# The install hook replaces insmod for vfat; its dependency fat is still loaded.
	rm -f "$H"
	mt_run 0 $MP -v vfat
	mt_out <<EOF
/sbin/insmod $B$P/fs/fat.o
# install vfat:
echo "install vfat" >>$H
EOF
	mt_has "$H" "install vfat"
	mt_loaded fat
	mt_run 0 $MP -r fat
	mt_loaded

	# The kernel's own request, through an alias, autoclean (-k).
	mt_run 0 $MP -s -k -- char-major-10-30
	mt_out </dev/null
	mt_err </dev/null
	"$MODLINK" lsmod | grep -q '^char10 .*(autoclean)' || fail "char10 not loaded autoclean"
	mt_dmesg
	[ "$MT_EXEC" = 0 ] || mt_has "$W/log" "char10: init, minor 31"
	mt_run 0 $MP -r char-major-10-30
	mt_loaded
	mt_dmesg
	[ "$MT_EXEC" = 0 ] || mt_has "$W/log" "char10: cleanup"

	# An alias to "off" (builtin: char-major-10-1): nothing, quietly.
	mt_run 0 $MP char-major-10-1
	mt_err </dev/null
	mt_loaded

	# probe: probea finds nothing (its init fails), probeb is taken.
	if [ "$MT_EXEC" = 1 ]; then
		mt_run 0 $MP anyprobe
		mt_loaded probeb
		mt_dmesg
		diff -u - "$W/log" <<EOF
probea: no device
probeb: found a device
EOF
		# remove hook replaces rmmod: probeb stays.
		rm -f "$H"
		mt_run 0 $MP -r probeb
		mt_has "$H" "remove probeb"
		mt_loaded probeb
		"$MODLINK" rmmod probeb
	fi
	# probeall: every module of the list.
	mt_run 0 $MP everything
	mt_loaded probeb char10
	"$MODLINK" rmmod probeb char10
	mt_dmesg

	# -a: every module named; without it the first that loads.
	mt_run 0 $MP -a msdos vfat
	mt_loaded msdos fat
	mt_run 0 $MP -r msdos
	mt_run 0 $MP -n -v probeb msdos
	mt_out <<EOF
/sbin/insmod $B$P/misc/probeb.o
EOF

	# above / below: modules pulled in on top of, or pushed in under, another (-n asks
	# nothing of the kernel, so fat shows twice).
	cat >"$W/ab.conf" <<EOF
above msdos char10
below vfat probeb
EOF
	mt_run 0 modprobe -b "$B" -C "$W/ab.conf" -n -v msdos vfat -a
	mt_out <<EOF
/sbin/insmod $B$P/fs/fat.o
/sbin/insmod $B$P/fs/msdos.o
/sbin/insmod $B$P/misc/char10.o
/sbin/insmod $B$P/fs/fat.o
/sbin/insmod $B$P/misc/probeb.o
/sbin/insmod $B$P/fs/vfat.o
EOF
	mt_run 0 modprobe -b "$B" -C "$W/ab.conf" msdos
	mt_loaded char10 msdos fat
	mt_run 0 modprobe -b "$B" -C "$W/ab.conf" -r msdos
	mt_loaded

	# -t and -l: the modules of a kind (a path component), patterns.
	mt_run 0 $MP -l -t fs
	mt_out <<EOF
$B$P/fs/fat.o
$B$P/fs/msdos.o
$B$P/fs/vfat.o
EOF
	mt_run 0 $MP -l 'probe*'
	mt_out <<EOF
$B$P/misc/probea.o
$B$P/misc/probeb.o
EOF
	mt_run 0 modprobe -b "$B" -C "$W/empty.conf" -n -v -t fs -a '*fat*'
	mt_out <<EOF
/sbin/insmod $B$P/fs/fat.o
/sbin/insmod $B$P/fs/fat.o
/sbin/insmod $B$P/fs/vfat.o
EOF

	# -c: the configuration in effect, builtin aliases included.
	mt_run 0 $MP -c
	mt_has "$W/out" "path[toplevel]=$B/lib/modules/2.4.37" "alias char-major-10-30 char10" \
		"alias block-major-2 floppy" "options msdos codepage=850 label=TESTVOL" \
		"probe anyprobe probea probeb" "install vfat echo \"install vfat\" >>$H" \
		"depfile=$B/lib/modules/2.4.37/modules.dep"

	# Failures: an unknown module, a missing dependency, a loop.
	mt_run 255 $MP nosuchmodule
	mt_err <<EOF
modprobe: Can't locate module nosuchmodule
EOF
	mt_run 255 $MP -k nosuchmodule
	mt_err </dev/null
	mt_run 255 $MP loopa
	mt_err <<EOF
modprobe: Circular dependency? loopa loopb loopa
EOF
	mt_loaded
	mv "$B$P/fs/fat.o" "$W/fat.o"
	sed -i "s|^$P/fs/fat.o:|$P/fs/gone.o:|" "$B/lib/modules/2.4.37/modules.dep"
	mt_run 255 $MP msdos
	mt_err <<EOF
modprobe: Can't locate module fat which is needed for msdos
EOF
	mv "$W/fat.o" "$B$P/fs/fat.o"
	mt_run 1 depmod -a -q -b "$B" -C "$W/empty.conf"
	mt_run 255 $MP needy
	mt_has "$W/err" "$B$P/misc/needy.o: unresolved symbol no_such_function" \
		"modprobe: insmod $B$P/misc/needy.o failed" "modprobe: insmod needy failed"
	# what was loaded for needy was taken away again
	mt_loaded

	# Safe mode (kmod's exact environment): one module name, whatever it looks like.
	set +e
	env -i HOME=/ TERM=linux PATH=/sbin:/usr/sbin:/bin:/usr/bin "$MODLINK" modprobe -k -- -C \
		>"$W/out" 2>"$W/err"
	st=$?
	set -e
	[ "$st" = 1 ] || fail "safe mode: status $st"
	mt_err <<EOF
modprobe: Safe mode parameter starts with '-'
EOF
	set +e
	env -i HOME=/ TERM=linux PATH=/sbin:/usr/sbin:/bin:/usr/bin "$MODLINK" modprobe -k -- a=b \
		>"$W/out" 2>"$W/err"
	set -e
	mt_err <<EOF
modprobe: Safe mode parameter contains '='
EOF
}

mt_for_each_arch t_modprobe
