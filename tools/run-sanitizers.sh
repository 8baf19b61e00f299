#!/usr/bin/env bash
# ASan + UBSan build (build/asan: preset `asan`, no GUI, built at -O1 -g) and run of the tests.
# usage: tools/run-sanitizers.sh [--core-only]     (JOBS=N: build parallelism, default 2)
#   --core-only   build and run only chiaro_core_tests
#   default       also chiaro-cli + chiaro_cli_tests, run through ctest (which adds the fixtures the
#                 CLI tests need: tiny bundles and the bad-input corpus, made with /usr/bin/python3)
# Leak checking is on; chiaro_core_tests needs no suppressions (none for LibTorch/OpenBLAS/glog either;
# add LSAN_OPTIONS=suppressions=FILE if a new dependency needs one). Prints the time of each phase;
# exits non-zero when a build or a test fails or when any sanitizer report appears in the logs.
set -euo pipefail

core_only=0
for arg in "$@"; do
    case "$arg" in
        --core-only) core_only=1 ;;
        -h|--help) sed -n 2,9p "$0"; exit 0 ;;
        *) echo "run-sanitizers.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/asan"
jobs="${JOBS:-2}"
cd "$root"

phase_start=$(date +%s)
phase() {  # phase NAME: prints how long the phase that just ended took
    local now; now=$(date +%s)
    echo "sanitizers: $1 took $((now - phase_start)) s"
    phase_start=$now
}

if [ ! -f "$build/build.ninja" ]; then
    cmake --preset asan -DCHIARO_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
    phase configure
fi
targets=(chiaro_core_tests)
[ $core_only = 1 ] || targets+=(chiaro-cli chiaro_cli_tests)
ninja -C "$build" -j"$jobs" "${targets[@]}"
phase "build (${targets[*]})"

# Any report stops the process with a non-zero exit; the logs are also scanned below, in case a
# report comes from a child process whose exit code a test tolerates.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export CHIARO_SHARED_DIR="${CHIARO_SHARED_DIR:-$root/../shared}"

status=0
rm -f "$build"/sanitizers-*.log
core_log="$build/sanitizers-core.log"
"$build/tests/core/chiaro_core_tests" >"$core_log" 2>&1 || status=1
tail -n 3 "$core_log"
phase "chiaro_core_tests"

if [ $core_only = 0 ]; then
    cli_log="$build/sanitizers-cli.log"
    ctest --test-dir "$build" -L "^cli$" --output-on-failure -j"$jobs" >"$cli_log" 2>&1 || status=1
    tail -n 3 "$cli_log"
    phase "chiaro_cli_tests (ctest -L cli, with fixtures)"
fi

reports='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer'
if grep -E -n "$reports" "$build"/sanitizers-*.log; then
    status=1
fi
echo "sanitizers: status $status (logs: $build/sanitizers-*.log)"
exit $status
