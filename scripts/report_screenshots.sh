#!/usr/bin/env bash
# Regenerates the pictures of the reports in the README and docs/imbalance.md:
# docs/images/run_report.png, the top of report.html of configs/yeast.yaml
# (seed 0), and docs/images/experiment_report.png, the top of the experiment
# report of configs/experiments/yeast.yaml, both run into a temporary
# directory and photographed with headless Chromium.
#
#   scripts/report_screenshots.sh [FULCRUM_BINARY]   (default: build/apps/fulcrum)
#
# Needs the yeast files (../shared/datasets/yeast next to the repository, or
# FULCRUM_YEAST_DIR) and the Debian package chromium.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fulcrum="$(realpath "${1:-$root/build/apps/fulcrum}")"
chromium="$(command -v chromium || command -v chromium-browser || true)"
[[ -x "$fulcrum" ]] || { echo "no fulcrum binary at $fulcrum: build it first" >&2; exit 1; }
[[ -n "$chromium" ]] || { echo "no chromium: apt-get install chromium" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/fulcrum_screenshot.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The config's data paths are relative to configs/, so it is read in place.
(cd "$root" && "$fulcrum" train configs/yeast.yaml --output-dir "$work/yeast" -q > /dev/null)
(cd "$root" && "$fulcrum" experiment configs/experiments/yeast.yaml \
  --output-dir "$work/experiment" --quiet > /dev/null)

# screenshot PAGE PNG HEIGHT
screenshot() {
  local out="$root/docs/images/$2"
  mkdir -p "$(dirname "$out")"
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars --window-size="1280,$3" \
    --screenshot="$out" "file://$1" 2> "$work/chromium.log" ||
    { cat "$work/chromium.log" >&2; exit 1; }
  echo "wrote $out"
}
screenshot "$work/yeast/report.html" run_report.png 2300
screenshot "$work/experiment/index.html" experiment_report.png 2600
