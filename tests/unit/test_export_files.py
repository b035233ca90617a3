"""Files written from inside the app (exports, meeting notes): a new name each time, never an
overwrite, even when two are written at once."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from okr_tui.exchange.files import create_in_folder


def test_names_are_numbered_from_the_second_file_on(tmp_path: Path) -> None:
    first = create_in_folder(tmp_path, "meeting-2026-11-23", "md", "one")
    second = create_in_folder(tmp_path, "meeting-2026-11-23", "md", "two")
    third = create_in_folder(tmp_path, "meeting-2026-11-23", "md", "three")
    assert [p.name for p in (first, second, third)] == [
        "meeting-2026-11-23.md",
        "meeting-2026-11-23-2.md",
        "meeting-2026-11-23-3.md",
    ]
    assert first.read_text(encoding="utf-8") == "one"  # never overwritten
    assert stat.S_IMODE(third.stat().st_mode) == 0o600


def test_files_written_at_once_never_share_a_name(tmp_path: Path) -> None:
    texts = [f"export {number}" for number in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        paths = list(pool.map(lambda text: create_in_folder(tmp_path, "okr", "json", text), texts))
    assert len(set(paths)) == 40
    assert sorted(p.read_text(encoding="utf-8") for p in paths) == sorted(texts)


def test_a_file_written_halfway_leaves_the_old_one_and_its_mode(tmp_path):
    from okr_tui.file_writer import complete_file, write_file

    path = tmp_path / "notes.md"
    write_file(path, "old")
    path.chmod(0o640)
    with pytest.raises(RuntimeError), complete_file(path) as handle:
        handle.write(b"half")
        raise RuntimeError("disk gone")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]
    write_file(path, "new")
    assert path.read_text() == "new"
    assert path.stat().st_mode & 0o777 == 0o640
    write_file(path, "private", mode=0o600)
    assert path.stat().st_mode & 0o777 == 0o600
