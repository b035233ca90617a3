"""The running app and a store file that breaks under it (truncated, from a newer okr-tui, an
invalid record, deleted): the app keeps running on what it last read, says which file and
what is wrong until the file can be read again, and saves nothing over it.

Start-up on such a file is tested through the real command in tests/functional/test_store_faults.py.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from textual.worker import WorkerFailed
from waiting import hold_back_prep_lane

from okr_tui.screens.dashboard import DashboardScreen
from okr_tui.screens.walk.walkthrough import WalkthroughScreen
from okr_tui.store.errors import StoreError
from okr_tui.widgets.objective_board import ObjectiveBoard


def _current_file(store) -> Path:
    return store.folder / "cycles" / f"{store.current_cycle().id}.json"


def _truncate(path: Path) -> str:
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    return "is not valid JSON"


def _newer_schema(path: Path) -> str:
    data = json.loads(path.read_bytes())
    data["meta"]["1"]["schema_version"] = 99
    path.write_text(json.dumps(data))
    return "was written by a newer okr-tui (schema 99"


def _unknown_kr_type(path: Path) -> str:
    data = json.loads(path.read_bytes())
    first = next(iter(data["key_results"]))
    data["key_results"][first]["kr_type"] = "bogus"
    path.write_text(json.dumps(data))
    return "holds an invalid key_results entry: kr_type"


def _delete(path: Path) -> str:
    path.unlink()
    return "is missing"


def _dangling_symlink(path: Path) -> str:
    path.unlink()
    path.symlink_to(path.with_name("gone.json"))
    return "is a symbolic link"


BREAKAGES = {
    "truncated": _truncate,
    "newer schema": _newer_schema,
    "invalid record": _unknown_kr_type,
    "deleted": _delete,
    "dangling symlink": _dangling_symlink,
}


def _messages(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def _check_in_refused(pilot, app, message: str) -> None:
    """Walk the meeting (everyone present), save 42 on its first key result: the app keeps
    running and says `message` (the start of it)."""
    await pilot.press("c", "enter")
    await pilot.pause()
    assert isinstance(app.screen, WalkthroughScreen)
    await pilot.press("4", "2", "enter", "g")
    await pilot.pause()

    assert app.is_running
    refused = [m for m in _messages(app) if m.startswith(message)]
    assert refused, _messages(app)


@pytest.mark.parametrize("breakage", list(BREAKAGES), ids=list(BREAKAGES))
async def test_a_file_that_breaks_while_shown_is_reported_and_the_app_keeps_running(
    demo_store, make_app, tmp_path, breakage
):
    path = _current_file(demo_store)
    good = tmp_path / "good.json"
    shutil.copy2(path, good)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = dict(app.screen.query_one(ObjectiveBoard).lines)
        assert shown

        problem = BREAKAGES[breakage](path)
        app.check_store_on_disk()  # what the app's poll timer does every two seconds
        await pilot.pause()
        app.check_store_on_disk()  # the next poll does not say it again
        await pilot.pause()

        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one(ObjectiveBoard).lines.keys() == shown.keys()
        reports = [m for m in _messages(app) if str(path) in m]
        assert len(reports) == 1
        assert problem in reports[0]
        assert "nothing is saved to it" in reports[0]

        # Restored: the report goes and the app reads the file again.
        if path.is_symlink() or path.exists():
            path.unlink()
        shutil.copy2(good, path)
        app.check_store_on_disk()
        await pilot.pause()
        assert app.store.problem is None
        assert not any(str(path) in m for m in _messages(app))
        assert "The store can be read again." in _messages(app)
        assert app.screen.query_one(ObjectiveBoard).lines.keys() == shown.keys()


async def test_a_check_in_over_a_broken_file_is_refused_and_the_file_left_as_it_is(
    demo_store, make_app
):
    path = _current_file(demo_store)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        _truncate(path)
        broken = path.read_bytes(), path.stat().st_mtime_ns
        app.check_store_on_disk()
        await pilot.pause()

        await _check_in_refused(pilot, app, f"{path}: is not valid JSON")
        assert (path.read_bytes(), path.stat().st_mtime_ns) == broken


async def test_a_file_broken_before_a_screen_first_reads_it_is_reported_on_that_screen(
    demo_store, make_app
):
    """The closed quarter's file is read only when that cycle is shown: switching to it says
    what is wrong and stays on the cycle shown."""
    previous = next(c for c in demo_store.cycles() if c.id != demo_store.current_cycle().id)
    path = demo_store.folder / "cycles" / f"{previous.id}.json"
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        current = app.cycle_id
        _truncate(path)
        await pilot.press("ctrl+y")
        await pilot.pause()
        await pilot.press("down", "enter")  # the cycles are listed newest first
        await pilot.pause()

        assert app.is_running
        assert app.cycle_id == current
        assert any(m.startswith(f"{path}: is not valid JSON") for m in _messages(app))


async def test_a_store_error_nothing_handled_ends_the_app_with_status_2_and_no_traceback(
    demo_store, make_app
):
    app = make_app(demo_store)
    problem = StoreError(_current_file(demo_store), "is not valid JSON")

    def fail() -> None:
        raise WorkerFailed(problem)

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.call_later(fail)  # as a handler that read a broken record would

    assert app.return_code == 2
    assert app.store_error is problem
    assert app._exit_renderables == []  # no traceback to print


async def test_a_root_file_that_breaks_while_the_app_runs_is_reported_and_not_saved_over(
    demo_store, make_app
):
    from okr_tui.domain.models import Team

    path = demo_store.folder / "okr.json"
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        teams = [team.name for team in app.store.teams()]
        _truncate(path)
        broken = path.read_bytes(), path.stat().st_mtime_ns
        app.check_store_on_disk()
        await pilot.pause()

        assert app.is_running
        assert any(m.startswith(f"{path}: is not valid JSON") for m in _messages(app))
        assert [team.name for team in app.store.teams()] == teams  # as last read
        with pytest.raises(StoreError, match="okr.json: is not valid JSON"):
            app.store.save_team(Team(name="Platform"))
        assert (path.read_bytes(), path.stat().st_mtime_ns) == broken


async def test_a_crash_report_never_shows_local_variables(demo_store, make_app):
    """Textual prints a crash with every local variable, records of the store included."""
    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    titles = [kr.title for kr in demo_store.key_results(cycle.id)]

    def crash() -> None:
        shown = app.store.key_results(cycle.id)  # noqa: F841  (a local holding records)
        raise RuntimeError("something unexpected")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.call_later(crash)
            await app._exception_event.wait()
            report = "".join(  # what the terminal gets once the app has closed
                segment.text
                for renderable in app._exit_renderables
                for segment in renderable.segments
            )

    assert "RuntimeError: something unexpected" in report
    assert not [title for title in titles if title[:30] in report]
    assert app.return_code == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
async def test_the_welcome_import_says_a_fifo_is_a_fifo(store, make_app, tmp_path):
    """It said "No file at ..." of a named pipe, as `okr import` said "no such file"."""
    from textual.widgets import Static

    fifo = tmp_path / "backup.json"
    os.mkfifo(fifo)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("i", *str(fifo), "enter")
        await pilot.pause()

        shown = str(app.screen.query_one("#import-error", Static).content)
        assert shown == f"{fifo}: is a named pipe (FIFO), not an export file"
        assert store.is_empty()


# --- the full check after the first frame (issue 19) ---------------------------------------


def _bad_audit_entry(path: Path, cycle_id: str) -> str:
    """A record the dashboard never reads, deep in the file the app opens on."""
    data = json.loads(path.read_bytes())
    audit = data.setdefault("audit", {})
    number = str(max((int(doc_id) for doc_id in audit), default=0) + 1)
    audit[number] = {
        "id": "audit-bad",
        "cycle_id": cycle_id,
        "entity_id": "kr-x",
        "field": "title",
        "at": "soon",
    }
    path.write_text(json.dumps(data))
    return "holds an invalid audit entry: at: "


async def test_a_bad_record_the_first_screen_did_not_read_ends_the_app_right_after_it(
    demo_store, make_app, monkeypatch
):
    """The app checks the cycle it opens on only as far as its first screen reads it, then the
    whole file in a worker: a bad record found there ends the app as one found before the
    start did (the store's one line, status 2), and nothing is written."""
    path = _current_file(demo_store)
    problem = _bad_audit_entry(path, demo_store.current_cycle().id)
    before = path.read_bytes(), path.stat().st_mtime_ns
    monkeypatch.setattr("okr_tui.app.FULL_CHECK_AFTER", 0.001)  # no wait after the frame
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)  # drawn: the audit is not on it
        for _ in range(20):  # the timer, then the worker
            await pilot.pause()
            await app.workers.wait_for_complete()
            if not app.is_running:
                break

    assert app.return_code == 2
    assert isinstance(app.store_error, StoreError)
    assert str(app.store_error).startswith(f"{path}: {problem}")
    assert app._exit_renderables == []  # no traceback to print
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


async def test_a_save_before_the_full_check_has_passed_checks_the_file_and_writes_nothing(
    demo_store, make_app, monkeypatch
):
    """A check-in saved before the full check has finished (here it never starts) has the
    store check the whole file first, under the lock: a bad record there refuses the save, as
    the broken file at start-up did, and the file stays as it was."""
    from okr_tui.app import OkrApp

    path = _current_file(demo_store)
    problem = _bad_audit_entry(path, demo_store.current_cycle().id)
    before = path.read_bytes(), path.stat().st_mtime_ns
    monkeypatch.setattr(OkrApp, "after_first_frame", OkrApp.resume_collector)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await _check_in_refused(pilot, app, f"{path}: {problem}")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


async def test_the_first_frame_validates_only_the_check_ins_of_the_key_results_it_draws(
    store_32q, make_app, monkeypatch
):
    """Issue 19: before the dashboard's first frame the store reads (and validates) the
    check-ins of the key results the board draws, a key result at a time, never the cycle's
    whole table (the "Due now:" line read it all); the prep lane's worker reads the rest in
    one go once the board is drawn, and the full check after it."""
    from okr_tui.app import OkrApp
    from okr_tui.store.store import OkrStore

    release = hold_back_prep_lane(monkeypatch)
    monkeypatch.setattr(OkrApp, "after_first_frame", OkrApp.resume_collector)  # no full check
    asked: list[set[str] | None] = []  # each read's key results; None: the whole cycle's
    check_ins = OkrStore.check_ins

    def reading(self, cycle_id, kr_id=None, *, kr_ids=None):
        whole = kr_id is None and kr_ids is None
        asked.append(None if whole else {*(kr_ids or ()), *([kr_id] if kr_id else [])})
        return check_ins(self, cycle_id, kr_id, kr_ids=kr_ids)

    monkeypatch.setattr(OkrStore, "check_ins", reading)
    cycle = store_32q.current_cycle()
    cycle_file = store_32q._cycle_file(cycle.id)
    active = {kr.id for kr in store_32q.key_results(cycle.id) if kr.is_active}
    app = make_app(store_32q)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        board_widget = app.screen.query_one(ObjectiveBoard)
        assert None not in asked
        assert not cycle_file.has_models("check_ins")  # not validated whole
        read = set().union(*asked)
        assert board_widget.highlighted_kr_id in read
        assert read < active, (len(read), len(active))  # those drawn, not all

        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert cycle_file.has_models("check_ins")  # the lane's worker read the rest
    assert None in asked
