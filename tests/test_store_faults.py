"""The store under stress: broken files, processes killed mid-save, two writers at once.

Whatever happens, a broken file gives one clear message and is left exactly as it was, and a
check-in the store confirmed is never lost.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import CheckIn, Confidence
from okr_tui.store.errors import StoreError
from okr_tui.store.store import OkrStore

sys.path.insert(0, str(Path(__file__).parent))
import store_worker  # noqa: E402
from store_worker import Worker, kill_repeatedly  # noqa: E402

CLOCK_AT = "2026-11-23T10:00:00Z"
ROOT_META = b'"meta": {"1": {"kind": "root", "schema_version": 1}}'


def _run_okr(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OKR_HOME": str(home)}
    env.pop("OKR_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "okr_tui", "--at", CLOCK_AT, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


# --- broken store files -----------------------------------------------------------------------

BROKEN_ROOT_FILES = {
    "truncated": (b"{" + ROOT_META + b', "teams": {"1": {"id": "te', "not valid JSON"),
    "empty": (b"", "is empty"),
    "only whitespace": (b"  \n", "is empty"),
    "not JSON": (b"these are not the droids", "not valid JSON"),
    "a JSON list": (b"[1, 2, 3]", "not an okr-tui store file"),
    "tables that are not objects": (b"{" + ROOT_META + b', "teams": [1, 2]}', "not an okr-tui"),
    "a record that is not an object": (b"{" + ROOT_META + b', "cycles": {"1": 5}}', "not a record"),
    "a record id that is not a number": (
        b"{" + ROOT_META + b', "cycles": {"x": {}}}',
        "not a record",
    ),
    "no meta": (b'{"teams": {}, "cycles": {}}', "no okr-tui schema version"),
    "a meta without a version": (b'{"meta": {"1": {"kind": "root"}}}', "no okr-tui schema"),
    "a cycle file in place of the root": (
        b'{"meta": {"1": {"kind": "cycle", "schema_version": 1}}}',
        "not a 'root' file",
    ),
    "a newer schema": (
        b'{"meta": {"1": {"kind": "root", "schema_version": 99}}, "teams": {}}',
        "newer okr-tui (schema 99",
    ),
    "an invalid cycle": (
        b"{" + ROOT_META + b', "cycles": {"1": {"id": "c", "name": "Q"}}}',
        "invalid cycles entry: start: Field required (and 1 more)",
    ),
}


def _broken_store(folder: Path, content: bytes) -> Path:
    folder.mkdir(mode=0o700)
    (folder / "cycles").mkdir(mode=0o700)
    path = folder / "okr.json"
    path.write_bytes(content)
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    return path


def _fingerprint(path: Path) -> tuple[bytes, int, int]:
    stat = path.stat()
    return path.read_bytes(), stat.st_mtime_ns, stat.st_mode


@pytest.mark.parametrize("case", list(BROKEN_ROOT_FILES), ids=list(BROKEN_ROOT_FILES))
def test_a_broken_root_file_gives_one_clear_store_error_and_stays_unchanged(
    tmp_path: Path, case: str
) -> None:
    content, problem = BROKEN_ROOT_FILES[case]
    path = _broken_store(tmp_path / "store", content)
    before = _fingerprint(path)

    with pytest.raises(StoreError) as raised:
        store = OkrStore(tmp_path / "store", FixedClock(CLOCK_AT))
        store.cycles()  # a bad record only shows when it is read

    message = str(raised.value)
    assert str(path) in message
    assert problem in message
    assert "\n" not in message
    assert _fingerprint(path) == before


@pytest.mark.parametrize("case", list(BROKEN_ROOT_FILES), ids=list(BROKEN_ROOT_FILES))
def test_the_cli_on_a_broken_store_prints_one_line_and_exits_2(tmp_path: Path, case: str) -> None:
    content, problem = BROKEN_ROOT_FILES[case]
    path = _broken_store(tmp_path / "store", content)
    before = _fingerprint(path)

    result = _run_okr("--db", str(tmp_path / "store"), "due", home=tmp_path / "home")

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"okr: {path}: ")
    assert problem in lines[0]
    assert result.stdout == ""
    assert _fingerprint(path) == before


def test_a_broken_cycle_file_is_named_in_the_message(tmp_path: Path) -> None:
    store = store_worker.prepare(tmp_path / "store")
    cycle_path = tmp_path / "store" / "cycles" / "cycle-q4.json"
    content = cycle_path.read_bytes()[:-40]
    cycle_path.write_bytes(content)
    before = _fingerprint(cycle_path)

    with pytest.raises(StoreError, match="cycle-q4.json: is not valid JSON"):
        OkrStore(store.folder, FixedClock(CLOCK_AT)).key_results("cycle-q4")
    result = _run_okr("--db", str(store.folder), "due", home=tmp_path / "home")

    assert result.returncode == 2
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert f"okr: {cycle_path}: is not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr
    assert _fingerprint(cycle_path) == before


def _unreadable(path: Path) -> bool:
    """chmod 000, and True if that really keeps us out (root reads anything)."""
    path.chmod(0)
    try:
        path.read_bytes()
    except PermissionError:
        return True
    return False


def test_an_unreadable_store_file_is_reported_not_rewritten(tmp_path: Path) -> None:
    path = _broken_store(tmp_path / "store", b"{" + ROOT_META + b"}")
    if not _unreadable(path):
        pytest.skip("running as a user who can read a chmod 000 file (root)")
    before = path.stat().st_mtime_ns
    try:
        with pytest.raises(StoreError, match="cannot be read \\(permission denied\\)"):
            OkrStore(tmp_path / "store", FixedClock(CLOCK_AT))
        result = _run_okr("--db", str(tmp_path / "store"), "due", home=tmp_path / "home")
        assert result.returncode == 2
        assert result.stderr == f"okr: {path}: cannot be read (permission denied)\n"
        assert path.stat().st_mtime_ns == before
    finally:
        path.chmod(0o600)


def test_a_permission_error_while_reading_gives_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same path as the chmod 000 test, reachable even as root."""
    path = _broken_store(tmp_path / "store", b"{" + ROOT_META + b"}")
    real_read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(StoreError) as raised:
        OkrStore(tmp_path / "store", FixedClock(CLOCK_AT))
    assert str(raised.value) == f"{path}: cannot be read (permission denied)"


def test_a_store_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "okr.json"
    not_a_folder.write_text("{}")
    with pytest.raises(StoreError, match="is a file; --db expects a store folder"):
        OkrStore(not_a_folder, FixedClock(CLOCK_AT))
    assert not_a_folder.read_text() == "{}"


# --- crash injection --------------------------------------------------------------------------


def test_killing_a_saving_process_never_loses_a_confirmed_check_in(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    store_worker.prepare(folder)

    counts = kill_repeatedly(folder, kills=20, seed=20261123)

    assert counts["error"] == ""
    assert counts["kills"] == 20
    assert counts["opened"] == 20
    assert counts["confirmed"] >= 5  # the workers really saved between the kills
    assert counts["lost"] == 0


# --- two writers ------------------------------------------------------------------------------


def test_two_processes_saving_at_once_keep_all_check_ins(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    store_worker.prepare(folder, key_results=40)

    first = Worker(folder, "--tag", "a", "--count", "500", "--start", "0", "--step", "2")
    second = Worker(folder, "--tag", "b", "--count", "500", "--start", "1", "--step", "2")
    printed = first.finish() + second.finish()

    assert first.process.returncode == 0, first.stderr
    assert second.process.returncode == 0, second.stderr
    assert len(printed) == 1000
    check_ins = OkrStore(folder, FixedClock(CLOCK_AT)).check_ins(store_worker.CYCLE["id"])
    assert {check_in.id for check_in in check_ins} == set(printed)
    # 40 key results x 13 meetings: most check-ins are new, the rest correct an earlier one.
    corrections = [check_in for check_in in check_ins if check_in.supersedes]
    assert 0 < len(corrections) < 500
    ids = {check_in.id for check_in in check_ins}
    assert all(check_in.supersedes in ids for check_in in corrections)


def _check_in(kr_id: str, day: date, value: float) -> CheckIn:
    return CheckIn(
        cycle_id=store_worker.CYCLE["id"],
        kr_id=kr_id,
        meeting_date=day,
        value=value,
        confidence=Confidence.AT_RISK,
        recorded_at=FixedClock(CLOCK_AT).now(),
    )


def test_an_open_app_sees_another_writer_and_does_not_overwrite_it(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    store_worker.prepare(folder, key_results=2)
    cycle_id = store_worker.CYCLE["id"]
    app_store = OkrStore(folder, FixedClock(CLOCK_AT))
    assert app_store.check_ins(cycle_id) == []
    assert app_store.refresh() is False

    cli_store = OkrStore(folder, FixedClock(CLOCK_AT))
    from_cli = cli_store.add_check_in(_check_in("kr-000", date(2026, 11, 23), 40))

    assert app_store.refresh() is True
    assert app_store.check_ins(cycle_id) == [from_cli]
    from_app = app_store.add_check_in(_check_in("kr-001", date(2026, 11, 23), 55))

    reopened = OkrStore(folder, FixedClock(CLOCK_AT))
    assert {ci.id for ci in reopened.check_ins(cycle_id)} == {from_cli.id, from_app.id}
    assert cli_store.refresh() is True
    assert {ci.id for ci in cli_store.check_ins(cycle_id)} == {from_cli.id, from_app.id}


def test_an_open_app_correction_supersedes_the_other_writers_check_in(tmp_path: Path) -> None:
    """The app did not re-read before saving: the store still links the correction right."""
    folder = tmp_path / "store"
    store_worker.prepare(folder)
    app_store = OkrStore(folder, FixedClock(CLOCK_AT))
    app_store.check_ins(store_worker.CYCLE["id"])
    first = OkrStore(folder, FixedClock(CLOCK_AT)).add_check_in(
        _check_in("kr-000", date(2026, 11, 23), 40)
    )

    correction = app_store.add_check_in(_check_in("kr-000", date(2026, 11, 23), 45))

    assert correction.supersedes == first.id
    reopened = OkrStore(folder, FixedClock(CLOCK_AT))
    assert [ci.id for ci in reopened.check_ins(store_worker.CYCLE["id"])] == [
        first.id,
        correction.id,
    ]


def test_opening_a_store_while_another_process_saves_does_not_break_that_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening removes stale temp files, but never the temp file of a save in progress."""
    from okr_tui.store import storage

    folder = tmp_path / "store"
    store_worker.prepare(folder)
    saver = OkrStore(folder, FixedClock(CLOCK_AT))
    real_replace = os.replace
    opened: list[OkrStore] = []

    def replace_after_someone_opens(source, target):  # noqa: ANN001
        opened.append(OkrStore(folder, FixedClock(CLOCK_AT)))  # the app starts right now
        return real_replace(source, target)

    monkeypatch.setattr(storage.os, "replace", replace_after_someone_opens)
    saved = saver.add_check_in(_check_in("kr-000", date(2026, 11, 16), 30))
    monkeypatch.setattr(storage.os, "replace", real_replace)

    assert opened
    reopened = OkrStore(folder, FixedClock(CLOCK_AT))
    assert [ci.id for ci in reopened.check_ins(store_worker.CYCLE["id"])] == [saved.id]
