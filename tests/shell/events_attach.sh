#!/bin/sh
# Events of covered processes (SPEC sections 5 and 6): an attachment's
# --events setting decides what is reported (what it excludes takes no
# number), and each attachment has its own rate limit, whose drops show as
# lost lines. Events come from the test-only trigger crs_test.ko, reporting
# for the attachment that covers the writing process, as a hook does.
. /crs/lib/tap.sh

TRIG=/sys/kernel/debug/crs_test/trigger
PARAMS=/sys/module/crs/parameters
CG=/sys/fs/cgroup

[ -w "$TRIG" ] || insmod /crs/crs_test.ko || t_bail "cannot load crs_test.ko"
mkdir -p "$CG/evC/sub" "$CG/evD"

# trig_in CGROUP LINE: reports from a process in CGROUP; sets PRODUCED,
# FIRST and LAST.
trig_in() {
	# shellcheck disable=SC2046 # four numbers
	set -- $(sh -c 'echo $$ >"$1/cgroup.procs" && echo "$2" >"$3" && cat "$3"' \
		- "$CG/$1" "$2 att=cgroup" "$TRIG")
	PRODUCED=${1:-x}
	FIRST=${2:-0}
	LAST=${3:-0}
}

# A policy that denies nothing: the trigger, not the policy, makes events,
# and the covered writer must still reach the trigger's file.
echo '{"name": "ev-test", "mode": "active", "rules": []}' >/tmp/ev-test.json
t_ok "a policy with no rules applies" crsctl policy apply -f /tmp/ev-test.json
t_ok "attach evC reporting denies only" crsctl cgroup attach evC ev-test --events deny
t_ok "attach evD" crsctl cgroup attach evD ev-test

trig_in evC/sub "action=deny path=/deny-1"
t_expect_eq 1 "$PRODUCED" "--events deny: a deny in a descendant is reported"
deny_seq=$LAST
trig_in evC/sub "action=monitor path=/monitor-1"
t_expect_eq 0 "$PRODUCED" "--events deny: a monitor produces no event"
trig_in evC "action=deny path=/deny-2"
t_expect_eq "$((deny_seq + 1))" "$FIRST" "and takes no number: the next event follows on"

t_ok "set evC to report nothing" crsctl cgroup set evC --events none
trig_in evC "action=deny path=/deny-3"
t_expect_eq 0 "$PRODUCED" "--events none: a deny produces no event"
t_ok "set evC to report all" crsctl cgroup set evC --events all
trig_in evC "action=monitor path=/monitor-2"
t_expect_eq 1 "$PRODUCED" "--events all: a monitor is reported"

sleep 1
t_ok "the dump of evC" crsctl -j events --cgroup evC
paths=$(printf '%s\n' "$T_OUT" | sed -n 's/.*"path": *"\([^"]*\)".*/\1/p' | tr '\n' ' ')
t_expect_eq "/deny-1 /deny-2 /monitor-2 " "$paths" "exactly the reported events are in the ring"

# Each attachment has its own bucket: evC's flood does not starve evD.
echo 10 >"$PARAMS/event_rate"
echo 5 >"$PARAMS/event_burst"
sleep 1	# both buckets refill to the new burst
trig_in evC "count=40 path=/flood-C"
c_last=$LAST
t_expect_eq 40 "$PRODUCED" "a rate-limited flood still takes a number per event"
trig_in evD "count=3 path=/evD"
d_first=$FIRST
echo 10000 >"$PARAMS/event_rate"
echo 20000 >"$PARAMS/event_burst"
sleep 1
t_ok "the dump after the flood" crsctl -j events
out=$T_OUT
c_seen=$(printf '%s\n' "$out" | grep -c '"path": *"/flood-C"')
t_fail_unless "evC's burst passed, the rest was dropped ($c_seen of 40)" \
	"$c_seen" -ge 5 -a "$c_seen" -lt 10
t_expect_eq 3 "$(printf '%s\n' "$out" | grep -c '"path": *"/evD"')" \
	"evD's events all passed: its bucket is its own"
lost=$(printf '%s\n' "$out" | sed -n 's/^{"type": *"lost", *"count": *\([0-9]*\)}$/\1/p' |
	awk '{ s += $1 } END { print s + 0 }')
t_expect_eq "$((40 - c_seen))" "$lost" "the dump shows the drops as lost lines, in place"
t_expect_eq "$((c_last + 1))" "$d_first" "numbers run on through the drops"
t_run crsctl -j status
t_expect_match '"events_lost": *[1-9]' "$T_OUT" "status counts them"
t_expect_match "\"events_lost_rate\": *[1-9]" "$T_OUT" "status says the rate limit dropped them"
t_expect_match "\"events_lost_buffer\": *0," "$T_OUT" "and no full buffer did"

crsctl cgroup detach evC >/dev/null 2>&1
crsctl cgroup detach evD >/dev/null 2>&1
crsctl policy delete ev-test >/dev/null 2>&1
t_done
