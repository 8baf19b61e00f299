#!/bin/bash
# package.install: `cmake --install BUILD --prefix ROOT/usr` into a temporary root, then the
# installed chiaro-cli and chiaro run from there, and `models import` finds the installed exporter
# (not the source tree's) and exports the parity kit's tiny model into a bundle that verifies.
# usage: check_install.sh BUILD_DIR SHARED_DIR
set -euo pipefail
build=$1
shared=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "package.install: FAIL: $*" >&2; exit 1; }

usr=$tmp/root/usr
cmake --install "$build" --prefix "$usr" > "$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
for f in bin/chiaro bin/chiaro-cli share/chiaro/models/export.py share/chiaro/models/chiaro_export/bundle.py \
         share/applications/chiaro.desktop share/icons/hicolor/scalable/apps/chiaro.svg; do
    [ -e "$usr/$f" ] || fail "$f is not installed"
done
[ -x "$usr/share/chiaro/models/export.py" ] || fail "export.py is not executable"
# Nothing but the app: no tests, benches or static libraries in the tree.
extra=$(cd "$tmp/root" && find . -type f ! -path './usr/share/chiaro/models/*' ! -path './usr/bin/chiaro' \
        ! -path './usr/bin/chiaro-cli' ! -path './usr/share/applications/chiaro.desktop' \
        ! -path './usr/share/icons/hicolor/scalable/apps/chiaro.svg')
[ -z "$extra" ] || fail "unexpected files installed: $extra"

desktop=$usr/share/applications/chiaro.desktop
grep -qx 'MimeType=image/jpeg;image/png;image/webp;image/tiff;' "$desktop" || fail "MimeType in chiaro.desktop"
grep -qx 'Exec=chiaro %f' "$desktop" || fail "Exec in chiaro.desktop"
if command -v desktop-file-validate > /dev/null; then desktop-file-validate "$desktop" || fail "desktop-file-validate"; fi

"$usr/bin/chiaro-cli" --version | grep -Eqx 'chiaro-cli [0-9]+\.[0-9]+\.[0-9]+' || fail "chiaro-cli --version"
"$usr/bin/chiaro-cli" --help | grep -q '^  models ' || fail "chiaro-cli --help"
"$usr/bin/chiaro-cli" models import --help | grep -q -- '--iclight FILE' || fail "models import --help"
QT_QPA_PLATFORM=offscreen "$usr/bin/chiaro" --help 2> /dev/null | grep -q 'relighting studio' || fail "chiaro --help"

export XDG_DATA_HOME=$tmp/data PYTHONDONTWRITEBYTECODE=1
env -u CHIARO_EXPORTER "$usr/bin/chiaro-cli" models import "$shared/parity/tiny_sd" \
    --iclight "$shared/parity/iclight_fc_offset.safetensors" --out "$tmp/models" --device cpu --json \
    > "$tmp/import.json" 2> "$tmp/import.err" || { cat "$tmp/import.err"; fail "models import from the installed tree"; }
python3 - "$tmp/import.json" "$usr/share/chiaro/models/export.py" "$tmp/models/fc" << 'PY' || fail "models import result"
import json, sys
result = json.load(open(sys.argv[1]))
assert result["exporter"] == sys.argv[2], result["exporter"]
assert result["exporter_origin"] == "installed", result["exporter_origin"]
assert [b["variant"] for b in result["bundles"]] == ["fc"], result["bundles"]
assert result["bundles"][0]["dir"] == sys.argv[3], result["bundles"][0]["dir"]
PY
"$usr/bin/chiaro-cli" models check "$tmp/models/fc" --device cpu > /dev/null || fail "models check of the imported bundle"
echo "package.install: ok"
