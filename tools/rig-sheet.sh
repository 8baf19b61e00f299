#!/usr/bin/env bash
# A preset sheet: one photo under the six named light rigs (docs/LIGHT_RIGS.md), with the instant
# weight-free preview, labelled, as one PNG. Needs a built chiaro-cli and ImageMagick's montage.
#   tools/rig-sheet.sh PHOTO OUT.png [MASK.png]      (CHIARO_BUILD: the build folder, default build/ci)
set -euo pipefail
photo=$1
out=$2
mask=${3:-}
cli="${CHIARO_BUILD:-build/ci}/src/cli/chiaro-cli"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tiles=()
for rig in rembrandt butterfly split clamshell rim-only window; do
    args=(preview "$photo" -o "$work/$rig.png" --light-preset "$rig")
    [[ -n $mask ]] && args+=(--mask "$mask")
    "$cli" "${args[@]}"
    tiles+=(-label "$rig" "$work/$rig.png")
done
montage "${tiles[@]}" -tile 3x2 -geometry 480x480+6+6 -pointsize 22 -background '#202020' -fill white "$out"
echo "wrote $out"
