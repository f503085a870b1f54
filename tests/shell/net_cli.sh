#!/bin/sh
# Network rules end to end through crsctl (issue 6): a policy document with
# CIDR, port range, protocol and IPv6 rules; a covered process refused with
# EPERM, a monitored one let through; `crsctl events` shows direction,
# address, port and protocol (SPEC section 5); an uncovered process is
# never checked.
. /crs/lib/tap.sh

cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cg" ] || t_skip_all "no cgroup v2 hierarchy is mounted"
g=$cg/crs-ncli
mkdir -p "$g"
cat >/tmp/ncli.json <<'EOF2'
{"name": "ncli", "mode": "active", "rules": [
 {"name": "no-range", "type": "network-outbound", "address": "127.0.0.0/8",
  "port": "9000-9099", "protocol": "udp", "action": "deny"},
 {"name": "one-port", "type": "network-outbound", "address": "127.0.0.1",
  "port": 9050, "protocol": "udp", "action": "allow"},
 {"name": "v6", "type": "network-outbound", "address": "::1", "port": 9100,
  "action": "monitor"}]}
EOF2

# covered CMD...: CMD in the covered cgroup.
covered() {
	sh -c "echo \$\$ >$g/cgroup.procs && exec $*"
}

t_ok "the policy applies" crsctl policy apply -f /tmp/ncli.json
t_ok "and attaches" crsctl cgroup attach crs-ncli ncli
t_status 1 "a covered send into the denied range fails" \
	covered nbench sendto 127.0.0.1 9051 1
t_expect_match "Operation not permitted" "$T_OUT" "with EPERM"
t_ok "the event is there" crsctl -j events --cgroup "$g"
t_expect_match "\"type\": ?\"network-outbound\", ?\"action\": ?\"deny\", ?\"enforced\": ?true.*\"rule\": ?\"no-range\"" \
	"$T_OUT" "it names the type, action and rule"
t_expect_match "\"direction\": ?\"outbound\", ?\"address\": ?\"127.0.0.1\", ?\"port\": ?9051, ?\"protocol\": ?\"udp\"" \
	"$T_OUT" "and the direction, address, port and protocol"
t_ok "the single port beats the range" covered nbench sendto 127.0.0.1 9050 1
t_ok "a monitored IPv6 send goes through" covered nbench sendto ::1 9100 1
t_ok "and is reported" crsctl -j events --cgroup "$g"
t_expect_match "\"action\": ?\"monitor\", ?\"enforced\": ?false.*\"rule\": ?\"v6\".*\"address\": ?\"::1\", ?\"port\": ?9100, ?\"protocol\": ?\"udp\"" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)" "as a monitor, with the IPv6 address"
t_ok "an uncovered process is not checked" nbench sendto 127.0.0.1 9051 1
t_ok "detach" crsctl cgroup detach crs-ncli
t_ok "a detached one neither" covered nbench sendto 127.0.0.1 9051 1
t_ok "delete" crsctl policy delete ncli
rm -f /tmp/ncli.json
rmdir "$g"
t_done
