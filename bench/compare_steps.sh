#!/bin/sh
# Times one workload's training step in two builds, alternately, and prints
# each build's best: on a machine others use, the two builds see the same
# load, and the best of several short runs is the least disturbed.
#
#   bench/compare_steps.sh OLD_BUILD NEW_BUILD [WORKLOAD [ROUNDS [SECONDS [THREADS]]]]
#
# Both builds need the benchmark (-DFULCRUM_BUILD_BENCH=ON). Defaults:
# multihead, 5 rounds of 0.5 s each per build, 1 thread.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 OLD_BUILD NEW_BUILD [WORKLOAD [ROUNDS [SECONDS [THREADS]]]]" >&2
  exit 2
fi
old=$1 new=$2 workload=${3:-multihead} rounds=${4:-5} seconds=${5:-0.5} threads=${6:-1}
for build in "$old" "$new"; do
  if [ ! -x "$build/bench/fulcrum_step_bench" ]; then
    echo "$0: no $build/bench/fulcrum_step_bench (configure with -DFULCRUM_BUILD_BENCH=ON)" >&2
    exit 2
  fi
done
step_ms() {
  "$1/bench/fulcrum_step_bench" "$workload" "$threads" "$seconds" |
    sed -E 's/.*"ms_per_step": ([0-9.]+).*"fresh_buffers_per_step": ([0-9.]+).*/\1 \2/'
}
i=0
while [ "$i" -lt "$rounds" ]; do
  echo "old $(step_ms "$old")"
  echo "new $(step_ms "$new")"
  i=$((i + 1))
done | awk -v w="$workload" '
  { runs[$1] = runs[$1] " " $2; fresh[$1] = $3
    if (!($1 in best) || $2 < best[$1]) best[$1] = $2 }
  END {
    printf "%s: old best %.4f ms (runs:%s)\n", w, best["old"], runs["old"]
    printf "%s: new best %.4f ms (runs:%s), fresh_buffers_per_step %s\n", w, best["new"], runs["new"], fresh["new"]
    printf "%s: new / old %.2f\n", w, best["new"] / best["old"]
  }'
