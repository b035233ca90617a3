"""The type checker runs over okr_tui/ as part of the suite, so CI runs it on every change:
strict on domain/ and store/ (the rules and the data), the pyproject's settings elsewhere."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_type_errors_in_okr_tui(tmp_path):
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "cache"),
            "okr_tui/domain",
            "okr_tui/store",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
