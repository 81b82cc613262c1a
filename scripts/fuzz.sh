#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang and runs each of them.
#
#   scripts/fuzz.sh [-t SECONDS | -r RUNS] [TARGET...]
#
#   -t SECONDS  run each target for this long (default 60)
#   -r RUNS     run each target for this many inputs instead, e.g. -r 1000000
#   TARGET      csv, arff, libsvm, config, checkpoint (default: all of them)
#
# The build goes to build-fuzz/ (FULCRUM_FUZZ_BUILD overrides it), with
# FULCRUM_FUZZ_JOBS parallel jobs (default 2). Each target starts from its
# seed corpus fuzz/corpus/<target>/ and grows a working corpus in
# <build>/corpus/<target>/; an input that crashes, leaks, times out or runs out
# of memory is saved as <build>/artifacts/<target>/<kind>-<hash>. Keep it as a
# regression input in tests/data/fuzz_regressions/<target>/ once it is fixed.
# Prints each target's executions and time; exits 1 if any target failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FULCRUM_FUZZ_BUILD:-$root/build-fuzz}"
all_targets=(csv arff libsvm config checkpoint)

usage() {
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

limit=(-max_total_time=60)
while getopts "t:r:h" opt; do
  case "$opt" in
    t) limit=(-max_total_time="$OPTARG") ;;
    r) limit=(-runs="$OPTARG") ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $target "* ]] || { echo "unknown target '$target'" >&2; usage; }
done

# The longest input each target tries: a few records or a small config are
# enough to reach every branch, and short inputs run faster. A checkpoint
# holds its config and model card in its metadata, so it needs more room.
max_len() {
  case "$1" in
    checkpoint) echo 65536 ;;
    config) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

command -v clang++ >/dev/null || { echo "scripts/fuzz.sh needs clang++ (libFuzzer)" >&2; exit 1; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFULCRUM_FUZZ=ON -DFULCRUM_BUILD_TESTS=OFF -DFULCRUM_BUILD_APPS=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" -j"${FULCRUM_FUZZ_JOBS:-2}" --target "${targets[@]/#/fuzz_}"

status=0
summary=()
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  dict=()
  [[ -f "$root/fuzz/dict/$target.dict" ]] && dict=(-dict="$root/fuzz/dict/$target.dict")
  log="$build/fuzz_$target.log"
  echo "==> fuzz_$target ${limit[*]} (log: $log)"
  start=$(date +%s)
  # -rss_limit_mb / -timeout: an input that takes 2 GB or 10 s is a finding.
  if "$build/fuzz/fuzz_$target" "${limit[@]}" "${dict[@]}" -max_len="$(max_len "$target")" \
      -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/" \
      "$corpus" "$root/fuzz/corpus/$target" >"$log" 2>&1; then
    result=ok
  else
    result="FAILED, see $log and $artifacts/"
    status=1
  fi
  seconds=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  summary+=("$(printf '%-12s %10s execs %6s s  %s' "$target" "${execs:-?}" "$seconds" "$result")")
  echo "${summary[-1]}"
done

echo "==> summary"
printf '%s\n' "${summary[@]}"
exit "$status"
