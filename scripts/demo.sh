#!/bin/sh
# The main job on the bundled example: link the hello module (built from
# tests/fixtures/hello.c as a 2.4-style x86_64 module) against a stub kernel,
# show its load map, and run its own init_module and cleanup_module.
# Usage: scripts/demo.sh BUILDDIR   (make demo does this)
set -eu
b=${1:-.}
w=$b/demo
mkdir -p "$w"
exe=$b/tests/modlink-exec-x86_64
mod=$b/tests/fixtures/x86_64/hello.o

echo "== 1. the kernel's exported symbols (a stub kernel in user space), /proc/ksyms format"
"$exe" ksyms >"$w/kernel.ksyms"
head -n 5 "$w/kernel.ksyms"
echo "   ... ($(wc -l <"$w/kernel.ksyms") symbols)"
echo
echo "== 2. modlink insmod -m: link hello.o at 0x20000000 and write the image the kernel would get"
echo "\$ modlink insmod -m -n --ksyms=kernel.ksyms --base=0x20000000 --kernel-release=2.4.37 -O hello.blob hello.o"
"$b/modlink" insmod -m -n --ksyms="$w/kernel.ksyms" --base=0x20000000 --kernel-release=2.4.37 \
	-O "$w/hello.blob" "$mod"
echo
echo "== 3. the image mapped at 0x20000000; init_module and cleanup_module called through struct module"
"$exe" run "$w/hello.blob@0x20000000"
