"""The app shell: start screens, help, team filter, palette commands."""

from __future__ import annotations

import asyncio
import json
import stat

import pytest
from key_bursts import burst
from screen_reading import screen_text
from waiting import settle

from okr_tui.screens.dashboard import DashboardScreen
from okr_tui.screens.dialogs.help import HelpScreen
from okr_tui.screens.welcome import WelcomeScreen
from okr_tui.widgets.objective_board import ObjectiveBoard


async def test_empty_store_opens_the_welcome_screen_and_demo_fills_it(store, make_app):
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert not store.is_empty()
        assert app.cycle is not None and app.cycle.name == "2026-Q4"
        assert len(app.screen.query_one(ObjectiveBoard).lines) == 9


async def test_dashboard_shows_every_active_key_result_of_the_current_cycle(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        cycle = demo_store.current_cycle()
        shown = set(app.screen.query_one(ObjectiveBoard).lines)
        assert shown == {kr.id for kr in demo_store.key_results(cycle.id) if kr.is_active}


async def test_team_filter_narrows_the_dashboard(demo_store, make_app):
    app = make_app(demo_store)
    sales = demo_store.team_named("Sales")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        # "All teams", "Growth", "Sales": pick Sales.
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.team_id == sales.id
        teams = {
            line.objective.team_id for line in app.screen.query_one(ObjectiveBoard).lines.values()
        }
        assert teams == {None, sales.id}  # company objectives stay in view
        # The picker opens on Sales; "All teams", two up, shows every team again.
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("up", "up", "enter")
        await pilot.pause()
        assert app.team_id is None
        teams = {
            line.objective.team_id for line in app.screen.query_one(ObjectiveBoard).lines.values()
        }
        assert sales.id in teams and len(teams) > 2


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("keys", [("p",), ("c", "enter")], ids=["planning", "walkthrough"])
async def test_help_never_scrolls_sideways(demo_store, make_app, size, keys):
    """Every column fits the dialog and the long ones wrap: at 120 columns the planning help
    scrolled sideways (its keys cut to "space", "tab"), at 80 the walk's Why column was out of
    sight."""
    from textual.widgets import DataTable

    app = make_app(demo_store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        assert table.max_scroll_x == 0
        assert "Why" in screen_text(app)


async def test_at_80_columns_the_dashboard_footer_shows_every_key_whole(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert footer.startswith("c Check-in p Plan r Review s Score m Present q Quit ? Help")
        assert footer.rstrip().endswith("^t Team  ▏^p palette")


async def test_question_mark_lists_the_keys_of_the_screen(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from textual.widgets import DataTable

        rows = [
            str(cell)
            for row in app.screen.query_one(DataTable).rows
            for cell in app.screen.query_one(DataTable).get_row(row)
        ]
        assert "Check-in" in rows and "Plan" in rows
        # A long reason wraps inside the dialog rather than running past its edge.
        shown = screen_text(app)
        assert "Presentation mode: one objective at a time, for" in shown
        assert "the shared meeting screen" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_palette_lists_the_app_actions(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {
            "Start check-in",
            "Plan",
            "Mid-quarter review",
            "Score and retrospective",
            "Switch team",
            "Switch cycle",
            "Export JSON",
        } <= titles


async def test_the_palette_export_of_a_store_the_import_would_refuse_says_why(
    demo_store, make_app, isolated_home
):
    """Two teams "Growth" and "growth " edited into okr.json: the app still opens, and its JSON
    export says which record is at fault instead of writing a backup that cannot be imported."""
    import json

    path = demo_store.folder / "okr.json"
    tables = json.loads(path.read_bytes())
    sales = next(t for t in tables["teams"].values() if t["name"] == "Sales")
    sales["name"] = "growth "
    path.write_text(json.dumps(tables))
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Export JSON", "enter")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(
            m.startswith(f"Export failed: {path}: team ")
            and 'there is already a team called "Growth"' in m
            for m in messages
        ), messages
        assert app.return_code is None
    assert not list(isolated_home.rglob("*.json"))


async def test_an_open_app_shows_a_check_in_saved_by_another_process(demo_store, make_app):
    """A second store on the same folder stands in for another process (a script, a tab)."""
    from okr_tui.domain import cadence
    from okr_tui.domain.models import CheckIn, Confidence
    from okr_tui.store.store import OkrStore

    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    kr = next(k for k in demo_store.key_results(cycle.id) if k.title.startswith("Increase qual"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        line = app.screen.query_one(ObjectiveBoard).lines[kr.id]
        assert line.checked_in_this_meeting is False
        other = OkrStore(demo_store.folder, demo_store.clock)
        meeting = cadence.current_meeting(cycle, demo_store.clock.now()).date()
        other.add_check_in(
            CheckIn(
                cycle_id=cycle.id,
                kr_id=kr.id,
                meeting_date=meeting,
                value=191,
                confidence=Confidence.ON_TRACK,
                recorded_at=demo_store.clock.now(),
            )
        )
        app.check_store_on_disk()  # what the app's poll timer does every two seconds
        await pilot.pause()
        line = app.screen.query_one(ObjectiveBoard).lines[kr.id]
        assert line.value == 191
        assert line.checked_in_this_meeting is True
    assert len([c for c in demo_store.check_ins(cycle.id, kr.id) if c.value == 191]) == 1


async def test_arrow_keys_move_between_key_results_and_enter_opens_one(demo_store, make_app):
    from okr_tui.screens.kr_detail import KeyResultDetailScreen

    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen.query_one(ObjectiveBoard)
        order = [kr_id for kr_id in board.lines]
        assert board.highlighted_kr_id == order[0]
        await pilot.press("down", "down", "down")  # skips team and objective headings
        assert board.highlighted_kr_id == order[3]
        await pilot.press("up")
        assert board.highlighted_kr_id == order[2]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, KeyResultDetailScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(ObjectiveBoard).highlighted_kr_id == order[2]


async def test_export_from_the_palette_writes_a_new_file_each_time(demo_store, make_app):
    """The palette's exports land in the exports folder; a second export never overwrites."""
    import csv

    from okr_tui.paths import exports_folder

    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(2):
            await pilot.press("ctrl+p")
            await pilot.press(*"check-ins (CSV)")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
    files = sorted(exports_folder().glob("*.csv"))
    assert [f.name for f in files] == [
        "okr-2026-Q4-20261123-1000-2.csv",
        "okr-2026-Q4-20261123-1000.csv",
    ]
    rows = list(csv.DictReader(files[1].open(encoding="utf-8")))
    cycle = demo_store.current_cycle()
    assert len(rows) == len(demo_store.check_ins(cycle.id))
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}  # as the store's files


async def test_the_app_answers_keys_while_an_export_is_written(demo_store, make_app, monkeypatch):
    """An export runs in a worker thread: the board moves while it is still being written."""
    import threading

    from okr_tui.exchange import files
    from okr_tui.paths import exports_folder

    release = threading.Event()
    render = files.render_export

    def slow_render(store, cycle_id, file_format):
        assert threading.current_thread() is not threading.main_thread()
        assert store is not demo_store  # a reader of its own, not the screens' store
        release.wait(timeout=30)
        return render(store, cycle_id, file_format)

    monkeypatch.setattr(files, "render_export", slow_render)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen.query_one(ObjectiveBoard)
        first = board.highlighted_kr_id
        await pilot.press("ctrl+p", *"Export JSON")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        [export] = [w for w in app.workers if w.name == "Export"]
        assert export.is_running
        await pilot.press("down")
        await pilot.pause()
        assert board.highlighted_kr_id != first  # answered while the export waits
        assert export.is_running and not list(exports_folder().glob("*.json"))
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        [written] = exports_folder().glob("*.json")
        said = [n.message for n in app._notifications]
        assert f"Exported to {written}" in said
    assert json.loads(written.read_text(encoding="utf-8"))["format"] == "okr-tui"


async def test_a_failed_export_is_reported_and_the_app_goes_on(demo_store, make_app, monkeypatch):
    from okr_tui.exchange import files

    def no_space(store, cycle_id, file_format):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "render_export", no_space)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"check-ins (CSV)")
        await pilot.pause()
        await pilot.press("enter")
        # not workers.wait_for_complete(): it raises the failure the app reports, if the worker
        # is still listed when the press returns
        await settle(pilot, lambda: any(n.severity == "error" for n in app._notifications))
        errors = [n for n in app._notifications if n.severity == "error"]
        assert [n.message for n in errors] == ["Export failed: [Errno 28] No space left on device"]
        assert app.is_running


def _working(app) -> list[str]:
    """The 'working' toasts on screen: slow work still running."""
    return [n.message for n in app._notifications if n.title.endswith("· working")]


async def _first_frame_after(app, key: str, done, then):
    """Send `key` straight to the app and wait for the first frame drawn once `done()` holds;
    `then()` as it was at that frame. Not Pilot's press: it waits until the process looks idle
    (no CPU used for 20 ms, up to a second), which a running export never is."""
    painted = asyncio.Event()
    seen: list[object] = []
    display = app._display

    def spy(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None and not painted.is_set() and done():
            seen.append(then())
            painted.set()

    app._display = spy
    try:
        burst(app, key)
        await asyncio.wait_for(painted.wait(), 30)
    finally:
        app._display = display
    return seen[0]


async def test_the_app_answers_a_key_while_an_export_of_a_32_quarter_store_runs(
    store_32q, make_app
):
    """The whole store's export (32 quarters, nothing slowed down) runs in a worker: while it
    is written, 'Exporting…' stays on screen and a cursor move on the board is drawn; when it
    is done, the toast goes and the file is what `okr export` writes."""
    import io

    from okr_tui.exchange.json_export import write_export
    from okr_tui.paths import exports_folder

    app = make_app(store_32q)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        board = app.screen.query_one(ObjectiveBoard)
        first = board.highlighted_kr_id
        await pilot.press("ctrl+p", *"Export every cycle")
        await app.workers.wait_for_complete()  # the palette's search
        await pilot.pause()
        working = await _first_frame_after(
            app, "enter", lambda: app.slow_work_running, lambda: _working(app)
        )
        assert working == ["Exporting every cycle (JSON)…"]
        [export] = [w for w in app.workers if w.name == "Export"]
        running = await _first_frame_after(
            app, "down", lambda: board.highlighted_kr_id != first, lambda: export.is_running
        )
        assert running  # the move was on screen while the export was still being written
        assert _working(app) == ["Exporting every cycle (JSON)…"]
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.slow_work_running == [] and _working(app) == []
        [written] = exports_folder().glob("okr-all-*.json")
        assert f"Exported to {written}" in [n.message for n in app._notifications]
    expected = io.BytesIO()
    write_export(store_32q, expected)
    assert written.read_bytes() == expected.getvalue()
    assert len(json.loads(expected.getvalue())["cycles"]) == 32


async def test_a_failing_export_says_why_in_one_place_and_leaves_no_file(demo_store, make_app):
    """A record an import would refuse, in a closed quarter the app never reads: the whole
    store's export stops with one error naming the file and the record (the one place that
    reports slow work's failures), the working toast goes, and no half-written file is left."""
    from okr_tui.paths import exports_folder

    closed = next(c for c in demo_store.cycles() if c.state.value == "closed")
    path = demo_store.folder / "cycles" / f"{closed.id}.json"
    tables = json.loads(path.read_bytes())
    check_in = next(iter(tables["check_ins"].values()))
    check_in["recorded_at"] = "2026-09-01T10:00:00"  # no timezone
    path.write_text(json.dumps(tables))
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"Export every cycle")
        await app.workers.wait_for_complete()  # the palette's search
        await pilot.pause()
        await pilot.press("enter")
        await settle(  # not workers.wait_for_complete(): it raises the failure the app reports
            pilot,
            lambda: any(n.severity == "error" for n in app._notifications)
            and not app.slow_work_running,
        )
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == [
            f"Export failed: {path}: check_ins entry {check_in['id']!r}, recorded_at: "
            "must include a timezone; nothing exported, as an import would refuse it"
        ]
        assert _working(app) == [] and app.slow_work_running == []
        assert app.is_running
        await pilot.press("down")  # and the app goes on
        await pilot.pause()
    assert list(exports_folder().glob("*")) == []


async def test_a_key_remapped_in_the_config_starts_the_check_in(demo_store, make_app):
    from okr_tui import config
    from okr_tui.screens.walk.walkthrough_setup import WalkthroughSetupScreen

    config.save_settings(config.Settings(keymap={"dashboard.check_in": "i"}))
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("c")  # the default key no longer starts it
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, WalkthroughSetupScreen)


async def test_dashboard_and_scoring_show_the_same_objective_score(demo_store, make_app):
    """The dashboard's "score today" is computed as the scoring screen computes it."""
    from okr_tui.domain import progress
    from okr_tui.domain.board import objective_blocks
    from okr_tui.widgets.objective_board import objective_text

    app = make_app(demo_store)
    cycle = demo_store.current_cycle()
    check_ins = demo_store.check_ins(cycle.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen.query_one(ObjectiveBoard)
        for objective in demo_store.objectives(cycle.id):
            krs = [kr for kr in demo_store.key_results(cycle.id, objective.id) if kr.is_active]
            expected = progress.objective_score(
                krs, {kr.id: progress.suggested_score(kr, check_ins) for kr in krs}
            )
            lines = [line for line in board.lines.values() if line.objective.id == objective.id]
            (block,) = objective_blocks([objective], lines)
            assert block.score == expected
            assert f"{expected:.1f}" in objective_text(block, None).plain


async def test_keys_after_quit_do_not_crash_the_way_out(demo_store, make_app):
    """A quick "q" then "s" (one burst) opens scoring while the app is shutting down: the
    screen must not try to load itself then."""
    from textual import events

    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in ("q", "s"):
            app.post_message(events.Key(key, key))
        await pilot.pause()
    assert app.return_code == 0


def test_the_header_of_a_cycle_not_begun_says_when_it_starts(demo_store):
    """A planned quarter read "week 1 of 13 · 127 days left" five weeks before it began."""
    from okr_tui.domain.models import CycleState
    from okr_tui.widgets.cycle_header import header_text

    q4 = demo_store.find_cycle("2026-Q4")
    now = demo_store.clock.now()
    q1 = q4.model_copy(
        update={
            "name": "2027-Q1",
            "start": q4.end.replace(year=2027, month=1, day=4),
            "end": q4.end.replace(year=2027, month=3, day=31),
            "state": CycleState.PLANNING,
        }
    )
    assert header_text(q1, None, now).plain.startswith(
        "okr-tui  2027-Q1  starts Mon 4 Jan · in 42 days · next check-in Mon 4 Jan 09:30"
    )
    assert header_text(q4, "Sales", now).plain.startswith("okr-tui  2026-Q4  week 8 of 14 · 38")
    # Read-only comes right after the cycle: at 80 columns the end of the line is cut.
    shown = header_text(q4, "Sales", now, read_only=True).plain
    assert shown.startswith("okr-tui  2026-Q4  read-only  week 8 of 14")


def test_at_80_columns_a_replay_keeps_its_team_and_owner_filter_in_the_header(demo_store):
    """`okr --at` with the owner filter on: "as of ..." and "Owner: Ben" did not both fit at 80
    columns and the owner was cut; the week and days left give way first now."""
    from okr_tui.widgets.cycle_header import header_text

    q4 = demo_store.find_cycle("2026-Q4")
    now = demo_store.clock.now()
    shown = header_text(q4, "Growth", now, read_only=True, width=78, owner="Ben", as_of=now).plain
    assert shown == "2026-Q4  read-only  as of 23 Nov 2026 11:00  │  Growth  ·  Owner: Ben"
    wide = header_text(q4, "Growth", now, width=118, owner="Ben", as_of=now).plain
    assert "week 8 of 14" in wide and wide.endswith("Owner: Ben")


async def test_a_read_only_viewer_is_told_before_typing_not_at_save(demo_store, make_app):
    """A tab of `okr serve` (or `--read-only`) let a viewer open the check-in and the forms,
    type, and only then refused the save. Now the keys that write are greyed out, and the
    screens say why."""
    from textual.widgets import Static

    from okr_tui.screens.plan.planning import PlanningScreen
    from okr_tui.screens.review_close.review import ReviewScreen
    from okr_tui.screens.review_close.scoring import ScoringScreen
    from okr_tui.store.store import OkrStore

    viewer = OkrStore(demo_store.folder, demo_store.clock, read_only=True)
    app = make_app(viewer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert "2026-Q4  read-only" in screen_text(app).splitlines()[0]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)  # no check-in set-up
        assert app.check_action("check_in", ()) is None  # off: not in the footer

        await pilot.press("p")
        await pilot.pause()
        planning = app.screen
        assert isinstance(planning, PlanningScreen)
        for key in ("k", "o", "e", "n", "x"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is planning, key
        assert planning.check_action("add_key_result", ()) is None
        note = str(planning.query_one("#plan-note", Static).content)
        assert note.startswith("Read-only: this okr views the store") and "closed" not in note
        await pilot.press("escape", "r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        intro = str(app.screen.query_one("#review-intro", Static).content)
        assert "read-only: this okr only views the store" in intro
        review = app.screen
        await pilot.press("a")  # adjust a target: no dialog
        await pilot.pause()
        assert app.screen is review
        await pilot.press("escape", "s")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert "2026-Q4  read-only" in screen_text(app).splitlines()[0]
        assert "scores are read-only: this okr only views the store" in str(
            app.screen.query_one("#scoring-intro", Static).content
        )


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_header_keeps_the_team_and_badges_at_80_columns(demo_store, make_app, size):
    """At 80x24 the dashboard header lost the team name and the read-only badge off its end:
    the least needed parts (app name, next check-in) give way first."""
    from okr_tui.store.store import OkrStore

    viewer = OkrStore(demo_store.folder, demo_store.clock, read_only=True)
    app = make_app(viewer)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t", "down", "down", "enter")  # Sales
        await pilot.pause()
        header = screen_text(app).splitlines()[0].rstrip()
        assert "2026-Q4  read-only  week 8 of 14" in header
        assert header.endswith("│  Sales")


async def test_the_dashboard_stylesheet_is_parsed_with_the_app_s(demo_store, make_app, monkeypatch):
    """Issue 19: Textual parses every stylesheet again when a screen brings one it has not
    read, so the first screen's (dashboard.tcss) is read with the app's; and the theme is set
    before the app's stylesheet is first parsed (textual_compat.start_with_theme): nothing is
    parsed again before the first frame."""
    from textual.css.stylesheet import Stylesheet

    reparsed = []
    reparse = Stylesheet.reparse

    def counted(self: Stylesheet) -> None:
        reparsed.append(len(self.source))
        reparse(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert reparsed == []  # neither the theme's nor the dashboard's push
        sources = {where for where, _ in app.stylesheet.source}
        assert {str(path) for path in app.screen.css_path} <= sources
