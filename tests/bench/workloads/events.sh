# The event stream (issue 4), sourced by guest.sh with lib.sh loaded.
#
# event-report: guest ns (= instructions) per crs_event_report() call that
#   puts an event in the ring, as the trigger module times it; baseline:
#   the same call for an attachment whose --events none drops it at once.
# events-delivered: events a second of guest time that one
#   `crsctl -j events --follow` subscriber prints under a flood; baseline:
#   the same flood with nobody subscribed (produce, encode, keep for the
#   dump). Every event must be printed or reported lost: delivered + lost
#   = produced, exactly.

load_trigger || { bench_fail events "cannot load crs_test.ko"; return 1; }
OUT=/tmp/bench-events.json
CHUNKS=50
CHUNK=4000

# wait_until CMD...: polls CMD every 20 ms, for at most a minute.
wait_until() {
	_w=0
	until "$@"; do
		sleep 0.02
		_w=$((_w + 1))
		[ $_w -lt 3000 ] || return 1
	done
}

# report_cost LINE: guest ns per call, over 20 chunks of 5000 calls.
report_cost() {
	_total=0
	_i=0
	while [ $_i -lt 20 ]; do
		trig "count=5000 $1" || return 1
		_total=$((_total + NS))
		sleep 0.05	# the sender drains the ring meanwhile
		_i=$((_i + 1))
	done
	echo $((_total / 100000))
}

# cpu_ns PID: user and system time a process has used, in ns (USER_HZ is
# 100 on x86).
cpu_ns() {
	awk '{ print $14 * 10000000, $15 * 10000000 }' "/proc/$1/stat"
}

# per_event NS N: NS / N, for the notes.
per_event() {
	[ "$2" -gt 0 ] && echo $(($1 / $2)) || echo 0
}

# ring_full: events the module dropped because its ring was full (the
# sender fell behind the producers).
ring_full() {
	crsctl -j status | sed 's/.*"events_lost_buffer": *\([0-9]*\).*/\1/'
}

sent_plus_lost() {
	crsctl -j status | sed 's/.*"events_sent": *\([0-9]*\).*"events_lost": *\([0-9]*\).*/\1 \2/' |
		awk '{ print $1 + $2 }'
}

# flood: CHUNKS writes of CHUNK events; sets F_PRODUCED, F_LAST, F_START.
flood() {
	F_PRODUCED=0
	F_START=$(now_ns)
	_i=0
	while [ $_i -lt $CHUNKS ]; do
		trig "count=$CHUNK att=none path=/var/lib/bench/file" || return 1
		F_PRODUCED=$((F_PRODUCED + PRODUCED))
		F_LAST=$LAST
		_i=$((_i + 1))
	done
}

# printed_all: the subscriber has accounted for every number up to F_LAST.
printed_all() {
	_tail=$(tail -n 1 "$OUT")
	case $_tail in
	*"\"seq\":$F_LAST,"* | *"\"seq\": $F_LAST,"*) return 0 ;;
	*'"lost"'*)
		# The file only grows: count it again only when it has.
		_size=$(wc -c <"$OUT")
		[ "$_size" != "$_counted" ] || return 1
		_counted=$_size
		[ "$(accounted)" -eq "$F_PRODUCED" ] ;;
	*) return 1 ;;
	esac
}

# accounted: events printed plus events reported lost since the flood began.
accounted() {
	awk '/"lost"/ { sub(/.*"count": */, ""); sub(/}.*/, ""); n += $0; next }
		/"seq"/ { n++ } END { print n + 0 }' "$OUT"
}

# --- the producing side ---------------------------------------------------
full=$(report_cost "att=none") || { bench_fail event-report "trigger"; return 1; }
filtered=$(report_cost "att=fake events=none") || { bench_fail event-report "trigger"; return 1; }
bench_result event-report "$full" ns/event "$filtered" "(filtered out)"

# --- delivery, baseline: nobody subscribed ------------------------------------
base=$(sent_plus_lost)
flood || { bench_fail events-delivered "trigger"; return 1; }
want=$((base + F_PRODUCED))
module_done() {
	[ "$(sent_plus_lost)" -ge "$want" ]
}
wait_until module_done
b_ns=$(($(now_ns) - F_START))
b_rate=$((F_PRODUCED * 1000000000 / b_ns))

# genl_sockets COLUMN: the sum of a /proc/net/netlink column (5: Rmem,
# 9: Drops) over generic netlink sockets: here, only the subscriber's
# have either.
genl_sockets() {
	awk -v c="$1" '$2 == 16 { n += $c } END { print n + 0 }' /proc/net/netlink
}

# drained: the module has sent or dropped everything, the subscriber's
# socket is empty, and the subscriber sleeps: crsctl sleeps only in
# ppoll(), after it has written what it read. The socket is looked at
# first: one busybox awk costs the subscriber far less CPU than `crsctl
# status` every 20 ms would.
drained() {
	[ "$(genl_sockets 5)" -eq 0 ] &&
		[ "$(awk '{ print $3 }' "/proc/$sub/stat")" = S ] && module_done
}

# --- delivery to one subscriber, printing JSON to a file: every event is
# printed or reported lost, exactly -----------------------------------------------
crsctl -j events --follow >"$OUT" &
sub=$!
sleep 1	# joined
base=$(sent_plus_lost)
full0=$(ring_full)
flood || { bench_fail events-delivered "trigger"; kill "$sub"; return 1; }
want=$((base + F_PRODUCED))
# Delivery ends when everything is printed. The lost line for a gap at
# the very end comes with the module's next sync, up to 250 ms later, and
# printed_all may read the whole file to count it: that wait is not timed.
wait_until drained
d_ns=$(($(now_ns) - F_START))
_counted=
wait_until printed_all
# shellcheck disable=SC2046 # two numbers
set -- $(cpu_ns "$sub")
kill -TERM "$sub"
wait "$sub"
acc=$(accounted)
delivered=$(grep -c '"seq"' "$OUT")
lost=$((acc - delivered))
rate=$((delivered * 1000000000 / d_ns))
if [ "$acc" -ne "$F_PRODUCED" ]; then
	bench_fail events-delivered "produced $F_PRODUCED but delivered $delivered + lost $lost"
	return 1
fi
bench_result events-delivered "$rate" events/s "$b_rate" \
	"(nobody subscribed) json-to-file produced=$F_PRODUCED delivered=$delivered lost=$lost unreported=0 guest-ns/produced=$((d_ns / F_PRODUCED)) ring-full=$(($(ring_full) - full0))" \
	"crsctl-user-ns/event=$(per_event "$1" "$delivered") crsctl-sys-ns/event=$(per_event "$2" "$delivered")"
rm -f "$OUT"

# --- the same to /dev/null (JSON, then text), and with every event filtered
# out by --cgroup (the receive path alone). Delivered is what the module
# sent less what the socket dropped (reported as lost lines, not counted).
events_sent() {
	crsctl -j status | sed 's/.*"events_sent": *\([0-9]*\).*/\1/'
}

# devnull NAME CRSCTL-ARGS...
devnull() {
	_name=$1
	shift
	crsctl "$@" >/dev/null &
	sub=$!
	sleep 1	# joined
	drops0=$(genl_sockets 9)
	sent0=$(events_sent)
	full0=$(ring_full)
	base=$(sent_plus_lost)
	flood || { bench_fail "events-$_name" "trigger"; kill "$sub"; return 1; }
	want=$((base + F_PRODUCED))
	wait_until drained
	d_ns=$(($(now_ns) - F_START))
	drops=$(($(genl_sockets 9) - drops0))
	# shellcheck disable=SC2046 # two numbers
	set -- $(cpu_ns "$sub")
	kill -TERM "$sub"
	wait "$sub"
	delivered=$(($(events_sent) - sent0 - drops))
	bench_result "events-$_name" "$((delivered * 1000000000 / d_ns))" events/s "$b_rate" \
		"(nobody subscribed) produced=$F_PRODUCED delivered=$delivered dropped-by-socket=$drops ring-full=$(($(ring_full) - full0))" \
		"crsctl-user-ns/event=$(per_event "$1" "$delivered") crsctl-sys-ns/event=$(per_event "$2" "$delivered")"
}

devnull json-devnull -j events --follow
devnull text-devnull events --follow
# A cgroup path relative to the mount: no event is from it.
devnull recv-only events --follow --cgroup crs-bench-nonexistent
