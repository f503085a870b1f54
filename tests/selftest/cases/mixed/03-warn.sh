#!/bin/sh
# Passes, but puts a WARN in the kernel log (the VM runs with
# panic_on_warn=0): the runner's splat check must fail it.
# shellcheck disable=SC1091 # the guest copy of tests/lib/tap.sh
. /crs/lib/tap.sh
rmmod warnmod
t_ok "reload the module with warn=1" insmod /crs/warnmod.ko warn=1
t_done
