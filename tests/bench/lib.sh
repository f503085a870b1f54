# Helpers for bench workloads (busybox sh in the guest). Under --icount
# with shift=0, guest nanoseconds are instructions executed.

# now_ns: guest monotonic time in nanoseconds (busybox date has no %N).
now_ns() {
	awk '/^now at/ { print $3; exit }' /proc/timer_list
}

# bench_result NAME VALUE UNIT BASELINE [NOTE...]: one result; VALUE and
# BASELINE in the same UNIT, measured in this boot.
bench_result() {
	echo "BENCH $*"
}

# bench_fail NAME WHY: the workload's own check failed.
bench_fail() {
	echo "BENCH-FAIL $*"
}

# The test-only event trigger (tests/kmod/crs_test.c).
TRIG=/sys/kernel/debug/crs_test/trigger

load_trigger() {
	[ -w "$TRIG" ] || insmod /crs/crs_test.ko
}

# trig LINE: sets PRODUCED FIRST LAST NS from the trigger's answer.
trig() {
	echo "$1" >"$TRIG" || return 1
	# shellcheck disable=SC2046 # four numbers
	set -- $(cat "$TRIG")
	PRODUCED=$1
	FIRST=$2
	LAST=$3
	NS=$4
}
