"""`okr pull`, `okr sources` and `okr source` as a user types them, and hostile stores: a store
that arrives by import (or a copied or synced folder) with sources runs nothing until this
machine trusts them, and a changed source needs trusting again."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from test_cli import CLOCK_AT, okr

from okr_tui.domain.clock import FixedClock
from okr_tui.domain.sources import CommandSource
from okr_tui.store.store import OkrStore


def _store(home: Path) -> OkrStore:
    return OkrStore(home / "data" / "store", FixedClock(CLOCK_AT))


def _set_source(store: OkrStore, title_start: str, argv: list[str]) -> str:
    cycle = store.current_cycle()
    assert cycle is not None
    kr = next(k for k in store.key_results(cycle.id) if k.title.startswith(title_start))
    store.save_key_result(kr.model_copy(update={"source": CommandSource(argv=argv)}), expected=kr)
    return kr.id


def _marking(marker: Path, value: str = "433") -> list[str]:
    """A command that leaves `marker` behind when it runs, and prints a value."""
    return [sys.executable, "-c", f"open({str(marker)!r}, 'a').write('ran'); print({value})"]


@pytest.fixture(scope="module")
def export_with_a_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A JSON export of the demo whose "Reach 500" key result runs a command that leaves a
    marker file: (the export, the marker, the key result id)."""
    folder = tmp_path_factory.mktemp("hostile")
    home, marker = folder / "sender", folder / "marker"
    assert okr("demo", home=home).returncode == 0
    kr_id = _set_source(_store(home), "Reach 500", _marking(marker))
    export = folder / "export.json"
    assert okr("export", "-o", str(export), home=home).returncode == 0
    assert not marker.exists()
    return export, marker, kr_id


def test_an_imported_store_runs_nothing_until_trusted_here(
    export_with_a_source: tuple[Path, Path, str], tmp_path: Path
) -> None:
    export, marker, kr_id = export_with_a_source
    home = tmp_path / "receiver"
    assert okr("import", str(export), home=home).returncode == 0

    listed = okr("sources", home=home)
    assert listed.returncode == 0
    assert f"{kr_id}  untrusted  store" in listed.stdout

    pulled = okr("pull", home=home)
    assert pulled.returncode == 1
    assert not marker.exists()  # the command never ran
    [line] = pulled.stderr.splitlines()
    assert line.startswith(f"okr: pull: {kr_id} 'Reach 500")
    assert "untrusted on this machine: not run (okr sources --trust to run it)" in line
    assert "Recorded 0 value(s)" in pulled.stdout

    trusted = okr("sources", "--trust", home=home)
    assert trusted.returncode == 0 and f"Trusted {kr_id}" in trusted.stdout
    pulled = okr("pull", home=home)
    assert pulled.returncode == 0, pulled.stderr
    assert marker.read_text() == "ran"
    assert f"{kr_id}  433 customers  recorded" in pulled.stdout
    marker.unlink()

    # A source changed in the store (by a sync, an import, a teammate) needs trusting again.
    _set_source(_store(home), "Reach 500", _marking(marker, "434"))
    assert f"{kr_id}  changed" in okr("sources", home=home).stdout
    pulled = okr("pull", home=home)
    assert pulled.returncode == 1 and not marker.exists()
    assert "changed since this machine trusted it: not run" in pulled.stderr


def test_a_store_folder_copied_or_synced_to_another_machine_runs_nothing(
    export_with_a_source: tuple[Path, Path, str], tmp_path: Path
) -> None:
    export, marker, kr_id = export_with_a_source
    first = tmp_path / "first"
    assert okr("import", str(export), home=first).returncode == 0
    assert okr("sources", "--trust", kr_id, home=first).returncode == 0
    second = tmp_path / "second"  # another machine: its own data folder, the same store files
    shutil.copytree(first / "data" / "store", second / "data" / "store")
    pulled = okr("pull", "--json", home=second)
    assert pulled.returncode == 1
    assert not marker.exists()
    report = json.loads(pulled.stdout)
    assert report["recorded"] == []
    assert [f["kr_id"] for f in report["failed"]] == [kr_id]


def test_okr_source_sets_a_source_trusted_where_it_was_typed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert okr("demo", home=home).returncode == 0
    store = _store(home)
    cycle = store.current_cycle()
    assert cycle is not None
    kr = next(k for k in store.key_results(cycle.id) if k.title.startswith("Reach 500"))
    set_it = okr("source", kr.id[:8], "--command", f"{sys.executable} -c 'print(450)'", home=home)
    assert set_it.returncode == 0, set_it.stderr
    assert "(trusted on this machine)" in set_it.stdout
    dry = okr("pull", "--dry-run", home=home)
    assert dry.returncode == 0, dry.stderr
    assert f"{kr.id}  450 customers  would record" in dry.stdout
    assert okr("list", home=home).stdout.count("450 customers") == 0
    assert okr("pull", home=home).returncode == 0
    assert "450 customers / 500" in okr("list", home=home).stdout
    bad = okr("source", kr.id, "--http", "ftp://example.com/x", "--path", "a", home=home)
    assert bad.returncode == 2 and "http" in bad.stderr
    cleared = okr("source", kr.id, "--clear", home=home)
    assert cleared.returncode == 0
    assert okr("sources", home=home).stdout == "No key result of 2026-Q4 has a source.\n"
