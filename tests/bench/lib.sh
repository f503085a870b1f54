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

# bench_ratio NAME VALUE BASELINE LIMIT NOTE: a result in ns/op against a
# target of VALUE <= BASELINE * LIMIT; LIMIT - states the figure.
bench_ratio() {
	if [ "$4" = - ]; then
		bench_result "$1" "$2" ns/op "$3" "$5 stated"
	elif awk -v v="$2" -v b="$3" -v l="$4" 'BEGIN { exit !(v <= b * l) }'; then
		bench_result "$1" "$2" ns/op "$3" "$5 target<=$4 ok"
	else
		bench_result "$1" "$2" ns/op "$3" "$5 target<=$4 MISSED"
	fi
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
