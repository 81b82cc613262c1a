#!/usr/bin/env bash
# Builds the test suite with sanitizers and runs it.
#
#   scripts/sanitize.sh [address]   ASan + UBSan (gcc): the whole suite, through
#                                   ctest, in build-asan/
#   scripts/sanitize.sh thread      TSan (clang, its own OpenMP runtime with the
#                                   Archer tool): the tests of the threaded
#                                   kernels (core, layers, losses, optim), in
#                                   build-tsan/
#
# Any report stops the test it happens in (-fno-sanitize-recover=all), so a
# passing run is a clean one. Environment: FULCRUM_SANITIZE_JOBS, parallel
# build and test jobs (default 2); FULCRUM_CMAKE_ARGS, extra configure arguments.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="${FULCRUM_SANITIZE_JOBS:-2}"
mode="${1:-address}"
[[ $# -le 1 ]] || { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

# configure <build dir> <compiler> <sanitizer flags> <tests ON|OFF>
configure() {
  local flags="$3 -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
  # shellcheck disable=SC2086  # FULCRUM_CMAKE_ARGS is a list of words
  cmake -S "$root" -B "$1" -DCMAKE_CXX_COMPILER="$2" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFULCRUM_BUILD_TESTS=ON "-DCMAKE_CXX_FLAGS=$flags" \
    "-DCMAKE_EXE_LINKER_FLAGS=$3" "-DCMAKE_SHARED_LINKER_FLAGS=$3" "${launcher[@]}" \
    ${FULCRUM_CMAKE_ARGS:-}
}

case "$mode" in
  address)
    build="$root/build-asan"
    configure "$build" g++ "-fsanitize=address,undefined"
    cmake --build "$build" -j"$jobs"
    # detect_leaks: a leak fails its test too. The package test builds a
    # consumer with the same flags (tests/package passes them through).
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    ctest --test-dir "$build" -j"$jobs" --output-on-failure -LE mpi
    # Open MPI does not free its plugins' and its runtime's memory at
    # MPI_Finalize (LeakSanitizer reports ~120 KB in 3,300 allocations from
    # libmpi and its unloaded plugins), so the MPI tests run with every check
    # but the leak check; the same trainer code runs leak-checked above.
    ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1" \
      ctest --test-dir "$build" -j"$jobs" --output-on-failure -L mpi
    ;;
  thread)
    # GCC's libgomp is not instrumented, so TSan would see its barriers as
    # nothing and report every parallel loop. clang's libomp with the Archer
    # tool (libarcher) tells TSan about OpenMP's synchronisation.
    command -v clang++ >/dev/null || { echo "thread mode needs clang++" >&2; exit 1; }
    build="$root/build-tsan"
    configure "$build" clang++ "-fsanitize=thread"
    binaries=(core_test layers_test layers_golden_test losses_unit_test losses_golden_test
              losses_imbalance_golden_test optim_unit_test optim_golden_test)
    cmake --build "$build" -j"$jobs" --target "${binaries[@]}"
    archer="$(clang++ -print-file-name=libarcher.so)"
    [[ -f "$archer" ]] || archer="$(dirname "$(readlink -f "$(command -v clang++)")")/../lib/libarcher.so"
    export OMP_TOOL_LIBRARIES="$archer"
    # libomp itself is not instrumented: without ignore_noninstrumented_modules
    # TSan reports its thread pool's own mutex set-up (pthread_mutex_init in a
    # new worker against pthread_mutex_lock in the main thread) as a race.
    # fulcrum's code stays fully checked.
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1"
    # More threads than cores, so that parallel loops really split their work.
    export OMP_NUM_THREADS="${OMP_NUM_THREADS:-4}"
    status=0
    for binary in "${binaries[@]}"; do
      path="$(find "$build/tests" -name "$binary" -type f -perm -u+x | head -1)"
      echo "==> $binary"
      if ! "$path" --gtest_brief=1; then status=1; fi
    done
    exit "$status"
    ;;
  *)
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
