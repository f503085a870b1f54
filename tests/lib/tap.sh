# TAP helpers for crs scenario tests (tests/shell/*.sh). POSIX sh: runs under
# busybox sh in the guest (as /crs/lib/tap.sh) and under dash/bash on a host.
#
#   . /crs/lib/tap.sh
#   t_ok "policy applies" crsctl policy apply -f web.json
#   t_not "duplicate rule name is refused" crsctl policy apply -f dup.json
#   t_status 2 "unknown command is bad usage" crsctl frobnicate
#   t_expect_eq "web" "$(crsctl -j policy list | jq -r .[0].name)" "listed"
#   t_done
#
# Results are numbered as they happen and the plan ("1..N") is printed by
# t_done at the end, so a test never has to count its cases. A script that
# dies before t_done prints no plan, which the runner reports as a failure:
# that is deliberate, so do not print the plan from an EXIT trap.
#
# After t_ok/t_not/t_status, T_OUT holds the command's stdout and stderr and
# T_RC its exit status, for further checks (t_expect_match "$T_OUT" ...).

T_NUM=0
T_FAILED=0
T_OUT=
T_RC=0
echo "TAP version 13"

# Print each line of stdin as a TAP comment (diagnostics).
t_diag() {
	sed 's/^/# /'
}

t_pass() {
	T_NUM=$((T_NUM + 1))
	echo "ok $T_NUM $1"
}

# t_fail DESC [WHY...]: a failed result, with WHY as diagnostics.
t_fail() {
	T_NUM=$((T_NUM + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_NUM $1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | t_diag
}

# t_skip DESC REASON: a case that cannot run here (counts as skipped).
t_skip() {
	T_NUM=$((T_NUM + 1))
	echo "ok $T_NUM $1 # SKIP ${2:-}"
}

# t_skip_all REASON: the whole script cannot run here; exits.
t_skip_all() {
	echo "1..0 # SKIP $1"
	exit 4	# KSFT_SKIP, as kselftests do
}

# t_bail REASON: stop everything; the runner counts it as a failure.
t_bail() {
	echo "Bail out! $1"
	exit 1
}

# Run CMD, keeping its output in T_OUT and status in T_RC.
t_run() {
	T_RC=0
	T_OUT=$("$@" 2>&1) || T_RC=$?
}

# t_ok DESC CMD...: passes when CMD succeeds.
t_ok() {
	_t_desc=$1
	shift
	t_run "$@"
	if [ "$T_RC" -eq 0 ]; then
		t_pass "$_t_desc"
	else
		t_fail "$_t_desc" "command: $*" "exit status: $T_RC (expected 0)" "$T_OUT"
	fi
}

# t_not DESC CMD...: passes when CMD fails (a refusal the contract promises).
t_not() {
	_t_desc=$1
	shift
	t_run "$@"
	if [ "$T_RC" -ne 0 ]; then
		t_pass "$_t_desc"
	else
		t_fail "$_t_desc" "command: $*" "exit status: 0 (expected failure)" "$T_OUT"
	fi
}

# t_status EXPECTED DESC CMD...: passes when CMD exits with EXPECTED.
t_status() {
	_t_want=$1
	_t_desc=$2
	shift 2
	t_run "$@"
	if [ "$T_RC" -eq "$_t_want" ]; then
		t_pass "$_t_desc"
	else
		t_fail "$_t_desc" "command: $*" "exit status: $T_RC (expected $_t_want)" "$T_OUT"
	fi
}

# t_expect_eq EXPECTED ACTUAL DESC: passes when the strings are equal.
t_expect_eq() {
	if [ "$1" = "$2" ]; then
		t_pass "$3"
	else
		t_fail "$3" "expected: $1" "actual:   $2"
	fi
}

# t_expect_match REGEX TEXT DESC: passes when a line of TEXT matches the
# extended regular expression REGEX.
t_expect_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$1"; then
		t_pass "$3"
	else
		t_fail "$3" "expected a line matching: $1" "in:" "$2"
	fi
}

# t_fail_unless DESC TEST-ARGS...: passes when `test TEST-ARGS` is true,
# e.g. t_fail_unless "no file left" ! -e /tmp/x
t_fail_unless() {
	_t_desc=$1
	shift
	if test "$@"; then
		t_pass "$_t_desc"
	else
		t_fail "$_t_desc" "test $* is false"
	fi
}

# t_done: print the plan; exit 1 if anything failed, else 0.
t_done() {
	echo "1..$T_NUM"
	[ "$T_FAILED" -eq 0 ] || exit 1
	exit 0
}
