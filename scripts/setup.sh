#!/usr/bin/env bash
# Sets fulcrum up from a fresh checkout and runs it, or runs its tests.
#
#   scripts/setup.sh run    install missing packages, build (Release) into build/,
#                           run the main job
#   scripts/setup.sh test   the same set-up with the test suite, then run every test
#   scripts/setup.sh bench  the same set-up with the benchmarks and the libraries
#                           and PyTorch they compare with (scripts/bench.sh runs it)
#
# Works from any directory, needs no input (CI runs it with CI=true and no stdin),
# and is quick when everything is already installed and built. Missing Debian
# packages are installed with apt-get when running as root (or with passwordless
# sudo); otherwise the script says which ones to install and goes on.
#
# Environment: FULCRUM_CMAKE_ARGS  extra arguments for the cmake configure step,
#                                  e.g. "-DFULCRUM_WERROR=ON"
#              FULCRUM_JOBS        parallel build jobs (default: nproc)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="build"
# libdnnl-dev: oneDNN, the GEMM behind every product (bench/README.md); without
# it fulcrum builds on Eigen's, slower on most shapes. libonnx-dev and
# libprotobuf-dev: `fulcrum export` writes ONNX files with them; without them
# it says that this build cannot. libopenmpi-dev, openmpi-bin: Open MPI, for
# `mpirun -np N fulcrum train` (docs/distributed.md); without them fulcrum
# builds for one process.
packages=(cmake g++ make libeigen3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
          libgtest-dev nlohmann-json3-dev libcli11-dev libdnnl-dev libonnx-dev
          libprotobuf-dev libopenmpi-dev openmpi-bin)
# Only the tests need these: the Python interop tests load checkpoints into
# PyTorch; python3-onnx checks exported ONNX files, and Node.js with npm
# installs and runs ONNX Runtime (onnxruntime-node) on them; the browser test
# opens a run's report.html in headless Chromium; bench/mulan_torch_recipe.py
# (tested on one set) also reads fulcrum's YAML.
test_packages=(python3-numpy python3-torch python3-onnx nodejs chromium python3-yaml)
# Only the benchmarks need these: the GEMM libraries compared with oneDNN, and
# PyTorch to compare with.
bench_packages=(python3-numpy python3-torch python3-yaml libopenblas-openmp-dev libblis-openmp-dev
                libxsmm-dev)

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

log() { echo "==> $*"; }

# Installs the Debian packages that dpkg does not know as installed.
install_packages() {
  if ! command -v dpkg >/dev/null 2>&1; then
    log "not a Debian system: make sure these are installed: ${packages[*]}"
    return
  fi
  local missing=() pkg
  for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "all packages present"
    return
  fi
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      log "warning: missing packages and not root; install them with:"
      echo "    sudo apt-get install ${missing[*]}"
      return
    fi
  fi
  log "installing ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

# configure_and_build <tests ON|OFF> [benchmarks ON|OFF]
configure_and_build() {
  local jobs="${FULCRUM_JOBS:-$(nproc)}"
  # shellcheck disable=SC2086  # FULCRUM_CMAKE_ARGS is a list of words
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DFULCRUM_BUILD_TESTS="$1" \
    -DFULCRUM_BUILD_BENCH="${2:-OFF}" ${FULCRUM_CMAKE_ARGS:-}
  cmake --build "$build" -j"$jobs"
}

mode="${1:-}"
[[ $# -eq 1 ]] || usage
cd "$root"

case "$mode" in
  run)
    install_packages
    configure_and_build OFF
    log "running the main job"
    # The main job: train on the built-in synthetic data (configs/quickstart.yaml)
    # and print per-label metrics; outputs go to runs/quickstart/.
    build/apps/fulcrum train configs/quickstart.yaml
    ;;
  test)
    packages+=("${test_packages[@]}")
    # Debian's nodejs comes without npm; a Node.js that brings its own (as
    # NodeSource's does) conflicts with Debian's npm package.
    command -v npm >/dev/null 2>&1 || packages+=(npm)
    install_packages
    configure_and_build ON
    log "running the tests"
    ctest --test-dir "$build" --output-on-failure -j2
    ;;
  bench)
    packages+=("${bench_packages[@]}")
    install_packages
    configure_and_build OFF ON
    ;;
  *)
    usage
    ;;
esac
