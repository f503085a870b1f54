#!/bin/sh
# The policy document through "crsctl policy apply" (SPEC sections 2, 6):
# every error exits 1 with one line naming the field, and changes nothing.
. /crs/lib/tap.sh

tmp=$(mktemp -d)
doc=$tmp/doc.json

# A policy that the bad documents below would replace if they got through.
cat >"$tmp/keep.json" <<'EOF'
{"name": "keep", "mode": "active", "rules": [
 {"name": "a", "type": "file-read", "path": "/etc/shadow", "action": "deny"}]}
EOF
t_ok "a valid document applies" crsctl policy apply -f "$tmp/keep.json"
t_expect_eq "" "$T_OUT" "a valid document prints nothing"
before=$(crsctl -j policy list)
t_expect_match '"name":"keep","mode":"active","rules":1,' "$before" "the policy is listed"

# bad FIELD-REGEX DESCRIPTION DOCUMENT-TEXT
bad() {
	printf '%s\n' "$3" >"$doc"
	t_status 1 "$2: refused" crsctl policy apply -f "$doc"
	t_expect_match "^crsctl: $doc: $1: " "$T_OUT" "$2: the message names $1"
	t_expect_eq 1 "$(printf '%s\n' "$T_OUT" | wc -l)" "$2: one line"
	t_expect_eq "$before" "$(crsctl -j policy list)" "$2: nothing changed"
}

# bad_in_kernel FIELD DESC DOC: as bad, for what only the module can judge
# (a system call name): the message names the policy, not the file.
bad_in_kernel() {
	printf '%s\n' "$3" >"$doc"
	t_status 1 "$2: refused" crsctl policy apply -f "$doc"
	t_expect_match "^crsctl: keep: $1: " "$T_OUT" "$2: the message names $1"
	t_expect_eq 1 "$(printf '%s\n' "$T_OUT" | wc -l)" "$2: one line"
	t_expect_eq "$before" "$(crsctl -j policy list)" "$2: nothing changed"
}

# The head of a document named keep, and rules that are fine.
H='{"name": "keep", "mode": "active", "rules": ['
R0='{"name": "r0", "type": "file-write", "path": "/etc/hosts", "action": "deny"}'
R1='{"name": "r1", "type": "network-outbound", "address": "10.0.0.0/8", "action": "deny"}'
R2='{"name": "r2", "type": "syscall", "syscall": "ptrace", "action": "deny"}'

bad 'name' "a missing name" '{"mode": "active"}'
bad 'name' "a name with a space" '{"name": "a b", "mode": "active"}'
bad 'name' "a name of 64 characters" \
	'{"name": "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234", "mode": "active"}'
bad 'mode' "a missing mode" '{"name": "keep"}'
bad 'mode' "an unknown mode" '{"name": "keep", "mode": "enforcing"}'
bad 'description' "a description that is not text" '{"name": "keep", "mode": "active", "description": 5}'
bad 'description' "a description of 256 bytes" \
	"{\"name\": \"keep\", \"mode\": \"active\", \"description\": \"$(printf '%0256d' 0)\"}"
bad 'defaults\.file' "an unknown file default" '{"name": "keep", "mode": "active", "defaults": {"file": "block"}}'
bad 'defaults\.network' "a network default that is not text" '{"name": "keep", "mode": "active", "defaults": {"network": 1}}'
bad 'defaults\.application' "an unknown application default" '{"name": "keep", "mode": "active", "defaults": {"application": "kill"}}'
bad 'defaults\.process' "an unknown default" '{"name": "keep", "mode": "active", "defaults": {"process": "deny"}}'
bad 'compat_syscalls' "an unknown compat_syscalls" '{"name": "keep", "mode": "active", "compat_syscalls": "maybe"}'
bad 'colour' "an unknown field" '{"name": "keep", "mode": "active", "colour": "blue"}'
bad 'rules' "rules that are not an array" '{"name": "keep", "mode": "active", "rules": {}}'
bad 'line 1, column [0-9]+' "a duplicate key" '{"name": "keep", "name": "other", "mode": "active"}'
bad 'line [0-9]+, column [0-9]+' "broken JSON" '{"name": "keep", "mode": "active",'
bad 'rules\[3\]\.port' "a port above 65535 in the fourth rule" \
	"$H$R0, $R1, $R2, {\"name\": \"r3\", \"type\": \"network-inbound\", \"port\": 65536, \"action\": \"deny\"}]}"
bad 'rules\[1\]\.port' "a reversed port range" \
	"$H$R0, {\"name\": \"r1\", \"type\": \"network-inbound\", \"port\": \"9000-8000\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.port' "a port that is a word" \
	"$H{\"name\": \"r1\", \"type\": \"network-inbound\", \"port\": \"http\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.address' "a prefix longer than 32 bits" \
	"$H{\"name\": \"r\", \"type\": \"network-outbound\", \"address\": \"10.0.0.0/33\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.address' "a prefix longer than 128 bits" \
	"$H{\"name\": \"r\", \"type\": \"network-outbound\", \"address\": \"2001:db8::/129\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.address' "host bits set after the prefix" \
	"$H{\"name\": \"r\", \"type\": \"network-outbound\", \"address\": \"10.0.0.1/8\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.address' "a host name" \
	"$H{\"name\": \"r\", \"type\": \"network-outbound\", \"address\": \"example.com\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.protocol' "an unknown protocol" \
	"$H{\"name\": \"r\", \"type\": \"network-outbound\", \"protocol\": \"icmp\", \"action\": \"deny\"}]}"
bad 'rules\[2\]\.path' "a path on a network rule" \
	"$H$R0, $R2, {\"name\": \"r1\", \"type\": \"network-outbound\", \"path\": \"/etc\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.port' "a port on a file rule" \
	"$H{\"name\": \"r\", \"type\": \"file-read\", \"path\": \"/etc\", \"port\": 80, \"action\": \"deny\"}]}"
bad 'rules\[0\]\.args' "args on a file rule" \
	"$H{\"name\": \"r\", \"type\": \"file-read\", \"path\": \"/etc\", \"args\": [], \"action\": \"deny\"}]}"
bad 'rules\[0\]\.address' "an address on a syscall rule" \
	"$H{\"name\": \"r\", \"type\": \"syscall\", \"syscall\": \"connect\", \"address\": \"*\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.path' "a relative path" \
	"$H{\"name\": \"r\", \"type\": \"file-read\", \"path\": \"etc/shadow\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.path' "a file rule without a path" \
	"$H{\"name\": \"r\", \"type\": \"file-read\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.program' "a relative program" \
	"$H{\"name\": \"r\", \"type\": \"file-read\", \"path\": \"/a\", \"program\": \"nginx\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.program' "a program with .." \
	"$H{\"name\": \"r\", \"type\": \"file-read\", \"path\": \"/a\", \"program\": \"/usr/../sh\", \"action\": \"deny\"}]}"
bad_in_kernel 'rules\[0\]\.syscall' "an unknown system call" \
	"$H{\"name\": \"r\", \"type\": \"syscall\", \"syscall\": \"frobnicate\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.syscall' "a syscall rule without a syscall" \
	"$H{\"name\": \"r\", \"type\": \"syscall\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.args' "four arguments" \
	"$H{\"name\": \"r\", \"type\": \"syscall\", \"syscall\": \"openat\", \"args\": [1, 2, 3, 4], \"action\": \"deny\"}]}"
bad 'rules\[0\]\.args\[1\]' "a relative path argument" \
	"$H{\"name\": \"r\", \"type\": \"syscall\", \"syscall\": \"openat\", \"args\": [1, \"etc\"], \"action\": \"deny\"}]}"
bad 'rules\[0\]\.args\[0\]' "a boolean argument" \
	"$H{\"name\": \"r\", \"type\": \"syscall\", \"syscall\": \"openat\", \"args\": [false], \"action\": \"deny\"}]}"
bad 'rules\[0\]\.type' "an unknown rule type" \
	"$H{\"name\": \"r\", \"type\": \"process\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.action' "an unknown action" \
	"$H{\"name\": \"r\", \"type\": \"file-read\", \"path\": \"/a\", \"action\": \"block\"}]}"
bad 'rules\[0\]\.action' "a rule without an action" \
	"$H{\"name\": \"r\", \"type\": \"file-read\", \"path\": \"/a\"}]}"
bad 'rules\[0\]\.enabled' "enabled that is not a boolean" \
	"$H{\"name\": \"r\", \"type\": \"file-read\", \"path\": \"/a\", \"action\": \"deny\", \"enabled\": \"yes\"}]}"
bad 'rules\[0\]\.name' "a rule without a name" \
	"$H{\"type\": \"file-read\", \"path\": \"/a\", \"action\": \"deny\"}]}"
bad 'rules\[0\]\.comment' "an unknown rule field" \
	"$H{\"name\": \"r\", \"type\": \"file-read\", \"path\": \"/a\", \"action\": \"deny\", \"comment\": \"x\"}]}"
bad 'rules\[3\]\.name' "a duplicate rule name" "$H$R0, $R1, $R2, $R0]}"
bad 'rules\[0\]' "a rule that is not an object" "$H\"r\"]}"

t_status 1 "a missing file is refused" crsctl policy apply -f "$tmp/none.json"
t_expect_match "^crsctl: $tmp/none.json: No such file or directory\$" "$T_OUT" "the message names the file"
printf '%s\n' '{"name": "keep", "mode": "permissive"' >"$doc"
t_status 1 "a bad document on standard input is refused" sh -c "crsctl policy apply -f - <$doc"
t_expect_match '^crsctl: standard input: line ' "$T_OUT" "the message says standard input"
t_expect_eq "$before" "$(crsctl -j policy list)" "nothing changed"

# Standard input works for a good document, and replaces keep.
printf '%s\n' '{"name": "keep", "mode": "permissive", "rules": []}' >"$doc"
t_ok "a document on standard input applies" sh -c "crsctl policy apply -f - <$doc"
t_expect_match '"name":"keep","mode":"permissive","rules":0,' "$(crsctl -j policy list)" \
	"the policy was replaced"

# Symbolic links on the path: a warning, and the policy still applies.
mkdir -p "$tmp/real"
ln -s real "$tmp/lnk"
cat >"$doc" <<EOF
{"name": "links", "mode": "active", "rules": [
 {"name": "a", "type": "file-read", "path": "/etc/shadow", "action": "deny"},
 {"name": "b", "type": "file-read", "path": "$tmp/real/x", "action": "deny"},
 {"name": "c", "type": "file-write", "path": "$tmp/lnk/cat", "action": "deny"}]}
EOF
t_ok "a path through a symbolic link applies" crsctl policy apply -f "$doc"
t_expect_eq "crsctl: warning: rules[2].path: $tmp/lnk/cat passes through a symbolic link ($tmp/lnk -> real); rules match resolved paths" \
	"$T_OUT" "and warns, naming the rule, the link and where it points"
t_expect_match '"name":"links","mode":"active","rules":3,' "$(crsctl -j policy list)" "the policy is there"

# The example policies apply cleanly and export as they are written.
for p in web database batch; do
	t_ok "the example policy $p applies" crsctl policy apply -f "/crs/policies/$p.json"
	crsctl policy export "$p" >"$tmp/$p.out"
	t_ok "the exported $p is the example file, byte for byte" cmp "/crs/policies/$p.json" "$tmp/$p.out"
done

for p in keep links web database batch; do
	crsctl policy delete "$p"
done
t_expect_eq "[]" "$(crsctl -j policy list)" "every policy is gone"
rm -rf "$tmp"
t_done
