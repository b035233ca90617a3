"""The `okr` entry point in a real terminal (tmux): one check-in (tools/tmux_smoke.sh), and a
whole walk typed in one burst beside a CPU hog."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from repo import ROOT

SCRIPT = ROOT / "tools" / "tmux_smoke.sh"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_one_check_in_through_a_real_terminal(tmp_path):
    okr = Path(sys.executable).parent / "okr"
    if not okr.exists():
        pytest.skip("the okr entry point is not installed beside this Python")
    result = subprocess.run(
        ["bash", str(SCRIPT), str(okr)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "OKR_HOME": str(tmp_path), "TERM": "xterm-256color"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke: OK" in result.stdout


# --- a whole walk typed in one burst while another process takes a whole core ---------------

CONFIDENCE_KEYS = {"g": "on_track", "y": "at_risk", "r": "off_track"}


def _wait_for(tmux: list[str], text: str, seconds: float) -> str:
    """Poll the screen until it shows `text`; fail with the screen after `seconds`."""
    deadline = time.monotonic() + seconds
    screen = ""
    while time.monotonic() < deadline:
        screen = subprocess.run(
            [*tmux, "capture-pane", "-p", "-t", "walk"], capture_output=True, text=True
        ).stdout
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"the screen never showed {text!r}:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_whole_walk_typed_in_one_burst_lands_while_the_cpu_is_saturated(tmp_path):
    """Twelve key results, value ⏎ confidence each, sent as one burst into the real terminal
    while a CPU hog runs beside the app: every check-in is stored with its own value and
    confidence (under load the keys after "550⏎g" piled into the value field)."""
    from test_walkthrough import build_team

    from okr_tui.domain.clock import FixedClock
    from okr_tui.store.store import OkrStore
    from tests.conftest import CLOCK_AT

    okr = Path(sys.executable).parent / "okr"
    if not okr.exists():
        pytest.skip("the okr entry point is not installed beside this Python")
    folder = tmp_path / "store"
    store = OkrStore(folder, FixedClock(CLOCK_AT))
    cycle = build_team(store, objectives=3, per_objective=4)
    titles = [f"KR {o}.{k}" for o in range(1, 4) for k in range(1, 5)]  # the walk's order
    typed = {title: (str(10 + 5 * i), "gyr"[i % 3]) for i, title in enumerate(titles)}
    burst = ["c", "Enter"]
    for value, confidence in typed.values():
        burst += [*value, "Enter", confidence]

    tmux = ["tmux", "-L", f"key-bursts-{os.getpid()}"]  # a server of its own
    command = (
        f"env OKR_HOME={tmp_path / 'home'} TERM=xterm-256color "
        f"{okr} --db {folder} --at 2026-11-23T10:00Z"
    )
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        subprocess.run(
            [*tmux, "new-session", "-d", "-s", "walk", "-x", "100", "-y", "30", command],
            check=True,
            timeout=10,
        )
        _wait_for(tmux, "c Check-in", 60)
        subprocess.run([*tmux, "send-keys", "-t", "walk", *burst], check=True, timeout=10)
        _wait_for(tmux, "Moved (12)", 120)  # the summary: every step moved on
    finally:
        hog.kill()
        hog.wait(timeout=10)
        subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=10)

    fresh = OkrStore(folder, FixedClock(CLOCK_AT))
    by_id = {kr.id: kr.title for kr in fresh.key_results(cycle.id)}
    stored = {by_id[c.kr_id]: (c.value, c.confidence.value) for c in fresh.check_ins(cycle.id)}
    assert stored == {
        title: (float(value), CONFIDENCE_KEYS[key]) for title, (value, key) in typed.items()
    }
