#!/bin/sh
# aligned: sections aligned to 64 (.text, .data, .rodata) and 4096 (.bss) must start at
# those alignments in the image, which is loaded at a page-aligned address.
. "${0%/*}/lib.sh"
require_modlink

t_aligned() {
	ml_insmod "$W/a.blob" "$BASE" "$FIX/aligned$O"
	ml_run 0 "$W/a.blob@$BASE" <<'EOT'
aligned: data64 is 64-aligned: yes
aligned: ro64 is 64-aligned: yes
aligned: bss64 is 64-aligned: yes
aligned: page is 4096-aligned: yes
aligned: fn64 is 64-aligned: yes
aligned: data64 1 2 3 4, ro64 "read-only, 64-aligned", fn64(20) = 41, bss64[15] = 15
init_module(aligned) = 0
aligned: cleanup
cleanup_module(aligned)
EOT
}

for_each_arch t_aligned
