#!/bin/sh
# hello: relocate the hello module, run it: printk through the stub kernel, THIS_MODULE,
# kernel data (jiffies), register_chrdev, a fops table of static functions.
. "${0%/*}/lib.sh"
require_modlink

# The lines hello prints when loaded under the name $1.
expected() {
	cat <<EOT
Hello, world
hello: I am $1, struct module is $SOS bytes, jiffies 100000
hello: registered character device, major 254
hello: fops owner is THIS_MODULE, open count 1
init_module($1) = 0
Goodbye, world (unregister_chrdev returned 0)
cleanup_module($1)
EOT
}

t_hello() {
	ml_insmod "$W/hello.blob" "$BASE" "$FIX/hello$O"

	# The image is the module's whole memory, starting with struct module.
	size=$(wc -c <"$W/hello.blob")
	[ "$(ml_word "$W/hello.blob" 0)" -eq "$SOS" ] || fail "size_of_struct is not $SOS"
	[ "$(ml_word "$W/hello.blob" 3)" -eq "$size" ] ||
		fail "struct module size is not the blob's size $size"

	expected hello | ml_run 0 "$W/hello.blob@$BASE"
	ml_run_stderr </dev/null

	# Relocated for another address: a different image, the same behaviour there.
	ml_insmod "$W/hello2.blob" "$BASE2" "$FIX/hello$O"
	if cmp -s "$W/hello.blob" "$W/hello2.blob"; then
		fail "the images for $BASE and $BASE2 are identical"
	fi
	expected hello | ml_run 0 "$W/hello2.blob@$BASE2"

	# -o renames the module: struct module's name changes.
	ml_insmod "$W/hi.blob" "$BASE" -o hi "$FIX/hello$O"
	expected hi | ml_run 0 "$W/hi.blob@$BASE"
}

for_each_arch t_hello
