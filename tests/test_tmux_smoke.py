"""Runs tools/tmux_smoke.sh: the `okr` entry point in a real terminal (tmux), one check-in."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "tmux_smoke.sh"


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
