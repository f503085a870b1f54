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

step "Detach, delete, unload: nothing is left behind"
run crsctl cgroup detach /sys/fs/cgroup/web
run crsctl policy delete web
run rmdir /sys/fs/cgroup/web
run crsctl status
run rmmod crs
echo
echo "demo: done"
