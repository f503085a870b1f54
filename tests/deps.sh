#!/bin/bash
# Install what building and testing crs needs on a Debian bookworm host.
#
# Fast when everything is present (one dpkg-query, no network): CI calls this
# on every run. Only when something is missing does it refresh the package
# lists and install, without recommends so a CI image stays small.
set -eu

packages=(
	# Kernels under test (SPEC section 8): images to boot in QEMU, headers
	# to build against; the 6.1 source for its kselftest headers.
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-source-6.1
	# The VM harness: emulator, guest userland, initramfs packing, modules.
	qemu-system-x86 busybox-static cpio xz-utils kmod
	# Building crs.ko and crsctl.
	gcc make pkg-config dkms sparse
	libnl-3-dev libnl-genl-3-dev libjansson-dev
)

# One dpkg-query for all: db:Status-Abbrev is "ii " for an installed package;
# anything else (absent, half-installed, removed with config left) and any
# package dpkg has never heard of (no line at all) needs installing.
installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' \
	"${packages[@]}" 2>/dev/null | sed -n 's/^ii  *//p' || true)
missing=()
for pkg in "${packages[@]}"; do
	grep -qxF "$pkg" <<<"$installed" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi

echo "deps.sh: installing ${missing[*]}" >&2
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends "${missing[@]}"
