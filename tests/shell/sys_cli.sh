#!/bin/sh
# Syscall rules end to end through crsctl (issue 7): the kernel names
# calls and refuses unknown ones (naming the field, changing nothing); the
# example allow-list lets a covered busybox shell run and denies it what
# the list lacks; `crsctl events` shows the call and its arguments.
. /crs/lib/tap.sh

cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cg" ] || t_skip_all "no cgroup v2 hierarchy is mounted"
g=$cg/crs-scli
mkdir -p "$g"
doc=/tmp/crs-scli.json

printf '%s\n' '{"name": "bad", "mode": "active", "rules": [{"name": "r", "type": "syscall", "syscall": "frobnicate", "action": "deny"}]}' >"$doc"
t_status 1 "a policy naming an unknown call is refused" crsctl policy apply -f "$doc"
t_expect_match '^crsctl: .*rules\[0\]\.syscall.*frobnicate' "$T_OUT" "the error names the field"
t_status 1 "and nothing was created" crsctl policy show bad

printf '%s\n' '{"name": "bad", "mode": "active", "rules": [{"name": "r", "type": "syscall", "syscall": "kill", "args": ["*", "/etc"], "action": "deny"}]}' >"$doc"
t_status 1 "a path for an integer argument is refused" crsctl policy apply -f "$doc"
t_expect_match 'rules\[0\]\.args\[1\]' "$T_OUT" "the error names the argument"

t_ok "the allow-list applies" crsctl policy apply -f /crs/policies/allowlist.json
t_ok "and attaches" crsctl cgroup attach crs-scli shell-allowlist
t_ok "a covered busybox shell runs" \
	sh -c "echo \$\$ >$g/cgroup.procs && ls / >/dev/null && echo ran"
t_expect_match "^ran$" "$T_OUT" "and prints"
t_not "kill is not on the list" \
	sh -c "echo \$\$ >$g/cgroup.procs && exec kill -0 1"
t_expect_match "Operation not permitted" "$T_OUT" "it is told: not permitted"
t_ok "an uncovered kill runs" kill -0 1
t_ok "the events" crsctl -j events --cgroup "$g"
t_expect_match '"type": ?"syscall", ?"action": ?"deny", ?"enforced": ?true, ?"policy": ?"shell-allowlist", ?"rule": ?null.*"syscall": ?"kill", ?"args": ?\[1, ?0\]' \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)" "the last is kill(1, 0), denied by the default"
t_ok "detach" crsctl cgroup detach crs-scli
t_ok "delete" crsctl policy delete shell-allowlist
rm -f "$doc"
rmdir "$g"
t_done
