#!/usr/bin/env bash
# End-to-end checks of `mpirun -np 2 fulcrum ...` (ctest label mpi):
#
#   mpi_e2e.sh killed_rank  FULCRUM_BIN   a rank killed with SIGKILL ends the job with an
#                                         error; the last checkpoint loads; --resume finishes
#   mpi_e2e.sh stalled_rank FULCRUM_BIN   a stopped (SIGSTOP) rank: the others end the job
#                                         after distributed.timeout, naming the wait
#   mpi_e2e.sh resume_other_n FULCRUM_BIN a run of 2 processes resumed by 1 process
#   mpi_e2e.sh experiment   FULCRUM_BIN   the grid shared by 2 processes writes the same
#                                         results.csv as one process; a failing run is
#                                         reported and the others finish
#
# MPIRUN (default: mpirun --allow-run-as-root --oversubscribe) starts the jobs;
# SHOW_LOGS=1 prints the end of every log of a passing check too.
set -euo pipefail

mode="$1"
bin="$2"
read -r -a mpirun <<<"${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}"
work="$(mktemp -d "${TMPDIR:-/tmp}/fulcrum_mpi_e2e.XXXXXX")"
job=""
cleanup() {
  if [[ -n "$job" ]] && kill -0 "$job" 2>/dev/null; then kill -9 "$job" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL ($mode): $*" >&2
  for log in "$work"/*.log; do [[ -f "$log" ]] && { echo "--- $log" >&2; tail -n 30 "$log" >&2; }; done
  exit 1
}

# A run of 1200 synthetic rows with dropout, long enough to be killed during it.
cat >"$work/run.yaml" <<'YAML'
name: mpi_e2e
seed: 1
threads: 1
data:
  source: synthetic
  synthetic:
    samples: 1200
    features: 16
    heads:
      labels: {kind: multilabel, frequencies: [0.5, 0.2, 0.05]}
model:
  backbone: {sizes: [32], dropout: 0.2}
  heads:
    labels: {kind: multilabel}
training:
  epochs: 40
  batch_size: 32
  checkpoint_interval: 0
  progress: false
distributed:
  timeout: 120
YAML

# The pid of rank $2 among the children of mpirun $1 (Open MPI sets
# OMPI_COMM_WORLD_RANK in each rank's environment).
rank_pid() {
  local pid
  for pid in $(pgrep -P "$1"); do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

# Waits up to $2 seconds for file $1.
wait_for_file() {
  local waited=0
  while [[ ! -e "$1" ]]; do
    sleep 0.1
    waited=$((waited + 1))
    ((waited < $2 * 10)) || return 1
  done
}

# Waits up to $2 seconds for process $1 to end; its exit code in $status.
wait_job() {
  local waited=0
  while kill -0 "$1" 2>/dev/null; do
    sleep 0.1
    waited=$((waited + 1))
    ((waited < $2 * 10)) || return 1
  done
  status=0
  wait "$1" || status=$?
}

# Starts the 2-process training with the extra arguments $2..., waits for its
# first checkpoint, and does `kill $1` to rank 1; then the job must end with an
# error within 30 s.
interrupt_rank() {
  local signal="$1"
  shift
  "${mpirun[@]}" -np 2 "$bin" train "$work/run.yaml" --output-dir "$work/run" --quiet "$@" \
    >"$work/job.log" 2>&1 &
  job=$!
  wait_for_file "$work/run/last.safetensors" 60 || fail "no checkpoint after 60 s"
  local pid
  pid="$(rank_pid "$job" 1)" || fail "rank 1 of mpirun $job not found"
  kill "$signal" "$pid"
  wait_job "$job" 30 || fail "the job still runs 30 s after kill $signal of rank 1"
  ((status != 0)) || fail "the job ended with exit code 0 after kill $signal of rank 1"
  job=""
  [[ -z "$(pgrep -f "$work/run.yaml" || true)" ]] || fail "processes of the job are left"
}

checkpoint_loads() {
  "$bin" eval --checkpoint "$work/run/last.safetensors" --quiet >"$work/eval.log" 2>&1 ||
    fail "the last checkpoint does not load"
}

case "$mode" in
  killed_rank)
    interrupt_rank -KILL
    checkpoint_loads
    "${mpirun[@]}" -np 2 "$bin" train "$work/run.yaml" --output-dir "$work/run" --resume --quiet \
      >"$work/resume.log" 2>&1 || fail "--resume after the kill failed"
    [[ "$(wc -l <"$work/run/metrics.jsonl")" -eq 40 ]] || fail "metrics.jsonl has not 40 epochs"
    ;;
  stalled_rank)
    interrupt_rank -STOP --set distributed.timeout=5
    grep -q "distributed.timeout" "$work/job.log" || fail "no message naming distributed.timeout"
    grep -q "rank 0" "$work/job.log" || fail "the message does not name the rank that waited"
    checkpoint_loads
    ;;
  resume_other_n)
    "${mpirun[@]}" -np 2 "$bin" train "$work/run.yaml" --output-dir "$work/run" --quiet \
      --set training.epochs=3 >"$work/first.log" 2>&1 || fail "2-process training failed"
    "$bin" train "$work/run.yaml" --output-dir "$work/run" --resume --quiet \
      --set training.epochs=5 >"$work/resume.log" 2>&1 || fail "1-process --resume failed"
    [[ "$(wc -l <"$work/run/metrics.jsonl")" -eq 5 ]] || fail "metrics.jsonl has not 5 epochs"
    grep -q "resuming from" "$work/resume.log" || true
    ;;
  experiment)
    cat >"$work/experiment.yaml" <<'YAML'
base: run.yaml
seeds: [0, 1]
parallel: 1
threads_per_run: 1
set: [training.epochs=3, data.validation_fraction=0.2]
strategies:
  - name: plain
    set: []
  - name: pos_weight
    set: [model.heads.labels.loss.pos_weight=neg_over_pos]
  - name: diverging
    set: [training.optimizer.lr=1e30]
YAML
    local_status=0
    "$bin" experiment "$work/experiment.yaml" --output-dir "$work/local" --quiet \
      >"$work/local.log" 2>&1 || local_status=$?
    mpi_status=0
    "${mpirun[@]}" -np 2 "$bin" experiment "$work/experiment.yaml" --output-dir "$work/mpi" \
      --quiet >"$work/mpi.log" 2>&1 || mpi_status=$?
    ((local_status == 1)) || fail "the local experiment exited with $local_status, not 1"
    ((mpi_status == 1)) || fail "the distributed experiment exited with $mpi_status, not 1"
    grep -q "4 of 6 runs finished, 2 failed" "$work/mpi.log" || fail "no '4 of 6 runs finished'"
    grep -q "diverging seed 0 FAILED" "$work/mpi/summary.md" ||
      grep -q "diverging seed 0 FAILED" "$work/mpi/index.html" ||
      fail "the failed run is not in the report"
    cmp "$work/local/results.csv" "$work/mpi/results.csv" ||
      fail "results.csv differs between 1 and 2 processes"
    [[ "$(wc -l <"$work/mpi/results.csv")" -gt 10 ]] || fail "results.csv is nearly empty"
    ;;
  *)
    echo "unknown mode $mode" >&2
    exit 2
    ;;
esac
[[ -z "${SHOW_LOGS:-}" ]] || tail -n 8 "$work"/*.log
echo "ok ($mode)"
