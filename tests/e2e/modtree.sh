# tests/e2e/modtree.sh -- helpers of the modinfo, depmod, modprobe and modconf tests
# (sourced after lib.sh).
#
# A test builds a 2.4 module tree of our fixtures (tests/fixtures/tree/, built by
# tests/fixtures/tree.mk) under a base directory of its own and, where it loads modules,
# a model 2.4 kernel (modlink kernel create) next to it; nothing on the system is read or
# touched.  It runs once per CPU whose tree fixtures were built (x86_64 always, i386 when
# configure found a compiler; under qemu-i386 where the host cannot run i386 programs, see
# tests/i386.sh), in a subshell with set -e:
#
#	t_x() {
#		mt_tree "$W/b"                  # $W/b/lib/modules/2.4.37/kernel/...
#		mt_kernel "$W/k"                # the model, executing module code if it can
#		mt_run 0 modprobe ... msdos     # status, then stdout in $W/out, stderr in $W/err
#		mt_out <<EOF ... EOF            # stdout must be exactly this
#	}
#	mt_for_each_arch t_x
#
# MT_EXEC is 1 when the model runs module code (init_module's printk lines reach
# "modlink dmesg"), 0 when the executor could not start (the kernel is then modelled
# without running code, and the tests skip what they would have read from the log).

# mt_tree BASE [loop]: the tree of the current CPU under BASE; "loop" adds loopa/loopb.
mt_tree() {
	mt_m=$1/lib/modules/2.4.37/kernel
	mkdir -p "$mt_m/fs" "$mt_m/misc" "$mt_m/drivers"
	for mt_f in fat msdos vfat; do cp "$TREE/$mt_f.o" "$mt_m/fs/"; done
	for mt_f in needy versym probea probeb char10; do cp "$TREE/$mt_f.o" "$mt_m/misc/"; done
	cp "$TREE/pcidrv.o" "$mt_m/drivers/"
	if [ "${2:-}" = loop ]; then
		cp "$TREE/loopa.o" "$TREE/loopb.o" "$mt_m/misc/"
	fi
}

# mt_tree_dep RELEASE: exactly the modules.dep depmod writes for mt_tree's tree (without
# loopa/loopb) at /lib/modules/RELEASE, with the kernel's exports known.
mt_tree_dep() {
	mt_p=/lib/modules/$1/kernel
	cat <<EOF
$mt_p/drivers/pcidrv.o:

$mt_p/fs/fat.o:

$mt_p/fs/msdos.o:	$mt_p/fs/fat.o

$mt_p/fs/vfat.o:	$mt_p/fs/fat.o

$mt_p/misc/char10.o:

$mt_p/misc/needy.o:	$mt_p/fs/fat.o \\
	$mt_p/misc/char10.o

$mt_p/misc/probea.o:

$mt_p/misc/probeb.o:

$mt_p/misc/versym.o:

EOF
}

# mt_kernel DIR: a model kernel for the current CPU; sets MT_EXEC.
mt_kernel() {
	if "$MODLINK" kernel create "$1" --cpu="$ARCH" >"$W/kcreate.out" 2>&1; then
		MT_EXEC=1
	else
		echo "note: the model cannot run module code here; log checks are skipped:"
		cat "$W/kcreate.out"
		rm -rf "$1"
		$RUN "$EXEC" ksyms >"$W/exec.ksyms"
		"$MODLINK" kernel create "$1" --cpu="$ARCH" --no-exec --ksyms="$W/exec.ksyms"
		MT_EXEC=0
	fi
	MODLINK_KERNEL=sim:$1
	export MODLINK_KERNEL
}

# mt_run STATUS TOOL ARGS...: run "modlink TOOL ARGS"; it must exit with STATUS.
mt_run() {
	mt_want=$1
	shift
	set +e
	"$MODLINK" "$@" >"$W/out" 2>"$W/err"
	mt_status=$?
	set -e
	if [ "$mt_status" -ne "$mt_want" ]; then
		echo "modlink $*: exit status $mt_status, expected $mt_want; stdout and stderr:"
		cat "$W/out" "$W/err"
		return 1
	fi
	return 0
}

# mt_out / mt_err <EXPECTED: the last run's stdout / stderr must be exactly EXPECTED.
mt_out() {
	cat >"$W/expected"
	if ! diff -u "$W/expected" "$W/out"; then
		echo "stdout differs (stderr was:)"
		cat "$W/err"
		return 1
	fi
}

mt_err() {
	cat >"$W/expected"
	if ! diff -u "$W/expected" "$W/err"; then
		echo "stderr differs"
		return 1
	fi
}

# mt_has FILE LINE...: each LINE must be a whole line of FILE.
mt_has() {
	mt_file=$1
	shift
	for mt_line in "$@"; do
		if ! grep -Fqx -- "$mt_line" "$mt_file"; then
			echo "$mt_file lacks the line: $mt_line"
			echo "it was:"
			cat "$mt_file"
			return 1
		fi
	done
}

# mt_lacks FILE TEXT...: no line of FILE may contain TEXT.
mt_lacks() {
	mt_file=$1
	shift
	for mt_line in "$@"; do
		if grep -Fq -- "$mt_line" "$mt_file"; then
			echo "$mt_file should not mention: $mt_line"
			cat "$mt_file"
			return 1
		fi
	done
}

# mt_loaded NAME...: exactly these modules are in the model, newest first.
mt_loaded() {
	"$MODLINK" lsmod | sed 1d | cut -d' ' -f1 >"$W/lsmod"
	printf '%s\n' "$@" | sed '/^$/d' >"$W/lsmod.expected"
	if ! diff -u "$W/lsmod.expected" "$W/lsmod"; then
		echo "lsmod shows other modules than expected"
		return 1
	fi
}

# mt_dmesg: the model's log since the last call, in $W/log.
mt_dmesg() {
	"$MODLINK" dmesg >"$W/log.all"
	mt_seen=$(cat "$W/log.seen" 2>/dev/null || echo 0)
	tail -n +"$((mt_seen + 1))" "$W/log.all" >"$W/log"
	wc -l <"$W/log.all" | tr -d ' ' >"$W/log.seen"
}

# mt_for_each_arch FUNCTION: run FUNCTION per CPU whose tree fixtures were built.
mt_for_each_arch() {
	mt_ran=0
	mt_failed=0
	for ARCH in x86_64 i386; do
		TREE=$top_builddir/tests/fixtures/$ARCH/tree
		EXEC=$top_builddir/tests/modlink-exec-$ARCH
		if [ ! -f "$TREE/fat.o" ]; then
			echo "SKIP $ARCH: tree fixtures not built in $TREE"
			continue
		fi
		if [ ! -x "$EXEC" ]; then
			echo "SKIP $ARCH: no executor $EXEC"
			continue
		fi
		RUN=
		if [ "$ARCH" = i386 ]; then
			# modlink kernel create decides the same (common/hostcpu.c)
			if ! i386_runner "$EXEC" info; then
				echo "FAIL $ARCH: the executor cannot run"
				mt_failed=$((mt_failed + 1))
				continue
			fi
			RUN=$I386_RUN
		fi
		W=$E2E_WORK/$ARCH
		mkdir -p "$W"
		echo "=== $E2E_NAME: $ARCH"
		set +e
		(
			set -e
			unset MODLINK_KERNEL MODULECONFIG MODULECONF MODPATH
			"$@"
		)
		mt_rc=$?
		set -e
		case $mt_rc in
		0) echo "PASS $E2E_NAME: $ARCH"; mt_ran=$((mt_ran + 1)) ;;
		77) echo "SKIP $E2E_NAME: $ARCH" ;;
		*) echo "FAIL $E2E_NAME: $ARCH (status $mt_rc)"; mt_failed=$((mt_failed + 1)) ;;
		esac
	done
	[ "$mt_failed" -eq 0 ] || exit 1
	[ "$mt_ran" -gt 0 ] || skip "no CPU could run this test"
	exit 0
}
