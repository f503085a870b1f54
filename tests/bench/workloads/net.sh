# Network rules (issue 6), sourced by guest.sh with lib.sh loaded. Each
# figure is guest ns (= instructions) per operation by tests/helpers/
# nbench on one UDP socket to 127.0.0.1 (a bound socket of nbench's own,
# made before it joins the cgroup, takes the datagrams), against the same
# operation by a process in the same cgroup with crs.ko unloaded, in this
# boot:
#
# net-udp-connect-10k      connect by a covered process, 10,000 CIDR rules
#                          of many prefix lengths, none matching (<= 1.05)
# net-udp-sendto-10k       sendto, the same (<= 1.05)
# net-connect-100k-vs-10   100,000 rules against 10 rules (<= 1.05 apart)
# net-sendto-100k-vs-10    the same for sendto (<= 1.05 apart)
# net-sendto-uncovered     sendto by a process in the root cgroup while
#                          other cgroups are attached (<= 1.02)
# net-sendto-uncov-cgroup  the same in a cgroup that is not attached, whose
#                          parent is not either (<= 1.02)

N=${NET_BENCH_N:-20000}
CG=bench-net
A=127.0.0.1
P=9999
mkdir -p "/sys/fs/cgroup/$CG" "/sys/fs/cgroup/$CG-other" "/sys/fs/cgroup/$CG-free"

# policy N FILE: N outbound and inbound rules, none matching A: IPv4
# prefixes /8 to /32 under 10.0.0.0/8 and IPv6 /32 ones under fd00::/16, single
# ports and ranges, both protocols, one in eight for a named program.
policy() {
	awk -v n="$1" 'BEGIN {
		printf "{\"name\": \"bench\", \"mode\": \"active\", \"rules\": ["
		for (i = 0; i < n; i++) {
			t = i % 5 ? "network-outbound" : "network-inbound"
			plen = 8 + i % 25
			if (i % 7 == 3) {
				a = sprintf("fd00:%x::/%d", i % 65536, 32)
			} else {
				v = 167772160 + (i * 4099 * 7) % 16777216
				# busybox awk has no "^"
				m = 1
				for (k = plen; k < 32; k++)
					m *= 2
				v -= v % m
				a = sprintf("%d.%d.%d.%d/%d", int(v / 16777216) % 256,
					int(v / 65536) % 256, int(v / 256) % 256, v % 256, plen)
			}
			port = i % 3 == 0 ? "\"*\"" : i % 3 == 1 ? 1 + i % 60000 : \
				sprintf("\"%d-%d\"", 1000 + i % 5000, 2000 + i % 50000)
			proto = i % 2 ? "udp" : "tcp"
			prog = i % 8 ? "" : sprintf(", \"program\": \"/usr/bin/p%d\"", i % 50)
			printf "%s{\"name\": \"r%d\", \"type\": \"%s\", \"address\": \"%s\", \"port\": %s, \"protocol\": \"%s\", \"action\": \"deny\"%s}",
				i ? ", " : "", i, t, a, port, proto, prog
		}
		print "]}"
	}' >"$2"
}

nb() {
	nbench "$@" || { bench_fail net "nbench $*"; exit 1; }
}

rmmod crs
base_connect=$(nb connect $A $P "$N" "$CG")
base_sendto=$(nb sendto $A $P "$N" "$CG")
base_root=$(nb sendto $A $P "$N")
base_free=$(nb sendto $A $P "$N" "$CG-free")
insmod /crs/crs.ko

policy 10 /tmp/n10.json
policy 10000 /tmp/n10k.json
policy 100000 /tmp/n100k.json
crsctl policy apply -f /tmp/n10.json >/dev/null || { bench_fail net "apply"; exit 1; }
crsctl cgroup attach "$CG" bench >/dev/null || { bench_fail net "attach"; exit 1; }
crsctl cgroup attach "$CG-other" bench >/dev/null || { bench_fail net "attach"; exit 1; }

uncovered=$(nb sendto $A $P "$N")
uncov_cg=$(nb sendto $A $P "$N" "$CG-free")
connect10=$(nb connect $A $P "$N" "$CG")
sendto10=$(nb sendto $A $P "$N" "$CG")
crsctl policy apply -f /tmp/n10k.json >/dev/null || { bench_fail net "apply 10k"; exit 1; }
connect10k=$(nb connect $A $P "$N" "$CG")
sendto10k=$(nb sendto $A $P "$N" "$CG")
crsctl policy apply -f /tmp/n100k.json >/dev/null || { bench_fail net "apply 100k"; exit 1; }
connect100k=$(nb connect $A $P "$N" "$CG")
sendto100k=$(nb sendto $A $P "$N" "$CG")

bench_ratio net-udp-connect-10k "$connect10k" "$base_connect" 1.05 "(module unloaded)"
bench_ratio net-udp-sendto-10k "$sendto10k" "$base_sendto" 1.05 "(module unloaded)"
bench_ratio net-connect-100k-vs-10 "$connect100k" "$connect10" 1.05 "(10 rules)"
bench_ratio net-sendto-100k-vs-10 "$sendto100k" "$sendto10" 1.05 "(10 rules)"
bench_ratio net-sendto-uncovered "$uncovered" "$base_root" 1.02 "(module unloaded)"
bench_ratio net-sendto-uncov-cgroup "$uncov_cg" "$base_free" 1.02 "(module unloaded)"
crsctl cgroup detach "$CG" >/dev/null
crsctl cgroup detach "$CG-other" >/dev/null
crsctl policy delete bench >/dev/null
rm -f /tmp/n10.json /tmp/n10k.json /tmp/n100k.json
rmdir "/sys/fs/cgroup/$CG" "/sys/fs/cgroup/$CG-other" "/sys/fs/cgroup/$CG-free"
