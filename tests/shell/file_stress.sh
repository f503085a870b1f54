#!/bin/sh
# File rules under churn (issue 5): covered processes open, write, create
# and remove files while their policy is replaced, re-moded, detached and
# attached again, then the module is unloaded under them. The runner
# fails the test on any splat in dmesg (panic_on_warn is set).
. /crs/lib/tap.sh

cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cg" ] || t_skip_all "no cgroup v2 hierarchy is mounted"
g=$cg/crs-fstress
d=/tmp/crs-fstress
mkdir -p "$g/child" "$d/ro"
echo orig >"$d/f"
echo orig >"$d/ro/f"

doc() {	# doc ACTION-ON-f: the policy "stress"
	cat <<-EOF2
	{"name": "stress", "mode": "active", "rules": [
	 {"name": "f", "type": "file-write", "path": "$d/f", "action": "$1"},
	 {"name": "ro", "type": "file-write", "path": "$d/ro/", "action": "deny"},
	 {"name": "rd", "type": "file-read", "path": "$d/ro/f", "action": "monitor"}]}
	EOF2
}
doc deny >/tmp/stress-deny.json
doc allow >/tmp/stress-allow.json

t_ok "the policy applies" crsctl policy apply -f /tmp/stress-deny.json
t_ok "and attaches" crsctl cgroup attach crs-fstress stress --events deny

worker() {
	# 0 moves the writer: this subshell (its $$ is the script's).
	echo 0 >"$g/child/cgroup.procs" || exit 1
	n=0
	while [ ! -e "$d/stop" ]; do
		cat "$d/f" "$d/ro/f" >/dev/null 2>&1
		echo x >>"$d/f" 2>/dev/null
		: >"$d/ro/n$n" 2>/dev/null
		: >"$d/w$$" 2>/dev/null
		rm -f "$d/w$$" "$d/ro/n$n" 2>/dev/null
		n=$((n + 1))
	done
}
pids=
for i in 1 2 3 4; do
	worker &
	pids="$pids $!"
done

ok=0
i=0
while [ $i -lt 30 ]; do
	crsctl policy apply -f /tmp/stress-allow.json >/dev/null &&
		crsctl policy mode stress permissive &&
		crsctl policy apply -f /tmp/stress-deny.json >/dev/null &&
		crsctl cgroup set crs-fstress --mode inactive &&
		crsctl cgroup detach crs-fstress &&
		crsctl cgroup attach crs-fstress stress --events deny &&
		crsctl policy mode stress active &&
		ok=$((ok + 1))
	i=$((i + 1))
done
t_expect_eq 30 "$ok" "30 rounds of replace, re-mode, detach and attach"

# Still enforced after the churn, and still by the latest version.
t_status 1 "a covered write to the denied file fails" \
	sh -c "echo \$\$ >$g/cgroup.procs && echo y >>$d/f"
t_fail_unless "nothing was created under the denied directory" \
	-z "$(ls "$d/ro" | grep -v '^f$')"
t_ok "an uncovered write works" sh -c "echo y >>$d/f"

t_ok "the module unloads with covered processes at work" rmmod crs
t_ok "and loads again" insmod /crs/crs.ko
touch "$d/stop"
for p in $pids; do
	wait "$p"
done
t_ok "covered processes are free once it is gone" \
	sh -c "echo \$\$ >$g/cgroup.procs && echo y >>$d/f"
rmdir "$g/child" "$g" 2>/dev/null
rm -rf "$d" /tmp/stress-deny.json /tmp/stress-allow.json
t_done
