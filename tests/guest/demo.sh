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

step "Unload it"
run rmmod crs
echo
echo "demo: done"
