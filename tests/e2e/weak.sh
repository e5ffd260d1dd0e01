#!/bin/sh
# weak: weak undefined symbols nobody provides resolve to 0 (from code and from .data), a
# weak reference the kernel provides resolves to it, a weak definition in the module is
# used.
. "${0%/*}/lib.sh"
require_modlink

t_weak() {
	ml_insmod "$W/w.blob" "$BASE" "$FIX/weak$O"
	ml_run 0 "$W/w.blob@$BASE" <<'EOT'
weak: ml_missing_function is NULL
weak: ml_missing_variable is NULL
weak: pointers in data: NULL, NULL
weak: kfree is present
weak: weak_defined(35) = 42
init_module(weak) = 0
weak: cleanup
cleanup_module(weak)
EOT
}

for_each_arch t_weak
