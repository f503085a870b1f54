#!/bin/sh
# Dies halfway, before its plan: a failure although no result says so.
# shellcheck disable=SC1091 # the guest copy of tests/lib/tap.sh
. /crs/lib/tap.sh
t_ok "before the crash" true
kill -SEGV $$
t_ok "never reached" true
t_done
