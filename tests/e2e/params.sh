#!/bin/sh
# params: every MODULE_PARM type (b h i l s c<N>, arrays, ranges), set on the command line
# and stored by modlink into the image; the module prints what it finds.  Also the errors
# of modutils' parameter parser, with their exact texts.
. "${0%/*}/lib.sh"
require_modlink

t_params() {
	obj=$FIX/params$O

	# Defaults: nothing given, the initial values in .data (and pointers to .rodata).
	ml_insmod "$W/p.blob" "$BASE" "$obj"
	ml_run 0 "$W/p.blob@$BASE" <<'EOT'
params: pb=1 ph=-2 pi=3 pl=-4
params: ps="default string"
params: pc="c20 default"
params: parr=10,20,30,40
params: harr=100,200 barr=7,8,9
params: larr=-1,-2,-3
params: sarr[0]="first"
params: sarr[1]="second"
params: carr[0]="abc"
params: carr[1]="defg"
params: params_global=0x1234
init_module(params) = 0
params: cleanup, pi=3
cleanup_module(params)
EOT

	# Every parameter: numbers in hex, octal and decimal, truncated to their size
	# (0x1ff as a byte is 255, 70000 as a short 4464); partial arrays keep their other
	# defaults.
	ml_insmod "$W/p.blob" "$BASE" "$obj" pb=0x1ff ph=70000 pi=0x10 pl=-123456789 \
		ps=hello pc=eighteen-chars-ok! parr=1,2 harr=-1,-2 barr=1,2,3 larr=5 \
		sarr=one,two carr=x,yz params_global=077
	ml_run 0 "$W/p.blob@$BASE" <<'EOT'
params: pb=255 ph=4464 pi=16 pl=-123456789
params: ps="hello"
params: pc="eighteen-chars-ok!"
params: parr=1,2,30,40
params: harr=-1,-2 barr=1,2,3
params: larr=5,-2,-3
params: sarr[0]="one"
params: sarr[1]="two"
params: carr[0]="x"
params: carr[1]="yz"
params: params_global=0x3f
init_module(params) = 0
params: cleanup, pi=16
cleanup_module(params)
EOT

	# Quoted strings: escapes (octal, \t), commas inside quotes, empty strings.
	ml_insmod "$W/p.blob" "$BASE" "$obj" 'ps="a\101b\tc"' 'pc="q,uoted"' 'sarr="x y",z' \
		'carr="1234567",""'
	{
		echo 'params: pb=1 ph=-2 pi=3 pl=-4'
		printf 'params: ps="aAb\tc"\n'
		echo 'params: pc="q,uoted"'
		echo 'params: parr=10,20,30,40'
		echo 'params: harr=100,200 barr=7,8,9'
		echo 'params: larr=-1,-2,-3'
		echo 'params: sarr[0]="x y"'
		echo 'params: sarr[1]="z"'
		echo 'params: carr[0]="1234567"'
		echo 'params: carr[1]=""'
		echo 'params: params_global=0x1234'
		echo 'init_module(params) = 0'
		echo 'params: cleanup, pi=3'
		echo 'cleanup_module(params)'
	} | ml_run 0 "$W/p.blob@$BASE"

	# Errors: exit status 1, no image, modutils' message prefixed with the object's
	# name.
	ml_insmod_fails 1 "$obj" parr=1,2,3,4,5
	ml_stderr_has "$obj: too many values for parr (max 4)"
	ml_insmod_fails 1 "$obj" harr=1
	ml_stderr_has "$obj: too few values for harr (min 2)"
	ml_insmod_fails 1 "$obj" barr=1
	ml_stderr_has "$obj: too few values for barr (min 2)"
	ml_insmod_fails 1 "$obj" nosuch=1
	ml_stderr_has "$obj: invalid parameter parm_nosuch"
	ml_insmod_fails 1 "$obj" 'ps="abc'
	ml_stderr_has "$obj: improperly terminated string argument for ps"
	ml_insmod_fails 1 "$obj" pi=1x
	ml_stderr_has "$obj: invalid argument syntax for pi: 'x'"
	ml_insmod_fails 1 "$obj" pc=twenty-characters-xx
	if ! grep -q "^$obj: string too long for pc (max [0-9]*)\$" "$W/insmod.err"; then
		echo "no 'string too long for pc' error; stderr was:"
		cat "$W/insmod.err"
		return 1
	fi
}

for_each_arch t_params
