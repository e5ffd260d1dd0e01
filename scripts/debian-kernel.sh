#!/bin/sh
# debian-kernel.sh: fetch and unpack Debian's own kernel, the corpus of the modern-module
# tests and the benchmark (nothing of it is committed).
#
# Downloads (apt-get download, no installation) the linux-image-6.1.0-*-amd64 package that
# linux-image-amd64 depends on, and busybox-static for the QEMU guest, and unpacks both with
# dpkg-deb -x into a cache directory outside the tree:
#   ${MODLINK_DEBIAN_CACHE:-${XDG_CACHE_HOME:-/var/tmp}/modlink-debian}/<package version>/
# A second run finds them there and downloads nothing.  On success it prints shell
# assignments for eval:
#   KDIR (the cache entry)  KVER (6.1.0-N-amd64)  VMLINUZ  MODDIR (/lib/modules/KVER)
#   BUSYBOX (a static busybox)  NMODULES
# On failure it says why on stderr and exits 1 (tests turn that into a skip, 77).
set -eu

say() { echo "debian-kernel.sh: $*" >&2; }

cache=${MODLINK_DEBIAN_CACHE:-${XDG_CACHE_HOME:-/var/tmp}/modlink-debian}
command -v apt-cache >/dev/null && command -v dpkg-deb >/dev/null || {
	say "apt-cache/dpkg-deb not found: not a Debian system"
	exit 1
}

# The kernel package linux-image-amd64 depends on (Debian 12: linux-image-6.1.0-N-amd64).
pkg_of_meta() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -1
}
pkg=$(pkg_of_meta)
if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
	apt-get update -qq >/dev/null 2>&1 || true
	pkg=$(pkg_of_meta)
fi
if [ -z "$pkg" ]; then
	say "apt-cache knows no linux-image-6.1.0-*-amd64 behind linux-image-amd64 (apt-get update? not Debian 12?)"
	exit 1
fi
kver=${pkg#linux-image-}
ver=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || { say "no candidate version of $pkg"; exit 1; }
dir=$cache/$kver-$ver

if [ ! -f "$dir/.unpacked" ]; then
	mkdir -p "$dir/debs"
	fetch() { (cd "$dir/debs" && apt-get download "$pkg" busybox-static >/dev/null 2>"$dir/debs/apt.err"); }
	# Stale package lists name files the mirror no longer has: refresh them once (as root).
	fetch || { [ "$(id -u)" -eq 0 ] && apt-get update -qq >/dev/null 2>&1 && fetch; } || {
		say "apt-get download $pkg busybox-static failed:"
		cat "$dir/debs/apt.err" >&2
		exit 1
	}
	rm -rf "$dir/root" "$dir/busybox"
	dpkg-deb -x "$dir/debs/$pkg"_*.deb "$dir/root"
	dpkg-deb -x "$dir/debs"/busybox-static_*.deb "$dir/busybox"
	rm -f "$dir/debs"/*.deb
	touch "$dir/.unpacked"
fi
moddir=$dir/root/lib/modules/$kver
n=$(find "$moddir/kernel" -name '*.ko*' | wc -l)
cat <<EOT
KDIR='$dir'
KVER='$kver'
VMLINUZ='$dir/root/boot/vmlinuz-$kver'
MODDIR='$moddir'
BUSYBOX='$dir/busybox/bin/busybox'
NMODULES=$n
EOT
