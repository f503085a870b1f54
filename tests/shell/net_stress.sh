#!/bin/sh
# Network rules under churn (issue 6): covered processes, in the initial
# network namespace and in their own, make sockets, send, connect and
# accept while their policy is replaced, re-moded, detached and attached
# again; then the module is unloaded under them. The runner fails the
# test on any splat in dmesg (panic_on_warn is set).
. /crs/lib/tap.sh

cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cg" ] || t_skip_all "no cgroup v2 hierarchy is mounted"
g=$cg/crs-nstress
mkdir -p "$g/child"
rm -f /tmp/nload.stop

doc() {	# doc ACTION: the policy "nstress"
	cat <<-EOF2
	{"name": "nstress", "mode": "active", "rules": [
	 {"name": "o", "type": "network-outbound", "address": "127.0.0.2", "action": "$1"},
	 {"name": "o8", "type": "network-outbound", "address": "127.0.0.0/8", "port": "9000-9999", "action": "monitor"},
	 {"name": "i", "type": "network-inbound", "address": "127.0.0.0/24", "protocol": "udp", "action": "$1"},
	 {"name": "p", "type": "network-outbound", "program": "/crs/bin/", "address": "10.0.0.0/8", "action": "deny"}]}
	EOF2
}
doc deny >/tmp/nstress-deny.json
doc allow >/tmp/nstress-allow.json

t_ok "the policy applies" crsctl policy apply -f /tmp/nstress-deny.json
t_ok "and attaches" crsctl cgroup attach crs-nstress nstress --events deny

pids=
for port in 9001 9002 9003; do
	sh -c "echo \$\$ >$g/child/cgroup.procs && exec nload 120 $port" >/dev/null &
	pids="$pids $!"
done
# One in a namespace of its own, made after the policy.
sh -c "echo \$\$ >$g/child/cgroup.procs &&
	exec unshare -n sh -c 'ip link set lo up && exec nload 120 9004'" >/dev/null &
pids="$pids $!"
sleep 1

ok=0
i=0
while [ $i -lt 20 ]; do
	crsctl policy apply -f /tmp/nstress-allow.json >/dev/null &&
		crsctl policy mode nstress permissive &&
		crsctl policy apply -f /tmp/nstress-deny.json >/dev/null &&
		crsctl cgroup set crs-nstress --mode inactive &&
		crsctl cgroup detach crs-nstress &&
		crsctl cgroup attach crs-nstress nstress --events deny &&
		crsctl policy mode nstress active &&
		ok=$((ok + 1))
	i=$((i + 1))
done
t_expect_eq 20 "$ok" "20 rounds of replace, re-mode, detach and attach"

# Still enforced after the churn, by the latest version.
t_status 1 "a covered send to the denied address fails" \
	sh -c "echo \$\$ >$g/cgroup.procs && exec nbench sendto 127.0.0.2 9100 1"
t_ok "an uncovered one works" nbench sendto 127.0.0.2 9100 1

# Each detach above took the last attachment away, patching the text of
# the attachment static key while the traffic ran through it; unloading
# patches the hooked functions' text back, under the same traffic.
t_ok "the module unloads with covered traffic going on" rmmod crs
t_ok "and loads again" insmod /crs/crs.ko
touch /tmp/nload.stop
for p in $pids; do
	wait "$p"
done
t_ok "covered processes are free once it is gone" \
	sh -c "echo \$\$ >$g/cgroup.procs && exec nbench sendto 127.0.0.2 9100 1"
rmdir "$g/child" "$g" 2>/dev/null
rm -f /tmp/nstress-deny.json /tmp/nstress-allow.json /tmp/nload.stop
t_done
