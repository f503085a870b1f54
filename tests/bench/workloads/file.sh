# File rules (issue 5), sourced by guest.sh with lib.sh loaded. Each
# figure is guest ns (= instructions) per operation by tests/helpers/
# fbench, against the same operation with crs.ko unloaded, in this boot:
#
# file-open-uncovered    open+close by a process in no attached cgroup
#                        while another cgroup is attached (target <= 1.02)
# file-open-10k-rules    open+close by a covered process, 10,000 file rules,
#                        none matching (<= 1.10)
# file-open-32-deep      the same on a file 32 directories deep (<= 1.25)
# file-open-100k-vs-10   100,000 rules against 10 rules (<= 1.05 apart)
# file-pread, -pwrite    1 byte by a covered process on an allowed file
#                        (<= 1.05, <= 1.10)

N=${FILE_BENCH_N:-20000}
B=/tmp/bench-file
CG=bench-file
mkdir -p "$B"
echo data >"$B/f"
deep=$B
i=1
while [ $i -le 32 ]; do
	deep=$deep/d$i
	i=$((i + 1))
done
mkdir -p "$deep"
echo data >"$deep/f"
mkdir -p "/sys/fs/cgroup/$CG" "/sys/fs/cgroup/$CG-other"

# policy N FILE: N file rules that match nothing here, read and write
# rules, exact paths and directories, on paths as deep as the 32-deep file.
policy() {
	awk -v n="$1" 'BEGIN {
		printf "{\"name\": \"bench\", \"mode\": \"active\", \"rules\": ["
		for (i = 0; i < n; i++) {
			t = i % 2 ? "file-write" : "file-read"
			p = i % 4 < 2 ? "/srv/data/" i : "/tmp/bench-file/d1/d2/x" i "/"
			printf "%s{\"name\": \"r%d\", \"type\": \"%s\", \"path\": \"%s\", \"action\": \"deny\"}",
				i ? ", " : "", i, t, p
		}
		print "]}"
	}' >"$2"
}

fb() {
	fbench "$@" || { bench_fail file "fbench $*"; exit 1; }
}

rmmod crs
base_open=$(fb open "$B/f" "$N")
base_deep=$(fb open "$deep/f" "$N")
base_pread=$(fb pread "$B/f" "$N")
base_pwrite=$(fb pwrite "$B/f" "$N")
insmod /crs/crs.ko

policy 10 /tmp/p10.json
policy 10000 /tmp/p10k.json
policy 100000 /tmp/p100k.json
crsctl policy apply -f /tmp/p10.json >/dev/null || { bench_fail file "apply"; exit 1; }
crsctl cgroup attach "$CG" bench >/dev/null || { bench_fail file "attach"; exit 1; }
crsctl cgroup attach "$CG-other" bench >/dev/null || { bench_fail file "attach"; exit 1; }

uncovered=$(fb open "$B/f" "$N")
cov10=$(fb open "$B/f" "$N" "$CG")
pread=$(fb pread "$B/f" "$N" "$CG")
pwrite=$(fb pwrite "$B/f" "$N" "$CG")
crsctl policy apply -f /tmp/p10k.json >/dev/null || { bench_fail file "apply 10k"; exit 1; }
cov10k=$(fb open "$B/f" "$N" "$CG")
deep10k=$(fb open "$deep/f" "$N" "$CG")
crsctl policy apply -f /tmp/p100k.json >/dev/null || { bench_fail file "apply 100k"; exit 1; }
cov100k=$(fb open "$B/f" "$N" "$CG")

bench_ratio file-open-uncovered "$uncovered" "$base_open" 1.02 "(module unloaded)"
bench_ratio file-open-10k-rules "$cov10k" "$base_open" 1.10 "(module unloaded)"
bench_ratio file-open-32-deep "$deep10k" "$base_deep" 1.25 "(module unloaded)"
bench_ratio file-open-100k-vs-10 "$cov100k" "$cov10" 1.05 "(10 rules)"
bench_ratio file-pread "$pread" "$base_pread" 1.05 "(module unloaded)"
bench_ratio file-pwrite "$pwrite" "$base_pwrite" 1.10 "(module unloaded)"
crsctl cgroup detach "$CG" >/dev/null
crsctl cgroup detach "$CG-other" >/dev/null
crsctl policy delete bench >/dev/null
rm -rf "$B" /tmp/p10.json /tmp/p10k.json /tmp/p100k.json
rmdir "/sys/fs/cgroup/$CG" "/sys/fs/cgroup/$CG-other"
