#!/bin/sh
# File rules end to end through crsctl (issue 5): the example web policy
# denies a covered shell its /etc/hosts, the refusal changes nothing, and
# `crsctl events` shows the event with the path and the program.
. /crs/lib/tap.sh

cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cg" ] || t_skip_all "no cgroup v2 hierarchy is mounted"
g=$cg/crs-fcli
mkdir -p "$g"
[ -e /etc/hosts ] || echo "127.0.0.1 localhost" >/etc/hosts
before=$(cat /etc/hosts)
sh_exe=$(readlink -f /bin/sh)

t_ok "web applies" crsctl policy apply -f /crs/policies/web.json
t_ok "and attaches" crsctl cgroup attach crs-fcli web
t_status 1 "a covered shell cannot append to /etc/hosts" \
	sh -c "echo \$\$ >$g/cgroup.procs && echo 10.0.0.1 evil >>/etc/hosts"
t_expect_match "Permission denied" "$T_OUT" "it is told: permission denied"
t_expect_eq "$before" "$(cat /etc/hosts)" "/etc/hosts is unchanged"
t_ok "a covered shell may read /etc/hosts" \
	sh -c "echo \$\$ >$g/cgroup.procs && cat /etc/hosts"
t_ok "an uncovered shell may write it" sh -c "cat /etc/hosts >/etc/hosts.new"
t_ok "the event is there" crsctl -j events --cgroup "$g"
t_expect_match "\"type\": ?\"file-write\".*\"action\": ?\"deny\".*\"enforced\": ?true.*\"policy\": ?\"web\".*\"rule\": ?\"hosts-ro\"" \
	"$T_OUT" "it names the type, action, policy and rule"
t_expect_match "\"program\": ?\"$sh_exe\".*\"path\": ?\"/etc/hosts\"" \
	"$T_OUT" "and the program and the path"

t_ok "permissive mode" crsctl policy mode web permissive
t_ok "lets the write through" \
	sh -c "echo \$\$ >$g/cgroup.procs && echo '# permissive' >>/etc/hosts"
t_expect_match "# permissive" "$(cat /etc/hosts)" "and it happened"
printf '%s\n' "$before" >/etc/hosts
t_ok "the events" crsctl -j events --cgroup "$g"
t_expect_match "\"action\": ?\"deny\", ?\"enforced\": ?false.*\"rule\": ?\"hosts-ro\"" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)" "the last is a deny marked not enforced"
t_ok "detach" crsctl cgroup detach crs-fcli
t_ok "delete" crsctl policy delete web
rm -f /etc/hosts.new
rmdir "$g"
t_done
