"""The store under stress: broken files, processes killed mid-save, two writers at once.

Whatever happens, a broken file gives one clear message and is left exactly as it was, and a
check-in the store confirmed is never lost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from repo import TESTS  # noqa: E402

from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import CheckIn, Confidence, Cycle
from okr_tui.store.errors import StoreError
from okr_tui.store.store import OkrStore

sys.path.insert(0, str(TESTS))  # store_worker runs as a script from there too
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


def _truncated(path: Path) -> str:
    path.write_bytes(path.read_bytes()[:200])
    return "is not valid JSON"


def _from_a_newer_okr(path: Path) -> str:
    data = json.loads(path.read_bytes())
    data["meta"]["1"]["schema_version"] = 99
    path.write_text(json.dumps(data))
    return "was written by a newer okr-tui (schema 99; this version reads up to"


def _with_an_unknown_kr_type(path: Path) -> str:
    data = json.loads(path.read_bytes())
    data["key_results"]["1"]["kr_type"] = "bogus"
    path.write_text(json.dumps(data))
    return "holds an invalid key_results entry: kr_type: Input should be 'increase'"


def _deleted(path: Path) -> str:
    path.unlink()
    return "is missing: okr.json lists cycle 2026-Q4, whose records are kept in this file"


def _a_dangling_symlink(path: Path) -> str:
    path.unlink()
    path.symlink_to(path.with_name("moved-away.json"))
    return f"is a symbolic link (to {path.with_name('moved-away.json')}, which does not exist)"


def _with_a_bad_confidence_deep_in_the_check_ins(path: Path) -> str:
    """The last check-in of the file: the app validates check-ins as its first screen reads
    them and the whole file right after its first frame (issue 19); either way, this one line."""
    data = json.loads(path.read_bytes())
    check_ins = {
        str(number): {
            "id": f"ci-{number}",
            "cycle_id": "cycle-q4",
            "kr_id": "kr-000",
            "meeting_date": "2026-11-16",
            "value": float(number),
            "confidence": "on_track",
            "recorded_at": f"2026-11-16T09:{number:02d}:00Z",
        }
        for number in range(1, 41)
    }
    check_ins["40"]["confidence"] = "bogus"
    data["check_ins"] = check_ins
    path.write_text(json.dumps(data))
    return "holds an invalid check_ins entry: confidence: Input should be"


BROKEN_CYCLE_FILES = {
    "truncated": _truncated,
    "a bad confidence deep in the check-ins": _with_a_bad_confidence_deep_in_the_check_ins,
    "a newer schema": _from_a_newer_okr,
    "an unknown kr_type": _with_an_unknown_kr_type,
    "deleted": _deleted,
    "a dangling symlink": _a_dangling_symlink,
}


# A bad check-in is found once the app has drawn its first screen (issue 19, docs/benchmarks.md
# "Start-up, load side"): by the first screen if it reads it, else by the full check right after.
FOUND_AFTER_THE_FIRST_FRAME = {"a bad confidence deep in the check-ins"}


@pytest.mark.parametrize("command", ["app", "list"])
@pytest.mark.parametrize("case", list(BROKEN_CYCLE_FILES), ids=list(BROKEN_CYCLE_FILES))
def test_a_broken_current_cycle_file_gives_one_line_and_status_2_from_the_app_and_the_cli(
    tmp_path: Path, case: str, command: str
) -> None:
    """`okr` (the app) used to start on such a file and crash with a traceback whose locals
    held the file's contents, exit status 0; `okr list` showed a deleted cycle file as an
    empty cycle."""
    store_worker.prepare(tmp_path / "store")
    path = tmp_path / "store" / "cycles" / "cycle-q4.json"
    problem = BROKEN_CYCLE_FILES[case](path)

    args = ["--db", str(tmp_path / "store")] + ([] if command == "app" else [command])
    result = _run_okr(*args, home=tmp_path / "home")

    assert result.returncode == 2
    stderr = result.stderr
    if command == "app" and case in FOUND_AFTER_THE_FIRST_FRAME:
        # The app had started, maybe drawn its first screen (without a terminal, Textual
        # writes to stderr), and left its screen again: in a terminal, the store's one line
        # is what remains.
        drawn, stderr = stderr[: stderr.rindex("okr: ")], stderr[stderr.rindex("okr: ") :]
        assert "\x1b[?1049l" in drawn  # the app's screen left (the terminal's own again)
    assert stderr == f"okr: {path}: {problem}" + stderr.split(problem, 1)[1]
    assert len(stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    if command == "app":  # (okr list prints its header before it reads the key results)
        assert result.stdout == ""


def test_a_legacy_cycle_without_a_file_reads_as_empty_until_the_first_save_gives_it_one(
    tmp_path: Path,
) -> None:
    """Before the root file carried its mark, a cycle's file was made at its first objective:
    such a cycle is empty, not missing, and the next save makes its file and sets the mark."""
    store_worker.prepare(tmp_path / "store")
    root = tmp_path / "store" / "okr.json"
    data = json.loads(root.read_bytes())
    del data["meta"]["1"]["every_cycle_has_a_file"]
    data["cycles"]["2"] = {
        **data["cycles"]["1"],
        "id": "cycle-q1",
        "name": "2027-Q1",
        "start": "2027-01-01",
        "end": "2027-03-31",
        "state": "planning",
    }
    root.write_text(json.dumps(data))
    store = OkrStore(tmp_path / "store", FixedClock(CLOCK_AT))

    assert store.key_results("cycle-q1") == []
    assert not (tmp_path / "store" / "cycles" / "cycle-q1.json").exists()
    store.add_check_in(_check_in("kr-000", date(2026, 11, 23), 10))

    assert json.loads((tmp_path / "store" / "cycles" / "cycle-q1.json").read_bytes())["meta"]
    assert json.loads(root.read_bytes())["meta"]["1"]["every_cycle_has_a_file"] is True
    (tmp_path / "store" / "cycles" / "cycle-q1.json").unlink()
    with pytest.raises(StoreError, match="cycle-q1.json: is missing: okr.json lists cycle 2027"):
        OkrStore(tmp_path / "store", FixedClock(CLOCK_AT)).key_results("cycle-q1")


def test_a_new_cycle_has_its_file_from_the_start(tmp_path: Path) -> None:
    store = store_worker.prepare(tmp_path / "store")
    store.save_cycle(
        Cycle(id="cycle-q1", name="2027-Q1", start=date(2027, 1, 4), end=date(2027, 3, 31))
    )
    path = tmp_path / "store" / "cycles" / "cycle-q1.json"

    assert json.loads(path.read_bytes())["meta"]["1"]["cycle_id"] == "cycle-q1"
    path.unlink()
    with pytest.raises(StoreError, match="cycle-q1.json: is missing"):
        OkrStore(tmp_path / "store", FixedClock(CLOCK_AT)).objectives("cycle-q1")


# --- store files that are not regular files ---------------------------------------------------


@pytest.mark.parametrize("which", ["okr.json", "cycles/cycle-q4.json"])
def test_a_symlinked_store_file_is_refused_and_never_replaced_by_a_save(
    tmp_path: Path, which: str
) -> None:
    """A save renames a new file over the path: it used to replace the link, and the linked
    file stopped getting updates. Links are refused, with what to do instead."""
    store_worker.prepare(tmp_path / "store")
    path = tmp_path / "store" / which
    elsewhere = tmp_path / "synced" / path.name
    elsewhere.parent.mkdir()
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    before = _fingerprint(elsewhere)

    result = _run_okr("--db", str(tmp_path / "store"), "list", home=tmp_path / "home")
    checkin = _run_okr(
        "--db",
        str(tmp_path / "store"),
        "checkin",
        "--kr",
        "kr-000",
        "--value",
        "5",
        "--confidence",
        "g",
        home=tmp_path / "home",
    )

    message = f"okr: {path}: is a symbolic link (to {elsewhere}); okr-tui keeps its store in "
    for refused in (result, checkin):
        assert refused.returncode == 2
        assert refused.stderr.startswith(message), refused.stderr
        assert len(refused.stderr.splitlines()) == 1
    assert path.is_symlink()
    assert _fingerprint(elsewhere) == before


def test_a_cycle_file_linked_to_dev_zero_is_refused_not_read_forever(tmp_path: Path) -> None:
    store_worker.prepare(tmp_path / "store")
    path = tmp_path / "store" / "cycles" / "cycle-q4.json"
    path.unlink()
    path.symlink_to("/dev/zero")

    result = _run_okr("--db", str(tmp_path / "store"), "list", home=tmp_path / "home")

    assert result.returncode == 2
    assert result.stderr.startswith(f"okr: {path}: is a symbolic link (to /dev/zero); ")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_in_place_of_a_cycle_file_is_refused_without_waiting_for_a_writer(
    tmp_path: Path,
) -> None:
    store_worker.prepare(tmp_path / "store")
    path = tmp_path / "store" / "cycles" / "cycle-q4.json"
    path.unlink()
    os.mkfifo(path)

    result = _run_okr("--db", str(tmp_path / "store"), "list", home=tmp_path / "home")

    assert result.returncode == 2
    assert result.stderr == f"okr: {path}: is a named pipe (FIFO), not a store file\n"


def test_a_store_file_over_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    from okr_tui.store.storage import MAX_STORE_FILE_BYTES

    store_worker.prepare(tmp_path / "store")
    path = tmp_path / "store" / "cycles" / "cycle-q4.json"
    with path.open("r+b") as handle:  # sparse: no disk is used
        handle.truncate(MAX_STORE_FILE_BYTES + 44 * 1024 * 1024)

    with pytest.raises(StoreError) as raised:
        OkrStore(tmp_path / "store", FixedClock(CLOCK_AT)).objectives("cycle-q4")

    assert str(raised.value) == (
        f"{path}: is 300 MiB; store files are limited to 256 MiB (a large organisation's "
        "quarter is a few MiB), so this is not a store file"
    )


@pytest.mark.parametrize(
    "make, what",
    [
        (lambda path: os.mkfifo(path), "is a named pipe (FIFO), not an export file"),
        (lambda path: path.symlink_to("/dev/zero"), "is a character device, not an export file"),
        (lambda path: path.mkdir(), "is a folder, not an export file"),
        (lambda path: path.symlink_to("nowhere.json"), "is a symbolic link to nothing"),
        (lambda path: None, "no such file"),
    ],
    ids=["fifo", "dev-zero", "folder", "dangling-link", "missing"],
)
def test_import_says_what_a_path_that_is_not_a_file_is(tmp_path: Path, make, what: str) -> None:
    path = tmp_path / "backup.json"
    make(path)

    result = _run_okr("--db", str(tmp_path / "store"), "import", str(path), home=tmp_path / "h")

    assert result.returncode == 2
    assert result.stderr == f"okr: {path}: {what}\n"


def test_read_only_creates_nothing(tmp_path: Path) -> None:
    """Not the folder of a mistyped --db, nor the lock file, nor a cleanup of a store."""
    missing = tmp_path / "no-store-here"
    result = _run_okr("--db", str(missing), "--read-only", home=tmp_path / "home")

    assert result.returncode == 2
    assert result.stderr == (
        f"okr: {missing}: does not exist (a read-only store is never created)\n"
    )
    assert not missing.exists()

    store_worker.prepare(tmp_path / "store")
    (tmp_path / "store" / ".lock").unlink()
    leftover = tmp_path / "store" / "cycles" / ".cycle-q4.json.tmp-0badcafe"
    leftover.write_bytes(b"{")
    before = sorted(p.name for p in (tmp_path / "store").rglob("*"))
    listed = _run_okr("--db", str(tmp_path / "store"), "--read-only", "list", home=tmp_path / "h")
    assert listed.returncode == 0, listed.stderr
    assert sorted(p.name for p in (tmp_path / "store").rglob("*")) == before


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
    from okr_tui.store import storage

    path = _broken_store(tmp_path / "store", b"{" + ROOT_META + b"}")
    real_open = os.open

    def refuse(opened, flags, *args):  # noqa: ANN001, ANN002
        if Path(opened) == path:
            raise PermissionError(13, "Permission denied", str(opened))
        return real_open(opened, flags, *args)

    monkeypatch.setattr(storage.os, "open", refuse)
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
