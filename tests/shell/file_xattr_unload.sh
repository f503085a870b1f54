#!/bin/sh
# Unloading the module while a covered setxattr sleeps inside crs's handler
# (issue 5): the handlers of setxattr and removexattr look the name up
# themselves, and a lookup sleeps (here on a page that userfaultfd holds
# back). rmmod must wait for the handler to return, which then finishes its
# check; the runner fails the test on any splat (panic_on_warn is set).
. /crs/lib/tap.sh

cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cg" ] || t_skip_all "no cgroup v2 hierarchy is mounted"
g=$cg/crs-fxunload
d=/tmp/crs-fxunload
rm -rf "$d"
mkdir -p "$g" "$d"
echo orig >"$d/f"

cat >"$d/policy.json" <<EOF
{"name": "fxunload", "mode": "active", "rules": [
 {"name": "f", "type": "file-write", "path": "$d/f", "action": "deny"}]}
EOF
t_ok "the policy applies" crsctl policy apply -f "$d/policy.json"
t_ok "and attaches" crsctl cgroup attach crs-fxunload fxunload

sh -c "echo \$\$ >$g/cgroup.procs && exec fxattr_block $d/f $d/ready $d/release" \
	>"$d/out" &
hpid=$!
i=0
while [ ! -e "$d/ready" ] && [ $i -lt 500 ] && kill -0 "$hpid" 2>/dev/null; do
	sleep 0.02
	i=$((i + 1))
done
if [ ! -e "$d/ready" ]; then
	wait "$hpid"
	[ $? -ne 77 ] || t_skip_all "no userfaultfd"
	t_bail "fxattr_block did not start its call"
fi
t_expect_match '\[crs\]' "$(cat /proc/"$hpid"/task/*/stack)" \
	"the covered setxattr sleeps inside crs's handler"

# An unload with nothing asleep takes a second or two here (RCU Tasks
# grace periods): ten seconds of rmmod still running is waiting.
rmmod crs &
rpid=$!
i=0
while [ $i -lt 100 ] && kill -0 "$rpid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
t_ok "rmmod waits for the sleeping handler" kill -0 "$rpid"
touch "$d/release"
wait "$rpid"
t_expect_eq 0 $? "and unloads once the handler returns"
wait "$hpid"
t_expect_eq 13 "$(cat "$d/out")" "the call was still checked: EACCES"

t_ok "the module loads again" insmod /crs/crs.ko
rmdir "$g"
rm -rf "$d"
t_done
