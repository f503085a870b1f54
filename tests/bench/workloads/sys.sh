# Syscall rules (issue 7), sourced by guest.sh with lib.sh loaded. Each
# figure is guest ns (= instructions) per getpid call by tests/helpers/
# sbench, against the same call with crs.ko unloaded, in this boot:
#
# sys-getpid-uncovered      by a process in no attached cgroup while
#                           another cgroup has 100 syscall rules
#                           (target <= 1.02)
# sys-getpid-100-rules      by a covered process, 100 syscall rules on
#                           other calls (<= 1.05)
# sys-getpid-allowlist      by a covered process under an allow-list
#                           (defaults.application deny): stated
# sys-getpid-allowlist-uncovered
#                           by a process in no attached cgroup while an
#                           allow-list is attached elsewhere: stated (the
#                           sys_enter tracepoint slows every task)

N=${SYS_BENCH_N:-50000}
CG=bench-sys
mkdir -p "/sys/fs/cgroup/$CG"

# 100 rules over other calls, with path, descriptor and integer arguments.
rules100() {
	awk 'BEGIN {
		split("mkdir unlinkat openat kill socket ptrace mount chmod fchmod ftruncate renameat2 setuid personality bpf execve", c, " ")
		for (i = 0; i < 100; i++) {
			s = c[i % 15 + 1]
			if (s == "mkdir" || s == "chmod" || s == "execve")
				a = "[\"/srv/" i "\"]"
			else if (s == "unlinkat" || s == "openat" || s == "renameat2")
				a = "[\"*\", \"/srv/" i "/\"]"
			else if (s == "fchmod" || s == "ftruncate")
				a = "[\"/srv/f" i "\"]"
			else
				a = "[" i "]"
			printf "%s{\"name\": \"r%d\", \"type\": \"syscall\", \"syscall\": \"%s\", \"args\": %s, \"action\": \"deny\"}",
				i ? ", " : "", i, s, a
		}
	}'
}

# What sbench needs once it joined the cgroup, and nothing more.
allowlist() {
	for s in getpid write close exit_group exit rt_sigreturn; do
		printf '%s{"name": "%s", "type": "syscall", "syscall": "%s", "action": "allow"}' \
			"${sep:-}" "$s" "$s"
		sep=", "
	done
}

sb() {
	sbench "$@" || { bench_fail sys "sbench $*"; exit 1; }
}

apply() {
	crsctl policy apply -f "$1" >/dev/null || { bench_fail sys "apply $1"; exit 1; }
}

echo "{\"name\": \"bench\", \"mode\": \"active\", \"rules\": [$(rules100)]}" >/tmp/sys100.json
echo "{\"name\": \"bench\", \"mode\": \"active\", \"defaults\": {\"application\": \"deny\"}, \"rules\": [$(allowlist)]}" >/tmp/sysallow.json

rmmod crs
base=$(sb "$N")
insmod /crs/crs.ko

apply /tmp/sys100.json
crsctl cgroup attach "$CG" bench >/dev/null || { bench_fail sys "attach"; exit 1; }
uncovered=$(sb "$N")
cov100=$(sb "$N" "$CG")
apply /tmp/sysallow.json
allow=$(sb "$N" "$CG")
allow_uncovered=$(sb "$N")

bench_ratio sys-getpid-uncovered "$uncovered" "$base" 1.02 "(module unloaded)"
bench_ratio sys-getpid-100-rules "$cov100" "$base" 1.05 "(module unloaded)"
bench_ratio sys-getpid-allowlist "$allow" "$base" - "(module unloaded)"
bench_ratio sys-getpid-allowlist-uncovered "$allow_uncovered" "$base" - "(module unloaded)"
crsctl cgroup detach "$CG" >/dev/null
crsctl policy delete bench >/dev/null
rm -f /tmp/sys100.json /tmp/sysallow.json
rmdir "/sys/fs/cgroup/$CG"
