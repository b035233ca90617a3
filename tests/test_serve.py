"""`okr serve` starts textual-serve on loopback and answers a browser's first request."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytest.importorskip("textual_serve")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(url: str, deadline: float) -> str:
    """Poll until the server answers (it takes a moment to bind), bounded by `deadline`."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_binds_loopback_and_serves_the_app_page(tmp_path, demo_store):
    port = _free_port()
    env = {**os.environ, "OKR_HOME": str(tmp_path / "home")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "okr_tui",
            "--db",
            str(demo_store.folder),
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        page = _fetch(f"http://127.0.0.1:{port}/", time.monotonic() + 30)
        assert "okr-tui" in page
        assert "textual" in page.lower()
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)
    assert "read-only" in stderr.decode()
    assert f"127.0.0.1:{port}" in stderr.decode()


def test_a_read_only_store_refuses_to_save(demo_store):
    from okr_tui.store.errors import RuleViolation
    from okr_tui.store.store import OkrStore

    viewer = OkrStore(demo_store.folder, demo_store.clock, read_only=True)
    team = viewer.teams()[0]
    with pytest.raises(RuleViolation, match="read-only"):
        viewer.save_team(team.model_copy(update={"name": "Renamed"}))
    assert OkrStore(demo_store.folder).team(team.id).name == team.name
