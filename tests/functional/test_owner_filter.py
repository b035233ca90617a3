"""The owner filter ("My key results"): ctrl+g or the palette picks one owner, every screen that
lists key results shows only theirs and says so in its header, the choice is remembered in the
config file, and `okr --owner NAME` opens on the walk of that person's key results, whose saves
go to the coming meeting.

In the demo store Dana owns two key results: "Reach 500 paying customers" (a company objective)
and "Self-serve onboarding checklist…" (Growth); Sales has none of hers."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from okr_tui import cli, paths
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.people import find_owner, owner_names
from okr_tui.store.store import OkrStore
from okr_tui.widgets.objective_board import ObjectiveBoard
from tests.screen_reading import screen_text

DANA = ["Reach 500 paying customers", "Self-serve onboarding checklist"]
NOT_DANA = ["Increase activation rate", "Increase qualified leads", "net revenue retention"]
# The picker lists "Everyone's key results", then the owners by name: Amara, Ben, Chen, Dana…
PICK_DANA = ("ctrl+g", "down", "down", "down", "down", "enter")


def dana_kr_ids(store: OkrStore) -> set[str]:
    cycle = store.current_cycle()
    return {kr.id for kr in store.key_results(cycle.id) if kr.owner == "Dana"}


def remembered() -> dict:
    return tomllib.loads(paths.config_file().read_text(encoding="utf-8"))


def test_owner_names_are_each_person_once_and_found_however_typed():
    assert owner_names(["Dana", "ben", " dana ", "", "Amara"]) == ["Amara", "ben", "Dana"]
    assert find_owner(["Dana", "Ben"], "  DANA ") == "Dana"
    assert find_owner(["Dana"], "Dan") is None


async def test_ctrl_g_shows_only_that_owners_key_results_and_says_so(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*PICK_DANA)
        await pilot.pause()
        assert app.owner == "Dana"
        board = app.screen.query_one(ObjectiveBoard)
        assert set(board.lines) == dana_kr_ids(demo_store)
        text = screen_text(app)
        header = text.splitlines()[0]
        assert "Owner: Dana" in header and "all teams" in header
        for title in DANA:
            assert title in text
        for title in NOT_DANA:
            assert title not in text
        assert "Sales" not in text  # an objective with none of hers is left out
        # Everyone's again.
        await pilot.press("ctrl+g", "home", "enter")
        await pilot.pause()
        assert app.owner is None
        assert len(app.screen.query_one(ObjectiveBoard).lines) == 9
        assert "Owner:" not in screen_text(app).splitlines()[0]


async def test_the_owner_filter_is_remembered_across_a_restart(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*PICK_DANA)
        await pilot.pause()
    assert remembered()["owner"] == "Dana"

    again = make_app(demo_store)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert again.owner == "Dana"
        assert set(again.screen.query_one(ObjectiveBoard).lines) == dana_kr_ids(demo_store)
        assert "Owner: Dana" in screen_text(again).splitlines()[0]
        await pilot.press("ctrl+g", "home", "enter")  # everyone's: forgotten
        await pilot.pause()
    assert "owner" not in remembered()


async def test_the_team_and_owner_filters_narrow_together(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*PICK_DANA)
        await pilot.press("ctrl+t", "down", "down", "enter")  # Sales: none of Dana's there
        await pilot.pause()
        board = app.screen.query_one(ObjectiveBoard)
        cycle = demo_store.current_cycle()
        company = {
            kr.id
            for kr in demo_store.key_results(cycle.id)
            if kr.owner == "Dana"
            and kr.objective_id
            in {o.id for o in demo_store.objectives(cycle.id) if o.team_id is None}
        }
        assert set(board.lines) == company  # her company key result only
        assert screen_text(app).splitlines()[0].rstrip().endswith("Sales  ·  Owner: Dana")


@pytest.mark.parametrize("key", ["m", "r", "s"], ids=["presentation", "review", "scoring"])
async def test_every_screen_of_key_results_lists_only_the_owners(demo_store, make_app, key):
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*PICK_DANA)
        await pilot.press(key)
        await pilot.pause()
        screen = app.screen
        if key == "m":
            shown = {line.kr.id for slide in screen.slides for line in slide.block.lines}
            assert len(screen.slides) == 2  # the company's and Growth's objectives
        elif key == "r":
            shown = set(screen._lines)
        else:
            shown = set(screen._krs)
            assert len(screen._objectives) == 2
        assert shown == dana_kr_ids(demo_store)
        assert "Owner: Dana" in screen_text(app).splitlines()[0]


async def test_the_walk_set_up_says_whose_update_it_is(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*PICK_DANA)
        await pilot.press("c")
        await pilot.pause()
        text = screen_text(app)
        assert "Dana's update for the meeting of Monday 23 November 2026" in text
        assert "2 key results" in text
        await pilot.press("enter")
        await pilot.pause()
        assert set(app.screen.order) == dana_kr_ids(demo_store)
        assert app.screen.settings.owner == "Dana"


def friday_store(demo_store: OkrStore) -> OkrStore:
    """The demo on the Friday after the 23 November meeting: updates go to 30 November's."""
    return OkrStore(demo_store.folder, FixedClock("2026-11-27T10:00:00Z"))


async def test_okr_owner_opens_on_the_walk_of_that_persons_key_results(demo_store, make_app):
    from okr_tui.screens.dashboard import DashboardScreen
    from okr_tui.screens.walk.walkthrough import WalkthroughScreen

    store = friday_store(demo_store)
    cycle = store.current_cycle()
    before = {c.id for c in store.check_ins(cycle.id)}
    app = make_app(store, owner="Dana")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        walk = app.screen
        assert isinstance(walk, WalkthroughScreen)
        assert set(walk.order) == dana_kr_ids(store)
        assert walk.meeting_day == date(2026, 11, 30)
        text = screen_text(app)
        assert "Owner: Dana" in text.splitlines()[0]
        assert "Dana's key results · check-in Mon 30 Nov" in text
        # The walk's own keys: a value, Enter, a confidence; twice.
        first = walk.current_kr_id
        await pilot.press("4", "3", "0", "enter", "g")
        await pilot.pause()
        assert walk.current_kr_id != first
        await pilot.press("enter")  # the milestone: keep the value shown
        await pilot.press("y")
        await pilot.pause()
        # The last one saved: back on the dashboard, filtered to her; no meeting closed.
        assert isinstance(app.screen, DashboardScreen)
        assert set(app.screen.query_one(ObjectiveBoard).lines) == dana_kr_ids(store)
    added = [c for c in store.check_ins(cycle.id) if c.id not in before]
    assert {c.kr_id for c in added} == dana_kr_ids(store)
    assert {c.meeting_date for c in added} == {date(2026, 11, 30)}
    assert {c.author for c in added} == {"Dana"}
    assert not any(c.in_meeting for c in added)  # given before the meeting, for it to review
    assert not any(m.reviewed_kr_ids for m in store.meetings(cycle.id))
    assert next(c for c in added if c.kr_id == first).value == 430
    assert not any(m.closed_at for m in store.meetings(cycle.id) if m.meeting_date.day == 30)
    # --owner is for this run: the config remembers only a choice made in the app.
    assert not paths.config_file().exists()


async def test_my_key_results_in_the_palette_asks_whose_then_walks_them(demo_store, make_app):
    from okr_tui.screens.walk.walkthrough import WalkthroughScreen

    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"my key results")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # Amara, Ben, Chen, Dana
        await pilot.pause()
        assert app.owner == "Dana"
        assert isinstance(app.screen, WalkthroughScreen)
        assert set(app.screen.order) == dana_kr_ids(demo_store)


def test_okr_owner_with_an_unknown_name_is_one_clear_line(demo_store, capsys):
    status = cli.main(
        ["--db", str(demo_store.folder), "--at", "2026-11-23T10:00", "--owner", "Zed"]
    )
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no key result of 2026-Q4 is owned by 'Zed'" in err and "Dana" in err


def test_okr_owner_opens_the_app_with_the_name_as_the_store_spells_it(demo_store, monkeypatch):
    from okr_tui.app import OkrApp

    opened = {}
    monkeypatch.setattr(OkrApp, "run", lambda self: None)
    monkeypatch.setattr(
        OkrApp, "__init__", lambda self, store, **options: opened.update(options) or None
    )
    monkeypatch.setattr(OkrApp, "store_error", None, raising=False)
    monkeypatch.setattr(OkrApp, "return_code", 0, raising=False)
    cli.main(["--db", str(demo_store.folder), "--owner", " dana "])
    assert opened["owner"] == "Dana"


def test_okr_serve_passes_the_owner_to_every_tab(demo_store, monkeypatch):
    from okr_tui import share

    started = {}

    class FakeServer:
        def __init__(self, commands, tokens, **options) -> None:
            started.update(commands)

        def serve(self) -> None:
            pass

    monkeypatch.setattr(share, "TokenServer", FakeServer)
    assert cli.main(["--db", str(demo_store.folder), "serve", "--owner", "dana"]) == 0
    assert started and all(
        command.endswith(("--owner Dana --read-only", "--owner Dana"))
        for command in started.values()
    )


def test_snapshot_dashboard_filtered_to_one_owner(snap_compare, demo_store, make_app):
    assert snap_compare(make_app(demo_store), press=list(PICK_DANA), terminal_size=(100, 30))


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
def test_snapshot_okr_owner_opens_on_the_walk(snap_compare, demo_store, make_app, size):
    app = make_app(friday_store(demo_store), owner="Dana")
    assert snap_compare(app, terminal_size=size)


async def test_a_remembered_owner_without_key_results_says_so(demo_store, make_app):
    from okr_tui import config

    config.update_settings({"owner": "Zed"})
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Owner: Zed" in text.splitlines()[0]
        assert "No key result of Zed in this cycle. ctrl+g shows everyone's." in text
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert "Zed" in screen_text(app)  # still a choice, to be changed from
        await pilot.press("home", "enter")
        await pilot.pause()
        assert len(app.screen.query_one(ObjectiveBoard).lines) == 9


def test_the_config_refuses_an_owner_that_is_not_a_name(isolated_home):
    from okr_tui import config

    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text('owner = "a\\u001b[2Jb"\n', encoding="utf-8")
    settings, problems = config.load_settings()
    assert settings.owner is None
    assert problems and "owner" in problems[0]


async def test_an_owner_name_that_looks_like_markup_is_shown_as_typed(demo_store, make_app):
    from okr_tui import config

    name = "[red]Zed[/] [@click=app.quit]x[/]"
    config.update_settings({"owner": name})
    app = make_app(demo_store)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert f"Owner: {name}" in screen_text(app).splitlines()[0]
        await pilot.press("m")
        await pilot.pause()
        assert f"Owner: {name}" in screen_text(app).splitlines()[0]
        await pilot.press("escape", "ctrl+g")
        await pilot.pause()
        assert name in screen_text(app)
        assert app.return_code is None


async def test_a_read_only_tab_opened_on_an_owner_shows_their_board(demo_store, make_app):
    """`okr serve --owner NAME`'s view link: the filtered board, no walk, nothing written."""
    from okr_tui.screens.dashboard import DashboardScreen

    viewer = OkrStore(demo_store.folder, demo_store.clock, read_only=True)
    app = make_app(viewer, owner="Dana")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert set(app.screen.query_one(ObjectiveBoard).lines) == dana_kr_ids(demo_store)
        await pilot.press(*PICK_DANA[:1], "home", "enter")  # everyone's, not remembered
        await pilot.pause()
        assert app.owner is None
    assert not paths.config_file().exists()
