#!/usr/bin/env bash
# Opens the report.html of a tiny two-head run in headless Chromium and fails
# when the page logs anything to the console (a script error, a blocked
# resource) or does not render: the DOM Chromium builds must hold every chart
# and the closing sections. Then checks that the check itself can fail: a
# copy with a script that throws, and a copy cut short, must both be refused.
#
#   report_renders.sh FULCRUM_BINARY [CHROMIUM]
#
# Exit 77 (skipped) without Chromium, unless CI is set: then it fails.
set -euo pipefail

fulcrum="$1"
chromium="${2:-$(command -v chromium || command -v chromium-browser || true)}"
if [[ -z "$chromium" || ! -x "$chromium" ]]; then
  if [[ -n "${CI:-}" ]]; then
    echo "FAIL: no chromium (scripts/setup.sh test installs it)" >&2
    exit 1
  fi
  echo "SKIP: no chromium; install the Debian package chromium" >&2
  exit 77
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/fulcrum_browser.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cat > "$work/tiny.yaml" <<'YAML'
name: browser
seed: 1
threads: 1
data:
  synthetic:
    samples: 300
    features: 5
    heads:
      tags: {kind: multilabel, frequencies: [0.4, 0.2, 0.1]}
      grade: {kind: multiclass, frequencies: [0.3, 0.7]}
model:
  backbone: {sizes: [8]}
  heads:
    tags: {kind: multilabel, loss: {pos_weight: neg_over_pos}}
    grade: {kind: multiclass}
training:
  epochs: 3
  batch_size: 32
YAML
"$fulcrum" train "$work/tiny.yaml" --output-dir "$work/run" -q > /dev/null
page="$work/run/report.html"
expected_svgs="$(grep -o '<svg ' "$page" | wc -l)"
if [[ "$expected_svgs" -lt 5 ]]; then
  echo "FAIL: $page has only $expected_svgs charts" >&2
  exit 1
fi

# check_page FILE: 0 when Chromium renders FILE with every chart and a quiet
# console; otherwise prints why and returns 1.
check_page() {
  local file="$1" profile dom log status=0
  profile="$(mktemp -d "$work/profile.XXXXXX")"
  dom="$work/dom.html"
  log="$work/chromium.log"
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --enable-logging=stderr --v=0 --dump-dom "file://$file" \
    > "$dom" 2> "$log" || status=$?
  if [[ $status -ne 0 ]]; then
    echo "chromium exited with $status on $file:" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
  # Console messages, whatever their level, come as INFO:CONSOLE lines.
  if grep -E ':CONSOLE|Uncaught' "$log" >&2; then
    echo "the console of $file is not empty (above)" >&2
    return 1
  fi
  local svgs
  svgs="$(grep -o '<svg ' "$dom" | wc -l)"
  if [[ "$svgs" -ne "$expected_svgs" ]]; then
    echo "the DOM of $file has $svgs charts, expected $expected_svgs" >&2
    return 1
  fi
  for part in '<h1>Run browser</h1>' '<h3>Confusion matrix</h3>' 'Per label, by frequency' '</table></div>'; do
    if ! grep -qF "$part" "$dom"; then
      echo "the DOM of $file lacks '$part'" >&2
      return 1
    fi
  done
  if grep -qE ' (src|href)=|url\(' "$dom"; then
    echo "the DOM of $file loads something from outside the page" >&2
    return 1
  fi
}

check_page "$page"

sed 's#</body>#<script>throw new Error("deliberate");</script></body>#' "$page" > "$work/throws.html"
if check_page "$work/throws.html" 2> /dev/null; then
  echo "FAIL: a page whose script throws passed the check" >&2
  exit 1
fi
head -c "$(($(wc -c < "$page") / 2))" "$page" > "$work/cut.html"
if check_page "$work/cut.html" 2> /dev/null; then
  echo "FAIL: a page cut in half passed the check" >&2
  exit 1
fi
echo "report.html renders in Chromium with $expected_svgs charts and a quiet console"
