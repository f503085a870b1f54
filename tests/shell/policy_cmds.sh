#!/bin/sh
# crsctl policy list, show, export, mode, rename, delete (SPEC section 6),
# text and -j, refusals that change nothing, bad usage, and a policy of
# 100,000 rules sent as a transfer.
. /crs/lib/tap.sh

tmp=$(mktemp -d)
T='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z'

t_ok "policy list with no policies" crsctl policy list
t_expect_match '^NAME +MODE +RULES +ATTACHMENTS +CREATED +MODIFIED$' "$T_OUT" "list has its heading"
t_expect_eq "[]" "$(crsctl -j policy list)" "list -j of nothing is []"

t_ok "web applies" crsctl policy apply -f /crs/policies/web.json
t_ok "database applies" crsctl policy apply -f /crs/policies/database.json

t_ok "policy list" crsctl policy list
t_expect_match '^web +active +15 +0 +'"$T"' +'"$T"'$' "$T_OUT" "list shows web"
t_expect_match '^database +active +14 +0 +' "$T_OUT" "list shows database"
t_ok "policy list -j" crsctl -j policy list
list=$T_OUT
t_expect_match '^\[.*\{"name":"web","mode":"active","rules":15,"attachments":0,"created":"'"$T"'","modified":"'"$T"'"\}' \
	"$list" "list -j has every key of SPEC section 6"
t_expect_eq 1 "$(printf '%s\n' "$list" | wc -l)" "list -j is one line"

t_ok "policy show" crsctl policy show web
show=$T_OUT
t_expect_match '^name +web$' "$show" "show names the policy"
t_expect_match '^description +nginx front end' "$show" "show has the description"
t_expect_match '^mode +active$' "$show" "show has the mode"
t_expect_match '^defaults +network allow, file allow, application allow$' "$show" "show has the defaults"
t_expect_match '^created +'"$T"'$' "$show" "show has the creation time"
t_expect_match '^STATUS +NAME +TYPE +PROGRAM +SYSCALL +ARGUMENT +ACTION$' "$show" "the rule table's columns"
t_expect_match '^Enabled +hosts-ro +file-write +\* +- +/etc/hosts +deny$' "$show" "a file rule's row"
t_expect_match '^Enabled +no-metadata +network-outbound +\* +- +169\.254\.169\.254:\*/\* +deny$' "$show" "a network rule's row"
t_expect_match '^Enabled +upstreams +network-outbound +/usr/sbin/nginx +- +10\.0\.0\.0/8:8000-8999/tcp +allow$' "$show" "a network rule with a range"
t_expect_match '^Enabled +no-shell +syscall +/usr/sbin/nginx +execve +/usr/bin/dash +deny$' "$show" "a syscall rule's row"
t_expect_match '^Disabled +watch-exec +syscall +/usr/sbin/nginx +execve +\* +monitor$' "$show" "a disabled rule"
t_expect_eq 15 "$(printf '%s\n' "$show" | grep -cE '^(Enabled|Disabled) ')" "show lists all 15 rules"

t_ok "policy show -j" crsctl -j policy show web
t_expect_match '^\{"name":"web","id":[0-9]+,"description":"nginx front end[^"]*","mode":"active","defaults":\{"network":"allow","file":"allow","application":"allow"\},"compat_syscalls":"deny","attachments":0,"created":"'"$T"'","modified":"'"$T"'","rules":\[' \
	"$T_OUT" "show -j has the policy's fields"
t_expect_match '\{"status":"Enabled","name":"hosts-ro","type":"file-write","program":"\*","syscall":null,"argument":"/etc/hosts","action":"deny"\}' \
	"$T_OUT" "show -j has the rules with the table's columns as keys"
t_expect_match '\{"status":"Disabled","name":"watch-exec","type":"syscall","program":"/usr/sbin/nginx","syscall":"execve","argument":"\*","action":"monitor"\}\]\}$' \
	"$T_OUT" "show -j ends with the last rule"

# Export and apply: nothing changes, not even the modification time.
crsctl policy export web >"$tmp/web1.json"
t_ok "export is the document that was applied" cmp /crs/policies/web.json "$tmp/web1.json"
t_ok "applying the export succeeds" crsctl policy apply -f "$tmp/web1.json"
t_expect_eq "$list" "$(crsctl -j policy list)" "applying the export changes nothing, modified included"
crsctl policy export web >"$tmp/web2.json"
t_ok "export, apply, export is byte-identical" cmp "$tmp/web1.json" "$tmp/web2.json"
crsctl policy export web | crsctl policy apply -f -
t_expect_eq "$list" "$(crsctl -j policy list)" "export | apply -f - changes nothing"

# mode
t_ok "policy mode" crsctl policy mode web permissive
t_expect_match '"name":"web","mode":"permissive","rules":15,' "$(crsctl -j policy list)" "the mode changed"
t_expect_match '^  "mode": "permissive",$' "$(crsctl policy export web)" "export has the new mode"
t_ok "policy mode back" crsctl policy mode web active
t_ok "policy mode inactive" crsctl policy mode database inactive
t_expect_match '^database +inactive ' "$(crsctl policy list)" "inactive is listed"
before=$(crsctl -j policy list)
t_status 2 "an unknown mode is bad usage" crsctl policy mode web enforcing
t_expect_match '^crsctl: "enforcing" is not a mode' "$T_OUT" "the message names the mode"
t_status 1 "the mode of an unknown policy is refused" crsctl policy mode nosuch active
t_expect_match '^crsctl: nosuch: ' "$T_OUT" "the refusal names the policy"
t_expect_eq "$before" "$(crsctl -j policy list)" "refused mode changes changed nothing"

# rename
created=$(crsctl -j policy list | sed -n 's/.*"name":"web",[^}]*"created":"\([^"]*\)".*/\1/p')
t_ok "policy rename" crsctl policy rename web front
after=$(crsctl -j policy list)
t_expect_match '"name":"front","mode":"active","rules":15,"attachments":0,"created":"'"$created"'"' \
	"$after" "the renamed policy keeps its creation time"
t_expect_eq "" "$(printf '%s\n' "$after" | grep '"name":"web"')" "the old name is gone"
t_status 1 "renaming onto an existing policy is refused" crsctl policy rename front database
t_expect_match '^crsctl: front: ' "$T_OUT" "the refusal names the policy"
t_status 1 "renaming an unknown policy is refused" crsctl policy rename nosuch other
t_status 1 "renaming to a bad name is refused" crsctl policy rename front "a b"
t_expect_match '^crsctl: "a b" is not a policy name' "$T_OUT" "the message names the bad name"
t_expect_eq "$after" "$(crsctl -j policy list)" "refused renames changed nothing"
t_ok "rename back" crsctl policy rename front web

# show, export and delete of what is not there
before=$(crsctl -j policy list)
t_status 1 "show of an unknown policy fails" crsctl policy show nosuch
t_expect_match '^crsctl: nosuch: ' "$T_OUT" "the message names the policy"
t_expect_eq 1 "$(printf '%s\n' "$T_OUT" | wc -l)" "in one line"
t_status 1 "export of an unknown policy fails" crsctl policy export nosuch
t_status 1 "delete of an unknown policy fails" crsctl policy delete nosuch
t_expect_eq "$before" "$(crsctl -j policy list)" "nothing changed"

# bad usage: exit 2, one line
for args in "policy" "policy frobnicate" "policy show" "policy show a b" "policy export" \
	"policy delete" "policy rename web" "policy mode web" "policy apply" \
	"policy apply -f" "policy apply web.json" "policy list extra"; do
	# shellcheck disable=SC2086
	t_status 2 "crsctl $args is bad usage" crsctl $args
	t_expect_match '^crsctl: ' "$T_OUT" "crsctl $args says why"
	t_expect_eq 1 "$(printf '%s\n' "$T_OUT" | wc -l)" "crsctl $args: in one line"
done
t_ok "policy help" crsctl policy help
t_expect_match '^Usage: crsctl \[-j\] policy apply' "$T_OUT" "policy help shows the commands"

# delete
t_ok "policy delete" crsctl policy delete database
t_expect_eq "" "$(crsctl -j policy list | grep '"name":"database"')" "database is gone"

# 100,000 rules: a transfer of many messages, shown, exported, deleted.
awk 'BEGIN {
	printf "{\"name\": \"big\", \"mode\": \"active\", \"rules\": [\n";
	for (i = 0; i < 100000; i++) {
		if (i % 2)
			printf "{\"name\": \"r%d\", \"type\": \"file-write\", \"path\": \"/data/%d\", \"action\": \"deny\"}", i, i;
		else
			printf "{\"name\": \"r%d\", \"type\": \"network-outbound\", \"address\": \"10.%d.%d.0/24\", \"port\": %d, \"action\": \"deny\"}", i, int(i / 256) % 256, i % 256, i % 65536;
		printf (i < 99999) ? ",\n" : "\n";
	}
	printf "]}\n";
}' >"$tmp/big.json"
# /proc/uptime counts hundredths of a second; busybox date has no %N.
start=$(cut -d' ' -f1 /proc/uptime)
t_ok "a policy of 100000 rules applies" crsctl policy apply -f "$tmp/big.json"
end=$(cut -d' ' -f1 /proc/uptime)
echo "# crsctl policy apply of 100000 rules took $(echo "$start $end" | awk '{ printf "%.2f", $2 - $1 }') s"
# How much of that is crsctl reading and validating: the same document with
# a duplicate name at the end is refused after all of that, before sending.
sed 's/"name": "r99999"/"name": "r0"/' "$tmp/big.json" >"$tmp/big-dup.json"
start=$(cut -d' ' -f1 /proc/uptime)
t_status 1 "a duplicate name in rule 99999 is refused" crsctl policy apply -f "$tmp/big-dup.json"
end=$(cut -d' ' -f1 /proc/uptime)
t_expect_match '^crsctl: .*: rules\[99999\]\.name: "r0" is also the name of rules\[0\]$' "$T_OUT" "the message names the rule"
echo "# of which reading and validating in crsctl: $(echo "$start $end" | awk '{ printf "%.2f", $2 - $1 }') s"
t_expect_match '"name":"big","mode":"active","rules":100000,' "$(crsctl -j policy list)" "all 100000 rules arrived"
t_expect_eq 100000 "$(crsctl policy show big | grep -c '^Enabled ')" "show prints 100000 rules"
crsctl policy export big >"$tmp/big1.json"
t_expect_eq 100000 "$(grep -c '"type": ' "$tmp/big1.json")" "export has 100000 rules"
before=$(crsctl -j policy list)
t_ok "the export of 100000 rules applies" crsctl policy apply -f "$tmp/big1.json"
t_expect_eq "$before" "$(crsctl -j policy list)" "and changes nothing"
crsctl policy export big >"$tmp/big2.json"
t_ok "export, apply, export of 100000 rules is byte-identical" cmp "$tmp/big1.json" "$tmp/big2.json"
t_ok "the big policy deletes" crsctl policy delete big

# A transfer refused part-way leaves the old version whole: never a mix,
# never none. The module's memory limit, lowered, refuses a later part.
printf '%s\n' '{"name": "victim", "mode": "active", "rules": [{"name": "r0", "type": "file-read", "path": "/a", "action": "deny"}]}' >"$tmp/victim.json"
sed 's/"name": "big"/"name": "victim"/' "$tmp/big.json" >"$tmp/victim-big.json"
t_ok "the small victim applies" crsctl policy apply -f "$tmp/victim.json"
before=$(crsctl -j policy list)
param=/sys/module/crs/parameters/max_rule_bytes
limit=$(cat "$param")
echo $((2 << 20)) >"$param"
t_status 1 "a transfer over the memory limit is refused" crsctl policy apply -f "$tmp/victim-big.json"
echo "$limit" >"$param"
t_expect_match '^crsctl: victim: .*max_rule_bytes' "$T_OUT" "the message names the limit"
t_expect_eq "$before" "$(crsctl -j policy list)" "the old version stays, whole"
t_ok "with the limit back, the same document applies" crsctl policy apply -f "$tmp/victim-big.json"
t_expect_match '"name":"victim","mode":"active","rules":100000,' "$(crsctl -j policy list)" "all of it"
t_ok "victim deletes" crsctl policy delete victim
t_ok "status after deleting" crsctl -j status
t_expect_match '"policies":1,"rules":15,' "$T_OUT" "status counts what is left"
t_ok "delete web" crsctl policy delete web
t_expect_eq "[]" "$(crsctl -j policy list)" "no policy is left"

rm -rf "$tmp"
t_done
