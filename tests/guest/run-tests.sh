#!/bin/sh
# In-guest test runner (busybox sh), started by tests/vm/run-vm.sh's /init.
#
# Runs every test program in the payload - /crs/kselftest/* then
# /crs/shell/*.sh, each group in sorted order - each against a freshly loaded
# module, and prints one TAP stream the way the kernel's run_kselftest.sh
# does: a program's output indented as "# " lines, then top-level results:
#
#   ok N selftests: crs: NAME                          the program itself
#   ok N selftests: crs: NAME: module unloaded cleanly rmmod after it
#   ok N selftests: crs: NAME: no kernel warnings      dmesg and taint
#
# then "1..N" and "CRS-GUEST-SUMMARY passed=P failed=F skipped=S", where P/F/S
# count the programs' own results plus the runner's (see tap-summary.awk for
# how a program's failure that no "not ok" line shows is counted).
# Exit status: 0 if F is 0, else 1.
#
# Payload knobs:
#   /crs/load-modules   module files (relative to /crs, optional arguments
#                       after the name) to insmod before each program, one a
#                       line; default "crs.ko". The harness self-test uses
#                       it to load its own module instead.
# Environment (set it with run-vm.sh --append "VAR=value"):
#   CRS_TEST_TIMEOUT    seconds per program, default 300
#   CRS_TEST_FILTER     shell pattern; only programs whose NAME matches run
#                       (e.g. "shell/attach*")
#
# Other modules in /crs (such as crs_test.ko) are loaded by the tests that
# need them; whatever of them is still loaded afterwards is removed first.

CRS=/crs
timeout=${CRS_TEST_TIMEOUT:-300}
filter=${CRS_TEST_FILTER:-*}
work=/tmp/crs-runner
splat_re='WARNING:|BUG:|Oops|general protection|kernel BUG|lockdep|possible recursive locking|possible circular locking|INFO: task .* blocked|UBSAN|KASAN|kmemleak|refcount_t|list_add corruption|list_del corruption|Call Trace'
# Taint bits that mean the kernel hit trouble: R forced rmmod (3), M machine
# check (4), B bad page (5), D died/oops (7), W warning (9), L soft lockup
# (14). A splat whose text the pattern above misses still sets one of these.
# O and E (out-of-tree, unsigned) are expected for crs.ko.
taint_mask=$(((1 << 3) | (1 << 4) | (1 << 5) | (1 << 7) | (1 << 9) | (1 << 14)))

rm -rf "$work"
mkdir -p "$work"
num=0
passed=0
failed=0
skipped=0

result() {	# result ok|not-ok DESCRIPTION
	num=$((num + 1))
	if [ "$1" = ok ]; then
		echo "ok $num selftests: crs: $2"
	else
		echo "not ok $num selftests: crs: $2"
	fi
}

# Module names as the kernel knows them: file name without .ko, - becomes _.
mod_name() {
	basename "$1" .ko | tr - _
}

is_loaded() {
	[ -e "/sys/module/$1/initstate" ]
}

# The lines of /crs/load-modules without comments and blank lines.
load_list() {
	if [ -f "$CRS/load-modules" ]; then
		sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$CRS/load-modules"
	else
		echo crs.ko
	fi
}

# Kill every process left in session SID: a test's background processes
# must not outlive it (they would hold the output pipe open, keep cgroups
# busy, or race the next test). Prints what it killed as diagnostics.
kill_session() {
	procs=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v sid="$1" '{
		pid = $1; comm = $0
		sub(/^[^(]*\(/, "", comm); sub(/\) .*/, "", comm)
		sub(/.*\) /, "")	# now: state ppid pgrp session ...
		if ($4 == sid) print pid "(" comm ")" }')
	[ -n "$procs" ] || return 0
	# shellcheck disable=SC2086 # one line, one word a process
	echo "runner: killing leftover processes:" $procs
	for p in $procs; do
		kill -KILL "${p%%(*}" 2>/dev/null
	done
	# SIGKILL is delivered asynchronously: wait (up to 5 s) until each is
	# gone or a zombie, which holds no files or sockets, so rmmod does not
	# race a dying process's references to the module.
	tries=50
	for p in $procs; do
		while [ "$tries" -gt 0 ] && [ -e "/proc/${p%%(*}" ] &&
			! sed 's/.*) //' "/proc/${p%%(*}/stat" 2>/dev/null | grep -q '^Z'; do
			sleep 0.1
			tries=$((tries - 1))
		done
	done
	return 0
}

# Run one program in its own session with a time limit, its output to stdout.
# Writes its exit status to $work/rc and 1 to $work/timedout if it ran out of
# time. The runner's own leftovers-killing runs inside the pipeline, so the
# pipeline ends even when the program left children holding the output open.
run_limited() {
	dir=$1
	shift
	echo 0 >"$work/timedout"
	{
		start=$(date +%s)
		# setsid: the program and all it starts share a session whose id
		# is the pid the inner sh writes to $work/sid.
		# shellcheck disable=SC2016 # expanded by the inner sh
		setsid sh -c 'echo $$ >"$0/sid"; cd "$1" || exit 1; shift;
			exec timeout -s TERM -k 10 "$@"' "$work" "$dir" "$timeout" "$@" \
			</dev/null 2>&1
		rc=$?
		echo "$rc" >"$work/rc"
		# Programs near the limit show here before they time out in CI.
		echo "runner: took $(($(date +%s) - start))s"
		if [ "$rc" -ge 128 ] && [ $(($(date +%s) - start)) -ge "$timeout" ]; then
			echo 1 >"$work/timedout"
			echo "runner: timed out after ${timeout}s"
		fi
		kill_session "$(cat "$work/sid")"
	}
}

# Unload what the program and the runner loaded; a failure is a test failure
# (SPEC: the module can be unloaded at any time, leaving nothing behind).
unload_all() {
	err=
	# Helper modules from the payload that a test loaded (crs_test.ko)
	# depend on crs, so they go first.
	for ko in "$CRS"/*.ko; do
		[ -e "$ko" ] || continue
		name=$(mod_name "$ko")
		grep -qx "$(basename "$ko")" "$work/loaded-files" && continue
		is_loaded "$name" || continue
		out=$(timeout 60 rmmod "$name" 2>&1) || err="$err rmmod $name: $out;"
	done
	# Then the modules the runner loaded, in reverse order.
	# shellcheck disable=SC2013 # module names are single words
	for name in $(sed '1!G;h;$!d' "$work/loaded-names"); do
		# A test may unload the module itself (to test unloading).
		is_loaded "$name" || continue
		out=$(timeout 60 rmmod "$name" 2>&1) || err="$err rmmod $name: $out;"
	done
	echo "$err"
}

# Remove cgroups a test left behind (after rmmod, so the module is unloaded
# with its state in place, as SPEC 8 requires it to cope with).
clean_cgroups() {
	find /sys/fs/cgroup -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
	return 0
}

run_one() {	# run_one NAME CMD...
	name=$1
	shift
	echo "# selftests: crs: $name"
	dir=$work/cwd
	rm -rf "$dir"
	mkdir -p "$dir"
	dmesg -c >/dev/null
	taint_before=$(cat /proc/sys/kernel/tainted)
	: >"$work/loaded-files"
	: >"$work/loaded-names"

	troubled=	# set when anything about this program failed
	load_err=
	load_list >"$work/load-list"
	while read -r file args; do
		# shellcheck disable=SC2086 # module arguments, one word each
		if out=$(insmod "$CRS/$file" $args 2>&1); then
			echo "$file" >>"$work/loaded-files"
			mod_name "$file" >>"$work/loaded-names"
		else
			load_err="insmod $file: $out"
			break
		fi
	done <"$work/load-list"

	if [ -n "$load_err" ]; then
		echo "# runner: $load_err"
		troubled=1
		result not-ok "$name # module load failed"
		failed=$((failed + 1))
	else
		run_limited "$dir" "$@" | tee "$work/out" | sed 's/^/# /'
		rc=$(cat "$work/rc")
		# shellcheck disable=SC2046 # five words from the awk script
		set -- $(awk -v rc="$rc" -v timedout="$(cat "$work/timedout")" \
			-f "$CRS/guest/tap-summary.awk" "$work/out")
		passed=$((passed + $1))
		failed=$((failed + $2 + $4))
		skipped=$((skipped + $3))
		p_fail=$2
		p_extra=$4
		shift 4
		reason=$*
		if [ "$p_fail" -gt 0 ] || [ "$p_extra" -gt 0 ]; then
			troubled=1
			if [ "$reason" = - ]; then
				result not-ok "$name # exit=$rc"
			else
				result not-ok "$name # exit=$rc ($reason)"
			fi
		elif [ "$rc" -eq 4 ]; then
			result ok "$name # SKIP"
		else
			result ok "$name"
		fi
	fi

	err=$(unload_all)
	if [ -z "$err" ]; then
		result ok "$name: module unloaded cleanly"
		passed=$((passed + 1))
	else
		echo "# runner:$err"
		troubled=1
		result not-ok "$name: module unloaded cleanly"
		failed=$((failed + 1))
	fi
	clean_cgroups

	dmesg -c >"$work/dmesg"
	taint_new=$(($(cat /proc/sys/kernel/tainted) & ~taint_before & taint_mask))
	splat=
	if grep -Eq "$splat_re" "$work/dmesg" || [ "$taint_new" -ne 0 ]; then
		splat=1
		[ "$taint_new" -eq 0 ] || echo "# runner: kernel newly tainted: $taint_new"
		grep -E "$splat_re" "$work/dmesg" | sed 's/^/# splat: /'
	fi
	# The console only shows emergencies (see below), so whenever
	# something went wrong, show what the kernel said meanwhile.
	if [ -n "$splat$troubled" ] && [ -s "$work/dmesg" ]; then
		echo "# runner: kernel log since $name started:"
		head -n 300 "$work/dmesg" | sed 's/^/#   /'
	fi
	if [ -n "$splat" ]; then
		result not-ok "$name: no kernel warnings"
		failed=$((failed + 1))
	else
		result ok "$name: no kernel warnings"
		passed=$((passed + 1))
	fi
}

# Kernel messages on the console would land in the middle of TAP lines. The
# runner reads the kernel log itself after each program, and a panic still
# reaches the console (it raises the console level and, with the
# panic_print=0x20 run-vm.sh sets, replays the whole log).
dmesg -n 1
echo "TAP version 13"
echo "# runner: kernel $(uname -r), $(nproc) cpu(s), timeout ${timeout}s per program"
found=0
for prog in "$CRS"/kselftest/* "$CRS"/shell/*.sh; do
	[ -f "$prog" ] || continue
	# kselftest/ may hold data files next to the programs.
	case $prog in *.sh) ;; *) [ -x "$prog" ] || continue ;; esac
	name=${prog#"$CRS"/}
	# shellcheck disable=SC2254 # the filter is a pattern on purpose
	case $name in
	$filter) ;;
	*) continue ;;
	esac
	found=$((found + 1))
	case $prog in
	*.sh) run_one "$name" sh "$prog" ;;
	*) run_one "$name" "$prog" ;;
	esac
done
if [ "$found" -eq 0 ]; then
	# An empty payload tests nothing; never let it pass.
	result not-ok "no test programs found in $CRS (filter $filter)"
	failed=$((failed + 1))
fi
echo "1..$num"
echo "CRS-GUEST-SUMMARY passed=$passed failed=$failed skipped=$skipped"
[ "$failed" -eq 0 ]
