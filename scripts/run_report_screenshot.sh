#!/usr/bin/env bash
# Regenerates docs/images/run_report.png, the picture of report.html in the
# README: trains configs/yeast.yaml (seed 0) into a temporary directory and
# photographs the top of its report.html with headless Chromium.
#
#   scripts/run_report_screenshot.sh [FULCRUM_BINARY]   (default: build/apps/fulcrum)
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

out="$root/docs/images/run_report.png"
mkdir -p "$(dirname "$out")"
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --hide-scrollbars --window-size=1280,2300 \
  --screenshot="$out" "file://$work/yeast/report.html" 2> "$work/chromium.log" ||
  { cat "$work/chromium.log" >&2; exit 1; }
echo "wrote $out"
