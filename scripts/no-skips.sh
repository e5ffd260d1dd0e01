#!/bin/sh
# no-skips.sh BUILDDIR...: after `make check`, fail if any test, or any CPU variant inside a
# test, was skipped.  On a fresh machine set up by scripts/run.sh a skip means a missing
# install step or a host the tests do not handle: a hole, not a pass.  CI (.ci/run) runs
# this through `MODLINK_NO_SKIP=1 scripts/run.sh check`.
#
# A skip is an automake SKIP result (exit 77) or a line of a test's log that starts with
# "SKIP" or "skip " (the per-variant and per-case form of tests/e2e/lib.sh and friends).
# Cases that are not run by design say so with other words ("n/a", "by design").
set -eu
status=0
for dir in "$@"; do
	[ -d "$dir" ] || { echo "no-skips.sh: $dir: no such build directory" >&2; exit 2; }
	# the automake harness's per-test logs: each has a .trs beside it
	logs=$(find "$dir" -name '*.trs' -type f | sed 's/\.trs$/.log/' | sort)
	[ -n "$logs" ] || { echo "no-skips.sh: $dir: no test logs (did make check run?)" >&2; exit 2; }
	for log in $logs; do
		lines=$(grep -E '^(SKIP|skip )' "$log" 2>/dev/null || true)
		trs=${log%.log}.trs
		if [ -f "$trs" ] && grep -q '^:test-result: SKIP' "$trs"; then
			lines="the whole test was skipped (exit 77)${lines:+
$lines}"
		fi
		[ -n "$lines" ] || continue
		status=1
		echo "$log:"
		echo "$lines" | sed 's/^/    /'
	done
done
[ "$status" -eq 0 ] || echo "no-skips.sh: the tests above skipped something (MODLINK_NO_SKIP=1): each is a failure here"
exit $status
