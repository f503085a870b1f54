#!/bin/bash
# Assemble the directory that becomes /crs in the test VM for one kernel.
#
#   BUILD=build tests/lib/mkpayload.sh KVER OUTDIR
#
# From the build tree (BUILD, default "build"):
#   $BUILD/KVER/crs.ko             -> OUTDIR/crs.ko       (required)
#   $BUILD/KVER/crs_test.ko        -> OUTDIR/crs_test.ko  (if built)
#   $BUILD/crsctl                  -> OUTDIR/crsctl       (if built)
#   $BUILD/tests/kselftest/*       -> OUTDIR/kselftest/   (executables)
#   $BUILD/tests/helpers/*         -> OUTDIR/bin/   (on the guest's PATH)
# From the source tree:
#   tests/shell/                   -> OUTDIR/shell/   (*.sh run, rest is data)
#   policies/                      -> OUTDIR/policies/  (example documents)
#   tests/guest/                   -> OUTDIR/guest/   (the runner)
#   tests/lib/tap.sh               -> OUTDIR/lib/tap.sh
# OUTDIR is replaced if it holds an earlier payload; any other non-empty
# directory is refused rather than deleted.
set -eu

if [ $# -ne 2 ]; then
	sed -n '4p' "$0" | sed 's/^# *//' >&2
	exit 2
fi
kver=$1
out=$2
build=${BUILD:-build}
src=$(cd "$(dirname "$0")/../.." && pwd)

die() {
	echo "mkpayload: $*" >&2
	exit 1
}

[ -f "$build/$kver/crs.ko" ] || die "$build/$kver/crs.ko not built"
if [ -e "$out" ]; then
	if [ -e "$out/.crs-payload" ]; then
		rm -rf "$out"
	elif [ -n "$(ls -A "$out")" ]; then
		die "$out exists and is not a payload; not deleting it"
	fi
fi
mkdir -p "$out/kselftest" "$out/shell" "$out/lib"
touch "$out/.crs-payload"

cp "$build/$kver/crs.ko" "$out/"
[ ! -f "$build/$kver/crs_test.ko" ] || cp "$build/$kver/crs_test.ko" "$out/"
if [ -f "$build/crsctl" ]; then
	cp "$build/crsctl" "$out/"
else
	echo "mkpayload: warning: $build/crsctl not built" >&2
fi
for f in "$build"/tests/kselftest/*; do
	if [ ! -f "$f" ] || [ ! -x "$f" ]; then
		continue
	fi
	cp "$f" "$out/kselftest/"
done
[ ! -d "$src/tests/shell" ] || cp -R "$src/tests/shell/." "$out/shell/"
cp -R "$src/tests/guest" "$out/guest"
cp "$src/tests/lib/tap.sh" "$out/lib/tap.sh"
# The example policies, applied by the shell tests; their helper programs.
[ ! -d "$src/policies" ] || cp -R "$src/policies" "$out/policies"
for f in "$build"/tests/helpers/*; do
	if [ ! -f "$f" ] || [ ! -x "$f" ]; then
		continue
	fi
	mkdir -p "$out/bin"
	cp "$f" "$out/bin/"
done
