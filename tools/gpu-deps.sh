#!/bin/bash
# tools/gpu-deps.sh [--plan] [DEST]: fetch (apt-get download, no root needed) the Debian 12 .deb files
# that an engine-and-CLI build of Chiaro needs and the GPU machine lacks (issue #22), into DEST
# (default /tmp/chiaro-gpu-debs: outside the repository, because .gitignore is not ours to edit).
#
# Run it HERE (a Debian bookworm machine with apt access), never on the GPU machine: gpu-check.sh
# only unpacks what this leaves (dpkg -x into a private prefix). --plan resolves and prints the list
# with sizes but downloads nothing.
#
# The device tool carries only paths inside the repository, so copy the result into an ignored
# path (build/ is ignored) and carry that:   cp -r /tmp/chiaro-gpu-debs build/gpu-debs
#
# Why these packages: cmake/ChiaroDependencies.cmake finds OpenCV (core imgproc imgcodecs), spdlog,
# nlohmann_json, lcms2 (pkg-config), TIFF >= 4.5 and SQLite3 (the job queue). With
# CHIARO_BUILD_GUI=OFF and CHIARO_BUILD_TESTS=OFF no Qt is needed (the queue uses SQLite's C API).
# The runtime closure is resolved from apt's Depends (first alternative of each "a | b"), because
# Debian's libopencv_imgcodecs.so.406 is linked with BIND_NOW against GDAL, GDCM and OpenEXR: empty
# stub libraries do not work (tried: "symbol lookup error ... Imf_3_1::InputFile::header"), so the
# whole GDAL closure has to travel. That closure is what makes the folder big.
set -euo pipefail

plan_only=0
dest=/tmp/chiaro-gpu-debs
for arg in "$@"; do
    case "$arg" in
        --plan) plan_only=1 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) dest=$arg ;;
    esac
done
limit_mib=${CHIARO_GPU_DEBS_LIMIT_MIB:-50}

# Build-time packages: headers, .so links, CMake/pkg-config files. Their own Depends on other -dev
# packages are NOT followed (they would pull hundreds of MiB of headers we never include); only the
# runtime libraries below are followed recursively.
dev_pkgs=(
    libopencv-dev            # OpenCVConfig.cmake / OpenCVModules*.cmake (Debian ships no file checks)
    libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev
    libspdlog-dev libfmt-dev nlohmann-json3-dev
    liblcms2-dev libtiff-dev
    libsqlite3-dev           # the job queue (src/jobs: SQLite's C API; no Qt in an engine-and-CLI build)
    pkgconf pkgconf-bin libpkgconf3  # find_package(PkgConfig) for lcms2, if the target has none
)
# Runtime libraries whose closure is followed.
runtime_pkgs=(
    libopencv-core406 libopencv-imgproc406 libopencv-imgcodecs406
    libspdlog1.10 libfmt9 liblcms2-2 libtiff6
    libsqlite3-0             # `chiaro-cli batch` (job queue)
)
# Assumed on any x86-64 Linux that runs a CUDA torch wheel and a C++ compiler: the C/C++ runtime.
# (The bookworm builds need glibc >= 2.34-ish; gpu-check.sh's deps step reports what is unresolved.)
base_pkgs=" libc6 libgcc-s1 libstdc++6 gcc-12-base libcrypt1 debconf dpkg perl-base tar "
# Not needed to build or run chiaro-cli bench/relight (pulled by Depends only for other tools):
# dropping them keeps the folder small; gpu-check.sh reports any library that is then unresolved.
skip_pkgs=" proj-data gdal-data gdal-plugins libgdal-grass mysql-common mariadb-common libpq5-dev \
 ucf sensible-utils lsb-base init-system-helpers adduser passwd libsemanage2 libaudit1 \
 shared-mime-info tzdata libpam0g libpam-modules fontconfig-config fonts-dejavu-core \
 libqt6dbus6 libqt6network6 libqt6gui6 libqt6widgets6 libqt6opengl6 libqt6printsupport6 \
 libqt6opengl6-dev libqt6openglwidgets6 libgl-dev libegl-dev libglx-dev libvulkan-dev libgles-dev \
 libgl1-mesa-dev libxkbcommon-dev qt6-qpa-plugins libqt6xml6 libqt6concurrent6 libqt6test6 \
 libqt6sql6-mysql libqt6sql6-odbc libqt6sql6-psql libqt6sql6-ibase \
 libglx-mesa0 libgl1-mesa-dri libllvm15 libz3-4 libglapi-mesa "  # mesa: a GL vendor, loaded only by GL apps
# Reported as optional in the listing: only there to satisfy libopencv_imgcodecs' NEEDED entries
# (GDAL/GDCM/OpenEXR image formats Chiaro never reads); they cannot be stubbed (BIND_NOW), so a
# build that drops them fails at load time. "optional" here means: replaceable by an OpenCV built
# without them, which is not what Debian ships.
optional_re='^(libgdal|libgdcm|libopenexr|libimath|libhdf|libnetcdf|libpoppler|libproj|libgeos|libspatialite|libkml|libxerces|libmariadb|libpq|libodbc|libcfitsio|libarmadillo|libarpack|libsuperlu|libogdi|libfyba|libfreexl|librttopo|libqhull|libheif|libaec|libsz|libblosc|libcurl|libnghttp|librtmp|libssh|libldap|libsasl|libkrb|libk5crypto|libgssapi|libkeyutils|libpsl|libgnutls|libnettle|libhogweed|libtasn1|libp11|libidn2|libunistring|libgmp|libffi|libbrotli|libxml2|libicu|liburiparser|libminizip|libjson-c|libcharls|libopenjp2|libgeotiff|libgif|libde265|libx265|libdav1d|libaom|libnspr4|libnss3|libsocket|libltdl|libdeflate|liblerc|libjbig|libwebp|libsharpyuv|libzstd|liblzma|libexpat|libblas|liblapack|libgfortran|libquadmath|libopenblas|libtbb)'

if ! apt-cache show libopencv-core406 >/dev/null 2>&1; then
    echo "apt knows no libopencv-core406: run 'apt-get update' first (needs Debian 12 apt sources)" >&2
    exit 1
fi

# Resolve the runtime closure: breadth-first over Depends/Pre-Depends, first alternative of each
# OR group; a virtual name (no Package stanza) is replaced by its first provider.
resolve() {
    local -A seen=()
    local queue=("$@") pkg deps dep
    while ((${#queue[@]})); do
        pkg=${queue[0]}; queue=("${queue[@]:1}")
        pkg=${pkg%%:*}
        [[ -n ${seen[$pkg]:-} || $base_pkgs == *" $pkg "* || $skip_pkgs == *" $pkg "* ]] && continue
        if ! apt-cache show --no-all-versions "$pkg" >/dev/null 2>&1; then
            local prov
            prov=$(apt-cache showpkg "$pkg" | awk '/^Reverse Provides:/{f=1;next} f&&NF{print $1; exit}')
            [[ -n $prov ]] && queue+=("$prov")
            continue
        fi
        seen[$pkg]=1
        echo "$pkg"
        deps=$(apt-cache show --no-all-versions "$pkg" |
               awk -F': ' '/^(Pre-)?Depends:/{print $2}' | tr ',' '\n' |
               sed -e 's/|.*//' -e 's/([^)]*)//g' -e 's/\[[^]]*\]//g' -e 's/ //g' | grep -v '^$' || true)
        for dep in $deps; do queue+=("$dep"); done
    done
}

mapfile -t runtime < <(resolve "${runtime_pkgs[@]}")
all=()
for p in "${dev_pkgs[@]}"; do [[ " ${runtime[*]} " == *" $p "* ]] || all+=("$p"); done
all+=("${runtime[@]}")

total=0
printf '%-36s %9s  %s\n' PACKAGE KiB ROLE
for p in "${all[@]}"; do
    size=$(apt-cache show --no-all-versions "$p" | awk '/^Size:/{print $2; exit}')
    total=$((total + size))
    role=runtime
    [[ " ${dev_pkgs[*]} " == *" $p "* ]] && role=build
    [[ $p =~ $optional_re && $role == runtime ]] && role="runtime (imgcodecs NEEDED closure)"
    printf '%-36s %9d  %s\n' "$p" $((size / 1024)) "$role"
done
total_mib=$(( (total + 1048575) / 1048576 ))
echo "${#all[@]} packages, $total_mib MiB (limit ${limit_mib} MiB, so that tree + debs < 64 MiB)"

if ((plan_only)); then exit 0; fi
mkdir -p "$dest"
(cd "$dest" && apt-get download "${all[@]}")
printf '%s\n' "${all[@]}" >"$dest/PACKAGES.txt"
du -sh "$dest"
if ((total_mib > limit_mib)); then
    echo "WARNING: $total_mib MiB is over the ${limit_mib} MiB budget for the carry" >&2
    exit 3
fi
