#!/bin/sh
# installcheck: what make install put in place works on its own (make installcheck; make
# distcheck runs it on the tree it installs).
#
#   tests/installcheck.sh BINDIR PKGLIBEXECDIR MANDIR MODULE NAMES EXECUTORS
#
# With the build tree out of sight (an empty environment but PATH=/usr/bin:/bin, run in a
# scratch directory, the module copied there first as input data): the installed modlink
# creates a model 2.4.37 kernel, which must record the installed executor
# (PKGLIBEXECDIR/modlink-exec-x86_64); insmod runs the module's init_module there, whose
# printk lines `modlink dmesg` must show; lsmod lists it; rmmod runs cleanup_module.  Then
# what else install made: the k24emu link, modutils' names only when NAMES is yes (and
# never otherwise: they would shadow the host's kmod tools), the man pages under the
# names that go with that.  EXECUTORS=no (configure --disable-executors): the kernel is
# created with --no-exec, and no executor may be installed.
set -eu

[ $# -eq 6 ] || {
	echo "usage: $0 BINDIR PKGLIBEXECDIR MANDIR MODULE NAMES EXECUTORS" >&2
	exit 2
}
bindir=$1 libexecdir=$2 mandir=$3 module=$4 names=$5 executors=$6
ml=$bindir/modlink
bad=0
fail() {
	echo "FAIL: $*"
	bad=$((bad + 1))
}

[ -x "$ml" ] || {
	echo "FAIL: $ml is not installed"
	exit 1
}
W=$(mktemp -d "${TMPDIR:-/tmp}/modlink-installcheck.XXXXXX")
trap 'rm -rf "$W"' EXIT
cp "$module" "$W/hello.o"
# installed: run VAR=... PROGRAM ARGS: in $W, with nothing of the build's environment.
installed() {
	(cd "$W" && env -i PATH=/usr/bin:/bin HOME="$W" "$@")
}

k=$W/kernel
if [ "$executors" = yes ]; then
	installed "$ml" kernel create "$k" --cpu=x86_64 --release=2.4.37 || {
		echo "FAIL: the installed modlink cannot create a model kernel"
		exit 1
	}
	grep -qx "exec=$libexecdir/modlink-exec-x86_64" "$k/config" 2>/dev/null ||
		fail "the model does not run $libexecdir/modlink-exec-x86_64 ($(grep '^exec=' "$k/config" 2>/dev/null))"
	installed "$ml" insmod --kernel="sim:$k" hello.o >"$W/insmod.out" 2>&1 ||
		fail "insmod: $(cat "$W/insmod.out")"
	installed "$ml" dmesg --kernel="sim:$k" >"$W/dmesg" 2>&1 || fail "dmesg"
	for l in 'Hello, world' 'hello: registered character device, major 254' \
		'hello: fops owner is THIS_MODULE, open count 1'; do
		grep -qx "$l" "$W/dmesg" || fail "init_module's '$l' is not in dmesg: $(cat "$W/dmesg")"
	done
	installed "$ml" lsmod --kernel="sim:$k" | grep -q '^hello ' || fail "lsmod does not list hello"
	installed "$ml" rmmod --kernel="sim:$k" hello || fail "rmmod"
	installed "$ml" dmesg --kernel="sim:$k" | grep -qx 'Goodbye, world (unregister_chrdev returned 0)' ||
		fail "cleanup_module did not run"
else
	installed "$ml" kernel create "$k" --cpu=x86_64 --no-exec || fail "kernel create --no-exec"
	for f in "$libexecdir"/modlink-exec-*; do
		[ -e "$f" ] && fail "$f is installed with --disable-executors"
	done
fi

# the links, and only the asked-for ones
[ "$(readlink "$bindir/k24emu" 2>/dev/null)" = modlink ] || fail "$bindir/k24emu is not a link to modlink"
for t in insmod rmmod lsmod ksyms modinfo depmod modprobe; do
	if [ "$names" = yes ]; then
		[ "$(readlink "$bindir/$t" 2>/dev/null)" = modlink ] || fail "$bindir/$t is not a link to modlink"
		page=$mandir/man8/$t.8
		other=$mandir/man8/modlink-$t.8
	else
		[ -e "$bindir/$t" ] || [ -L "$bindir/$t" ] &&
			fail "$bindir/$t is installed without --enable-modutils-names"
		page=$mandir/man8/modlink-$t.8
		other=$mandir/man8/$t.8
	fi
	[ -s "$page" ] || fail "no man page $page"
	[ -e "$other" ] && fail "$other is installed too"
done
for p in man1/k24emu.1 man1/modlink-relocate.1 man5/modules.conf.5; do
	[ -s "$mandir/$p" ] || fail "no man page $mandir/$p"
done
if [ "$names" != yes ] && [ -s "$mandir/man8/modlink-insmod.8" ]; then
	head -n 3 "$mandir/man8/modlink-insmod.8" | grep -q '^modlink-insmod \\-' ||
		fail "modlink-insmod.8 is not retitled"
fi

if [ "$bad" -ne 0 ]; then
	echo "installcheck: $bad failure(s)"
	exit 1
fi
echo "installcheck: the installed modlink ($ml) ran hello.o in a model kernel$([ "$executors" = yes ] && echo " with $libexecdir/modlink-exec-x86_64")"
