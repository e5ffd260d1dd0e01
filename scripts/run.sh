#!/bin/sh
# One entry point for a fresh Debian 12 machine (as root, or with sudo):
#   scripts/run.sh demo    install what is missing, build, run the bundled example
#   scripts/run.sh check   install what is missing, build with -Werror, run the whole
#                          test suite, then build again with ASan+UBSan and run it again
#                          (that time with i386 programs under qemu-i386)
#   scripts/run.sh retro   install what is missing, build the static binaries for 2.2/2.4
#                          systems (make retro) and test them (make check-retro)
#   scripts/run.sh deps    only install the Debian packages the project needs
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)

# Debian packages, every one named: nothing is left to "Recommends" (the install uses
# --no-install-recommends, so a package that only a recommendation would bring is missing on a
# fresh machine; the cross compilers' C libraries are the classic case).
#  - build: compiler, autotools, libraries, Check
#  - fixtures and executors: the cross compilers with their C libraries, qemu-user to run them
#    (also qemu-i386 on hosts that cannot run 32-bit x86 programs)
#  - style: clang-format (make format-check)
#  - tests: binutils (GNU ld as the reference), gzip/xz/zstd (compressed modules), perl, and
#    for the Debian corpus test qemu-system-x86, busybox-static, cpio
#  - retro: dpkg-dev (dpkg-source for apt-get source)
PKGS="build-essential autoconf automake pkg-config libelf-dev zlib1g-dev liblzma-dev libzstd-dev check \
binutils perl gzip xz-utils zstd clang-format qemu-user qemu-system-x86 busybox-static cpio dpkg-dev \
gcc-i686-linux-gnu libc6-dev-i386-cross \
gcc-arm-linux-gnueabi libc6-dev-armel-cross \
gcc-mips-linux-gnu libc6-dev-mips-cross gcc-mipsel-linux-gnu libc6-dev-mipsel-cross \
gcc-powerpc-linux-gnu libc6-dev-powerpc-cross \
gcc-sh4-linux-gnu libc6-dev-sh4-cross gcc-m68k-linux-gnu libc6-dev-m68k-cross \
gcc-sparc64-linux-gnu libc6-dev-sparc-sparc64-cross lib32gcc-12-dev-sparc64-cross"

deps() {
	missing=""
	for p in $PKGS; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "installing:$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq || echo "apt-get update reported errors; trying the install anyway"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
}

build() {
	dir=$1; shift
	[ -x configure ] || autoreconf -fi
	mkdir -p "$dir"
	(cd "$dir" && { [ -f Makefile ] || "$top/configure" -q "$@"; } && make -j"$(nproc)" >/dev/null)
}

case "${1:-}" in
deps)
	deps
	;;
demo)
	deps
	build build
	make -C build -s demo
	;;
check)
	deps
	autoreconf -fi >/dev/null 2>&1
	rm -rf build-check build-san
	build build-check --enable-werror
	make -C build-check format-check
	make -C build-check -j"$(nproc)" check || { cat build-check/test-suite.log; exit 1; }
	build build-san --enable-werror --enable-sanitizers
	# the second run takes the qemu-i386 path for i386 programs even where this host runs
	# them natively (tests/i386.sh, common/hostcpu.c), so that CI tests both
	MODLINK_NO_NATIVE_I386=1 make -C build-san -j"$(nproc)" check ||
		{ cat build-san/test-suite.log; exit 1; }
	# MODLINK_NO_SKIP=1 (CI): a test or a CPU variant that skipped is a failure.
	[ "${MODLINK_NO_SKIP:-0}" != 1 ] || scripts/no-skips.sh build-check build-san
	echo "all test suites passed (normal and ASan+UBSan builds)"
	;;
retro)
	# Static binaries for 2.2/2.4 systems (docs/retro.md): built in build-retro/retro,
	# then tested under the syscall-era guard against this build.
	deps
	autoreconf -fi >/dev/null 2>&1
	build build-retro
	make -C build-retro -j"$(nproc)" check-retro
	[ "${MODLINK_NO_SKIP:-0}" != 1 ] || scripts/no-skips.sh build-retro
	cat build-retro/retro/sizes.txt
	;;
*)
	echo "usage: scripts/run.sh demo|check|retro|deps" >&2
	exit 2
	;;
esac
