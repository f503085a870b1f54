#!/bin/sh
# Passes but leaves a process holding its output open: the runner must
# not wait for it, and must kill it before unloading the module.
# shellcheck disable=SC1091 # the guest copy of tests/lib/tap.sh
. /crs/lib/tap.sh
sleep 1000 &
t_ok "started a background process" kill -0 $!
t_done
