#!/bin/bash
# Everything `make check` runs, once the Makefile has built the tree:
#
#   unit      host unit tests: $BUILD/tests/unit/* executables printing TAP
#   selftest  tests/selftest/run.sh: the harness catches failures and splats
#   dkms      `dkms build` of the repository for each kernel, in a private
#             DKMS tree: nothing is installed on the host
#   vm        each kernel booted in QEMU with $BUILD/payload-KVER, running
#             /crs/guest/run-tests.sh (crs.ko is never loaded on the host)
#
# Environment:
#   BUILD       build directory (default "build")
#   KVERS       kernels, space-separated (default: tests/lib/kvers.sh)
#   PHASES      phases to run, space-separated (default "unit selftest dkms vm")
#   VM_TIMEOUT  seconds before a VM counts as hung (default 600)
#   VM_JOBS     VMs at once, one per kernel (default: the host's CPUs)
#   VM_APPEND   extra kernel command line for the VMs, e.g.
#               "CRS_TEST_FILTER=shell/attach*" (see tests/guest/run-tests.sh)
#
# Prints TAP-style results and, as the very last line,
# "N passed, M failed, K skipped", summing all phases; a VM that hangs or
# dies counts as one failure on top of what it reported. Exit 0 iff M is 0.
# shellcheck disable=SC2317 # the { } block below hides what is reachable
set -eu
# The whole script is one { } block, which bash reads completely before
# running it: editing this file cannot derail runs already in progress.
{

repo=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
PHASES=${PHASES:-unit selftest dkms vm}
VM_TIMEOUT=${VM_TIMEOUT:-600}
VM_APPEND=${VM_APPEND:-}
awk_summary=$repo/tests/guest/tap-summary.awk

passed=0
failed=0
skipped=0
num=0
timings=()
tmp=$(mktemp -d "${TMPDIR:-/tmp}/crs-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

result() {	# result ok|not-ok DESCRIPTION: one of check.sh's own results
	num=$((num + 1))
	if [ "$1" = ok ]; then
		echo "ok $num $2"
		passed=$((passed + 1))
	else
		echo "not ok $num $2"
		failed=$((failed + 1))
	fi
}

phase_wanted() {
	case " $PHASES " in *" $1 "*) return 0 ;; esac
	return 1
}

# Run a host program that prints TAP, show its output as comments, and add
# its results to the totals. One result line of our own says how it went.
run_tap_program() {	# run_tap_program NAME CMD...
	local name=$1 rc=0 timedout=0 p f s extra reason
	shift
	echo "# $name"
	timeout -k 10 900 "$@" </dev/null >"$tmp/out" 2>&1 || rc=$?
	[ "$rc" -ne 124 ] || timedout=1
	sed 's/^/# /' "$tmp/out"
	read -r p f s extra reason < <(awk -v rc="$rc" -v timedout="$timedout" \
		-f "$awk_summary" "$tmp/out")
	passed=$((passed + p))
	failed=$((failed + f + extra))
	skipped=$((skipped + s))
	num=$((num + 1))
	if [ "$f" -eq 0 ] && [ "$extra" -eq 0 ]; then
		echo "ok $num $name"
	elif [ "$reason" = - ]; then
		echo "not ok $num $name # exit=$rc"
	else
		echo "not ok $num $name # exit=$rc ($reason)"
	fi
}

timed() {	# timed LABEL CMD...: run CMD, remember how long it took
	local label=$1 start=$SECONDS
	shift
	"$@"
	timings+=("$label $((SECONDS - start))s")
}

if [ -n "${KVERS:-}" ]; then
	read -r -a kvers <<<"$KVERS"
else
	# kvers.sh fails when a supported series is missing but still prints
	# the ones it found: test those, and count the gap as a failure.
	mapfile -t kvers < <("$repo/tests/lib/kvers.sh" || echo "MISSING")
	if [ "${kvers[-1]:-}" = MISSING ]; then
		unset 'kvers[-1]'
		result not-ok "all supported kernels present (see tests/lib/kvers.sh)"
	fi
fi
echo "# kernels: ${kvers[*]:-none}"

phase_unit() {
	local prog
	for prog in "$BUILD"/tests/unit/*; do
		if [ ! -f "$prog" ] || [ ! -x "$prog" ]; then
			continue
		fi
		run_tap_program "unit: ${prog##*/}" "$prog"
	done
}

phase_selftest() {
	run_tap_program "selftest: harness" "$repo/tests/selftest/run.sh"
}

# Build with DKMS as a user's machine would, but into a private tree:
# --dkmstree/--sourcetree keep it out of /var/lib/dkms and /usr/src, and the
# signing key DKMS would otherwise create in /var/lib/dkms is a throwaway.
dkms_build() {	# dkms_build KVER VERSION
	local kver=$1 version=$2 d=$tmp/dkms-$1 mod
	local -a opts=(--dkmstree "$d/tree" --sourcetree "$d/src")
	mkdir -p "$d/tree" "$d/src/crs-$version"
	# Exactly the files `make install-dkms` ships (DKMS_FILES, from the
	# Makefile), so that a file missing from the package fails here.
	# shellcheck disable=SC2086 # a list of names on purpose
	(cd "$repo" && cp -r ${DKMS_FILES:-Kbuild VERSION dkms.conf kmod include} \
		"$d/src/crs-$version/")
	if ! env mok_signing_key="$d/mok.key" mok_certificate="$d/mok.pub" \
		dkms add -m crs -v "$version" "${opts[@]}" >"$d/log" 2>&1 ||
		! env mok_signing_key="$d/mok.key" mok_certificate="$d/mok.pub" \
		dkms build -m crs -v "$version" -k "$kver" "${opts[@]}" \
		--kernelsourcedir "/usr/src/linux-headers-$kver" >>"$d/log" 2>&1; then
		sed 's/^/# /' "$d/log"
		mod=$d/tree/crs/$version/build/make.log	# left there on failure
		[ ! -f "$mod" ] || tail -n 60 "$mod" | sed 's/^/# make.log: /'
		result not-ok "dkms build crs $version for $kver"
		return
	fi
	for mod in "$d/tree/crs/$version/$kver/x86_64/module"/crs.ko*; do
		if [ -f "$mod" ]; then
			result ok "dkms build crs $version for $kver"
			return
		fi
	done
	sed 's/^/# /' "$d/log"
	result not-ok "dkms build crs $version for $kver # no crs.ko in the DKMS tree"
}

phase_dkms() {
	local kver version
	if [ ! -f "$repo/dkms.conf" ] || [ ! -f "$repo/VERSION" ]; then
		for kver in "${kvers[@]}"; do
			result not-ok "dkms build crs for $kver # dkms.conf or VERSION missing at the repository root"
		done
		return
	fi
	version=$(tr -d ' \t\n' <"$repo/VERSION")
	for kver in "${kvers[@]}"; do
		timed "dkms $kver" dkms_build "$kver" "$version"
	done
}

# Start one kernel's VM: run-vm.sh's status goes to $tmp/vm-KVER.rc, its
# output (the guest's TAP) to stdout, or to $tmp/vm-KVER.out with OUT=1.
vm_start() {	# vm_start KVER OUT
	local kver=$1 payload=$BUILD/payload-$1 log=$BUILD/logs/vm-$1.log
	local rc=0 start=$SECONDS
	mkdir -p "${log%/*}"
	if [ "$2" = 1 ]; then
		exec >"$tmp/vm-$kver.out" 2>&1
	fi
	"$repo/tests/vm/run-vm.sh" --kver "$kver" --payload "$payload" \
		--script /crs/guest/run-tests.sh --timeout "$VM_TIMEOUT" \
		--log "$log" ${VM_APPEND:+--append "$VM_APPEND"} || rc=$?
	echo "$rc $((SECONDS - start))" >"$tmp/vm-$kver.rc"
}

# Count one kernel's VM: the guest's summary, and the VM's own line when it
# adds a failure the summary does not already hold.
vm_result() {	# vm_result KVER
	local kver=$1 log=$BUILD/logs/vm-$1.log
	local rc=125 secs=0 summary p f s reason
	[ ! -f "$tmp/vm-$kver.rc" ] || read -r rc secs <"$tmp/vm-$kver.rc"
	timings+=("vm $kver ${secs}s")
	# A whole line only: test output in the stream is indented.
	summary=$(grep -axE 'CRS-GUEST-SUMMARY passed=[0-9]+ failed=[0-9]+ skipped=[0-9]+' \
		"$log" 2>/dev/null | tail -n 1 || true)
	if [ -n "$summary" ]; then
		read -r p f s < <(echo "$summary" | sed -E 's/[^ ]* passed=([0-9]+) failed=([0-9]+) skipped=([0-9]+)/\1 \2 \3/')
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
	fi
	num=$((num + 1))
	case $rc in
	0) if [ -n "$summary" ]; then
		echo "ok $num vm: $kver"
		return
	   fi
	   reason="no CRS-GUEST-SUMMARY line" ;;
	124) reason="VM timed out after ${VM_TIMEOUT}s" ;;
	125) reason="VM died (panic, oops or QEMU failure)" ;;
	126) reason="VM could not be started" ;;
	*) if [ -n "$summary" ] && [ "$f" -gt 0 ]; then
		echo "not ok $num vm: $kver # $f failed"
		return
	   fi
	   reason="guest exited $rc with no failure in its summary" ;;
	esac
	failed=$((failed + 1))
	echo "not ok $num vm: $kver # $reason; console log: $log"
}

# The kernels' VMs run at the same time, VM_JOBS at once (default: the
# number of host CPUs): each VM's vCPUs share one host thread (run-vm.sh),
# so on a two-CPU machine two VMs take about as long as one. The first
# kernel's output shows as it comes; the others' is printed when it ends.
phase_vm() {
	local kver jobs=${VM_JOBS:-$(nproc)}
	local -a fg=() bg=()
	for kver in "${kvers[@]}"; do
		if [ ! -d "$BUILD/payload-$kver" ]; then
			num=$((num + 1))
			failed=$((failed + 1))
			echo "not ok $num vm: $kver # no payload $BUILD/payload-$kver (make builds it; see tests/lib/mkpayload.sh)"
		elif [ "${#fg[@]}" -gt 0 ] && [ "${#bg[@]}" -lt $((jobs - 1)) ]; then
			bg+=("$kver")
		else
			fg+=("$kver")
		fi
	done
	for kver in "${bg[@]}"; do
		vm_start "$kver" 1 &
	done
	for kver in "${fg[@]}"; do
		vm_start "$kver" 0
		vm_result "$kver"
	done
	wait
	for kver in "${bg[@]}"; do
		cat "$tmp/vm-$kver.out"
		vm_result "$kver"
	done
}

for phase in unit selftest dkms vm; do
	phase_wanted "$phase" || continue
	echo "# === $phase ==="
	timed "$phase" "phase_$phase"
done

for t in "${timings[@]}"; do
	echo "# time: $t"
done
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
exit
}
