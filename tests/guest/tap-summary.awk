# Judge one test program from its TAP output and exit status.
#
#   awk -v rc=EXIT -v timedout=0|1 -f tap-summary.awk OUTPUT
#
# Prints one line: "PASS FAIL SKIP EXTRA REASON". PASS/FAIL/SKIP count the
# program's own top-level "ok"/"not ok" lines ("# SKIP" is a skip; "not ok
# ... # TODO" is not a failure). EXTRA is 1 when the program failed in a way
# no "not ok" line shows - it timed out, bailed out, crashed before printing
# all its planned results, printed no plan, or exited non-zero with every
# result ok - and REASON says which; otherwise EXTRA is 0 and REASON "-".
#
# Shared by the guest runner (busybox awk) and tests/check.sh (mawk/gawk):
# plain POSIX awk only. Indented lines (nested subtests) are not counted:
# their parent's result line stands for them.
BEGIN { plan = -1; pass = 0; fail = 0; skip = 0; seen = 0; bail = 0 }

function has_directive(word,    re) {
	# "# SKIP", "#SKIP reason", case-insensitive as the TAP spec allows.
	re = "#[ \t]*" word
	return match(toupper($0), re)
}

/^(not )?ok( |$)/ {
	seen++
	if (has_directive("SKIP")) {
		skip++
	} else if ($0 ~ /^not ok/) {
		if (has_directive("TODO"))
			skip++
		else
			fail++
	} else {
		pass++	# includes kselftest's "ok N name # XFAIL"
	}
	next
}

/^1\.\.[0-9]+/ {
	if (plan < 0) {
		plan = substr($1, 4) + 0
		if (plan == 0 && has_directive("SKIP")) skipped_all = 1
	}
	next
}

/^Bail out!/ { bail = 1 }

END {
	reason = "-"
	if (timedout)
		reason = "timed out"
	else if (bail)
		reason = "bailed out"
	else if (plan < 0 && !(rc == 4 && seen == 0))
		# kselftest's KSFT_SKIP (4) without output is a skip, not a crash.
		reason = "no plan line"
	else if (plan >= 0 && seen != plan)
		reason = "planned " plan " results, got " seen
	else if (rc != 0 && rc != 4 && fail == 0)
		reason = "exit status " rc " with no failing result"
	# A program that skipped everything still shows up in the count.
	if (reason == "-" && pass == 0 && fail == 0 && skip == 0 && (skipped_all || rc == 4))
		skip = 1
	print pass, fail, skip, (reason == "-" ? 0 : 1), reason
}
