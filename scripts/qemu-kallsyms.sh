#!/bin/bash
# qemu-kallsyms.sh OUTDIR: boot Debian's own kernel (scripts/debian-kernel.sh) under
# qemu-system-x86_64 (software emulation, nokaslr) with a tiny initramfs built here, and
# capture what the modern-module tests resolve and compare against:
#   OUTDIR/kallsyms       /proc/kallsyms before any module is loaded (the kernel proper)
#   OUTDIR/loaded         the guest modules insmod loaded, in load order
#   OUTDIR/modules        /proc/modules after loading them
#   OUTDIR/sections       "MODULE SECTION ADDRESS" from /sys/module/*/sections/*
#   OUTDIR/percpu         "MODULE ADDRESS": where the kernel put each loaded module's
#                         .data..percpu (not in /sys/module): the /proc/kallsyms value of
#                         a symbol of that section (CONFIG_KALLSYMS_ALL lists them, type
#                         d/D/b/B) minus its offset in the section (the .ko's symtab)
#   OUTDIR/dump/MOD/SEC   hex of each loaded module's core sections as the kernel holds
#                         them, read from /proc/kcore by a tiny static helper (kread)
#   OUTDIR/serial.log     the whole serial console
# The guest is busybox-static as /init: it mounts proc, sys and dev, prints kallsyms,
# insmods a handful of real modules with their dependencies from the unpacked tree,
# prints /proc/modules and the section addresses, dumps the sections and powers off.
#
# A finished capture is kept (OUTDIR/.done names the kernel) and not redone.  Exit 0 on
# success; 1 with the reason on stderr when the kernel package, qemu, a static libc or
# the boot is missing or fails.  MODLINK_QEMU_TIMEOUT (seconds, default 900) bounds the
# boot; MODLINK_QEMU_ACCEL (default tcg) may say kvm where that is allowed.
set -eu
say() { echo "qemu-kallsyms.sh: $*" >&2; }
out=${1:?usage: qemu-kallsyms.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)

# Modules to load in the guest, dependencies first (none needs hardware).
GUEST_MODULES="dummy fat vfat cdrom isofs zsmalloc zram crc32c_generic libcrc32c xfs loop"
# Sections larger than this are not dumped (xfs .text): the serial line is slow.
DUMP_MAX=262144

env=$("$here/debian-kernel.sh") || exit 1
eval "$env"
if [ -f "$out/.done" ] && [ "$(cat "$out/.done")" = "$KDIR" ] && [ -f "$out/percpu" ]; then
	exit 0
fi
command -v qemu-system-x86_64 >/dev/null || { say "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"; exit 1; }
command -v cpio >/dev/null || { say "cpio not installed"; exit 1; }
[ -x "$BUSYBOX" ] || { say "no static busybox at $BUSYBOX"; exit 1; }

rm -rf "$out"
mkdir -p "$out/dump"
work=$(mktemp -d "${TMPDIR:-/tmp}/ml-qemu.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/m" "$root/tmp"
cp "$BUSYBOX" "$root/bin/busybox"
: >"$root/percpu"

# kread ADDR LEN: LEN bytes of kernel virtual memory at ADDR, from /proc/kcore, as hex
# lines of 32 bytes (unmapped bytes read as what kcore gives: zeros).
cat >"$work/kread.c" <<'EOC'
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long addr, len, done = 0;
	Elf64_Ehdr eh;
	int fd;

	if (argc != 3)
		return 2;
	addr = strtoul(argv[1], NULL, 16);
	len = strtoul(argv[2], NULL, 0);
	fd = open("/proc/kcore", O_RDONLY);
	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh)) {
		perror("/proc/kcore");
		return 1;
	}
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * eh.e_phentsize) != sizeof(ph))
			return 1;
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr || addr + len > ph.p_vaddr + ph.p_memsz)
			continue;
		while (done < len) {
			unsigned char b[32];
			unsigned long n = len - done < 32 ? len - done : 32;

			if (pread(fd, b, n, (off_t)(ph.p_offset + addr - ph.p_vaddr + done)) != (ssize_t)n) {
				perror("pread");
				return 1;
			}
			for (unsigned long k = 0; k < n; k++)
				printf("%02x", b[k]);
			putchar('\n');
			done += n;
		}
		return 0;
	}
	fprintf(stderr, "kread: %lx+%lu is in no PT_LOAD of /proc/kcore\n", addr, len);
	return 1;
}
EOC
gcc -static -O2 -o "$root/bin/kread" "$work/kread.c" 2>"$work/gcc.err" || {
	say "cannot build the static kcore reader (libc6-dev's libc.a?):"
	cat "$work/gcc.err" >&2
	exit 1
}

# The modules and, per module, the core sections worth dumping with their sizes.
: >"$root/dumps"
for m in $GUEST_MODULES; do
	f=$(find "$MODDIR/kernel" -name "$m.ko" | head -1)
	[ -n "$f" ] || { say "module $m not in the package"; exit 1; }
	cp "$f" "$root/m/$m.ko"
	readelf -SW "$f" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) *[A-Z_]* *[0-9a-f]* *[0-9a-f]* *\([0-9a-f]*\) [0-9a-f]* *\([A-Z]*\) .*/\1 \2 \3/p' |
		while read -r sec size flags; do
			case $flags in *A*) ;; *) continue ;; esac
			case $sec in .init* | .modinfo | __versions | .data..percpu) continue ;; esac
			[ $((0x$size)) -gt 0 ] && [ $((0x$size)) -le $DUMP_MAX ] && echo "$m $sec $((0x$size))"
		done >>"$root/dumps"
	# One named symbol of .data..percpu and its offset there: "MODULE SYMBOL OFFSET".
	pi=$(readelf -SW "$f" | sed -n 's/^ *\[ *\([0-9]*\)\] \.data\.\.percpu .*/\1/p')
	[ -z "$pi" ] || readelf -sW "$f" | awk -v m="$m" -v i="$pi" \
		'$7 == i && $4 != "SECTION" && $8 != "" { print m, $8, $2; exit }' >>"$root/percpu"
done
echo "$GUEST_MODULES" >"$root/modules.list"

cat >"$root/init" <<'EOI'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo 1 >/proc/sys/kernel/printk 2>/dev/null
echo "@@@ BEGIN kallsyms"
cat /proc/kallsyms
echo "@@@ END kallsyms"
for m in $(cat /modules.list); do
	if insmod /m/$m.ko 2>/tmp/err; then echo "@@@ loaded $m"; else echo "@@@ failed $m: $(cat /tmp/err)"; fi
done
echo "@@@ BEGIN modules"
cat /proc/modules
echo "@@@ END modules"
echo "@@@ BEGIN sections"
for d in /sys/module/*/sections; do
	m=${d%/sections}
	m=${m#/sys/module/}
	for f in "$d"/.* "$d"/*; do
		[ -f "$f" ] && echo "$m ${f##*/} $(cat "$f")"
	done
done
echo "@@@ END sections"
echo "@@@ BEGIN percpu"
while read -r m sym off; do
	a=$(grep " $sym	\[$m\]\$" /proc/kallsyms | head -1)
	[ -n "$a" ] && printf '%s 0x%x\n' "$m" $((0x${a%% *} - 0x$off))
done </percpu
echo "@@@ END percpu"
while read -r m sec size; do
	a=$(cat "/sys/module/$m/sections/$sec" 2>/dev/null) || continue
	echo "@@@ BEGIN dump $m $sec $a $size"
	kread "${a#0x}" "$size"
	echo "@@@ END dump"
done </dumps
echo "@@@ DONE"
poweroff -f
EOI
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz"

accel=${MODLINK_QEMU_ACCEL:-tcg}
start=$(date +%s)
timeout "${MODLINK_QEMU_TIMEOUT:-900}" qemu-system-x86_64 -accel "$accel" -m 1024 -smp 1 \
	-kernel "$VMLINUZ" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 nokaslr panic=-1 quiet loglevel=1" \
	-display none -monitor none -serial "file:$out/serial.log" -no-reboot >"$work/qemu.out" 2>&1 || {
	say "qemu failed or timed out after $(($(date +%s) - start)) s:"
	cat "$work/qemu.out" >&2
	tail -5 "$out/serial.log" >&2 2>/dev/null || true
	exit 1
}
echo "$(($(date +%s) - start))" >"$out/boot-seconds"
tr -d '\r' <"$out/serial.log" >"$work/serial"
grep -q '^@@@ DONE' "$work/serial" || { say "the guest did not finish (see $out/serial.log)"; exit 1; }
awk -v o="$out" '
	/^@@@ BEGIN kallsyms/ { f = o "/kallsyms"; next }
	/^@@@ BEGIN modules/ { f = o "/modules"; next }
	/^@@@ BEGIN sections/ { f = o "/sections"; next }
	/^@@@ BEGIN percpu/ { f = o "/percpu"; printf "" > f; next }
	/^@@@ BEGIN dump / { system("mkdir -p \"" o "/dump/" $4 "\""); f = o "/dump/" $4 "/" $5; next }
	/^@@@ loaded / { print $3 > (o "/loaded"); next }
	/^@@@ failed / { print > (o "/failed"); next }
	/^@@@ END/ { f = ""; next }
	f != "" { print > f }
' "$work/serial"
[ -s "$out/kallsyms" ] || { say "no kallsyms in the serial output"; exit 1; }
echo "$KDIR" >"$out/.done"
