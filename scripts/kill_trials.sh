#!/usr/bin/env bash
# Kill-and-resume trials: a run killed with SIGKILL at random moments and
# resumed with --resume must end byte-identical to a run never interrupted.
#
#   scripts/kill_trials.sh [TRIALS]        (default 30)
#
# Each trial trains CONFIG into a fresh directory, kills it (kill -9) at a
# random time within the length of an uninterrupted run, then resumes it,
# killing each resume the same way until KILLS kills have landed, and lets the
# last resume finish. The trial passes when last.safetensors, best.safetensors
# and test_metrics.json equal the uninterrupted run's byte for byte.
#
# Environment: FULCRUM (the binary, default build/apps/fulcrum), CONFIG
# (default configs/yeast.yaml, which needs ../shared/datasets/yeast), KILLS
# (kills per trial, default 1), SEED (of the kill times, default 1), and
# EXTRA_SET (more KEY=VALUE overrides for every run, e.g. "training.epochs=20").
# Prints one line per trial and the pass count; exits 1 if any trial failed,
# keeping the failed trials' directories.
set -euo pipefail

trials=${1:-30}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fulcrum=${FULCRUM:-$repo/build/apps/fulcrum}
config=${CONFIG:-$repo/configs/yeast.yaml}
kills=${KILLS:-1}
RANDOM=${SEED:-1}
read -r -a extra <<<"${EXTRA_SET:-}"

[[ -x $fulcrum ]] || { echo "kill_trials: no fulcrum binary at $fulcrum (set FULCRUM)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/fulcrum_kill_trials.XXXXXX")
keep=0
trap '[[ $keep == 1 ]] || rm -rf "$work"' EXIT

train() {  # train DIR [--resume]: one run into DIR, its output appended to DIR.log
  local dir=$1
  shift
  "$fulcrum" train "$config" --set "output_dir=$dir" "${extra[@]}" "$@" >>"$dir.log" 2>&1
}

# What a user does after a crash: --resume, or, when the kill came before the
# run had written anything (--resume then refuses: nothing to resume), train again.
resume_or_restart() {
  local dir=$1
  train "$dir" --resume && return 0
  grep -q "train without --resume first" "$dir.log" || return 1
  train "$dir"
}

outputs=(last.safetensors best.safetensors test_metrics.json)

# Every run trains into the same path, $work/run, because the checkpoints
# store the resolved config and with it output_dir: the uninterrupted run is
# moved to $work/reference once done, a failed trial to $work/trial<N>.
dir=$work/run
start=$(date +%s%N)
train "$dir"
duration_ms=$((($(date +%s%N) - start) / 1000000))
mv "$dir" "$work/reference"
mv "$dir.log" "$work/reference.log"
for f in "${outputs[@]}"; do
  [[ -f $work/reference/$f ]] || { echo "kill_trials: the reference run wrote no $f" >&2; exit 2; }
done
echo "uninterrupted run: ${duration_ms} ms; $trials trials, $kills kills each, in $work"

passed=0
# run_and_kill DIR MS [--resume]: starts a run into DIR and kills it (kill -9)
# MS milliseconds later unless it ended first. Sets killed (1 or 0) and took_ms.
run_and_kill() {
  local dir=$1 ms=$2
  shift 2
  local begin=$(date +%s%N)
  # Started directly (not through train) so that $! is fulcrum itself.
  "$fulcrum" train "$config" --set "output_dir=$dir" "${extra[@]}" "$@" >>"$dir.log" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null && (($(date +%s%N) - begin < ms * 1000000)); do
    sleep 0.01
  done
  kill -9 "$pid" 2>/dev/null || true
  local code=0
  wait "$pid" 2>/dev/null || code=$?
  killed=$((code == 137))  # 128 + SIGKILL: the kill landed before the run ended
  took_ms=$((($(date +%s%N) - begin) / 1000000))
}

for ((trial = 1; trial <= trials; ++trial)); do
  when=()
  # The first kill lands in a fresh run; a run that ends before its kill time
  # (the machine got faster) is redone with times drawn from its own length.
  span=$duration_ms
  for ((attempt = 0; attempt < 5; ++attempt)); do
    rm -rf "$dir" "$dir.log"
    ms=$((RANDOM * RANDOM % span))
    run_and_kill "$dir" "$ms"
    ((killed)) && break
    span=$((took_ms > 1 ? took_ms : 1))
  done
  ((killed)) && when+=("${ms}ms")
  # Further kills land in resumes, until KILLS have or a resume ends first.
  while ((killed && ${#when[@]} < kills)); do
    ms=$((RANDOM * RANDOM % span))
    run_and_kill "$dir" "$ms" --resume
    ((killed)) && when+=("${ms}ms into a resume")
  done
  status=ok
  ((killed)) || status="no kill landed before the run ended"
  resume_or_restart "$dir" || status="final resume failed (exit $?)"
  if [[ $status == ok ]]; then
    for f in "${outputs[@]}"; do
      cmp -s "$work/reference/$f" "$dir/$f" || { status="$f differs"; break; }
    done
  fi
  leftovers=$(find "$dir" -name '*.tmp*' 2>/dev/null | wc -l)
  [[ $status != ok || $leftovers == 0 ]] || status="$leftovers temporary files left"
  if [[ $status == ok ]]; then
    passed=$((passed + 1))
    rm -rf "$dir" "$dir.log"
  else
    keep=1
    mv "$dir" "$work/trial$trial" 2>/dev/null || true
    mv "$dir.log" "$work/trial$trial.log"
  fi
  echo "trial $trial: killed at ${when[*]:-never (runs ended first)}: $status"
done

echo "$passed/$trials trials resumed byte-identical"
[[ $passed == "$trials" ]]
