#!/usr/bin/env bash
# Smoke test as a person would use okr: the installed `okr` on a fresh demo store inside tmux,
# one check-in typed with send-keys, then the store checked from the command line.
# Usage: tools/tmux_smoke.sh [path/to/okr]   (default: `okr` on PATH). Needs tmux.
set -euo pipefail

okr=${1:-okr}
at="2026-11-23T10:00Z"
work=$(mktemp -d)
session="okr-smoke-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

screen() { tmux capture-pane -p -t "$session"; }
wait_for() {  # poll the screen (up to ~20 s) until it shows $1
  for _ in $(seq 100); do
    if screen | grep -qF -- "$1"; then return 0; fi
    sleep 0.2
  done
  echo "smoke: timed out waiting for: $1" >&2
  screen >&2
  exit 1
}

"$okr" --db "$work/store" --at "$at" demo >/dev/null
kr_id=$("$okr" --db "$work/store" --at "$at" list | awk '/Increase net revenue retention/ {print $1}')

tmux new-session -d -s "$session" -x 100 -y 30 "$okr --db '$work/store' --at $at"
wait_for "c Check-in"
tmux send-keys -t "$session" c
wait_for "Start the check-in"
tmux send-keys -t "$session" Enter
wait_for "KR 1 of 9"
wait_for "Increase net revenue retention"
# One burst, as a fast typist or a laggy connection delivers it: value, Enter, confidence.
tmux send-keys -t "$session" 1 0 4 Enter g
wait_for "KR 2 of 9"
tmux send-keys -t "$session" Escape
wait_for "c Check-in"
tmux send-keys -t "$session" q

due=$("$okr" --db "$work/store" --at "$at" due --json)
listing=$("$okr" --db "$work/store" --at "$at" list)
echo "$listing" | grep -F "$kr_id" | grep -qF "104% / 110%" \
  || { echo "smoke: the check-in did not reach the store" >&2; echo "$listing" >&2; exit 1; }
echo "$due" | grep -qF "\"kr_id\": \"$kr_id\"" \
  && { echo "smoke: $kr_id is still reported due" >&2; exit 1; }
echo "smoke: OK (checked in $kr_id = 104% through the real terminal)"
