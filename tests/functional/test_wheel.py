"""The built wheel carries what a checkout has: the themes and every screen's .tcss, and the
installed package finds its themes without the repository beside it."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from filelock import FileLock
from repo import ROOT


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """One wheel for the whole run, built by the first xdist worker that asks (the others wait
    on the lock and reuse it). Built without build isolation, with the hatchling the test extras
    install: an isolated build first makes a virtual environment and installs hatchling into it,
    which took most of the test's time."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # the folder all workers of this run share
    out = shared / "wheel"
    with FileLock(str(shared / "wheel.lock")):
        built = sorted(out.glob("okr_tui-*.whl"))
        if built:
            return built[0]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "-q",
                "-w",
                str(out),
                str(ROOT),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            pytest.fail(f"building the wheel failed:\n{result.stdout}\n{result.stderr}")
        (built_now,) = out.glob("okr_tui-*.whl")
        return built_now


def test_the_wheel_holds_the_themes_and_the_styles(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"okr_tui/_themes/{path.name}" for path in (ROOT / "themes").glob("*.toml")}
    assert shipped and shipped <= names
    styles = {
        str(path.relative_to(ROOT)).replace(os.sep, "/")
        for path in (ROOT / "okr_tui").rglob("*.tcss")
    }
    assert styles and styles <= names


def test_the_installed_package_loads_its_shipped_themes(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    code = (
        "import okr_tui, okr_tui.theming as t; themes, problems = t.load_themes();"
        "print(okr_tui.__file__); print(sorted(themes)); print(problems)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target), "OKR_HOME": str(tmp_path)},
    )
    location, names, problems = result.stdout.strip().splitlines()
    assert location.startswith(str(target))  # the installed copy, not the checkout
    assert {"okr-dark", "okr-light", "okr-projector"} <= set(ast.literal_eval(names))
    assert problems == "[]"
