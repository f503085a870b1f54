#!/bin/sh
# Hangs past the per-program timeout (CRS_TEST_TIMEOUT=5), leaving a
# background process behind: timed out, and the module still unloads.
# shellcheck disable=SC1091 # the guest copy of tests/lib/tap.sh
. /crs/lib/tap.sh
sleep 1000 &
t_ok "before the hang" true
sleep 60
t_done
