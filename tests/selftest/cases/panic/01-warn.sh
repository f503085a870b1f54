#!/bin/sh
# A WARN with the harness's default panic_on_warn=1: the guest panics and
# run-vm.sh must report the VM as dead, so check.sh fails.
# shellcheck disable=SC1091 # the guest copy of tests/lib/tap.sh
. /crs/lib/tap.sh
rmmod warnmod
t_ok "reload the module with warn=1" insmod /crs/warnmod.ko warn=1
t_done
