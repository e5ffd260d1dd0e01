#!/bin/sh
# common: COMMON symbols (built with -fcommon) allocated by modlink: zeroed, aligned, not
# overlapping, reachable from code and from .data.  common has no __ksymtab, so insmod
# exports all its globals but init_module, cleanup_module and kernel_version.
. "${0%/*}/lib.sh"
require_modlink

t_common() {
	ml_insmod "$W/c.blob" "$BASE" "$FIX/common$O"
	ml_run 0 "$W/c.blob@$BASE" <<EOT
common: common_c1 size 1: zero, aligned
common: common_s2 size 2: zero, aligned
common: common_i4 size 4: zero, aligned
common: common_l size $WS: zero, aligned
common: common_buf3 size 3: zero, aligned
common: common_ll size 8: zero, aligned
common: common_arr size 148: zero, aligned
common: common_big size 3000: zero, aligned
common: common_al32 size 4: zero, aligned
common: common_al256 size 5: zero, aligned
common: direct access 44 -5 36
common: all commons zero, aligned and distinct
init_module(common) = 0
common: cleanup, common_i4=44
cleanup_module(common)
EOT

	ml_exports "$W/c.blob@$BASE" | grep -v '^[0-9a-f]* __insmod_' | cut -d' ' -f2- |
		sort >"$W/names"
	printf '%s\t[common]\n' common_al256 common_al32 common_arr common_big common_buf3 \
		common_c1 common_i4 common_l common_ll common_s2 | diff -u - "$W/names"
}

for_each_arch t_common
