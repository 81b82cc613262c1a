#!/usr/bin/env bash
# Measures what including <fulcrum/fulcrum.hpp> costs a user's file: the wall
# time and peak memory of compiling a file that includes only it, with the
# flags of a Release build (-std=c++20 -O3 -march=native), best of N runs.
#
#   scripts/umbrella_compile_cost.sh [SOURCE_TREE] [RUNS]
#
# SOURCE_TREE defaults to this checkout; give another checkout (an older
# commit) to compare. Every <lib>/include folder of the tree is on the include
# path, and top-level include/ when it exists.
set -euo pipefail
root="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)"
runs="${2:-3}"
includes=(-I/usr/include/eigen3)
for dir in "$root"/include "$root"/*/include; do
  [[ -d "$dir/fulcrum" ]] && includes+=(-I"$dir")
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo '#include <fulcrum/fulcrum.hpp>' > "$work/user.cpp"
echo "int main() { return 0; }" >> "$work/user.cpp"
best_seconds=""
best_kib=""
for ((i = 0; i < runs; ++i)); do
  /usr/bin/time -f '%e %M' -o "$work/time.txt" \
    g++ -std=c++20 -O3 -march=native -fopenmp "${includes[@]}" -c "$work/user.cpp" -o "$work/user.o"
  read -r seconds kib < "$work/time.txt"
  if [[ -z "$best_seconds" ]] || awk "BEGIN{exit !($seconds < $best_seconds)}"; then
    best_seconds="$seconds"
  fi
  if [[ -z "$best_kib" ]] || ((kib < best_kib)); then best_kib="$kib"; fi
done
printf '%s: <fulcrum/fulcrum.hpp> compiles in %s s, peak %d MB (best of %d)\n' \
  "$root" "$best_seconds" "$((best_kib / 1024))" "$runs"
