"""One message for every save (messages.StoreChanged): a save on one screen reaches the screens
below it, which re-read once, when they are on top again, and not at every save; a change
another process made reaches them the same way."""

from __future__ import annotations

from test_walkthrough import MEETING, Keys, build_team, start_walk

from okr_tui.domain.models import CheckIn, Confidence
from okr_tui.screens.dashboard import DashboardScreen
from okr_tui.screens.walk.walkthrough import WalkthroughScreen
from okr_tui.store.store import OkrStore
from tests.screen_reading import screen_text


def kr_line(app, title: str) -> str:
    """The board's figures line under a key result's title."""
    lines = screen_text(app).splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == title)
    return lines[at + 1]


async def test_a_check_in_saved_in_the_walk_shows_on_the_dashboard_after_escape(store, make_app):
    build_team(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "1 due" in kr_line(app, "KR 1.1")
        keys = Keys(pilot)
        await start_walk(keys)
        await keys.type("42")
        await keys("enter", "1")  # saved: the walk is on KR 1.2
        await keys("escape")
        assert isinstance(app.screen, DashboardScreen)
        line = kr_line(app, "KR 1.1")
        assert "42% / 100%" in line and "✓ done" in line, line
        assert "11 not updated" in screen_text(app)


async def test_the_dashboard_below_the_walk_reads_the_store_once_when_on_top_again(
    store, make_app, monkeypatch
):
    """The dashboard's reload works out its prep lane and forecasts for every key result: under
    the walk it only notes that the store changed, and re-reads once, on escape."""
    build_team(store)
    reloads: list[str] = []
    original = DashboardScreen.reload

    def counted(self) -> None:
        reloads.append("dashboard")
        original(self)

    monkeypatch.setattr(DashboardScreen, "reload", counted)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        keys = Keys(pilot)
        walk = await start_walk(keys)
        reloads.clear()
        for value in ("10", "20", "30"):
            await keys.type(value)
            await keys("enter", "1")
        assert walk.index == 3
        assert len(store.check_ins(store.current_cycle().id)) == 3
        assert reloads == []
        await keys("escape")
        assert isinstance(app.screen, DashboardScreen)
        assert reloads == ["dashboard"]
        # Help over the dashboard changed nothing: no second read when it closes.
        await keys("question_mark")
        await keys("escape")
        assert isinstance(app.screen, DashboardScreen)
        assert reloads == ["dashboard"]


async def test_a_check_in_saved_by_another_okr_reaches_the_screens_below_too(
    store, make_app, clock
):
    cycle = build_team(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        keys = Keys(pilot)
        walk = await start_walk(keys)
        kr = next(k for k in store.key_results(cycle.id) if k.title == "KR 2.1")
        other = OkrStore(store.folder, clock)  # a second window, a script
        other.add_check_in(
            CheckIn(
                cycle_id=cycle.id,
                kr_id=kr.id,
                meeting_date=MEETING,
                value=64,
                confidence=Confidence.AT_RISK,
                recorded_at=clock.now(),
                in_meeting=True,
            )
        )
        app.check_store_on_disk()  # the store's poll
        await pilot.pause()
        assert isinstance(app.screen, WalkthroughScreen)
        assert kr.id in walk._reviewed  # the walk on top re-read at once
        await keys("escape")
        assert isinstance(app.screen, DashboardScreen)
        line = kr_line(app, "KR 2.1")
        assert "64% / 100%" in line and "✓ done" in line, line


async def test_the_walk_shows_its_own_saves_without_reading_its_records_again(
    store, make_app, monkeypatch
):
    """A step after a save or an accept takes the check-in into what the walk shows: reading
    every record of the walk again was the walk's largest cost in a step (docs/benchmarks.md).
    Going back reads them again."""
    build_team(store)
    loads: list[str] = []
    original = WalkthroughScreen._load

    def counted(self) -> bool:
        loads.append("walk")
        return original(self)

    monkeypatch.setattr(WalkthroughScreen, "_load", counted)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        keys = Keys(pilot)
        walk = await start_walk(keys)
        loads.clear()
        await keys.type("10")
        await keys("enter", "1")
        await keys.type("20")
        await keys("enter", "2")
        assert (walk.index, walk.walk.done_count, loads) == (2, 2, [])
        assert "2 of 12 reviewed" in screen_text(app)
        await keys("ctrl+b")  # back to the second: read again, and it shows its check-in
        assert loads == ["walk"]
        assert walk.query_one("#walk-value").value == "20"
        assert "Already checked in for this meeting" in screen_text(app)
