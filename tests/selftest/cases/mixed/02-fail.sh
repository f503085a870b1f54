#!/bin/sh
# One result fails: check.sh must fail.
# shellcheck disable=SC1091 # the guest copy of tests/lib/tap.sh
. /crs/lib/tap.sh
t_ok "true is true" true
t_ok "an injected failure" false
t_done
