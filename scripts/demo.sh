#!/bin/sh
# The main job on the bundled example: a model 2.4 kernel in user space, the
# hello module (tests/fixtures/hello.c, built as a 2.4-style x86_64 module)
# linked into it by insmod (load map shown), its own init_module run so its
# printk lines reach the kernel log, lsmod, then rmmod running cleanup_module.
# Usage: scripts/demo.sh BUILDDIR   (make demo does this)
set -eu
b=$(cd "${1:-.}" && pwd)
w=$b/demo
rm -rf "$w"
mkdir -p "$w"
MODLINK_EXEC_DIR=$b/tests
export MODLINK_EXEC_DIR
ml=$b/modlink
mod=$b/tests/fixtures/x86_64/hello.o

run() {
	echo "\$ $*"
	"$@"
}

echo "== 1. a model Linux 2.4.37 kernel (x86_64) whose module code runs in user space"
run "$ml" kernel create "$w/kernel" --cpu=x86_64 --release=2.4.37
MODLINK_KERNEL=sim:$w/kernel
export MODLINK_KERNEL
echo
echo "== 2. insmod -m: resolve, lay out, relocate, build struct module, create_module + init_module"
run "$ml" insmod -m "$mod"
echo
echo "== 3. the module is running; its init_module printed into the kernel log"
run "$ml" lsmod
run "$ml" dmesg
echo
echo "== 4. rmmod runs its cleanup_module"
run "$ml" rmmod hello
run "$ml" dmesg
run "$ml" lsmod
