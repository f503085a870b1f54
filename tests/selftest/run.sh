#!/bin/bash
# Self-test of the test harness: show that `make check` cannot pass when it
# should not. Runs the real machinery (check.sh -> run-vm.sh -> QEMU ->
# run-tests.sh) against one kernel (the first of KVERS / kvers.sh, 6.1), with
# a tiny payload whose only module is tests/selftest/warnmod instead of
# crs.ko, and the shell tests in tests/selftest/cases/:
#
#   mixed  (panic_on_warn=0, 5 s per program): a passing test, a failing
#          test, a test that WARNs, one that crashes before its plan, one
#          that hangs and one that leaves a process behind. check.sh must
#          fail, with exactly the counts below and the expected result lines.
#   panic  (the harness's default panic_on_warn=1): a WARN panics the
#          guest; run-vm.sh must report a dead VM and check.sh must fail.
#
# Two short boots. Prints TAP; exits 1 if any case fails.
# shellcheck disable=SC2317 # the { } block below hides what is reachable
set -eu
# The whole script is one { } block, which bash reads completely before
# running it: editing this file cannot derail runs already in progress.
{

repo=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${KVERS:-}" ]; then
	kver=${KVERS%% *}
else
	kver=$("$repo/tests/lib/kvers.sh" | head -n 1)
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/crs-selftest.XXXXXX")
trap '[ -n "${SELFTEST_KEEP:-}" ] || rm -rf "$tmp"' EXIT

echo "TAP version 13"
echo "# harness self-test on $kver"
num=0
failures=0
check() {	# check DESC CMD...: one TAP result
	local desc=$1
	shift
	num=$((num + 1))
	if "$@"; then
		echo "ok $num $desc"
	else
		echo "not ok $num $desc"
		failures=$((failures + 1))
	fi
}

# The module is built out of tree, like crs.ko, into a scratch copy so the
# source directory stays clean.
cp -R "$repo/tests/selftest/warnmod" "$tmp/warnmod"
if ! make -s -C "/usr/src/linux-headers-$kver" M="$tmp/warnmod" modules \
	>"$tmp/warnmod.log" 2>&1; then
	sed 's/^/# /' "$tmp/warnmod.log"
	echo "Bail out! cannot build tests/selftest/warnmod for $kver"
	exit 1
fi

# A payload laid out as tests/lib/mkpayload.sh does, in BUILD=$tmp/SCENARIO.
make_payload() {	# make_payload SCENARIO
	local p=$tmp/$1/payload-$kver
	mkdir -p "$p/lib" "$p/shell"
	cp -R "$repo/tests/guest" "$p/guest"
	cp "$repo/tests/lib/tap.sh" "$p/lib/tap.sh"
	cp "$tmp/warnmod/warnmod.ko" "$p/"
	echo warnmod.ko >"$p/load-modules"
	cp "$repo/tests/selftest/cases/$1/"*.sh "$p/shell/"
}

run_check() {	# run_check SCENARIO VM_APPEND: check.sh's output and status
	make_payload "$1"
	local rc=0
	BUILD=$tmp/$1 KVERS=$kver PHASES=vm VM_TIMEOUT=200 VM_APPEND=$2 \
		"$repo/tests/check.sh" >"$tmp/$1.out" 2>&1 || rc=$?
	echo "$rc" >"$tmp/$1.rc"
}

has_line() {	# has_line SCENARIO ERE: a line of check.sh's output matches
	grep -Eq "$2" "$tmp/$1.out"
}

last_line_is() {	# last_line_is SCENARIO TEXT
	[ "$(tail -n 1 "$tmp/$1.out")" = "$2" ]
}

failed_status() {	# failed_status SCENARIO: check.sh exited non-zero
	[ "$(cat "$tmp/$1.rc")" -ne 0 ]
}

show() {	# show SCENARIO: check.sh's output as diagnostics
	echo "# --- check.sh output ($1, exit $(cat "$tmp/$1.rc")):"
	sed 's/^/#   /' "$tmp/$1.out"
}

run_check mixed "panic_on_warn=0 CRS_TEST_TIMEOUT=5"
before=$failures
check "mixed: check.sh exits non-zero" failed_status mixed
# 01: 2 pass 1 skip; 02: 1 pass 1 fail; 03: 1 pass, splat; 04: 1 pass, no
# plan; 05: 1 pass, timeout; 06: 1 pass. Plus 2 runner results each, all
# passing but 03's "no kernel warnings".
check "mixed: counts are exact" last_line_is mixed "18 passed, 4 failed, 1 skipped"
check "mixed: passing test passes" \
	has_line mixed '^ok [0-9]+ selftests: crs: shell/01-pass.sh$'
check "mixed: failing test fails" \
	has_line mixed '^not ok [0-9]+ selftests: crs: shell/02-fail.sh # exit=1$'
check "mixed: kernel warning is caught" \
	has_line mixed '^not ok [0-9]+ selftests: crs: shell/03-warn.sh: no kernel warnings$'
check "mixed: the WARNING line is shown" \
	has_line mixed '^# splat: .*WARNING:.*warnmod'
check "mixed: crash before the plan fails" \
	has_line mixed '^not ok [0-9]+ selftests: crs: shell/04-crash.sh # exit=139 \(no plan line\)$'
check "mixed: hang times out" \
	has_line mixed '^not ok [0-9]+ selftests: crs: shell/05-hang.sh # exit=143 \(timed out\)$'
check "mixed: module unloads after a hang" \
	has_line mixed '^ok [0-9]+ selftests: crs: shell/05-hang.sh: module unloaded cleanly$'
check "mixed: leftover process does not block the runner" \
	has_line mixed '^ok [0-9]+ selftests: crs: shell/06-leftover.sh$'
check "mixed: leftover process is killed" \
	has_line mixed '^# runner: killing leftover processes: [0-9]+\(sleep\)$'
[ "$failures" -eq "$before" ] || show mixed

run_check panic ""
before=$failures
check "panic: check.sh exits non-zero" failed_status panic
check "panic: the dead VM is one failure" last_line_is panic "0 passed, 1 failed"
check "panic: reported as a dead VM" \
	has_line panic '^not ok [0-9]+ vm: .* # VM died'
check "panic: the WARNING line is shown" \
	has_line panic '^run-vm: splat: .*WARNING:.*warnmod'
[ "$failures" -eq "$before" ] || show panic

echo "1..$num"
[ "$failures" -eq 0 ]
exit
}
