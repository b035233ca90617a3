"""Presentation mode: one objective at a time for the shared meeting screen."""

from __future__ import annotations

import pytest
from textual.widgets import Digits, Footer, Static

from okr_tui.domain.models import Objective
from okr_tui.screens.dashboard import DashboardScreen
from okr_tui.screens.walk.presentation import PresentationScreen
from tests.screen_reading import screen_text


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).visual)


def kr_titles(screen) -> list[str]:
    return [str(widget.visual) for widget in screen.query(".kr-title").results(Static)]


def expected_order(store) -> list[Objective]:
    """Company objectives first, then each team's, as on the dashboard."""
    cycle = store.current_cycle()
    objectives = store.objectives(cycle.id)
    order = [None] + [team.id for team in store.teams()]
    return sorted(objectives, key=lambda o: order.index(o.team_id))


async def test_present_walks_objectives_and_escape_returns(demo_store, make_app):
    objectives = expected_order(demo_store)
    count = len(objectives)
    assert count >= 3
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PresentationScreen)
        assert not screen.query(Footer)  # no editing chrome
        assert shown(screen, "#present-title") == objectives[0].title
        assert shown(screen, "#present-counter") == f"1 of {count}"
        krs = demo_store.key_results(objectives[0].cycle_id, objectives[0].id)
        assert kr_titles(screen) == [kr.title + f"  · {kr.owner}" for kr in krs]

        await pilot.press("right")
        await pilot.pause()
        assert shown(screen, "#present-title") == objectives[1].title
        assert shown(screen, "#present-counter") == f"2 of {count}"

        await pilot.press("space")
        await pilot.pause()
        assert shown(screen, "#present-title") == objectives[2].title
        await pilot.press("pageup")
        await pilot.pause()
        assert shown(screen, "#present-counter") == f"2 of {count}"
        await pilot.press("left", "left", "left")  # stops at the first
        await pilot.pause()
        assert shown(screen, "#present-counter") == f"1 of {count}"
        await pilot.press("end")
        await pilot.pause()
        assert shown(screen, "#present-counter") == f"{count} of {count}"

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_key_results_show_value_target_confidence_and_pace(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        figures = [str(w.visual) for w in app.screen.query(".kr-figures-inline").results(Static)]
        # The company objective: "Reach 500 paying customers" in customers.
        assert any("/ 500 customers" in text for text in figures)
        assert all(("on track" in t or "at risk" in t or "off track" in t) for t in figures)
        assert all(("of pace" in t or "behind pace" in t or "■ on pace" in t) for t in figures)
        digits = app.screen.query_one("#present-digits", Digits)
        assert digits.value.endswith("%")


async def test_milestone_reads_done_or_not(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("m", "right")  # Growth holds the milestone
        await pilot.pause()
        figures = [str(w.visual) for w in app.screen.query(".kr-figures-inline").results(Static)]
        assert any(text.startswith(("not done yet", "done")) for text in figures)


async def test_palette_command_opens_presentation(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Presentation mode" in titles
        app.action_present()
        await pilot.pause()
        assert isinstance(app.screen, PresentationScreen)
        app.action_present()  # already presenting: no second copy
        await pilot.pause()
        assert len([s for s in app.screen_stack if isinstance(s, PresentationScreen)]) == 1


async def test_team_filter_is_respected(demo_store, make_app):
    app = make_app(demo_store)
    sales = demo_store.team_named("Sales")
    cycle = demo_store.current_cycle()
    wanted = [o.title for o in expected_order(demo_store) if o.team_id in (None, sales.id)]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.team_id = sales.id
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        seen = []
        for _ in wanted:
            seen.append(shown(app.screen, "#present-title"))
            await pilot.press("right")
            await pilot.pause()
        assert seen == wanted
        assert shown(app.screen, "#present-counter") == f"{len(wanted)} of {len(wanted)}"
        assert "Sales" in shown(app.screen, "#present-context")
        # Switching the filter while presenting re-reads the slides.
        app.team_id = None
        await pilot.pause()
        everything = len(demo_store.objectives(cycle.id))
        assert shown(app.screen, "#present-counter").endswith(f"of {everything}")


async def test_scores_show_in_a_scored_cycle(demo_store, make_app):
    closed = next(c for c in demo_store.cycles() if c.state.value == "closed")
    assert demo_store.scores(closed.id)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.cycle_id = closed.id
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        figures = [str(w.visual) for w in app.screen.query(".kr-figures-inline").results(Static)]
        assert figures and all("score " in text for text in figures)
        assert "score " in shown(app.screen, "#present-meta")


async def test_the_projector_and_the_dashboard_show_the_same_objective_score(demo_store, make_app):
    """One key result scored 0.7 mid-scoring: the presentation averaged the given scores alone
    (0.7) while the dashboard read the suggested ones (0.5). Both now show the score the
    objective stands at: given scores where there are some, suggested ones elsewhere."""
    import re

    from okr_tui.domain.models import Score

    cycle = demo_store.current_cycle()
    first = expected_order(demo_store)[0]
    krs = [kr for kr in demo_store.key_results(cycle.id) if kr.objective_id == first.id]
    demo_store.save_score(
        Score(
            cycle_id=cycle.id,
            kr_id=krs[0].id,
            suggested=0.5,
            given=1.0,
            reason="closed the big deal",
            scored_at=demo_store.clock.now(),
        )
    )
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        dashboard_scores = re.findall(r"score \S+ (\d\.\d)", screen_text(app))
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PresentationScreen)
        [projected] = re.findall(r"score \S+ (\d\.\d)", shown(app.screen, "#present-meta"))
    assert projected == dashboard_scores[0]
    assert projected != "1.0"  # not the given score of one key result alone


async def test_hostile_titles_show_as_typed(demo_store, make_app):
    cycle = demo_store.current_cycle()
    first = expected_order(demo_store)[0]
    hostile = "[bold]Grow[/] 50% [x] [@click=app.quit]y[/] $accent"
    demo_store.save_objective(first.model_copy(update={"title": hostile, "owner": "[red]Dana"}))
    kr = demo_store.key_results(cycle.id, first.id)[0]
    demo_store.save_key_result(kr.model_copy(update={"title": "Cut costs [red]now[/]"}))
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert shown(app.screen, "#present-title") == hostile
        assert "[red]Dana" in shown(app.screen, "#present-meta")
        assert kr_titles(app.screen)[0].startswith("Cut costs [red]now[/]")
        await pilot.click("#present-title")
        await pilot.pause()
        assert app.is_running


async def test_a_cycle_without_objectives_says_so(store, make_app):
    from datetime import date, time

    from okr_tui.domain.models import Cycle, CycleState

    store.save_cycle(
        Cycle(
            name="2026-Q4",
            start=date(2026, 10, 1),
            end=date(2026, 12, 31),
            timezone="Europe/Berlin",
            meeting_weekday=0,
            meeting_time=time(9, 30),
            state=CycleState.ACTIVE,
        )
    )
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.action_present()
        await pilot.pause()
        assert isinstance(app.screen, PresentationScreen)
        assert "Nothing to present" in shown(app.screen, "#present-title")
        await pilot.press("right", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, PresentationScreen)


async def test_large_screens_get_big_digits_per_key_result(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert app.screen.has_class("-large")
        assert all(d.display for d in app.screen.query(".kr-digits"))
    small = make_app(demo_store)
    async with small.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert not small.screen.has_class("-large")
        assert not any(d.display for d in small.screen.query(".kr-digits"))


@pytest.mark.parametrize(
    "size", [(80, 24), (100, 30), (120, 40), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}"
)
async def test_every_bar_of_a_slide_is_on_one_scale(demo_store, make_app, size):
    """At 100x30 a 53% bar filled 18 of 34 cells and looked shorter than a 41% bar filling 21
    of 52: each bar filled what its figures left. Now every bar of a slide has one width, so
    the larger percentage always has more filled cells."""
    from okr_tui.screens.walk.presentation import Bar

    app = make_app(demo_store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        screen = app.screen
        for _ in range(len(screen.slides)):
            bars = list(screen.query(Bar))
            assert len({bar.size.width for bar in bars}) == 1, screen.index
            krs = [bar for bar in bars if bar.has_class("kr-bar")]
            pairs = [(a, b) for a in krs for b in krs if a.fraction > b.fraction + 0.02]
            for larger, smaller in pairs:
                filled = round(larger.fraction * larger.size.width)
                assert filled > round(smaller.fraction * smaller.size.width)
            await pilot.press("right")
            await pilot.pause()


async def test_a_larger_percentage_fills_more_cells_at_100_columns(demo_store, make_app):
    """The company slide: 45% "Reach 500 paying customers" beside 35% "net revenue
    retention", whose figures are shorter, so its bar was the longer one."""
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        rows = screen_text(app).splitlines()
        by_percent = {}
        for row in rows:
            for percent in ("35%", "45%"):
                if f" {percent} " in row and "█" in row:
                    bar = row.strip().split(" ")[0]
                    by_percent[percent] = (bar.count("█"), len(bar))
        assert by_percent["45%"][0] > by_percent["35%"][0]
        assert by_percent["45%"][1] == by_percent["35%"][1]
