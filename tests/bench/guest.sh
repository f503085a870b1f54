#!/bin/sh
# In the guest (busybox sh): runs each workload of /crs/bench/workloads,
# each against a freshly loaded crs.ko, and prints its BENCH lines.
. /crs/bench/lib.sh
filter=${BENCH_FILTER:-*}
failed=0
for w in /crs/bench/workloads/*.sh; do
	name=$(basename "$w" .sh)
	# shellcheck disable=SC2254 # a pattern on purpose
	case $name in $filter) ;; *) continue ;; esac
	insmod /crs/crs.ko || { echo "BENCH-FAIL $name: insmod crs.ko"; failed=1; continue; }
	( . "$w" ) || { echo "BENCH-FAIL $name: exit $?"; failed=1; }
	[ ! -e /sys/module/crs_test ] || rmmod crs_test
	rmmod crs
done
[ "$failed" -eq 0 ]
