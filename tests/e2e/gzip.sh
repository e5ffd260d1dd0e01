#!/bin/sh
# gzip: a gzip-compressed object (.o.gz) is read transparently: the same image, byte for
# byte, as from the plain object, and the module name drops ".o.gz".  (The fixtures of
# the qemu-user CPUs are .o.gz already: the plain object is made from them.)
. "${0%/*}/lib.sh"
require_modlink
command -v gzip >/dev/null || skip "gzip is not installed"

t_gzip() {
	if [ "$O" = .o.gz ]; then
		gzip -dc "$FIX/hello$O" >"$W/hello.o"
	else
		cp "$FIX/hello$O" "$W/hello.o"
	fi
	gzip -c "$W/hello.o" >"$W/hello.o.gz"
	# -y: no ksymoops symbols, whose strings carry the file's path and mtime.
	ml_insmod "$W/plain.blob" "$BASE" -y "$W/hello.o"
	ml_insmod "$W/gz.blob" "$BASE" -y "$W/hello.o.gz"
	cmp "$W/plain.blob" "$W/gz.blob"

	ml_insmod "$W/gz.blob" "$BASE" "$W/hello.o.gz"
	ml_run 0 "$W/gz.blob@$BASE" <<EOT
Hello, world
hello: I am hello, struct module is $SOS bytes, jiffies 100000
hello: registered character device, major 254
hello: fops owner is THIS_MODULE, open count 1
init_module(hello) = 0
Goodbye, world (unregister_chrdev returned 0)
cleanup_module(hello)
EOT

	# A corrupt .gz is an error, not a crash.
	dd if="$W/hello.o.gz" of="$W/broken.o.gz" bs=40 count=1 2>/dev/null
	ml_insmod_fails 1 "$W/broken.o.gz"
}

for_each_arch t_gzip
