#!/bin/sh
# stack: module user links against what module exporter exports, the way insmod links a
# module against /proc/ksyms: exporter's image lists its exports (modlink-exec exports),
# user is relocated against them, and both run in one executor.  Also the dependency that
# insmod records (2.4 refuses user without exporter) and unresolved symbols.  On i386 the
# stack runs a second time where 2.4 put modules, at vmalloc addresses above 3 GiB.
. "${0%/*}/lib.sh"
require_modlink

# stack_at A B: exporter at A, user at B.
stack_at() {
	ml_insmod "$W/a.blob" "$1" "$FIX/exporter$O"
	ml_exports "$W/a.blob@$1" >"$W/a.ksyms"

	# exporter's own exports (the __insmod_* ksymoops symbols aside), each inside it.
	grep -v '^[0-9a-f]* __insmod_' "$W/a.ksyms" | cut -d' ' -f2- | sort >"$W/names"
	printf '%s\t[exporter]\n' exp_add exp_banner exp_counter exp_fnptr exp_greet exp_mul |
		diff -u - "$W/names"
	size=$(wc -c <"$W/a.blob")
	while read -r addr rest; do
		[ $((0x$addr >= $1 && 0x$addr < $1 + size)) -eq 1 ] ||
			fail "export $rest at $addr is outside exporter [$1, +$size)"
	done <"$W/a.ksyms"
	# The ksymoops symbol whose value is the module itself: what lets insmod find
	# exporter's struct module to record the dependency.
	grep -q "^$(ml_hex "$1") __insmod_exporter_O.*[[:space:]]\[exporter\]\$" "$W/a.ksyms" ||
		fail "no __insmod_exporter_O symbol at $1"

	ml_insmod "$W/b.blob" "$2" --ksyms="$W/a.ksyms" "$FIX/user$O"
	ml_run 0 "$W/a.blob@$1" "$W/b.blob@$2" <<'EOT'
exporter: ready, exp_counter=100
init_module(exporter) = 0
user: exp_add(2, 3) = 5
user: exp_mul(6, 7) = 42
user: exp_fnptr(4, 5) = 20
user: add_ptr(40, 2) = 42
user: exp_banner "exporter banner", exp_greet() "greetings from exporter"
user: exp_counter = 105
user: kmalloc(64) gave a buffer
init_module(user) = 0
user: cleanup, exp_counter = 1105
cleanup_module(user)
exporter: cleanup, exp_counter=1105, calls=5
cleanup_module(exporter)
EOT

	# user depends on exporter: without it (or before it), 2.4 refuses user's image.
	ml_run 3 "$W/b.blob@$2" </dev/null
	ml_run_stderr <<EOT
init_module: found dependency that is (no longer?) a module.
modlink-exec: $W/b.blob: refused, as 2.4's init_module would refuse it (EINVAL)
EOT
	ml_run 3 "$W/b.blob@$2" "$W/a.blob@$1" </dev/null
}

t_stack() {
	stack_at "$BASE" "$BASE2"
	# A 32-bit process on an x86_64 kernel has the whole 4 GiB, so i386 modules can run
	# at 2.4's own module addresses, which look negative as signed longs.
	[ "$ARCH" != i386 ] || stack_at 0xc4800000 0xc4900000

	# Without exporter's symbols: every unresolved symbol is reported, nothing is
	# written.
	ml_insmod_fails 1 "$FIX/user$O"
	for sym in exp_add exp_mul exp_fnptr exp_greet exp_banner exp_counter; do
		ml_stderr_has "$FIX/user$O: unresolved symbol $sym"
	done
}

for_each_arch t_stack
