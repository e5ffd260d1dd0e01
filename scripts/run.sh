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

# Debian packages: build tools, libraries, the i386 cross compiler for fixtures, and the
# cross compilers and qemu-user that build and run the other CPUs' executors and fixtures.
PKGS="build-essential autoconf automake pkg-config libelf-dev zlib1g-dev liblzma-dev libzstd-dev check \
binutils gcc-i686-linux-gnu gzip qemu-user qemu-system-x86 busybox-static cpio \
gcc-arm-linux-gnueabi gcc-mips-linux-gnu gcc-mipsel-linux-gnu gcc-powerpc-linux-gnu \
gcc-sh4-linux-gnu gcc-m68k-linux-gnu gcc-sparc64-linux-gnu \
libc6-dev-sparc-sparc64-cross lib32gcc-12-dev-sparc64-cross"

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
	make -C build-check -j"$(nproc)" check || { cat build-check/test-suite.log; exit 1; }
	build build-san --enable-werror --enable-sanitizers
	# the second run takes the qemu-i386 path for i386 programs even where this host runs
	# them natively (tests/i386.sh, common/hostcpu.c), so that CI tests both
	MODLINK_NO_NATIVE_I386=1 make -C build-san -j"$(nproc)" check ||
		{ cat build-san/test-suite.log; exit 1; }
	echo "all test suites passed (normal and ASan+UBSan builds)"
	;;
retro)
	# Static binaries for 2.2/2.4 systems (docs/retro.md): built in build-retro/retro,
	# then tested under the syscall-era guard against this build.
	deps
	autoreconf -fi >/dev/null 2>&1
	build build-retro
	make -C build-retro -j"$(nproc)" check-retro || { cat build-retro/test-suite.log; exit 1; }
	cat build-retro/retro/sizes.txt
	;;
*)
	echo "usage: scripts/run.sh demo|check|retro|deps" >&2
	exit 2
	;;
esac
