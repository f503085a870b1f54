#!/bin/sh
# crsctl cgroup attach, set, detach, list (SPEC section 6), the refusals
# that change nothing, --container, and who may do what (section 7).
. /crs/lib/tap.sh

cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cg" ] || t_skip_all "no cgroup v2 hierarchy is mounted"
tmp=$(mktemp -d)
a=$cg/crs-a
b=$cg/crs-b
mkdir -p "$a/child" "$b" "$cg/crs-slice/docker-0123456789abcdef.scope" \
	"$cg/crs-slice/cri-containerd-0123aaaa.scope" \
	"$cg/crs-slice/crio-feedbeef.scope" "$cg/crs-slice/crio-conmon-feedbeef.scope"

t_ok "web applies" crsctl policy apply -f /crs/policies/web.json
t_ok "batch applies" crsctl policy apply -f /crs/policies/batch.json

t_ok "cgroup list with no attachments" crsctl cgroup list
t_expect_match '^CGROUP +POLICY +MODE +EVENTS$' "$T_OUT" "list has its heading"
t_expect_eq "[]" "$(crsctl -j cgroup list)" "list -j of nothing is []"

t_ok "attach by a path relative to the mount" crsctl cgroup attach crs-a web
t_expect_eq "" "$T_OUT" "attach prints nothing"
t_ok "cgroup list" crsctl cgroup list
t_expect_match "^$a +web +policy +all\$" "$T_OUT" "list shows the cgroup with the mount, policy, mode and events"
t_expect_eq "[{\"cgroup\":\"$a\",\"policy\":\"web\",\"mode\":\"policy\",\"events\":\"all\"}]" \
	"$(crsctl -j cgroup list)" "list -j has cgroup, policy, mode and events"
t_expect_match '"name":"web","mode":"active","rules":15,"attachments":1,' "$(crsctl -j policy list)" \
	"policy list counts the attachment"
t_expect_match '"attachments":1,' "$(crsctl -j status)" "status counts the attachment"

# Refusals: each exits 1 with one line, and changes nothing.
before=$(crsctl -j cgroup list)
policies=$(crsctl -j policy list)
refused() {	# refused DESCRIPTION MESSAGE-REGEX CMD...
	_d=$1
	_m=$2
	shift 2
	t_status 1 "$_d is refused" "$@"
	t_expect_match "^crsctl: $_m" "$T_OUT" "$_d: the message says why"
	t_expect_eq 1 "$(printf '%s\n' "$T_OUT" | wc -l)" "$_d: in one line"
	t_expect_eq "$before" "$(crsctl -j cgroup list)" "$_d: no attachment changed"
	t_expect_eq "$policies" "$(crsctl -j policy list)" "$_d: no policy changed"
}
refused "attaching twice" "$a: " crsctl cgroup attach "$a" batch
refused "attaching the root cgroup" "$cg: " crsctl cgroup attach "$cg" web
refused "attaching an unknown policy" "$b: " crsctl cgroup attach "$b" nosuch
refused "attaching a cgroup that does not exist" "$cg/nosuch: No such file or directory" \
	crsctl cgroup attach nosuch web
refused "attaching a file" "$a/cgroup.procs: not a directory" crsctl cgroup attach "$a/cgroup.procs" web
refused "attaching a directory outside the hierarchy" "$tmp: not a directory of the cgroup v2 hierarchy" \
	crsctl cgroup attach "$tmp" web
refused "deleting an attached policy" "web: .*$a" crsctl policy delete web
refused "detaching a cgroup without an attachment" "$b: " crsctl cgroup detach "$b"
refused "setting a cgroup without an attachment" "$b: " crsctl cgroup set "$b" --mode active
refused "an unknown container" "no container cgroup .* matches \"99\"" crsctl cgroup attach --container 99 web
refused "an ambiguous container prefix" "container ID \"0123\" is ambiguous: .*docker-0123456789abcdef\.scope.*cri-containerd-0123aaaa\.scope|container ID \"0123\" is ambiguous: .*cri-containerd-0123aaaa\.scope.*docker-0123456789abcdef\.scope" \
	crsctl cgroup attach --container 0123 web

# Bad usage: exit 2, one line, nothing changed.
for args in "cgroup" "cgroup frobnicate" "cgroup attach crs-b" "cgroup attach" \
	"cgroup attach crs-b web extra" "cgroup attach crs-b web --mode on" \
	"cgroup attach crs-b web --events some" "cgroup attach crs-b web --mode" \
	"cgroup attach crs-b web --frob 1" "cgroup attach crs-b web --mode policy" \
	"cgroup attach crs-b --container 0123456789abcdef web" \
	"cgroup set crs-a" "cgroup set --mode active" "cgroup set crs-a --events" \
	"cgroup detach" "cgroup detach crs-a crs-b" "cgroup detach crs-a --mode active" \
	"cgroup list extra" "cgroup list --policy" "cgroup list --mode active"; do
	# shellcheck disable=SC2086
	t_status 2 "crsctl $args is bad usage" crsctl $args
	t_expect_match '^crsctl: ' "$T_OUT" "crsctl $args says why"
	t_expect_eq 1 "$(printf '%s\n' "$T_OUT" | wc -l)" "crsctl $args: in one line"
done
t_expect_eq "$before" "$(crsctl -j cgroup list)" "bad usage changed nothing"
t_ok "cgroup help" crsctl cgroup help
t_expect_match '^Usage: crsctl cgroup attach' "$T_OUT" "cgroup help shows the commands"

# set
t_ok "set mode and events" crsctl cgroup set crs-a --mode permissive --events deny
t_expect_match "^$a +web +permissive +deny\$" "$(crsctl cgroup list)" "list shows the override"
t_ok "set only events" crsctl cgroup set "$a" --events none
t_expect_match "^$a +web +permissive +none\$" "$(crsctl cgroup list)" "the mode stays"
t_ok "set mode back to the policy's" crsctl cgroup set "$a" --mode policy
t_expect_eq "[{\"cgroup\":\"$a\",\"policy\":\"web\",\"mode\":\"policy\",\"events\":\"none\"}]" \
	"$(crsctl -j cgroup list)" "the attachment follows the policy again"
t_ok "set inactive" crsctl cgroup set crs-a --mode inactive --events all

# A descendant can have its own attachment; the list filters by policy.
t_ok "attach a child with its own policy and settings" \
	crsctl cgroup attach crs-a/child batch --mode permissive --events deny
t_ok "attach by an absolute path" crsctl cgroup attach "$b" batch
t_ok "list --policy" crsctl -j cgroup list --policy batch
t_expect_match "\{\"cgroup\":\"$a/child\",\"policy\":\"batch\",\"mode\":\"permissive\",\"events\":\"deny\"\}" \
	"$T_OUT" "the child is listed for batch"
t_expect_match "\{\"cgroup\":\"$b\",\"policy\":\"batch\",\"mode\":\"policy\",\"events\":\"all\"\}" \
	"$T_OUT" "crs-b is listed for batch"
t_expect_eq "" "$(printf '%s\n' "$T_OUT" | grep '"policy":"web"')" "web's attachment is not"
t_expect_match "^$a +web +inactive +all\$" "$(crsctl cgroup list)" "the unfiltered list has web's"

# An attachment goes away with its cgroup.
t_ok "rmdir of an attached cgroup" rmdir "$b"
t_expect_eq "" "$(crsctl -j cgroup list | grep "\"cgroup\":\"$b\"")" "its attachment is gone"

# --container, by whole ID and by an unambiguous prefix.
t_ok "attach --container by prefix" crsctl cgroup attach --container 01234567 web
t_expect_match "^$cg/crs-slice/docker-0123456789abcdef\.scope +web " "$(crsctl cgroup list)" "the docker scope is attached"
t_ok "attach --container of CRI-O (conmon's scope is not the container)" \
	crsctl cgroup attach --container feedbeef web --events deny
t_expect_match "^$cg/crs-slice/crio-feedbeef\.scope +web +policy +deny\$" "$(crsctl cgroup list)" "the crio scope is attached"
# Container scopes are long: the refusal still names every cgroup.
before=$(crsctl -j cgroup list)
policies=$(crsctl -j policy list)
refused "deleting a policy attached to containers" \
	"web: policy web is attached to .*($cg/crs-slice/docker-0123456789abcdef\\.scope.*$cg/crs-slice/crio-feedbeef\\.scope|$cg/crs-slice/crio-feedbeef\\.scope.*$cg/crs-slice/docker-0123456789abcdef\\.scope)" \
	crsctl policy delete web
t_ok "attach --container of containerd" crsctl cgroup attach --container 0123aaaa batch
t_ok "set --container" crsctl cgroup set --container 0123aaaa --mode active
t_expect_match "^$cg/crs-slice/cri-containerd-0123aaaa\.scope +batch +active +all\$" "$(crsctl cgroup list)" \
	"the containerd scope is attached and set"
t_ok "detach --container" crsctl cgroup detach --container 0123aaaa
t_ok "detach --container" crsctl cgroup detach --container 0123456789abcdef
t_ok "detach --container" crsctl cgroup detach --container feedbeef

# Who may do what: CAP_MAC_ADMIN, and not from inside an attached cgroup.
before=$(crsctl -j cgroup list)
policies=$(crsctl -j policy list)
for args in "policy list" "policy show web" "cgroup list" "policy mode web permissive" \
	"policy delete batch" "cgroup detach $a" "cgroup attach $cg/crs-slice web" \
	"policy apply -f /crs/policies/database.json"; do
	# shellcheck disable=SC2086
	t_status 1 "without CAP_MAC_ADMIN, crsctl $args is refused" /crs/bin/dropcap CAP_MAC_ADMIN crsctl $args
	t_expect_match "^crsctl: .*(CAP_MAC_ADMIN)" "$T_OUT" \
		"crsctl $args: the message names CAP_MAC_ADMIN"
done
t_expect_eq "$before" "$(crsctl -j cgroup list)" "unprivileged requests changed no attachment"
t_expect_eq "$policies" "$(crsctl -j policy list)" "unprivileged requests changed no policy"

for args in "policy list" "cgroup detach $a" "policy mode web permissive"; do
	# The shell moves itself into the child of the attached cgroup first.
	t_status 1 "from inside an attached cgroup, crsctl $args is refused" \
		sh -c "echo \$\$ >$a/child/cgroup.procs && exec crsctl $args"
	t_expect_match "^crsctl: .*(covered)" "$T_OUT" \
		"crsctl $args: the message says the caller is covered"
done
t_expect_eq "$before" "$(crsctl -j cgroup list)" "covered callers changed no attachment"
t_expect_eq "$policies" "$(crsctl -j policy list)" "covered callers changed no policy"

# detach
t_ok "detach the child" crsctl cgroup detach crs-a/child
t_ok "detach" crsctl cgroup detach "$a"
t_expect_eq "[]" "$(crsctl -j cgroup list)" "no attachment is left"
t_ok "an unattached policy deletes" crsctl policy delete web
t_ok "batch deletes" crsctl policy delete batch

rmdir "$a/child" "$a" "$cg"/crs-slice/*.scope "$cg/crs-slice" 2>/dev/null
rm -rf "$tmp"
t_done
