#!/bin/sh
# make demo: the guided tour, run inside the VM. Each capability of crs adds
# its step here, so that the demo always shows what crs does.
set -e
PATH=/crs:$PATH

step() {
	echo
	echo "==> $*"
}

run() {
	echo "\$ $*"
	"$@"
}

step "Load the module"
run insmod /crs/crs.ko
dmesg | grep 'crs:' | tail -n 1

step "Ask it how it is"
run crsctl status
run crsctl -j status

step "A policy for a web server container, from policies/"
run crsctl policy apply -f /crs/policies/web.json
run crsctl policy list
run crsctl policy show web

step "Attach it to the container's cgroup"
run mkdir /sys/fs/cgroup/web
run crsctl cgroup attach /sys/fs/cgroup/web web
run crsctl cgroup list
run crsctl status

step "A policy in use cannot be deleted; a bad document names its field"
run crsctl policy delete web || true
echo '{"name": "oops", "mode": "active", "rules": [{"name": "r", "type": "network-outbound", "port": 70000, "action": "deny"}]}' >/tmp/oops.json
run crsctl policy apply -f /tmp/oops.json || true

step "File rules: a process in the container cannot rewrite its /etc/hosts (rule hosts-ro)"
[ -e /etc/hosts ] || echo "127.0.0.1 localhost" >/etc/hosts
run sh -c 'echo $$ >/sys/fs/cgroup/web/cgroup.procs && echo "10.6.6.6 bank.example" >>/etc/hosts' || true
run sh -c 'echo $$ >/sys/fs/cgroup/web/cgroup.procs && head -n 1 /etc/hosts'
run crsctl events
run crsctl -j events --cgroup /sys/fs/cgroup/web

step "Network rules: the container has a network namespace of its own, joined to the host by a veth pair"
unshare -n sleep 600 &
ns=$!
sleep 1
run ip link add crsh type veth
run ip link set veth0 name crsc
run ip link set crsc netns $ns
run ip addr add 10.9.0.1/24 dev crsh
run ip addr add 169.254.169.254/32 dev crsh
run ip link set crsh up
run nsenter -t $ns -n sh -c 'ip link set lo up && ip addr add 10.9.0.2/24 dev crsc && ip link set crsc up && ip route add default via 10.9.0.1'
echo "(the host serves port 80 on all its addresses)"
nc -ll -p 80 -e /bin/true &
srv=$!
sleep 1

# A process of the container: in its cgroup and in its namespace.
in_container() {
	sh -c "echo \$\$ >/sys/fs/cgroup/web/cgroup.procs && exec nsenter -t $ns -n $*"
}
in_namespace_only() {
	nsenter -t $ns -n "$@"
}

step "The container cannot reach the metadata address (rule no-metadata): EPERM at once"
run in_container timeout 3 nc 169.254.169.254 80 </dev/null || true
step "Its other connections go through, and so do the namespace's uncovered processes"
run in_container timeout 3 nc 10.9.0.1 80 </dev/null && echo connected
run in_namespace_only timeout 3 nc 169.254.169.254 80 </dev/null && echo connected
run crsctl -j events --cgroup /sys/fs/cgroup/web
kill $srv $ns
ip link del crsh 2>/dev/null || true

step "Detach, delete, unload: nothing is left behind"
run crsctl cgroup detach /sys/fs/cgroup/web
run crsctl policy delete web
run rmdir /sys/fs/cgroup/web
run crsctl status
run rmmod crs
echo
echo "demo: done"
