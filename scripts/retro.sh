#!/bin/sh
# scripts/retro.sh -- static modlink binaries for real 2.2/2.4 systems (docs/retro.md).
#
#   scripts/retro.sh [--out=DIR] [--arch=i386,armel,mipsel] [--srcdir=DIR] [--jobs=N]
#
# For each CPU: Debian's musl (musl and musl-dev for that Debian architecture, unpacked
# with dpkg -x into a private sysroot: no multiarch set-up, nothing installed), the
# libraries modlink links with compiled from Debian's source packages against that musl
# (zlib, elfutils' libelf, xz-utils' liblzma, libzstd: decoders only, small), and
# modlink itself, all with Debian's cross compiler behind a small gcc wrapper and specs
# file of our own.  The result, in DIR/ARCH/root, is /sbin/modlink, stripped and static,
# with its tools as links (/sbin/insmod -> modlink, ...), the man pages, and the same as
# DIR/modlink-retro-VERSION-ARCH.tar.gz.
#
# Default DIR: ./retro (make retro: the build directory's retro/); default CPUs: every one
# whose cross compiler is installed.  Needs the Debian archive (apt-get download and
# apt-get source, through a private apt state in DIR/apt with deb-src and the target
# architectures added: the system's apt set-up is not changed, and root is not needed).
# A second run reuses what the first one fetched and built; rm -rf DIR starts afresh
# (rm -rf DIR/apt alone when downloads fail because the archive has moved on).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$(pwd)/retro
srcdir=$top
arches=""
jobs=$(nproc 2>/dev/null || echo 2)

for a in "$@"; do
	case $a in
	--out=*) out=${a#--out=} ;;
	--arch=*) arches=$(echo "${a#--arch=}" | tr , ' ') ;;
	--srcdir=*) srcdir=${a#--srcdir=} ;;
	--jobs=*) jobs=${a#--jobs=} ;;
	-h | --help)
		sed -n '2,/^set -eu/p' "$0" | sed -e '/^set -eu/d' -e 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "retro.sh: unknown argument '$a' (see --help)" >&2
		exit 2
		;;
	esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
srcdir=$(cd "$srcdir" && pwd)
say() { echo "retro: $(date +%T) $*"; }
die() {
	echo "retro.sh: $*" >&2
	exit 1
}
# run LOG CMD...: run quietly, and show the log's end when it fails.
run() {
	run_log=$1
	shift
	if ! "$@" >"$run_log" 2>&1; then
		tail -n 40 "$run_log" >&2
		die "failed: $* (whole log: $run_log)"
	fi
}

# The CPUs: Debian architecture, the GNU cross compiler's triple, the directory of musl's
# files in its packages, the triple we configure for, and code generation flags.  i386:
# Debian's musl is built for the i486 (no cmov), and so is everything of ours; libgcc
# comes from an i686 compiler, which is checked below.  Debian 12 also builds musl for
# armhf, arm64, mips64el, ppc64el and s390x, none of them a CPU that ran Linux 2.4;
# musl for m68k, sh4 or big-endian MIPS is at most in Debian's ports, not in the archive
# this script reads, and there is none for 32-bit PowerPC or SPARC: docs/retro.md.
cpu_info() {
	case $1 in
	i386) echo "i686-linux-gnu i386-linux-musl i686-linux-musl -march=i486 -mtune=i686" ;;
	armel) echo "arm-linux-gnueabi arm-linux-musleabi arm-linux-musleabi" ;;
	mipsel) echo "mipsel-linux-gnu mipsel-linux-musl mipsel-linux-musl" ;;
	*) return 1 ;;
	esac
}
if [ -z "$arches" ]; then
	for a in i386 armel mipsel; do
		# shellcheck disable=SC2046 # the fields, split
		set -- $(cpu_info $a)
		if command -v "$1-gcc" >/dev/null; then
			arches="$arches $a"
		else
			say "skipping $a: no $1-gcc (Debian package gcc-$1)"
		fi
	done
	[ -n "$arches" ] || die "no cross compiler for any CPU (apt-get install gcc-i686-linux-gnu)"
fi
for a in $arches; do
	info=$(cpu_info "$a") || die "unknown CPU '$a' (i386, armel or mipsel)"
	# shellcheck disable=SC2086 # the fields, split
	set -- $info
	command -v "$1-gcc" >/dev/null || die "$a needs $1-gcc (Debian package gcc-$1)"
done
for t in apt-get dpkg-deb dpkg-source autoreconf pkg-config make; do
	command -v $t >/dev/null || die "$t is missing (scripts/run.sh deps installs the build tools)"
done

# The libraries configure.ac asks pkg-config for, and how each is built here.
libs=$(sed -n 's/^PKG_CHECK_MODULES(\[[A-Z_0-9]*\], *\[\([a-z0-9]*\)[^]]*\])$/\1/p' \
	"$srcdir/configure.ac" | tr '\n' ' ')
for l in $libs; do
	case $l in
	libelf | zlib | liblzma | libzstd) ;;
	*) die "configure.ac needs '$l', which this script does not know how to build for musl" ;;
	esac
done

# -- Debian's archive, through a private apt state ------------------------------------
apt=$out/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/sources" "$out/dl" "$out/src"
aptopts="-o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache \
-o Dir::Etc::SourceList=$apt/sources/none.list -o Dir::Etc::SourceParts=$apt/sources \
-o APT::Architectures::=$(dpkg --print-architecture)"
for a in $arches; do aptopts="$aptopts -o APT::Architectures::=$a"; done
if [ ! -f "$apt/updated" ] || [ "$(cat "$apt/updated")" != "$arches" ]; then
	# The system's Debian entries with deb-src added: deb822 files get both types,
	# one-line entries a deb-src twin.
	rm -f "$apt/sources/"*
	: >"$apt/sources/none.list"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed 's/^Types:.*/Types: deb deb-src/' "$f" >"$apt/sources/$(basename "$f")"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^deb \(.*\)/deb \1\ndeb-src \1/p' "$f" >"$apt/sources/$(basename "$f" | tr / _)"
	done
	say "apt-get update (private lists in $apt; architectures:$arches)"
	# an index that fails (seen: Debian's i386 security index) is reported and skipped
	# shellcheck disable=SC2086
	apt-get $aptopts update >"$apt/update.log" 2>&1 ||
		say "apt-get update reported errors (see $apt/update.log); going on with what it got"
	echo "$arches" >"$apt/updated"
fi

fetch_deb() { # PACKAGE ARCH
	ls "$out/dl/$1"_*_"$2".deb >/dev/null 2>&1 && return 0
	say "apt-get download $1:$2"
	# shellcheck disable=SC2086
	(cd "$out/dl" && run "$out/dl/$1-$2.log" apt-get $aptopts download "$1:$2")
}
# fetch_src SOURCE-PACKAGE: unpacked, with Debian's patches applied, in $out/src.  apt-get
# source takes the version that goes with the system's binaries; when the archive no longer
# serves it (seen: the security archive answering 404 for zlib 1.2.13.dfsg-1+deb12u1), the
# other versions the deb-src indexes list are tried, newest first, and the one used is said.
fetch_src() {
	for d in "$out/src/$1"-*/; do
		[ -d "$d" ] && return 0
	done
	say "apt-get source $1"
	# shellcheck disable=SC2086
	if (cd "$out/src" && apt-get $aptopts source "$1" >"$out/src/$1.log" 2>&1); then
		say "apt-get source $1: version $(srcver "$1")"
		return 0
	fi
	# shellcheck disable=SC2086
	first=$(apt-get $aptopts source --print-uris "$1" 2>/dev/null |
		sed -n "s/^'[^']*' $1_\(.*\)\.dsc .*/\1/p" | head -n 1)
	# shellcheck disable=SC2086
	others=$(apt-cache $aptopts showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' |
		sort -u | sort -r -V | while read -r v; do
		[ "${v#*:}" = "$first" ] || echo "$v"
	done)
	say "apt-get source $1 failed for version ${first:-?}: $(grep -m 1 -E '^E: |404' \
		"$out/src/$1.log" || tail -n 1 "$out/src/$1.log"); trying the others the archive lists: $(printf %s "$others" | tr '\n' ' ')"
	for v in $others; do
		rm -rf "$out/src/$1"_* "$out/src/$1"-*/
		# shellcheck disable=SC2086
		if (cd "$out/src" && apt-get $aptopts source --only-source "$1=$v" \
			>>"$out/src/$1.log" 2>&1); then
			say "apt-get source $1: using version $v (version ${first:-?} was not served)"
			return 0
		fi
	done
	tail -n 40 "$out/src/$1.log" >&2
	die "apt-get source $1: no version could be fetched (whole log: $out/src/$1.log; rm -rf $apt refreshes the indexes)"
}
srcver() { # SOURCE-PACKAGE: the version fetched, from its .dsc
	for f in "$out/src/$1"_*.dsc; do
		[ -f "$f" ] || continue
		f=${f##*/}
		f=${f#"$1"_}
		echo "${f%.dsc}"
		return 0
	done
	echo "?"
}
srcof() { # SOURCE-PACKAGE: its unpacked directory
	for d in "$out/src/$1"-*/; do
		[ -d "$d" ] && echo "${d%/}" && return 0
	done
	die "no unpacked source of $1 in $out/src"
}
for l in $libs; do
	case $l in
	libelf) fetch_src elfutils ;;
	zlib) fetch_src zlib ;;
	liblzma) fetch_src xz-utils ;;
	libzstd) fetch_src libzstd ;;
	esac
done

# -- modlink's source: a clean copy when the tree is configured in place -------------
# (a tree configured in place cannot be built out of tree): a git checkout's files, or a
# release tarball's through its own make distdir (exactly the distributed files).  Both
# keep modification times: make rebuilds only what changed since the last run.
msrc=$out/src/modlink
if git -C "$srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mkdir -p "$msrc"
	(cd "$srcdir" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) |
		tar -C "$msrc" -xf -
elif [ ! -f "$srcdir/config.status" ]; then
	msrc=$srcdir
elif [ -f "$srcdir/Makefile" ]; then
	say "copying the distributed files of $srcdir (make distdir)"
	run "$out/src/distdir.log" env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
		make -C "$srcdir" distdir distdir="$msrc"
else
	die "$srcdir is configured in place but has no Makefile: run ./config.status or make distclean there first"
fi
# shellcheck disable=SC3013 # -nt: dash and bash have it
if [ ! -x "$msrc/configure" ] || [ "$msrc/configure.ac" -nt "$msrc/configure" ]; then
	say "autoreconf in $msrc"
	(cd "$msrc" && run "$out/src/autoreconf.log" autoreconf -fi)
fi
version=$(sed -n 's/^AC_INIT(\[modlink\], \[\([^]]*\)\].*/\1/p' "$msrc/configure.ac")

# -- per CPU -------------------------------------------------------------------------
CFLAGS_RETRO="-Os -g0 -ffunction-sections -fdata-sections"

# toolchain ARCH: the sysroot, the compiler wrapper and the binutils links in $d/bin.
toolchain() {
	fetch_deb musl "$1"
	fetch_deb musl-dev "$1"
	if [ ! -f "$d/sysroot/.done" ]; then
		rm -rf "$d/sysroot"
		mkdir -p "$d/sysroot"
		for p in musl musl-dev; do
			dpkg-deb -x "$(ls "$out/dl/$p"_*_"$1".deb | tail -n 1)" "$d/sysroot"
		done
		touch "$d/sysroot/.done"
	fi
	lib=$d/sysroot/usr/lib/$mdir
	inc=$d/sysroot/usr/include/$mdir
	if [ ! -f "$lib/libc.a" ] || [ ! -f "$inc/stdio.h" ]; then
		die "musl-dev:$1 has no $mdir files"
	fi
	gcclib=$(dirname "$("$gnu-gcc" -print-libgcc-file-name)")
	gccinc=$("$gnu-gcc" -print-file-name=include)
	mkdir -p "$d/bin"
	# The specs replace what would otherwise come from the cross compiler's glibc: the
	# start files and the library search path (gcc's own directory for libgcc, then
	# musl's).  Static only.
	cat >"$d/musl.specs" <<EOF
*startfile:
$lib/crt1.o $lib/crti.o crtbeginT.o%s

*endfile:
crtend.o%s $lib/crtn.o

*link_libgcc:
-L$lib -L$gcclib

EOF
	# musl's headers, then gcc's own (stddef.h, stdarg.h, ...), never glibc's.
	cat >"$d/bin/$host-gcc" <<EOF
#!/bin/sh
exec $gnu-gcc -specs=$d/musl.specs -nostdinc -isystem $inc -isystem $gccinc \\
	-static -fno-pie -no-pie $cflags "\$@"
EOF
	chmod +x "$d/bin/$host-gcc"
	ln -sf "$host-gcc" "$d/bin/$host-cc"
	for t in addr2line ar as ld nm objcopy objdump ranlib readelf size strings strip; do
		ln -sf "$(command -v "$gnu-$t")" "$d/bin/$host-$t"
	done
}

build_zlib() {
	[ -f "$pfx/lib/libz.a" ] && return 0
	say "$arch: zlib"
	rm -rf "$d/zlib"
	cp -a "$(srcof zlib)" "$d/zlib"
	(cd "$d/zlib" &&
		run "$d/zlib.log" env CC="$host-gcc" AR="$host-ar" RANLIB="$host-ranlib" \
			CFLAGS="$CFLAGS_RETRO" ./configure --static --prefix="$pfx" &&
		run "$d/zlib.log" make -j"$jobs" libz.a &&
		run "$d/zlib.log" make install)
}

# liblzma: the .xz decoder only (modlink reads compressed objects, never writes them).
build_lzma() {
	[ -f "$pfx/lib/liblzma.a" ] && return 0
	say "$arch: liblzma"
	rm -rf "$d/xz"
	mkdir -p "$d/xz"
	(cd "$d/xz" &&
		run "$d/xz.log" "$(srcof xz-utils)/configure" --host="$host" --prefix="$pfx" \
			--disable-shared --enable-small --disable-threads --enable-encoders= \
			--enable-match-finders= --disable-microlzma --disable-lzip-decoder \
			--disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo \
			--disable-lzma-links --disable-scripts --disable-doc --disable-nls \
			--disable-sandbox CFLAGS="$CFLAGS_RETRO" &&
		run "$d/xz.log" make -j"$jobs" &&
		run "$d/xz.log" make install)
}

# libzstd: the decoder only, at its smallest (single Huffman and sequence decoders).
build_zstd() {
	[ -f "$pfx/lib/libzstd.a" ] && return 0
	say "$arch: libzstd"
	rm -rf "$d/zstd"
	cp -a "$(srcof libzstd)" "$d/zstd"
	set -- CC="$host-gcc" AR="$host-ar" PREFIX="$pfx" ZSTD_LIB_MINIFY=1 \
		ZSTD_LIB_COMPRESSION=0 ZSTD_LIB_DICTBUILDER=0 ZSTD_LIB_DEPRECATED=0
	(cd "$d/zstd/lib" &&
		run "$d/zstd.log" make -j"$jobs" libzstd.a "$@" CFLAGS="$CFLAGS_RETRO" &&
		run "$d/zstd.log" make install-static install-includes install-pc "$@")
}

# libelf from elfutils: configure wants argp, fts and obstack, which only elfutils'
# programs and libdw use, and musl has none of them: their checks are answered "none
# required", and only libelf/ is built (its static archive needs nothing from lib/).
# Its __thread check links a shared object, which our static-only wrapper does not make
# (MIPS's linker refuses crtbeginT.o there): musl has __thread in static programs.
build_libelf() {
	[ -f "$pfx/lib/libelf.a" ] && return 0
	say "$arch: libelf"
	es=$(srcof elfutils)
	rm -rf "$d/elfutils"
	mkdir -p "$d/elfutils"
	(cd "$d/elfutils" &&
		run "$d/elfutils.log" "$es/configure" --host="$host" --prefix="$pfx" \
			--disable-nls --disable-debuginfod --disable-libdebuginfod \
			--disable-symbol-versioning --without-bzlib --without-lzma --without-zstd \
			--with-zlib CPPFLAGS="-I$pfx/include" LDFLAGS="-L$pfx/lib" \
			CFLAGS="$CFLAGS_RETRO" ac_cv_search_argp_parse="none required" \
			ac_cv_search_fts_close="none required" \
			ac_cv_search__obstack_free="none required" ac_cv_tls=yes &&
		run "$d/elfutils.log" make -C libelf -j"$jobs" libelf.a)
	install -m 644 "$d/elfutils/libelf/libelf.a" "$pfx/lib/"
	install -m 644 "$es/libelf/libelf.h" "$es/libelf/gelf.h" "$es/libelf/nlist.h" "$pfx/include/"
	install -m 644 "$d/elfutils/config/libelf.pc" "$pfx/lib/pkgconfig/"
}

# modlink, with the retro build's compatibility layer (common/compat24.c: glibc's words
# for strerror, through --wrap) linked in as LIBS.
build_modlink() {
	b=$d/build
	compat=$d/compat24.o
	ldflags="-Wl,--gc-sections -Wl,-Map=modlink.map -Wl,--wrap=strerror"
	# modutils' names as links (the retro system's /sbin/insmod ...); no executors: they run
	# module code for the model kernel on the build host, not on a 2.4 system
	confopts="--enable-modutils-names --disable-executors"
	# a build directory configured otherwise (another source tree, other flags) starts afresh
	conf="$msrc|$CFLAGS_RETRO|$ldflags|$compat|$confopts"
	[ "$(cat "$d/build.config" 2>/dev/null)" = "$conf" ] || rm -rf "$b"
	mkdir -p "$b"
	# shellcheck disable=SC3013,SC2086 # -nt: dash and bash have it; CFLAGS_RETRO, split
	if [ ! -f "$compat" ] || [ "$msrc/common/compat24.c" -nt "$compat" ]; then
		run "$d/compat24.log" "$host-gcc" -std=gnu11 $CFLAGS_RETRO -Wall -Wextra \
			-Wmissing-prototypes -c -o "$compat" "$msrc/common/compat24.c"
		rm -f "$b/modlink"
	fi
	if [ ! -f "$b/Makefile" ]; then
		say "$arch: configure modlink"
		# shellcheck disable=SC2086 # confopts, split
		(cd "$b" && run "$d/configure.log" "$msrc/configure" --host="$host" $confopts \
			--prefix=/usr --sbindir=/sbin --bindir=/sbin PKG_CONFIG=pkg-config \
			PKG_CONFIG_LIBDIR="$pfx/lib/pkgconfig" CFLAGS="$CFLAGS_RETRO" \
			LDFLAGS="$ldflags" LIBS="$compat")
		echo "$conf" >"$d/build.config"
	fi
	say "$arch: modlink"
	run "$d/make.log" make -C "$b" -j"$jobs" modlink
	rm -rf "$d/root"
	run "$d/install.log" make -C "$b" install-strip DESTDIR="$d/root"
	# k24emu supervises programs on x86_64 hosts: no tool for the retro system itself
	rm -f "$d/root/sbin/k24emu" "$d/root/usr/share/man/man1/k24emu.1"
	tar -C "$d/root" -czf "$out/modlink-retro-$version-$arch.tar.gz" .
}

# check ARCH: static, and (i386) no instruction the i486 lacks.
check_binary() {
	f=$d/root/sbin/modlink
	[ -x "$f" ] || die "$arch: no $f"
	if "$host-readelf" -lW "$f" | grep -q 'INTERP\|DYNAMIC'; then
		die "$arch: $f is not static"
	fi
	if [ "$1" = i386 ]; then
		n=$("$host-objdump" -d "$f" | grep -cE '[[:space:]](cmov|fcomi|fucomi|sysenter)' || true)
		[ "$n" -eq 0 ] || die "i386: $f has $n instructions an i486 lacks"
	fi
}

# A line for sizes.txt: the stripped size, and what went into it: the link map's input
# sections that take room in the file (not .bss, not debugging), summed by the archive
# they came from.  mawk has no strtonum, hence hex().
sizes() {
	f=$d/root/sbin/modlink
	parts=$(awk '
	function hex(s,   n, i) {
		s = tolower(substr(s, 3))
		n = 0
		for (i = 1; i <= length(s); i++)
			n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return n
	}
	function add(name, size, file,   w) {
		if (name ~ /^\.(debug|comment|bss|tbss|sbss|note|gnu|stab|MIPS|reginfo|pdr|mdebug|ARM\.attr)/)
			return
		w = "modlink"
		if (file ~ /\/libelf\.a\(/) w = "libelf"
		else if (file ~ /\/libz\.a\(/) w = "zlib"
		else if (file ~ /\/liblzma\.a\(/) w = "liblzma"
		else if (file ~ /\/libzstd\.a\(/) w = "libzstd"
		else if (file ~ /-linux-musl[a-z]*\//) w = "musl"
		else if (file ~ /libgcc|crtbegin|crtend/) w = "libgcc"
		s[w] += size
	}
	/^Linker script and memory map/ { on = 1; next }
	!on { next }
	/^ \.[^ ]+$/ { pend = $1; next }
	/^ \.[^ ]+ +0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]/ && NF == 4 { add($1, hex($3), $4); pend = ""; next }
	/^ +0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]/ && NF == 3 && pend != "" { add(pend, hex($2), $3) }
	{ pend = "" }
	END {
		n = split("modlink libelf zlib liblzma libzstd musl libgcc", o, " ")
		for (i = 1; i <= n; i++) printf "%s%s %d", (i > 1 ? ", " : ""), o[i], s[o[i]]
	}' "$d/build/modlink.map" 2>/dev/null || true)
	printf '%-7s %8d bytes  (%s)\n' "$arch" "$(wc -c <"$f")" "$parts"
}

: >"$out/sizes.txt.new"
for arch in $arches; do
	# shellcheck disable=SC2046 # the fields, split
	set -- $(cpu_info "$arch")
	gnu=$1 mdir=$2 host=$3
	shift 3
	cflags="$*"
	d=$out/$arch
	pfx=$d/prefix
	mkdir -p "$d" "$pfx/lib/pkgconfig" "$pfx/include"
	PATH=$d/bin:$PATH
	toolchain "$arch"
	# zlib first: libelf links with it
	for l in zlib liblzma libzstd libelf; do
		case " $libs " in
		*" $l "*) ;;
		*) continue ;;
		esac
		case $l in
		zlib) build_zlib ;;
		liblzma) build_lzma ;;
		libzstd) build_zstd ;;
		libelf) build_libelf ;;
		esac
	done
	build_modlink
	check_binary "$arch"
	sizes >>"$out/sizes.txt.new"
	PATH=${PATH#"$d/bin:"}
done
mv "$out/sizes.txt.new" "$out/sizes.txt"
echo
echo "Debian sources used:$(for l in elfutils zlib xz-utils libzstd; do
	ls "$out/src/$l"_*.dsc >/dev/null 2>&1 && printf ' %s %s' "$l" "$(srcver "$l")"
done)"
echo "static modlink $version, stripped (bytes of code and data by origin, from the link map):"
cat "$out/sizes.txt"
for arch in $arches; do
	echo "  $out/$arch/root/sbin: $(ls "$out/$arch/root/sbin" | tr '\n' ' ')"
	echo "  $out/modlink-retro-$version-$arch.tar.gz"
done
