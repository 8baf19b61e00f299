#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build/fuzz and runs each for SECONDS.
# usage: tools/run-fuzzers.sh [SECONDS=60] [TARGET...]
# Seeds come from fuzz/corpus/<target>/ (read only); new corpus entries go to a temporary folder
# (printed at the end: copy the interesting ones into fuzz/corpus/ by hand). A crash leaves its input
# in build/fuzz/artifacts/ and makes the script exit 1.
set -euo pipefail

seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(tokenizer png_metadata manifest image_load)
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/fuzz"

if [ ! -f "$build/build.ninja" ]; then
    CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCHIARO_FUZZ=ON -DCHIARO_BUILD_GUI=OFF -DCHIARO_BUILD_TESTS=OFF >/dev/null
fi
ninja -C "$build" -j"${JOBS:-2}" "${targets[@]/#/fuzz_}"

new_corpus="$(mktemp -d "${TMPDIR:-/tmp}/chiaro-fuzz-corpus.XXXXXX")"
mkdir -p "$build/artifacts"
status=0
for target in "${targets[@]}"; do
    mkdir -p "$new_corpus/$target"
    echo "== fuzz_$target for ${seconds} s"
    if ! "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
            -print_final_stats=1 -artifact_prefix="$build/artifacts/${target}-" \
            "$new_corpus/$target" "$root/fuzz/corpus/$target" 2>"$new_corpus/$target.log"; then
        status=1
        echo "fuzz_$target FAILED: see $new_corpus/$target.log and $build/artifacts/"
    fi
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ *DONE" "$new_corpus/$target.log" || true
    echo "   new corpus entries: $(find "$new_corpus/$target" -type f | wc -l)"
done
echo "new corpus entries kept in $new_corpus"
exit $status
