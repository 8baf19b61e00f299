#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build/fuzz and runs each for SECONDS.
# usage: tools/run-fuzzers.sh [SECONDS=60] [TARGET...]
# Seeds come from fuzz/corpus/<target>/ (read only); new corpus entries go to a temporary folder
# (printed at the end: copy the interesting ones into fuzz/corpus/ by hand). A crash leaves its input
# in build/fuzz/artifacts/ and makes the script exit 1. FUZZ_SEED=N fixes libFuzzer's seed (CI does:
# a CI run then replays the same mutations and cannot turn red on a fresh random find in code the
# change did not touch); without it every run explores anew — run it so, longer, before a release.
set -euo pipefail

seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(tokenizer png_metadata manifest image_load)
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/fuzz"

if [ ! -f "$build/build.ninja" ]; then
    CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCHIARO_FUZZ=ON -DCHIARO_BUILD_GUI=OFF -DCHIARO_BUILD_TESTS=OFF >"$build.configure.log" 2>&1 \
        || { cat "$build.configure.log"; exit 1; }
fi
ninja -C "$build" -j"${JOBS:-2}" "${targets[@]/#/fuzz_}"

new_corpus="$(mktemp -d "${TMPDIR:-/tmp}/chiaro-fuzz-corpus.XXXXXX")"
mkdir -p "$build/artifacts"
# Targets run side by side, JOBS at a time (default: the core count), each for SECONDS of wall time.
parallel="${JOBS:-$(nproc)}"
run_one() {
    local target="$1"
    mkdir -p "$new_corpus/$target"
    local seed=()
    [ -z "${FUZZ_SEED:-}" ] || seed=(-seed="$FUZZ_SEED")
    if "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 "${seed[@]}" \
            -print_final_stats=1 -artifact_prefix="$build/artifacts/${target}-" \
            "$new_corpus/$target" "$root/fuzz/corpus/$target" 2>"$new_corpus/$target.log"; then
        echo ok >"$new_corpus/$target.status"
    else
        echo failed >"$new_corpus/$target.status"
    fi
}
running=0
for target in "${targets[@]}"; do
    echo "== fuzz_$target for ${seconds} s"
    run_one "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$parallel" ]; then wait -n || true; running=$((running - 1)); fi
done
wait
status=0
for target in "${targets[@]}"; do
    if [ "$(cat "$new_corpus/$target.status" 2>/dev/null)" != ok ]; then
        status=1
        echo "fuzz_$target FAILED: see $new_corpus/$target.log and $build/artifacts/"
        tail -n 30 "$new_corpus/$target.log" || true
    fi
    echo "fuzz_$target: $(grep -E "^stat::number_of_executed_units" "$new_corpus/$target.log" || echo 'no stats'), new corpus entries: $(find "$new_corpus/$target" -type f | wc -l)"
done
echo "new corpus entries kept in $new_corpus"
exit $status
