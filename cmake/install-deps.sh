#!/usr/bin/env bash
# Installs the Debian 12 packages Chiaro needs, only those that are missing (idempotent).
# Run as root (or with sudo available). Usage: bash cmake/install-deps.sh [--tests]
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools libgl-dev libsqlite3-dev
    libtorch-dev libopenblas0-pthread
    libopencv-dev libspdlog-dev nlohmann-json3-dev catch2 liblcms2-dev libtiff-dev libpng-dev libjpeg62-turbo-dev
    python3-torch python3-numpy python3-pil
    xvfb xauth
    clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
