#!/bin/bash
# Print the kernel versions crs is tested against, one per line, 6.1 first.
#
# SPEC section 8 supports Debian bookworm's 6.1 and 6.12 amd64 kernels. Rather
# than pin ABI numbers that change with every point release, pick for each
# series the newest version that has everything the tests need: a kernel
# image to boot, its module tree, and its headers to build against.
# Exit 1 (after printing what was found) when a series is missing, so a CI
# run never silently tests fewer kernels than it claims.
set -eu

status=0
for series in 6.1 6.12; do
	found=
	# "6.1.*" cannot match "6.12...": the character after "6.1" must be a dot.
	for dir in /lib/modules/"$series".*-amd64; do
		kver=${dir##*/}
		[ -f "$dir/modules.dep" ] || continue
		[ -d "/usr/src/linux-headers-$kver" ] || continue
		[ -f "/boot/vmlinuz-$kver" ] || continue
		found="$found $kver"
	done
	if [ -z "$found" ]; then
		echo "kvers.sh: no usable $series kernel (need /boot/vmlinuz-K," \
			"/lib/modules/K and /usr/src/linux-headers-K; run tests/deps.sh)" >&2
		status=1
		continue
	fi
	# shellcheck disable=SC2086 # split the list on purpose
	printf '%s\n' $found | sort -V | tail -n 1
done
exit "$status"
