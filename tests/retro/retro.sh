#!/bin/sh
# retro: the static binaries of `make retro` (scripts/retro.sh, docs/retro.md) do on a
# modern host what they would do on the 2.4 systems they are for.
#
# i386, under the syscall-era guard (tests/retro/seccomp-24: every i386 system call that
# Linux 2.4.37 lacks answers ENOSYS, and the auxiliary vector is cut to 2.4's):
#  1. every fixture of every CPU that is at hand (tests/fixtures/{i386,x86_64}, the
#     prebuilt cross fixtures) is linked with insmod -n -m --explain -O: status, output
#     and image must equal the normal build's, byte for byte;
#  2. the model kernel: kernel create --cpu=i386 --no-exec, then insmod, lsmod, ksyms,
#     rmmod, dmesg against --kernel=sim:DIR print what the normal build prints, and the
#     model's files end up the same;
#  3. the end-to-end suite (the tests/e2e scripts that use lib.sh) runs with MODLINK set
#     to the guarded static binary, except k24emu.sh, whose real-tools part pairs the
#     modlink under test with a model of the host's word size: step 4 does that for i386;
#  4. under k24emu (the host build's: it is x86_64 only), the live-kernel path: insmod,
#     lsmod, ksyms, rmmod make the 2.4 system calls, and the model agrees;
#  5. every post-2.4 call the binary made is one whose fallback is known
#     (tests/retro/fallbacks-i386.txt); the calls made are listed.
# armel and mipsel, when built and qemu-user is installed (no guard: qemu-user passes
# system calls to the host): steps 1 and 3, under qemu.
#
# Where this host cannot run i386 programs (tests/i386.sh; MODLINK_NO_NATIVE_I386=1 makes
# it so), the i386 binary runs under qemu-i386, which makes the host's system calls for
# the guest's: no seccomp filter can refuse a guest's call there.  Steps 1 to 4 run the
# same; step 5 is made from qemu-i386's -strace logs instead: every call the binary made
# must be in 2.4.37's table or in fallbacks-i386.txt.  What this cannot show is that the
# fallbacks work, as the post-2.4 calls succeed under qemu: the guarded run does that.
#
# Skips (77) unless make retro has built the i386 binary (RETRO_DIR, default
# $top_builddir/retro).  RETRO_KEEP=1 keeps the work directory.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
RETRO=${RETRO_DIR:-$top_builddir/retro}
HOST=$top_builddir/modlink
GUARD=$top_builddir/tests/retro/seccomp-24
ALLOW=$top_srcdir/tests/retro/syscalls-2.4-i386.txt
KNOWN=$top_srcdir/tests/retro/fallbacks-i386.txt
BIN=$RETRO/i386/root/sbin/modlink

skip() {
	echo "SKIP: $*"
	exit 77
}
[ -x "$BIN" ] || skip "no static i386 modlink in $RETRO (make retro builds it; make check-retro builds and tests it)"
[ -x "$HOST" ] || skip "modlink is not built ($HOST)"
[ -x "$GUARD" ] || skip "tests/retro/seccomp-24 is not built"
. "$top_srcdir/tests/i386.sh"
if ! i386_runner "$BIN" --help; then
	echo "FAIL: the static i386 modlink cannot run here"
	exit 1
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/modlink-retro.XXXXXX")
cleanup() {
	if [ "${RETRO_KEEP:-0}" = 1 ]; then
		echo "work directory kept: $W"
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT
if [ -z "$I386_RUN" ]; then
	set +e
	"$GUARD" "$ALLOW" /bin/true 2>"$W/guard.err"
	rc=$?
	set -e
	[ "$rc" -eq 0 ] || skip "seccomp-24 cannot guard here (status $rc): $(cat "$W/guard.err")"
fi
LOG=$W/syscalls.log
STRACE=$W/strace
ok=0
bad=0
pass() {
	ok=$((ok + 1))
}
failed() {
	echo "FAIL: $*"
	bad=$((bad + 1))
}

# The guarded i386 binary, as a program of its own: what MODLINK names in the e2e suite.
# k24emu is the host's (a ptrace supervisor for x86_64 hosts, not a tool for 2.4 systems).
# The shell running this wrapper adds PWD to the environment, which the program must not
# see: modprobe takes an environment of exactly kmod's three variables for safe mode.
# Under qemu-i386 each run logs its calls to a file of its own (-strace -D), except under
# k24emu (RETRO_K24EMU=1), which starts the binary under qemu-i386 itself.
mkdir -p "$W/bin" "$STRACE"
if [ -z "$I386_RUN" ]; then
	cat >"$W/bin/modlink-i386" <<EOF
#!/bin/sh
[ "\${1:-}" = k24emu ] && exec "$HOST" "\$@"
exec env -u PWD "$GUARD" -a -o "$LOG" "$ALLOW" "$BIN" "\$@"
EOF
else
	cat >"$W/bin/modlink-i386" <<EOF
#!/bin/sh
[ "\${1:-}" = k24emu ] && exec "$HOST" "\$@"
[ -z "\${RETRO_K24EMU:-}" ] || exec env -u PWD -u RETRO_K24EMU "$BIN" "\$@"
exec env -u PWD $I386_RUN -strace -D "$STRACE/\$\$.log" "$BIN" "\$@"
EOF
fi
chmod +x "$W/bin/modlink-i386"

# The fixtures: CPU DIRECTORY pairs.
fixture_dirs() {
	for c in i386 x86_64; do
		[ -d "$top_builddir/tests/fixtures/$c" ] && echo "$c $top_builddir/tests/fixtures/$c"
	done
	for d in "$top_srcdir"/tests/fixtures/prebuilt/*/; do
		[ -d "$d" ] && echo "$(basename "$d") ${d%/}"
	done
	return 0
}

# ksyms_for CPU DIR WIDTH: a symbol file that defines every symbol the fixtures of DIR
# leave undefined, from the normal build's own complaints, each at its own address: from
# 0xc0000000 up (2.4's kernel), or on x86_64 from 0x10000000 (modules of the kernel code
# model reach the low 2 GiB from their base here, as with the executor's stub kernel).
ksyms_for() {
	: >"$W/$1.ksyms"
	for o in "$2"/*.o "$2"/*.o.gz; do
		[ -f "$o" ] || continue
		"$HOST" insmod -n --ksyms="$W/$1.ksyms" --base=0x20000000 --kernel-release=2.4.37 \
			-O "$W/x.blob" "$o" \
			2>&1 >/dev/null | sed -n 's/.*: unresolved symbol \([^ ]*\).*/\1/p'
	done | sort -u | awk -v w="$3" -v b="$4" '{ printf "%0" w "x %s\n", b + 64 * NR, $1 }' \
		>"$W/$1.ksyms.new"
	mv "$W/$1.ksyms.new" "$W/$1.ksyms"
}

# step1 NAME RUNNER...: link every fixture with RUNNER and with the normal build.
step1() {
	s1_name=$1
	shift
	fixture_dirs >"$W/fixtures"
	[ -s "$W/fixtures" ] || {
		failed "$s1_name: no fixtures built (make check builds them)"
		return 0
	}
	while read -r cpu dir; do
		if [ "$cpu" = x86_64 ]; then
			set -- 16 268435456
		else
			set -- 8 3221225472
		fi
		[ -f "$W/$cpu.ksyms" ] || ksyms_for "$cpu" "$dir" "$@"
		n=0
		nbad=0
		nimg=0
		for o in "$dir"/*.o "$dir"/*.o.gz; do
			[ -f "$o" ] || continue
			m=$(basename "$o")
			set -- insmod -n -m --explain --ksyms="$W/$cpu.ksyms" --base=0x20000000 \
				--kernel-release=2.4.37
			set +e
			"$HOST" "$@" -O "$W/h.blob" "$o" >"$W/h.out" 2>"$W/h.err"
			hs=$?
			"$s1_runner" "$@" -O "$W/r.blob" "$o" >"$W/r.out" 2>"$W/r.err"
			rs=$?
			set -e
			n=$((n + 1))
			why=""
			[ "$hs" -eq "$rs" ] || why="status $rs, the normal build's $hs"
			cmp -s "$W/h.out" "$W/r.out" || why="$why${why:+; }stdout differs"
			cmp -s "$W/h.err" "$W/r.err" || why="$why${why:+; }stderr differs"
			if [ -f "$W/h.blob" ] || [ -f "$W/r.blob" ]; then
				cmp -s "$W/h.blob" "$W/r.blob" || why="$why${why:+; }the images differ"
				nimg=$((nimg + 1))
			fi
			if [ -n "$why" ]; then
				nbad=$((nbad + 1))
				failed "$s1_name: $cpu/$m: $why"
				diff "$W/h.out" "$W/r.out" | head -n 10 || true
				diff "$W/h.err" "$W/r.err" | head -n 10 || true
			fi
			rm -f "$W/h.blob" "$W/r.blob"
		done
		if [ "$nimg" -eq 0 ]; then
			failed "$s1_name: $cpu: no fixture could be linked (ksyms: $W/$cpu.ksyms)"
		elif [ "$nbad" -eq 0 ]; then
			pass
		fi
		echo "$s1_name: $cpu: $((n - nbad)) of $n fixtures linked identically ($nimg images)"
	done <"$W/fixtures"
}

# step3 NAME MODLINK: the e2e scripts that use lib.sh, with MODLINK.
step3() {
	for t in "$top_srcdir"/tests/e2e/*.sh; do
		tn=$(basename "$t" .sh)
		case $tn in
		lib | k24emu) continue ;;
		esac
		# shellcheck disable=SC2016 # a literal ${0%/*}
		grep -q '^\. "\${0%/\*}/lib.sh"' "$t" || continue
		set +e
		# by the interpreter its #! line names (modern.sh is a bash script)
		case $(head -n 1 "$t") in *bash*) shell=bash ;; *) shell=sh ;; esac
		MODLINK=$2 $shell "$t" >"$W/e2e-$1-$tn.log" 2>&1
		rc=$?
		set -e
		case $rc in
		0) pass; echo "$1: e2e $tn: pass ($(grep -c '^PASS' "$W/e2e-$1-$tn.log") variants)" ;;
		77) echo "$1: e2e $tn: skipped: $(grep '^SKIP:' "$W/e2e-$1-$tn.log" | head -n 1)" ;;
		*)
			failed "$1: e2e $tn (status $rc)"
			grep -v '^SKIP' "$W/e2e-$1-$tn.log" | tail -n 25
			;;
		esac
	done
}

# --- i386, guarded ---------------------------------------------------------------------
if [ -z "$I386_RUN" ]; then
	echo "== i386: $BIN under seccomp-24 ($(grep -vc '^#' "$ALLOW") system calls of 2.4.37)"
else
	echo "== i386: $BIN via $I386_RUN (no seccomp guard: its -strace logs are checked)"
fi
s1_runner=$W/bin/modlink-i386
step1 i386

# 2. the model kernel, through the tools' sim: interface.  ksyms of the i386 fixtures.
FIX=$top_builddir/tests/fixtures/i386
if [ -f "$FIX/hello.o" ]; then
	for who in h r; do
		if [ $who = h ]; then M=$HOST; else M=$W/bin/modlink-i386; fi
		K=--kernel=sim:$W/sim-$who
		{
			"$M" kernel create "$W/sim-$who" --cpu=i386 --no-exec --ksyms="$W/i386.ksyms"
			echo "create: $?"
			for m in hello exporter user params common; do
				"$M" insmod "$K" "$FIX/$m.o"
				echo "insmod $m: $?"
			done
			"$M" insmod "$K" "$FIX/hello.o"
			echo "insmod hello again: $?"
			"$M" lsmod "$K"
			"$M" ksyms -a "$K"
			"$M" rmmod "$K" user hello
			echo "rmmod: $?"
			"$M" rmmod "$K" exporter
			echo "rmmod exporter: $?"
			"$M" lsmod "$K"
			"$M" dmesg "$K"
		} >"$W/model-$who.out" 2>&1 || true
	done
	sed "s,$W/sim-h,SIM,g" "$W/model-h.out" >"$W/model-h.txt"
	sed "s,$W/sim-r,SIM,g" "$W/model-r.out" >"$W/model-r.txt"
	if diff -u "$W/model-h.txt" "$W/model-r.txt" >"$W/model.diff"; then
		pass
		echo "i386: model kernel: $(grep -c . "$W/model-r.txt") lines of output as the normal build's"
	else
		failed "i386: the model kernel flow prints differently"
		head -n 40 "$W/model.diff"
	fi
	if diff -r "$W/sim-h" "$W/sim-r" >"$W/sim.diff" 2>&1; then
		pass
		echo "i386: model kernel: the model's files are the same"
	else
		failed "i386: the model's files differ"
		head -n 20 "$W/sim.diff"
	fi
else
	failed "i386: no i386 fixtures in $FIX (make check builds them)"
fi

# 3. the end-to-end suite
step3 i386 "$W/bin/modlink-i386"

# 4. k24emu: the 2.4 system calls of the live-kernel path
if [ -f "$FIX/hello.o" ] && "$HOST" k24emu --help >/dev/null 2>&1; then
	S=$W/k24
	"$HOST" kernel create "$S" --cpu=i386 --no-exec --ksyms="$W/i386.ksyms"
	# emu NAME ARGS...: the guarded tool under k24emu; output in $W/k24-NAME.out
	emu() {
		emu_n=$1
		shift
		set +e
		RETRO_K24EMU=1 "$HOST" k24emu --state "$S" -- env -u MODLINK_KERNEL "$W/bin/modlink-i386" "$@" \
			>"$W/k24-$emu_n.out" 2>&1
		echo "status $?" >>"$W/k24-$emu_n.out"
		set -e
	}
	emu insmod-hello insmod "$FIX/hello.o"
	emu insmod-exporter insmod "$FIX/exporter.o"
	emu insmod-user insmod "$FIX/user.o"
	emu rmmod-hello rmmod hello
	emu lsmod lsmod
	emu ksyms ksyms -a
	{
		"$HOST" lsmod --kernel=sim:"$S"
		echo "status $?"
	} >"$W/k24-lsmod.exp" 2>&1
	{
		"$HOST" ksyms -a --kernel=sim:"$S"
		echo "status $?"
	} >"$W/k24-ksyms.exp" 2>&1
	k24bad=""
	for n in insmod-hello insmod-exporter insmod-user rmmod-hello; do
		[ "$(cat "$W/k24-$n.out")" = "status 0" ] || k24bad="$k24bad $n"
	done
	for n in lsmod ksyms; do
		diff -u "$W/k24-$n.exp" "$W/k24-$n.out" >"$W/k24-$n.diff" || k24bad="$k24bad $n"
	done
	grep -q '^user ' "$W/k24-lsmod.out" || k24bad="$k24bad lsmod"
	if [ -z "$k24bad" ]; then
		pass
		echo "i386: k24emu: insmod, rmmod, lsmod, ksyms through the 2.4 system calls"
	else
		failed "i386: under k24emu:$k24bad"
		for n in $k24bad; do
			cat "$W/k24-$n.out"
			[ ! -f "$W/k24-$n.diff" ] || cat "$W/k24-$n.diff"
		done | head -n 40
	fi
else
	echo "i386: k24emu: not available in $HOST (x86_64 hosts only), not run"
fi

# 5. the system calls made
names() { # NR: the i386 name of a system call, from the host's kernel headers
	for h in /usr/include/x86_64-linux-gnu/asm/unistd_32.h /usr/include/asm/unistd_32.h; do
		[ -f "$h" ] && sed -n "s/^#define __NR_\([a-z0-9_]*\)[[:space:]]\{1,\}$1\$/\1/p" "$h" &&
			return 0
	done
	echo "?"
}
# nrs: "NUMBER COUNT NAME" lines from qemu-i386's logs ("PID name(args) = result"), by the
# host's kernel headers' numbers; a name they lack is "? COUNT NAME".
nrs() {
	h=/usr/include/x86_64-linux-gnu/asm/unistd_32.h
	[ -f "$h" ] || h=/usr/include/asm/unistd_32.h
	cat "$STRACE"/*.log 2>/dev/null | sed -n 's/^[0-9]* \([a-z_][a-z0-9_]*\)(.*/\1/p' |
		sort | uniq -c | while read -r count name; do
		nr=$(sed -n "s/^#define __NR_$name[[:space:]]\{1,\}\([0-9]*\)\$/\1/p" "$h")
		echo "${nr:-?} $count $name"
	done | sort -n
}
# judge_denied UNKNOWN: $W/denied lists "NR COUNT NAME" for each call 2.4 lacks; each must have a
# checked fallback in $KNOWN (tests/retro/fallbacks-i386.txt). UNKNOWN: failures counted before.
judge_denied() {
	unknown=$1
	while read -r nr count name; do
		known=$(awk -v n="$nr" '$1 == n { $1 = ""; $2 = ""; sub(/^ +/, ""); print }' "$KNOWN")
		echo "  $nr $name ($count): ${known:-NOT KNOWN}"
		[ -n "$known" ] || unknown=$((unknown + 1))
	done <"$W/denied"
	if [ "$unknown" -eq 0 ]; then
		pass
	else
		failed "i386: $unknown post-2.4 system calls whose fallback nobody checked (see tests/retro/fallbacks-i386.txt)"
	fi
}
if [ -n "$I386_RUN" ]; then
	nrs >"$W/made"
	if [ -s "$W/made" ]; then
		echo "i386: the system calls made under $I386_RUN (number, name, count), in 2.4.37's table:"
		: >"$W/denied"
		unknown=0
		while read -r nr count name; do
			if [ "$nr" = "?" ]; then
				echo "  ?   $name ($count): not in the kernel headers' i386 table"
				unknown=$((unknown + 1))
			elif awk -v n="$nr" '$1 == n { f = 1 } END { exit !f }' "$ALLOW"; then
				printf '  %3d %-14s %d\n' "$nr" "$name" "$count"
			else
				echo "$nr $count $name" >>"$W/denied"
			fi
		done <"$W/made"
		echo "i386: calls Linux 2.4 lacks (a 2.4 kernel answers ENOSYS; under qemu they ran):"
		judge_denied "$unknown"
	else
		failed "i386: qemu-i386 logged no system call"
	fi
elif [ -s "$LOG" ]; then
	echo "i386: the system calls made (number, name in 2.4's table, count):"
	awk '$1 == "allowed" { n[$2] += $4; name[$2] = $3 }
		END { for (k in n) printf "  %3d %-14s %d\n", k, name[k], n[k] }' "$LOG" | sort -n
	awk '$1 == "denied" { n[$2] += $3 } END { for (k in n) print k, n[k] }' "$LOG" |
		sort -n >"$W/denied"
	awk '{ print $1, $2 }' "$W/denied" | while read -r nr count; do
		echo "$nr $count $(names "$nr")"
	done >"$W/denied.named"
	mv "$W/denied.named" "$W/denied"
	echo "i386: calls Linux 2.4 lacks, answered ENOSYS:"
	judge_denied 0
	grep '^auxv' "$LOG" | sort | uniq -c | sed 's/^/  /' || true
else
	failed "i386: seccomp-24 logged no system call"
fi

# --- other CPUs, under qemu-user ---------------------------------------------------------
for arch in armel mipsel; do
	b=$RETRO/$arch/root/sbin/modlink
	[ -x "$b" ] || continue
	q=qemu-arm
	[ $arch = armel ] || q=qemu-$arch
	if ! command -v $q >/dev/null 2>&1; then
		echo "$arch: $q is not installed (Debian: qemu-user): not run"
		continue
	fi
	cat >"$W/bin/modlink-$arch" <<EOF
#!/bin/sh
[ "\${1:-}" = k24emu ] && exec "$HOST" "\$@"
exec env -u PWD $q "$b" "\$@"
EOF
	chmod +x "$W/bin/modlink-$arch"
	echo "== $arch: $b under $q"
	s1_runner=$W/bin/modlink-$arch
	step1 "$arch"
	step3 "$arch" "$W/bin/modlink-$arch"
done

echo "retro: $ok passed, $bad failed"
[ "$bad" -eq 0 ]
