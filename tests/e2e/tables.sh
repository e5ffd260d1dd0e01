#!/bin/sh
# tables: pointers in data of every kind (function tables in .rodata and .data, string
# tables, structures, addends into arrays and strings, a linked list), a switch compiled
# to a jump table, PC-relative and 32-bit absolute words in .rodata; init_module and
# cleanup_module as aliases of static-named functions.
. "${0%/*}/lib.sh"
require_modlink

t_tables() {
	ml_insmod "$W/t.blob" "$BASE" "$FIX/tables$O"
	ml_run 0 "$W/t.blob@$BASE" <<'EOT'
tables: add(12, 3) = 15
tables: sub(12, 3) = 9
tables: mul(12, 3) = 36
tables: xor(12, 3) = 15
tables: shl(12, 3) = 96
tables: ops_rw[0](10, 4) = 6
tables: ops_rw[0](10, 4) = 14 after re-pointing
tables: seven plus five = 12
tables: seven times six = 42
tables: one shl ten = 1024
tables: *middle = 55, middle[-1] = 44, tail = "789"
tables: list = 123
tables: dispatch(0) = 1011
tables: dispatch(1) = 3003
tables: dispatch(2) = 959
tables: dispatch(3) = 4012
tables: dispatch(4) = 904
tables: dispatch(5) = 1010025
tables: dispatch(6) = 143
tables: dispatch(7) = -1008
tables: dispatch(8) = 8
tables: dispatch(9) = -1009
tables: dispatch(10) = 240
tables: dispatch(11) = 17395
tables: dispatch(12) = 0
tables: dispatch sum = 1035683
tables: rel_table[0] -> "relative a"
tables: rel_table[1] -> "relative b"
tables: rel_table[2] -> "relative c"
tables: abs32_word -> "relative b"
init_module(tables) = 0
tables: cleanup, ops_rw[0] is op_xor
cleanup_module(tables)
EOT
}

for_each_arch t_tables
