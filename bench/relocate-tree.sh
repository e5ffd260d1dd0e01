#!/bin/bash
# bench/relocate-tree.sh [MODLINK]: how fast modlink relocates Debian's whole module tree.
#
# Prints, from one run on this machine:
#   floor      the least any program must do to see every byte of the tree: one process
#              (bench/touch-pages.c) mapping every module file and reading one byte of
#              each page, from the page cache (best of 5)
#   modlink    `modlink relocate` on the whole tree in one process (best of 5), and its
#              peak memory (/usr/bin/time -v); again with -j1 (no threads); --stats
#              lines say where the time went
#   GNU ld     the same work done as a user would script it: one `ld -T` per module,
#              with linker scripts placing the sections where modlink did and giving the
#              undefined symbols their values (written beforehand, not timed)
#   ratio      GNU ld time / modlink time
#   amdgpu.ko  `modlink insmod -n -O` on the largest module alone, minus the same command
#              on a tiny module (the fixed cost of reading the symbol files and starting):
#              the median over 15 back-to-back pairs
# Targets (issue 7): whole tree <= 1.0 s, >= 25x faster than GNU ld, amdgpu.ko <= 20 ms.
# Needs what tests/e2e/debian-corpus.sh needs (scripts/debian-kernel.sh, qemu for the
# kallsyms capture).  Takes a few minutes, mostly GNU ld.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
MODLINK=${1:-${MODLINK:-$here/modlink}}
[ -x "$MODLINK" ] || { echo "usage: $0 [path/to/modlink]" >&2; exit 2; }
eval "$("$here/scripts/debian-kernel.sh")"
cap=${MODLINK_QEMU_CAPTURE:-$KDIR/qemu}
"$here/scripts/qemu-kallsyms.sh" "$cap"
K=$cap/kallsyms
. "$here/tests/e2e/ld-modern.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/ml-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT

secs() { perl -MTime::HiRes=time -e 'printf "%.3f", time'; }
elapsed() { perl -e 'printf "%.3f", $ARGV[1] - $ARGV[0]' "$1" "$2"; }

find "$MODDIR/kernel" -name '*.ko*' | sort >"$T/files"
# The floor: compiled here, with the host's cc (it is the bench's, not modlink's, and the
# bench runs against any modlink binary), optimised as modlink is.
${CC:-cc} -O2 -o "$T/touch-pages" "$here/bench/touch-pages.c"
bytes=$("$T/touch-pages" <"$T/files") # and warms the page cache
floor=
for i in 1 2 3 4 5; do
	t0=$(secs); "$T/touch-pages" <"$T/files" >/dev/null; t1=$(secs)
	e=$(elapsed "$t0" "$t1")
	if [ -z "$floor" ] || perl -e 'exit !($ARGV[0] < $ARGV[1])' "$e" "$floor"; then
		floor=$e
	fi
done

# best_tree [OPTION...]: the best of 5 whole-tree runs, in seconds.
best_tree() {
	local b= e t0 t1
	for i in 1 2 3 4 5; do
		t0=$(secs)
		"$MODLINK" relocate -q --stats "$@" --kallsyms="$K" --tree="$MODDIR" >"$T/rel.out"
		t1=$(secs)
		e=$(elapsed "$t0" "$t1")
		if [ -z "$b" ] || perl -e 'exit !($ARGV[0] < $ARGV[1])' "$e" "$b"; then
			b=$e
			cp "$T/rel.out" "$T/rel.best"
		fi
	done
	echo "$b"
}
best=$(best_tree)
summary=$(grep -v '^stats:' "$T/rel.best" | tail -1)
stats=$(sed -n 's/^stats: //p' "$T/rel.best")
best1=$(best_tree -j1)
stats1=$(sed -n 's/^stats: //p' "$T/rel.best")
rss=n/a
if [ -x /usr/bin/time ]; then
	/usr/bin/time -v "$MODLINK" relocate -q --kallsyms="$K" --tree="$MODDIR" >/dev/null 2>"$T/time.v"
	rss=$(sed -n 's/^\tMaximum resident set size (kbytes): //p' "$T/time.v")" KiB"
fi

# GNU ld: scripts and objects prepared (not timed), then one ld per module.
"$MODLINK" relocate -q --kallsyms="$K" --tree="$MODDIR" --out="$T/out" >/dev/null
LDM_KEEP=1 ldm_compare "$T/out" "$K" "$T/ld" >"$T/ldm.out" || { cat "$T/ldm.out"; exit 1; }
cat "$T"/ld/*/ld.cmd >"$T/ld.cmds"
t0=$(secs)
while read -r cmd; do eval "$cmd"; done <"$T/ld.cmds"
t1=$(secs)
ldt=$(elapsed "$t0" "$t1")

# amdgpu.ko alone: its dependencies' exports as a symbol file, then insmod -n.
amd=$(grep '/amdgpu\.ko' "$T/files" | head -1)
ldm_exports "$T"/out/*.map >"$T/exports.ksyms"
small=$(grep '/dummy\.ko' "$T/files" | head -1)
run_insmod() {
	"$MODLINK" insmod -n --kallsyms="$K" --ksyms="$T/exports.ksyms" --base=0xffffffffc1000000 -O "$T/x.img" "$1" >/dev/null
}
# timed_insmod MODULE: one run's seconds, into a new output file (removed untimed:
# truncating the last run's file costs the file system a few ms that writing does not).
timed_insmod() {
	local t0 t1
	rm -f "$T/x.img"
	t0=$(secs); run_insmod "$1"; t1=$(secs)
	elapsed "$t0" "$t1"
}
# 15 pairs, dummy.ko then amdgpu.ko back to back, so that both see the same machine:
# the median of the pairs' differences, and each one's best.
for i in $(seq 15); do
	echo "$(timed_insmod "$small") $(timed_insmod "$amd")"
done >"$T/pairs"
read -r ts ta tdiff <<EOT
$(perl -ane 'push @s, $F[0]; push @a, $F[1]; push @d, $F[1] - $F[0];
	END { @d = sort { $a <=> $b } @d; @s = sort { $a <=> $b } @s; @a = sort { $a <=> $b } @a;
	      printf "%.3f %.3f %.1f\n", $s[0], $a[0], 1000 * $d[$#d / 2] }' "$T/pairs")
EOT

echo "corpus:        $NMODULES modules of linux-image-$KVER, $((bytes / 1048576)) MiB"
echo "modlink:       $summary"
echo "floor (touch): $floor s (best of 5: one process maps every file, reads a byte a page)"
echo "modlink:       $best s (best of 5, one process, default threads), peak memory $rss"
echo "               ($stats)"
echo "modlink -j1:   $best1 s (best of 5, no threads)"
echo "               ($stats1)"
echo "GNU ld:        $ldt s ($(wc -l <"$T/ld.cmds") ld runs)"
echo "ratio:         $(perl -e 'printf "%.1f", $ARGV[0] / $ARGV[1]' "$ldt" "$best")x faster than GNU ld"
echo "amdgpu.ko:     $tdiff ms (median of 15 paired runs of insmod -n -O amdgpu.ko less dummy.ko, the fixed cost; best: $ta s and $ts s)"
echo "targets:       tree <= 1.0 s, >= 25x GNU ld, amdgpu.ko <= 20 ms"
