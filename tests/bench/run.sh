#!/bin/bash
# make bench: boots the VM with QEMU's instruction counter (run-vm.sh
# --icount: -icount shift=0,sleep=off, one vCPU, so one nanosecond of guest
# time is one instruction) and runs every workload in tests/bench/workloads.
#
#   tests/bench/run.sh            the newest kernel of tests/lib/kvers.sh
#   BENCH_KVERS="A B" run.sh      those kernels
#   BENCH_FILTER=events run.sh    workloads whose file name matches
#
# A workload (tests/bench/workloads/NAME.sh, sourced by guest.sh in the
# guest with lib.sh's helpers) measures its operation and a baseline
# operation in the same boot and reports them with bench_result. Each
# result becomes one line here:
#
#   KVER  WORKLOAD  VALUE UNIT  (baseline BASELINE UNIT: ratio R)  NOTE
#
# Exit status: 0 if every workload reported and none failed its check.
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
BUILD=${BUILD:-build}
kvers=${BENCH_KVERS:-$(tests/lib/kvers.sh | tail -n 1)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/crs-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0

for k in $kvers; do
	payload=$tmp/payload-$k
	BUILD=$BUILD tests/lib/mkpayload.sh "$k" "$payload" >/dev/null
	# The tests are not needed; the bench scripts are.
	rm -rf "$payload/kselftest" "$payload/shell"
	mkdir -p "$payload/kselftest" "$payload/shell"
	cp -R tests/bench "$payload/bench"
	log=$tmp/console-$k.log
	vm_status=0
	tests/vm/run-vm.sh --kver "$k" --payload "$payload" --icount \
		--script /crs/bench/guest.sh --timeout "${BENCH_TIMEOUT:-1800}" \
		--append "BENCH_FILTER=${BENCH_FILTER:-*}" --log "$log" \
		>/dev/null 2>"$tmp/vm-$k.err" || vm_status=$?
	# BENCH NAME VALUE UNIT BASELINE NOTE...
	awk -v k="$k" '
		$1 == "BENCH" {
			n++
			ratio = $5 > 0 ? sprintf("%.2f", $3 / $5) : "-"
			note = ""
			for (i = 6; i <= NF; i++) note = note " " $i
			printf "%s  %-22s %12.1f %s  (baseline %.1f %s: ratio %s)%s\n",
				k, $2, $3, $4, $5, $4, ratio, note
		}
		$1 == "BENCH-FAIL" { bad++; sub(/^BENCH-FAIL /, ""); print k "  FAILED: " $0 }
		END { exit (n == 0 || bad > 0) }' "$log" || status=1
	if [ "$vm_status" -ne 0 ]; then
		echo "$k: the VM ended with status $vm_status:"
		sed 's/^/  /' "$tmp/vm-$k.err"
		grep -v '^BENCH' "$log" | tail -n 30 | sed 's/^/  | /'
		status=1
	fi
done
exit "$status"
