#!/usr/bin/env bash
# The main job: opens the studio on the bundled sample photo; without a display, runs the weight-free
# relighter on it with the CLI and writes coffee_relit.png in the current folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CHIARO_BUILD_DIR:-$root/build/ci}"
sample="$root/resources/samples/coffee.png"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec "$build/src/gui/chiaro" "$sample"
fi
"$build/src/cli/chiaro-cli" preview "$sample" -o coffee_relit.png --light 270,20
echo "wrote $(pwd)/coffee_relit.png (light from the left, 20 degrees up)"
