#!/bin/sh
# crsctl's grammar, options and exit statuses (SPEC section 6), and status
# end to end through the module.
. /crs/lib/tap.sh

t_ok "crsctl -V prints the version" crsctl -V
cli_version=${T_OUT#crsctl }
t_expect_match '^crsctl [0-9]+\.[0-9]+\.[0-9]+' "$T_OUT" "-V names crsctl and a version"
t_ok "crsctl --version" crsctl --version
t_ok "crsctl -h prints help" crsctl -h
t_expect_match '^Usage: crsctl ' "$T_OUT" "help starts with the usage line"
t_ok "crsctl --help" crsctl --help

t_status 2 "no object is bad usage" crsctl
t_status 2 "an unknown object is bad usage" crsctl frobnicate
t_expect_match '^crsctl: unknown object "frobnicate"' "$T_OUT" "bad usage names the object"
t_status 2 "an unknown option is bad usage" crsctl --frobnicate status
t_status 2 "status takes no arguments" crsctl status extra

# uname -r has regex characters (6.12.117+deb12-amd64).
krel=$(uname -r | sed 's/[.+]/\\&/g')
t_ok "status succeeds" crsctl status
t_expect_match "^version +$cli_version\$" "$T_OUT" "status shows the module version crsctl -V shows"
t_expect_match "^kernel +$krel\$" "$T_OUT" "status shows the running kernel"

t_ok "status -j succeeds" crsctl -j status
t_expect_match "^\{\"version\":\"$cli_version\",\"kernel\":\"$krel\",\"policies\":[0-9]+,\"rules\":[0-9]+,\"attachments\":[0-9]+,\"events_sent\":[0-9]+,\"events_lost\":[0-9]+" \
	"$T_OUT" "status -j has every SPEC key"
t_ok "status --json succeeds" crsctl --json status

# Without the module, crsctl says so in one line, not "Object not found".
t_ok "the module unloads" rmmod crs
t_status 1 "status without the module fails" crsctl status
t_expect_eq "crsctl: the crs kernel module is not loaded (modprobe crs)" "$T_OUT" \
	"status without the module says so in one line"
t_ok "the module loads again" insmod /crs/crs.ko

t_done
