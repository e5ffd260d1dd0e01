#!/bin/sh
# extable: get_user/put_user on bad addresses are resumed at their fixups through the
# module's __ex_table (relocated by modlink, found through struct module
# ex_table_start/end), so init sees -EFAULT; an unprotected access is an oops that kills
# the executor.
. "${0%/*}/lib.sh"
require_modlink

t_extable() {
	ml_insmod "$W/x.blob" "$BASE" "$FIX/extable$O"
	ml_run 0 "$W/x.blob@$BASE" <<'EOT'
extable: get_user(good) = 0, value 777
extable: get_user(0x10) = -14, value 0
extable: put_user(0x10) = -14
extable: put_user(good) = 0, good 778
init_module(extable) = 0
extable: cleanup
cleanup_module(extable)
EOT
	ml_run_stderr </dev/null

	ml_insmod "$W/x.blob" "$BASE" "$FIX/extable$O" bad_addr=0xfff0
	ml_run 0 "$W/x.blob@$BASE" <<'EOT'
extable: get_user(good) = 0, value 777
extable: get_user(0xfff0) = -14, value 0
extable: put_user(0xfff0) = -14
extable: put_user(good) = 0, good 778
init_module(extable) = 0
extable: cleanup
cleanup_module(extable)
EOT

	# oops=1: a load outside the exception table.  Killed by SIGSEGV, no cleanup.
	ml_insmod "$W/x.blob" "$BASE" "$FIX/extable$O" oops=1
	ml_run 139 "$W/x.blob@$BASE" <<'EOT'
extable: get_user(good) = 0, value 777
extable: get_user(0x10) = -14, value 0
extable: put_user(0x10) = -14
extable: put_user(good) = 0, good 778
extable: unprotected load from 0x10
EOT
	[ "$(sed -n 1p "$W/run.err")" = \
		"modlink-exec: Unable to handle kernel NULL pointer dereference at virtual address $(ml_hex 0x10)" ] ||
		fail "unexpected oops report: $(cat "$W/run.err")"
	sed -n 2p "$W/run.err" |
		grep -Eq "^modlink-exec: ip [0-9a-f]{$WIDTH} \\(extable\\+0x[0-9a-f]+\\), no exception table entry\$" ||
		fail "unexpected oops report: $(cat "$W/run.err")"
}

for_each_arch t_extable
