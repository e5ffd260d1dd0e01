#!/bin/bash
# scripts/identity.sh BUILDDIR OUT: fingerprints of every file modlink writes while the test
# suite runs, and of `modlink relocate --out` over Debian's module tree, for proving that a
# change which should not change behaviour (a refactor) did not: run it on the build before
# and after, then `diff` the two OUT files.
#
# How: BUILDDIR/modlink is put aside as modlink.identity-real and a wrapper takes its place
# for the run (the tests call $top_builddir/modlink; k24emu and the modutils names are links
# to it, so argv[0] is passed on). After each call, the wrapper records every regular file
# named by an argument (FILE, --opt=FILE, or inside a DIR argument) that the call created or
# changed: "sha256  path" with mktemp's random parts (.XXXXXX) and the build dir masked, so
# two runs compare line by line once sorted. Then `make check` (TESTS=... to narrow it), then
# relocate over the tree (scripts/debian-kernel.sh; skipped with a note when it is not there).
# The real binary is put back on exit, whatever happens.
set -u
[ $# -eq 2 ] || { echo "usage: $0 BUILDDIR OUT" >&2; exit 2; }
B=$(cd "$1" && pwd)
OUT=$(realpath -m "$2")
here=$(cd "$(dirname "$0")/.." && pwd)
real=$B/modlink.identity-real
[ -x "$B/modlink" ] || { echo "$0: $B/modlink is not built" >&2; exit 2; }
make -C "$B" -s modlink >/dev/null || exit 1
mv "$B/modlink" "$real"
LOG=$(mktemp "${TMPDIR:-/tmp}/identity-log.XXXXXX")
trap 'mv -f "$real" "$B/modlink"; rm -f "$LOG"' EXIT

cat >"$B/modlink" <<EOF
#!/bin/bash
mark=\$(mktemp "\${TMPDIR:-/tmp}/identity-mark.XXXXXX")
sleep 0.01
exec 9>&-
(exec -a "\$0" "$real" "\$@")
rc=\$?
for a in "\$@"; do
	p=\${a#*=}
	[ "\${a#-}" != "\$a" ] && [ "\$p" = "\$a" ] && continue
	[ -e "\$p" ] || continue
	find "\$p" -type f -newer "\$mark" ! -name 'identity-*' 2>/dev/null
done | sort -u | while read -r f; do
	h=\$(sha256sum <"\$f" | cut -c1-64)
	n=\$(printf '%s' "\$f" | sed -E 's|$B|BUILD|g; s|\\.[A-Za-z0-9]{6}(/\|\$)|.X\\1|g; s|/tmp/tmp\\.[A-Za-z0-9]+|/tmp/X|g')
	printf '%s  %s\n' "\$h" "\$n" >>"$LOG"
done
rm -f "\$mark"
exit \$rc
EOF
chmod +x "$B/modlink"

start=$(date +%s)
make -C "$B" -j"$(nproc)" check ${TESTS:+TESTS="$TESTS"} >/dev/null 2>&1
rc=$?
echo "identity: make check exited $rc after $(($(date +%s) - start)) s"

if env=$("$here/scripts/debian-kernel.sh" 2>/dev/null); then
	eval "$env"
	cap=${MODLINK_QEMU_CAPTURE:-$KDIR/qemu}
	if "$here/scripts/qemu-kallsyms.sh" "$cap" >/dev/null 2>&1; then
		R=$(mktemp -d "${TMPDIR:-/tmp}/identity-tree.XXXXXX")
		"$real" relocate -q --kallsyms="$cap/kallsyms" --tree="$MODDIR" --out="$R" >/dev/null
		(cd "$R" && find . -type f | sort | xargs sha256sum | sed 's|  \./|  tree/|') >>"$LOG"
		echo "identity: relocate --tree: $(find "$R" -type f | wc -l) files"
		rm -rf "$R"
	else
		echo "identity: no kallsyms capture: tree not relocated"
	fi
else
	echo "identity: no Debian kernel tree: tree not relocated"
fi
sort "$LOG" >"$OUT"
echo "identity: $(wc -l <"$OUT") fingerprints in $OUT"
exit $rc
