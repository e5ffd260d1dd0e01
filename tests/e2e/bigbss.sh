#!/bin/sh
# bigbss: a .bss over 1 MiB, which the image must carry as zeroes: checked zero, written
# through the kernel's memset, and reached through pointers in .data.
. "${0%/*}/lib.sh"
require_modlink

t_bigbss() {
	ml_insmod "$W/b.blob" "$BASE" "$FIX/bigbss$O"
	size=$(wc -c <"$W/b.blob")
	[ "$size" -gt 1052675 ] || fail "the image ($size bytes) cannot hold the 1052675-byte .bss"
	[ "$(ml_word "$W/b.blob" 3)" -eq "$size" ] ||
		fail "struct module size is not the blob's size $size"
	ml_run 0 "$W/b.blob@$BASE" <<'EOT'
bigbss: 1052675 bytes, 0 non-zero
bigbss: after memset sum 94740750 (expected 94740750)
bigbss: first 0x5a last 0x5a, last - first = 1052674
bigbss: after_big 0
init_module(bigbss) = 0
bigbss: cleanup
cleanup_module(bigbss)
EOT
}

for_each_arch t_bigbss
