"""The type checker runs over okr_tui/ as part of the suite, so CI runs it on every change:
`mypy --strict` on domain/ and store/ (the rules and the data), the pyproject's settings on the
rest (screens and widgets lean on Textual's own types, which strict mode would mostly repeat)."""

import subprocess
import sys

import pytest
from repo import ROOT


@pytest.mark.parametrize(
    "arguments",
    [["--strict", "okr_tui/domain", "okr_tui/store"], ["okr_tui"]],
    ids=["strict domain and store", "the whole package"],
)
def test_mypy_finds_no_type_errors(tmp_path, arguments):
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
