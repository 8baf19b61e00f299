#!/usr/bin/env bash
# ASan + UBSan build (build/asan: preset `asan`, clang, -O0 -g1, no GUI) and run of the tests; CI runs
# it with --ci after the normal tests (README command 2).
# usage: tools/run-sanitizers.sh [--core-only] [--engine] [--ci]     (JOBS=N: parallelism, default 2)
#   (default)     chiaro_core_tests, chiaro_jobs_tests (the SQLite queue through its C API, with
#                 forked runners), and chiaro-cli + chiaro_cli_tests (the real CLI as a sanitized
#                 child process, also over the bad-input corpus; the ctest fixtures make the tiny
#                 bundles with /usr/bin/python3 and the corpus)
#   --core-only   only chiaro_core_tests
#   --engine      also chiaro_engine_tests (tiny and parity bundles; ~4 min more, not in CI)
#   --ci          core tests, and of the CLI tests those that feed every command the bad-input
#                 corpus and the overwrite guards ([corpus] less [batch], and [safety]): the CLI paths
#                 that parse hostile files, within CI's time budget; prints the end of each failing
#                 log, since CI shows only the output
# Leak checking is on, with no suppressions (none needed for LibTorch/OpenBLAS/glog/Qt; add
# LSAN_OPTIONS=suppressions=FILE if a new dependency needs one). LibTorch, OpenCV and Qt are not
# instrumented: only our code is checked. Prints the time of each phase; exits non-zero when a build
# or a test fails or when any sanitizer report appears in the logs. The build folder is configured
# once: delete build/asan after changing the preset.
set -euo pipefail

core_only=0
engine=0
ci=0
for arg in "$@"; do
    case "$arg" in
        --core-only) core_only=1 ;;
        --engine) engine=1 ;;
        --ci) ci=1 ;;
        -h|--help) sed -n 2,17p "$0"; exit 0 ;;
        *) echo "run-sanitizers.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/asan"
jobs="${JOBS:-2}"
cd "$root"

stage_start=$(date +%s)
phase_start=$stage_start
phase() {  # phase NAME: prints how long the phase that just ended took
    local now; now=$(date +%s)
    echo "sanitizers: $1 took $((now - phase_start)) s"
    phase_start=$now
}

if [ ! -f "$build/build.ninja" ]; then
    mkdir -p "$root/build"
    cmake --preset asan >"$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
    phase configure
fi
targets=(chiaro_core_tests chiaro_jobs_tests)
[ $core_only = 1 ] || targets+=(chiaro-cli chiaro_cli_tests)
[ $engine = 0 ] || targets+=(chiaro_engine_tests)
ninja -C "$build" -j"$jobs" "${targets[@]}" >"$build.build.log" 2>&1 \
    || { tail -n 60 "$build.build.log"; echo "sanitizers: build failed"; exit 1; }
phase "build (${targets[*]})"

# Any report stops the process with a non-zero exit; the logs are also scanned below, in case a
# report comes from a child process whose exit code a test tolerates.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export CHIARO_SHARED_DIR="${CHIARO_SHARED_DIR:-$root/../shared}"

rm -f "$build"/sanitizers-*.log "$build"/sanitizers-*.rc
run_log() {  # run_log NAME COMMAND...: output to sanitizers-NAME.log, exit status to sanitizers-NAME.rc
    local name="$1" rc=0; shift
    "$@" >"$build/sanitizers-$name.log" 2>&1 || rc=$?
    echo "$rc" >"$build/sanitizers-$name.rc"
}

groups=()
[ $core_only = 1 ] || groups+=(cli)
[ $engine = 0 ] || groups+=(engine)
if [ ${#groups[@]} -gt 0 ]; then
    # The fixture groups pull in the setups they need: the bundles, then the bad-input corpus.
    pattern="$(IFS='|'; echo "${groups[*]}")"
    run_log fixtures ctest --test-dir "$build" -R "^fixture\.(${pattern})_inputs\$" -j"$jobs" \
        --output-on-failure
    phase "fixtures (bundles, bad-input corpus)"
fi

tests="$build/tests"
# The suites run side by side (2 cores: the CLI suite waits on its sanitized child processes, the
# engine suite on LibTorch); each writes its own log and exit status.
cli_filter=()
[ $ci = 0 ] || cli_filter=('[corpus]~[batch],[safety]')
run_log core "$tests/core/chiaro_core_tests" -d yes &
run_log jobs "$tests/jobs/chiaro_jobs_tests" -d yes &
[ $engine = 0 ] || run_log engine "$tests/core/chiaro_engine_tests" -d yes &
[ $core_only = 1 ] || run_log cli "$tests/cli/chiaro_cli_tests" -d yes "${cli_filter[@]}" &
wait
suites=(chiaro_core_tests chiaro_jobs_tests)
[ $engine = 0 ] || suites+=(chiaro_engine_tests)
[ $core_only = 1 ] || suites+=(chiaro_cli_tests)
phase "test suites side by side (${suites[*]})"

status=0
reports='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer'
for log in "$build"/sanitizers-*.log; do
    name="$(basename "$log" .log)"; name="${name#sanitizers-}"
    rc="$(cat "$build/sanitizers-$name.rc")"
    echo "sanitizers: $name exit $rc: $(grep -E '^(All tests passed|test cases:|[0-9]+% tests passed)' "$log" | tail -n 1)"
    if [ "$rc" != 0 ] || grep -q -E "$reports" "$log"; then
        status=1
        grep -E -n "$reports" "$log" | head -n 20 || true
        [ $ci = 0 ] || { echo "---- end of $log"; tail -n 60 "$log"; echo "----"; }
    fi
done
echo "sanitizers: status $status in $(( $(date +%s) - stage_start )) s (logs: $build/sanitizers-*.log)"
exit $status
