#!/bin/sh
# Unloading the module while a covered setxattr is blocked in the kernel
# between the write access to the file's mount (where crs stashes it, with
# a reference) and the permission point (where crs decides): here the
# kernel's copy of the value waits on a page that userfaultfd holds back.
# No crs code runs in the blocked call, so rmmod must not wait for it; the
# stash goes with the module. Released, the call ends either denied (its
# file unchanged) or, the module gone, allowed (its file changed), never a
# mix of the two; the runner fails the test on any splat (panic_on_warn).
. /crs/lib/tap.sh

cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cg" ] || t_skip_all "no cgroup v2 hierarchy is mounted"
g=$cg/crs-fxunload
d=/tmp/crs-fxunload
rm -rf "$d"
mkdir -p "$g" "$d"
echo orig >"$d/f"

cat >"$d/policy.json" <<EOF2
{"name": "fxunload", "mode": "active", "rules": [
 {"name": "f", "type": "file-write", "path": "$d/f", "action": "deny"}]}
EOF2
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
stack=$(cat /proc/"$hpid"/task/*/stack)
t_expect_match 'path_setxattr' "$stack" \
	"the covered setxattr is blocked inside the kernel's setxattr"
incrs=$(printf '%s\n' "$stack" | grep -c '\[crs\]')
t_expect_eq 0 "$incrs" "and not in crs's code"

# An unload with nothing to wait for takes a second or two here (RCU Tasks
# grace periods): give it a minute before calling it stuck.
rmmod crs &
rpid=$!
i=0
while [ $i -lt 600 ] && kill -0 "$rpid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$rpid" 2>/dev/null; then
	t_fail "rmmod completes while the call is blocked" "still running after 60 s"
	touch "$d/release"
	wait "$rpid"
else
	wait "$rpid"
	t_expect_eq 0 $? "rmmod completes while the call is blocked"
	touch "$d/release"
fi
wait "$hpid"
out=$(cat "$d/out")
case $out in
"13 0" | "0 1") t_pass "the call ends consistently: $out (errno, changed)" ;;
*) t_fail "the call ends consistently: $out (errno, changed)" ;;
esac

t_ok "the module loads again" insmod /crs/crs.ko
rmdir "$g"
rm -rf "$d"
t_done
