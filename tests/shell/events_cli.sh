#!/bin/sh
# crsctl events (SPEC sections 5 and 6): the ring dump, --follow, --count,
# --cgroup, lost lines, text and JSON output, signals and bad usage. Events
# come from the test-only trigger module crs_test.ko.
. /crs/lib/tap.sh

TRIG=/sys/kernel/debug/crs_test/trigger
PARAMS=/sys/module/crs/parameters
CG=/sys/fs/cgroup
OUT=/tmp/events-cli
mkdir -p "$OUT"

[ -w "$TRIG" ] || insmod /crs/crs_test.ko || t_bail "cannot load crs_test.ko"

# trig LINE: reports events for this shell (not a subshell: the pid is
# checked); sets PRODUCED, FIRST and LAST.
trig() {
	echo "$1" >"$TRIG" || return 1
	# shellcheck disable=SC2046 # four numbers
	set -- $(cat "$TRIG")
	PRODUCED=$1
	FIRST=$2
	LAST=$3
}

# trig_in CGROUP LINE: the same from a process moved into CGROUP.
trig_in() {
	sh -c 'echo $$ >"$1/cgroup.procs" && echo "$2" >"$3"' - "$CG/$1" "$2" "$TRIG"
}

# follow_start NAME ARGS...: crsctl -j events --follow in the background,
# its output in $OUT/NAME; waits until it has joined the group.
follow_start() {
	_name=$1
	shift
	crsctl -j events --follow "$@" >"$OUT/$_name" 2>"$OUT/$_name.err" &
	FOLLOW_PID=$!
	# Joined once a generic netlink socket lists a group in
	# /proc/net/netlink (which shows the first 32 groups only: where ours
	# is beyond, the wait runs out and the test goes on regardless).
	_i=0
	while [ $_i -lt 30 ]; do
		if awk '$2 == 16 && $4 != "00000000" { f = 1 } END { exit !f }' \
			/proc/net/netlink; then
			sleep 0.2
			return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	return 0
}

# wait_exit PID SECONDS: waits for PID to end; its status in WAIT_RC.
wait_exit() {
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt $(($2 * 10)) ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1"
		WAIT_RC=timeout
		wait "$1" 2>/dev/null
		return 1
	fi
	wait "$1"
	WAIT_RC=$?
	return 0
}

# --- the dump: JSON exactly as SPEC section 5 -----------------------------
trig "count=3 type=file-write action=deny enforced=1 policy=web rule=hosts-ro program=/bin/busybox path=/etc/hosts att=none"
first=$FIRST
last=$LAST
t_expect_eq 3 "$PRODUCED" "the trigger produced 3 events"
sleep 1
t_ok "crsctl -j events dumps the ring" crsctl -j events
dump=$T_OUT
line=$(printf '%s\n' "$dump" | grep "\"seq\": *$last,")
self_cg=$(sed -n 's/^0:://p' /proc/self/cgroup)
[ "$self_cg" = / ] && self_cg=
t_expect_match '^\{"seq": *'"$last"', *"time": *"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z", *"type": *"file-write", *"action": *"deny", *"enforced": *true, *"policy": *"web", *"rule": *"hosts-ro", *"cgroup": *"'"$CG$self_cg"'", *"pid": *'"$$"', *"comm": *"[^"]+", *"program": *"/bin/busybox", *"path": *"/etc/hosts"\}$' \
	"$line" "a file event has every field, in SPEC's order"
t_expect_eq 3 "$(printf '%s\n' "$dump" | grep -cE "\"seq\": *($first|$((first + 1))|$last),")" \
	"the dump holds all three"

trig "type=network-outbound action=monitor enforced=0 policy=web program=/usr/sbin/nginx addr=169.254.169.254 port=80 protocol=6 att=none"
n4=$LAST
trig "type=network-inbound action=deny enforced=1 policy=web rule=in6 program=/usr/sbin/nginx addr=2001:db8::1 port=8443 protocol=132 att=none"
n6=$LAST
trig "type=syscall action=deny enforced=1 policy=web rule=no-shell program=/usr/sbin/nginx syscall=execve arg=p:/bin/sh arg=i:-2 att=none"
sc=$LAST
sleep 1
t_ok "crsctl -j events after network and syscall events" crsctl -j events
t_expect_match '"seq": *'"$n4"',.*"rule": *null,.*"program": *"/usr/sbin/nginx", *"direction": *"outbound", *"address": *"169\.254\.169\.254", *"port": *80, *"protocol": *"tcp"\}$' \
	"$T_OUT" "IPv4 outbound: rule null, mapped address printed as IPv4, tcp"
t_expect_match '"seq": *'"$n4"',.*"action": *"monitor", *"enforced": *false,' \
	"$T_OUT" "a monitor event not enforced"
t_expect_match '"seq": *'"$n6"',.*"direction": *"inbound", *"address": *"2001:db8::1", *"port": *8443, *"protocol": *132\}$' \
	"$T_OUT" "IPv6 inbound with a numbered protocol"
t_expect_match '"seq": *'"$sc"',.*"type": *"syscall",.*"syscall": *"execve", *"args": *\["/bin/sh", *-2\]\}$' \
	"$T_OUT" "syscall event with its arguments"

# Paths are bytes; JSON strings are UTF-8.
printf 'path=/bad\377name att=none\n' >"$TRIG"
sleep 1
t_ok "crsctl -j events with a path that is not UTF-8" crsctl -j events
t_expect_match "\"path\": *\"/bad$(printf '\357\277\275')name\"" "$T_OUT" \
	"the invalid byte prints as U+FFFD"

t_ok "crsctl events prints text" crsctl events
t_expect_match "^#$last [0-9T:.-]+Z file-write deny enforced=true policy=web rule=hosts-ro cgroup=$CG$self_cg pid=$$ comm=[^ ]+ program=/bin/busybox path=/etc/hosts" \
	"$T_OUT" "one readable line an event"
t_ok "crsctl events --count 2 without --follow" crsctl -j events --count 2
t_expect_eq 2 "$(printf '%s\n' "$T_OUT" | grep -c '"seq"')" "--count limits the dump"

# --- --follow: only what comes after, --count, SIGTERM ----------------------
follow_start count --count 2
trig "count=5 att=none path=/after"
after_first=$FIRST
if wait_exit "$FOLLOW_PID" 20; then
	t_expect_eq 0 "$WAIT_RC" "--follow --count 2 exits 0 after two events"
else
	t_fail "--follow --count 2 exits 0 after two events" "still running"
fi
t_expect_eq 2 "$(grep -c '"seq"' "$OUT/count")" "it printed exactly two events"
t_expect_match "\"seq\": *$after_first," "$(head -n 1 "$OUT/count")" \
	"the first is the first produced after joining, not the ring"

follow_start term
trig "count=1 att=none"
sleep 1
kill -TERM "$FOLLOW_PID"
wait_exit "$FOLLOW_PID" 10
t_expect_eq 0 "$WAIT_RC" "SIGTERM ends --follow with status 0"
follow_start int
kill -INT "$FOLLOW_PID"
wait_exit "$FOLLOW_PID" 10
t_expect_eq 0 "$WAIT_RC" "SIGINT ends --follow with status 0"

# --- --cgroup: the cgroup and its descendants, nothing else ------------------
mkdir -p "$CG/evA/sub" "$CG/evAx" "$CG/evB"
follow_start cg --cgroup evA --count 2
trig_in evB "att=none path=/in-evB"
trig_in evAx "att=none path=/in-evAx"
trig_in evA "att=none path=/in-evA"
trig_in evA/sub "att=none path=/in-evA-sub"
wait_exit "$FOLLOW_PID" 20
t_expect_eq 0 "$WAIT_RC" "--follow --cgroup evA --count 2 ends"
t_expect_eq "/in-evA /in-evA-sub" "$(sed -n 's/.*"path": *"\([^"]*\)".*/\1/p' "$OUT/cg" | tr '\n' ' ' | sed 's/ $//')" \
	"--cgroup keeps evA and evA/sub, not evAx or evB"
t_expect_match "\"cgroup\": *\"$CG/evA/sub\"" "$(cat "$OUT/cg")" "cgroup is the absolute path, mount included"
sleep 1
t_ok "--cgroup with an absolute path on the dump" crsctl -j events --cgroup "$CG/evA/sub"
t_expect_eq "/in-evA-sub" "$(printf '%s\n' "$T_OUT" | sed -n 's/.*"path": *"\([^"]*\)".*/\1/p')" \
	"the absolute path selects evA/sub alone"
t_status 2 "--cgroup with an absolute path outside the cgroup2 mount is bad usage" \
	crsctl -j events --cgroup /tmp/evA
t_expect_match '^crsctl: events: --cgroup: /tmp/evA is not a path under the cgroup v2 mount' \
	"$T_OUT" "and says why"

# --- drops: lost lines in place, and the sync at the end -------------------
echo 10 >"$PARAMS/event_rate"
echo 5 >"$PARAMS/event_burst"
follow_start lost
trig "count=50 att=fake events=all reset=1 path=/flood"
# No later event: only the sync can reveal the gap, within a second.
sleep 1.5
kill -TERM "$FOLLOW_PID"
wait_exit "$FOLLOW_PID" 10
echo 10000 >"$PARAMS/event_rate"
echo 20000 >"$PARAMS/event_burst"
delivered=$(grep -c '"seq"' "$OUT/lost")
lost=$(sed -n 's/^{"type": *"lost", *"count": *\([0-9]*\)}$/\1/p' "$OUT/lost" | awk '{ s += $1 } END { print s + 0 }')
t_expect_eq 50 "$((delivered + lost))" "delivered ($delivered) + lost ($lost) = produced"
t_fail_unless "the rate limit dropped some" "$lost" -gt 0
t_expect_match '^\{"type": *"lost", *"count": *[0-9]+\}$' "$(tail -n 1 "$OUT/lost")" \
	"the trailing gap is reported though no event followed it"
t_ok "crsctl status" crsctl -j status
t_expect_match '"events_lost": *[1-9]' "$T_OUT" "status counts the lost events"

# --- bad usage ---------------------------------------------------------------
t_status 2 "--count wants a number" crsctl events --count x
t_status 2 "--count 0 is bad usage" crsctl events --count 0
t_status 2 "an unknown argument is bad usage" crsctl events --bogus
t_expect_match '^crsctl: ' "$T_OUT" "bad usage says crsctl: on stderr"

rmdir "$CG/evA/sub" "$CG/evA" "$CG/evAx" "$CG/evB" 2>/dev/null
t_done
