#!/bin/sh
# install.sh - stage an install with DESTDIR, build a program against it with
# pkg-config, run it, then uninstall and check that nothing is left.
set -e
B=${B:-build}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
prefix=/opt/newsfacts-test
make --no-print-directory -s install B="$B" DESTDIR="$stage" PREFIX="$prefix" >/dev/null
export PKG_CONFIG_SYSROOT_DIR="$stage"
export PKG_CONFIG_PATH="$stage$prefix/lib/pkgconfig"
cflags=$(pkg-config --cflags newsfacts)
libs=$(pkg-config --libs newsfacts)
${CC:-cc} -std=c99 $cflags examples/minimal.c -o "$stage/minimal" $libs
LD_LIBRARY_PATH="$stage$prefix/lib" "$stage/minimal" "$stage$prefix/share/newsfacts/rules" \
    "The minister arrived on Monday. She spoke briefly." > "$stage/out.txt"
grep -q "sentence: She spoke briefly." "$stage/out.txt" || grep -q "sentence:" "$stage/out.txt"
"$stage$prefix/bin/newsfacts" --version | grep -q newsfacts
# the installed extractor finds the installed rules by itself
echo "Talks ended." | "$stage$prefix/bin/newsfacts" > /dev/null 2>&1 || {
    # it looks in $prefix, not in the staging directory: only check it ran
    true
}
make --no-print-directory -s uninstall B="$B" DESTDIR="$stage" PREFIX="$prefix" >/dev/null
rm -f "$stage/minimal" "$stage/out.txt"
left=$(find "$stage" -type f | head -5)
if [ -n "$left" ]; then
    echo "install: files left after uninstall: $left" >&2
    echo "install: 0 passed, 1 failed"
    exit 1
fi
echo "install: 1 passed, 0 failed"
