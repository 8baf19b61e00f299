#!/bin/bash
# package.deb: builds the .deb with CPack (README, Set-up command 3), checks its control data
# (name, Depends with the exporter's python3-torch and the libraries dpkg-shlibdeps found) and its
# contents, unpacks it with `dpkg -x` into a temporary root and runs the binaries from there.
# usage: check_deb.sh BUILD_DIR SHARED_DIR
set -euo pipefail
build=$1
shared=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "package.deb: FAIL: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -B "$tmp/pkg" > "$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack"; }
debs=("$tmp"/pkg/chiaro_*_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one chiaro_VERSION_ARCH.deb, got: ${debs[*]}"
deb=${debs[0]}

dpkg-deb -f "$deb" Package | grep -qx chiaro || fail "Package is not chiaro"
dpkg-deb -f "$deb" Maintainer | grep -q '@' || fail "no Maintainer"
depends=$(dpkg-deb -f "$deb" Depends)
for dep in python3-torch python3-numpy; do
    echo "$depends" | grep -Eq "(^|, )$dep(,|$| )" || fail "Depends lacks $dep: $depends"
done
if command -v dpkg-shlibdeps > /dev/null; then
    for lib in libqt6widgets6 libtorch libopencv-core; do
        echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib (dpkg-shlibdeps): $depends"
    done
fi

dpkg-deb -c "$deb" | awk '{print $6}' > "$tmp/contents"
for f in ./usr/bin/chiaro ./usr/bin/chiaro-cli ./usr/share/chiaro/models/export.py \
         ./usr/share/chiaro/models/chiaro_export/bundle.py ./usr/share/applications/chiaro.desktop \
         ./usr/share/icons/hicolor/scalable/apps/chiaro.svg; do
    grep -qx "$f" "$tmp/contents" || fail "$f is not in the package"
done
! grep -v '^\./usr/' "$tmp/contents" | grep -qv '^\./$' || fail "files outside /usr: $(grep -v '^\./usr/' "$tmp/contents")"
! grep -q '__pycache__\|\.pyc$' "$tmp/contents" || fail "compiled Python in the package"

dpkg -x "$deb" "$tmp/root"
usr=$tmp/root/usr
"$usr/bin/chiaro-cli" --version | grep -Eqx 'chiaro-cli [0-9]+\.[0-9]+\.[0-9]+' || fail "chiaro-cli --version"
QT_QPA_PLATFORM=offscreen "$usr/bin/chiaro" --help 2> /dev/null | grep -q 'relighting studio' || fail "chiaro --help"
# `models import` looks for the exporter before it reads its inputs: a missing base is exit 3 (bad
# input) only when the unpacked tree's exporter was found (a missing exporter is exit 1).
set +e
err=$(env -u CHIARO_EXPORTER "$usr/bin/chiaro-cli" models import "$tmp/no-such-model" \
      --iclight "$shared/parity/iclight_fc_offset.safetensors" --out "$tmp/models" 2>&1 > /dev/null)
rc=$?
set -e
[ $rc -eq 3 ] || fail "models import from the unpacked package: exit $rc ($err)"
echo "$err" | grep -q 'base model not found' || fail "models import: $err"
echo "package.deb: ok ($(du -h "$deb" | cut -f1) $(basename "$deb"))"
