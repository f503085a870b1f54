#!/bin/bash
# Boot a Debian kernel in QEMU with a throwaway initramfs and run one script.
#
#   run-vm.sh --kver KVER --payload DIR --script GUEST_SCRIPT
#             [--timeout SECONDS] [--icount] [--log FILE]
#             [--smp N] [--mem MB] [--modules "veth ..."] [--append "ARGS"]
#             [--tcg-thread single|multi]
#
# DIR becomes /crs in the guest; GUEST_SCRIPT is a path inside the guest
# (e.g. /crs/guest/run-tests.sh). The crs module is only ever loaded inside
# this VM, never into the host kernel.
#
# Failure is made loud, as in WireGuard's harness: a WARN or an oops panics
# the guest, a panic powers it off (-no-reboot), an outer timeout kills a hung
# VM, and success is only ever read from the line "CRS-VM-EXIT <status>" that
# the guest's /init prints after the script.
#
# Exit status: the script's status from that line; 124 when the VM timed
# out; 125 when the VM died without that line (panic, oops, QEMU error);
# 126 when the VM could not be set up (bad usage, missing kernel or files).
# shellcheck disable=SC2317 # the { } block below hides what is reachable
set -eu
# The whole script is one { } block, which bash reads completely before
# running it: editing this file cannot derail runs already in progress.
{

usage() {	# usage [STATUS]
	sed -n '3,7s/^# \{0,1\}//p' "$0" >&2
	exit "${1:-126}"
}

die() {
	echo "run-vm: $*" >&2
	exit 126
}

kver=
payload=
script=
timeout=600
icount=
log=
smp=2
tcg_thread=single
mem=1024
modules=veth
append=
while [ $# -gt 0 ]; do
	case $1 in
	--kver) kver=${2:?}; shift 2 ;;
	--payload) payload=${2:?}; shift 2 ;;
	--script) script=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--icount) icount=1; shift ;;
	--log) log=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--tcg-thread) tcg_thread=${2:?}; shift 2 ;;
	--modules) modules=${2?}; shift 2 ;;
	--append) append="$append ${2?}"; shift 2 ;;
	-h|--help) usage 0 ;;
	*) echo "run-vm: unknown argument: $1" >&2; usage ;;
	esac
done
if [ -z "$kver" ] || [ -z "$payload" ] || [ -z "$script" ]; then
	usage
fi

kernel=/boot/vmlinuz-$kver
moddir=/lib/modules/$kver
[ -r "$kernel" ] || die "cannot read $kernel"
[ -f "$moddir/modules.dep" ] || die "no module tree $moddir"
[ -d "$payload" ] || die "payload $payload is not a directory"
case $script in
/crs/*) ;;
*) die "--script must be a path in the guest under /crs, not $script" ;;
esac
# The script path is written into /init; keep it to characters that need no
# quoting in any shell.
case $script in
*[!A-Za-z0-9/._-]*) die "unsupported characters in --script $script" ;;
esac
[ -f "$payload/${script#/crs/}" ] || die "$script is not in the payload $payload"
case $tcg_thread in
single | multi) ;;
*) die "--tcg-thread is single or multi, not $tcg_thread" ;;
esac
case $timeout in
'' | *[!0-9]*) die "--timeout wants whole seconds, not $timeout" ;;
esac
busybox=/bin/busybox	# from busybox-static; the guest has no other userland
[ -x "$busybox" ] || die "$busybox missing (apt-get install busybox-static)"
for tool in qemu-system-x86_64 cpio gzip depmod ldd; do
	command -v "$tool" >/dev/null || die "$tool not found (run tests/deps.sh)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/crs-vm.XXXXXX")
qemu_pid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	# Only our own QEMU, by pid, if we are interrupted while it runs.
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
root=$tmp/root

is_elf() {
	[ "$(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \n')" = 7f454c46 ]
}

# Copy a host file into the initramfs at the same path, following symlinks:
# the guest gets real files at every path the loader or ldd named.
copy_host_file() {
	[ -e "$root$1" ] && return 0
	mkdir -p "$root$(dirname "$1")"
	cp -L "$1" "$root$1"
}

# Shared libraries and the dynamic loader for one ELF file, as ldd resolves
# them on the host (same distribution as the guest's userland, so same paths).
# Static executables and kernel modules make ldd fail; they need nothing.
copy_libs_of() {
	local lib
	for lib in $(ldd "$1" 2>/dev/null | awk '
		$2 == "=>" && $3 ~ /^\// { print $3 }
		$1 ~ /^\// { print $1 }'); do
		copy_host_file "$lib"
	done
}

# Kernel modules for later network tests, with what they depend on, resolved
# through the host's modules.dep for KVER. Debian 6.12 ships .ko.xz, which
# busybox modprobe/insmod cannot load, so they are decompressed here and the
# module index is regenerated for exactly these files with the host's depmod.
# `modprobe NAME` then works in the guest, including the kernel's own
# request_module() of aliases such as rtnl-link-veth.
add_modules() {
	local name norm line path dep
	local -a wanted=()
	for name in $modules; do
		norm=${name//-/_}
		if awk -v m="$norm" -F/ '{ sub(/\.ko$/, "", $NF); gsub(/-/, "_", $NF) }
			$NF == m { found = 1 } END { exit !found }' "$moddir/modules.builtin"; then
			continue	# built into this kernel: nothing to copy
		fi
		line=$(awk -v m="$norm" '{
			p = $1; sub(/:$/, "", p); b = p; sub(/.*\//, "", b)
			sub(/\.ko(\.xz|\.zst|\.gz)?$/, "", b); gsub(/-/, "_", b)
			if (b == m) { print; exit } }' "$moddir/modules.dep")
		[ -n "$line" ] || die "module $name not found for $kver"
		for dep in $line; do
			wanted+=("${dep%:}")
		done
	done
	mkdir -p "$root$moddir"
	for path in "${wanted[@]}"; do
		local out=$root$moddir/${path%.ko*}.ko
		[ -e "$out" ] && continue
		mkdir -p "${out%/*}"
		case $path in
		*.ko) cp "$moddir/$path" "$out" ;;
		*.ko.xz) xz -dc "$moddir/$path" >"$out" ;;
		*.ko.zst) zstd -qdc "$moddir/$path" >"$out" ;;
		*.ko.gz) gzip -dc "$moddir/$path" >"$out" ;;
		*) die "unexpected module file $path" ;;
		esac
	done
	# depmod needs to know what is built in, so that dependencies on
	# built-in code are not reported missing.
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ ! -f "$moddir/$f" ] || cp "$moddir/$f" "$root$moddir/"
	done
	depmod -b "$root" "$kver"
}

# --- the initramfs -------------------------------------------------------
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,root,crs}
cp "$busybox" "$root/bin/busybox"
copy_libs_of "$busybox"
cp -a "$payload/." "$root/crs/"
while IFS= read -r -d '' f; do
	is_elf "$f" && copy_libs_of "$f"
done < <(find "$root/crs" -type f \( -perm /111 -o -name '*.so*' \) -print0)
[ -z "$modules" ] || add_modules
# Enough identity for tools that look users up (setpriv, ls -l, id).
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
# The kernel opens /dev/console for init before anything is mounted; without
# the node init would start with no stdout. (Creating it needs root; /init
# also reopens the console from devtmpfs, so this is belt and braces.)
mknod "$root/dev/console" c 5 1 2>/dev/null || true

cat >"$root/init" <<EOF
#!/bin/busybox sh
# Generated by tests/vm/run-vm.sh. Sets up a minimal system, runs the test
# script, reports its status on the console, and powers off.
/bin/busybox --install -s
export PATH=/crs:/crs/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
# cgroup v2 without nsdelegate (the default) and with no controllers
# enabled in subtree_control: tests enable what they need.
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t debugfs debugfs /sys/kernel/debug
[ ! -d /sys/kernel/tracing ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
ip link set lo up
hostname crs-vm
cd /
echo	# the firmware's last line has no newline
sh $script </dev/null
status=\$?
# Start on a fresh line even if the script's output did not end with one.
printf '\nCRS-VM-EXIT %d\n' "\$status"
poweroff -f
EOF
chmod 755 "$root/init"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$tmp/initrd.gz"

# --- the VM --------------------------------------------------------------
cmdline="console=ttyS0 panic_on_warn=1 oops=panic panic=-1 softlockup_panic=1"
# A task stuck in D state for the hung-task timeout is a test that hangs:
# turn it into a panic with a backtrace instead of waiting for --timeout.
cmdline="$cmdline hung_task_panic=1"
# On panic, replay the whole kernel log: with loglevel=4 the WARNING line
# that panic_on_warn turned into a panic would otherwise never reach the
# console, and it is the line that says where the bug is.
cmdline="$cmdline panic_print=0x20"
cmdline="$cmdline quiet loglevel=4$append"
# The vCPUs take turns on one host thread (thread=single) unless asked
# otherwise. With one host thread per vCPU (multi), QEMU can go on running
# a translation of kernel text that another vCPU has already patched: when
# ftrace or a static key removes a hook while another CPU runs through it,
# that CPU executes the int3 of text_poke_bp() after the kernel has put the
# final instruction back, and oopses ("Oops: int3" at func+5, with the Code:
# line already showing the new bytes): tests/shell/net_stress.sh with
# --tcg-thread multi does within seconds. The guest still has --smp CPUs
# and real concurrency between them.
accel=(-accel "tcg,thread=$tcg_thread" -cpu max -smp "$smp")
if [ -n "$icount" ]; then
	# Deterministic instruction counting for benchmarks: one vCPU, virtual
	# time advancing with instructions executed, not with the host clock.
	accel=(-accel tcg -cpu max -smp 1 -icount 'shift=0,sleep=off')
fi
qemu=(qemu-system-x86_64 "${accel[@]}" -m "$mem" -nographic -no-reboot
	-nic none -kernel "$kernel" -initrd "$tmp/initrd.gz" -append "$cmdline")

out=${log:-$tmp/console.log}
: >"$out"
# The console is a serial port: strip its carriage returns, and the
# firmware's terminal resets and screen clears (ESC c, ESC [2J) that would
# wipe an interactive terminal, so the log and stdout are plain lines. sed -u
# passes each line on at once, so progress shows live.
# QEMU runs in the background, by pid, so that an interrupted run-vm.sh can
# stop it (timeout puts QEMU in its own process group, out of reach of a
# terminal's ^C). timeout -k: if QEMU ignores TERM, KILL it.
mkfifo "$tmp/console"
sed -u -e 's/\r//g' -e 's/\x1bc//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' \
	<"$tmp/console" | tee "$out" &
reader_pid=$!
start=$SECONDS
timeout -k 10 "$timeout" "${qemu[@]}" </dev/null >"$tmp/console" 2>&1 &
qemu_pid=$!
vm_status=0
wait "$qemu_pid" || vm_status=$?
qemu_pid=
wait "$reader_pid" || true
elapsed=$((SECONDS - start))

# Kernel log lines that start a splat (the guest runner looks for the same).
splat_re='WARNING:|BUG:|Oops|general protection|kernel BUG|possible recursive locking|possible circular locking|INFO: task .* blocked|UBSAN|KASAN|list_add corruption|list_del corruption'

# The last CRS-VM-EXIT line is the one /init printed after the script. Only
# a whole line counts: the runner indents test output, so a test that prints
# the marker (and then panics the guest) cannot fake a result.
exit_line=$(grep -axE 'CRS-VM-EXIT [0-9]+' "$out" | tail -n 1 || true)
if [ -n "$exit_line" ]; then
	status=${exit_line#CRS-VM-EXIT }
	if [ "$vm_status" -ne 0 ]; then
		echo "run-vm: warning: QEMU ended with status $vm_status after the guest reported" >&2
	fi
	echo "run-vm: $kver: guest script exited $status after ${elapsed}s" >&2
	exit "$status"
fi
if [ "$vm_status" -eq 124 ] || [ "$vm_status" -eq 137 ]; then
	echo "run-vm: $kver: TIMEOUT: VM killed after ${timeout}s without finishing; last console lines:" >&2
	tail -n 40 "$out" | sed 's/^/run-vm: | /' >&2
	exit 124
fi
echo "run-vm: $kver: VM DIED after ${elapsed}s without a CRS-VM-EXIT line" \
	"(QEMU status $vm_status: panic, oops or QEMU error)" >&2
# The lines that say what went wrong are often far above the end of a
# panic's backtrace and log replay; show them first.
# (A panic replays the log, so each is there twice: keep the first.)
grep -aE "$splat_re|Kernel panic" "$out" |
	awk '{ t = $0; sub(/^\[[^]]*\] */, "", t); if (!seen[t]++) print }' |
	head -n 20 | sed 's/^/run-vm: splat: /' >&2 || true
echo "run-vm: last console lines:" >&2
tail -n 40 "$out" | sed 's/^/run-vm: | /' >&2
exit 125
exit
}
